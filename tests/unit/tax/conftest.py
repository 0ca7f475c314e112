"""Helpers for the 個人住民税 unit tests."""

from __future__ import annotations

import numpy as np

from kikan.tax.individual_resident import YearParams, national_parameters, year_params
from kikan.tax.individual_resident.vec import Yen


def fy(fiscal_year: int, *, designated: bool = False, grade: int = 1) -> YearParams:
    return year_params(national_parameters(), fiscal_year, designated=designated, grade=grade)


def arr(*values: int) -> Yen:
    return np.asarray(values, dtype=np.int64)
