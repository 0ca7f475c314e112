"""Batch interface: validation of columns, chunking, relatives table."""

from __future__ import annotations

import numpy as np
import pytest

from kikan.core.errors import ValidationFailed
from kikan.tax.individual_resident import calculate_batch, national_parameters


def test_unknown_float_and_misaligned_columns_are_refused() -> None:
    p = national_parameters()
    with pytest.raises(ValidationFailed) as info:
        calculate_batch(
            {"salary_revenue": np.array([1.5]), "bonus": np.array([1]), "age": np.array([1, 2])}, p, 2026
        )
    fields = {e.field for e in info.value.errors}
    assert {"salary_revenue", "bonus", "age"} <= fields


def test_relative_owner_out_of_range_is_refused() -> None:
    with pytest.raises(ValidationFailed) as info:
        calculate_batch(
            {
                "salary_revenue": np.array([3_000_000]),
                "relative.owner": np.array([1]),
                "relative.age": np.array([5]),
            },
            national_parameters(),
            2025,
        )
    assert info.value.errors[0].field == "relative.owner"


def test_grade_and_year_are_checked() -> None:
    cols = {"salary_revenue": np.array([3_000_000])}
    with pytest.raises(ValidationFailed):
        calculate_batch(cols, national_parameters(), 2026, grade=4)
    with pytest.raises(ValidationFailed):
        calculate_batch(cols, national_parameters(), 2030)


def test_chunking_gives_the_same_result() -> None:
    rng = np.random.default_rng(1)
    n = 1000
    cols = {
        "salary_revenue": rng.integers(0, 12_000_000, n),
        "pension_revenue": rng.integers(0, 3_000_000, n),
        "age": rng.integers(20, 90, n),
        "donation_hometown": rng.integers(0, 100_000, n),
        "relative.owner": rng.integers(0, n, 700),
        "relative.is_spouse": np.zeros(700, dtype=np.int64),
        "relative.age": rng.integers(0, 80, 700),
    }
    whole = calculate_batch(cols, national_parameters(), 2026, chunk=10_000)
    chunked = calculate_batch(cols, national_parameters(), 2026, chunk=97)
    for key, value in whole.items():
        assert np.array_equal(value, chunked[key]), key
    assert whole["household_members"].sum() == 700
