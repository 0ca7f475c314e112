"""学年（学校教育法第17条）と年度（地方自治法第208条）。"""

from __future__ import annotations

import datetime as dt

import pytest

from kikan.core.calendar import (
    SchoolGrade,
    fiscal_year_of,
    fiscal_year_range,
    school_entry_date,
    school_grade_on,
)

D = dt.date


@pytest.mark.parametrize(
    ("birth", "entry"),
    [
        (D(2019, 4, 1), D(2025, 4, 1)),  # 4/1 births belong to the earlier cohort
        (D(2019, 4, 2), D(2026, 4, 1)),
        (D(2018, 4, 2), D(2025, 4, 1)),
        (D(2020, 3, 31), D(2026, 4, 1)),
        (D(2020, 1, 1), D(2026, 4, 1)),
        (D(2020, 2, 29), D(2026, 4, 1)),
    ],
)
def test_school_entry_date(birth: dt.date, entry: dt.date) -> None:
    assert school_entry_date(birth) == entry


@pytest.mark.parametrize(
    ("birth", "on", "grade"),
    [
        (D(2019, 4, 2), D(2026, 3, 31), None),
        (D(2019, 4, 2), D(2026, 4, 1), ("小学校", 1)),
        (D(2019, 4, 1), D(2026, 4, 1), ("小学校", 2)),
        (D(2019, 4, 1), D(2025, 3, 31), None),
        (D(2019, 4, 1), D(2025, 4, 1), ("小学校", 1)),
        (D(2014, 11, 26), D(2026, 11, 26), ("小学校", 6)),
        (D(2013, 11, 26), D(2026, 11, 26), ("中学校", 1)),
        (D(2012, 4, 1), D(2026, 11, 26), ("中学校", 3)),
        (D(2011, 4, 1), D(2026, 11, 26), None),  # past compulsory education
        (D(2011, 4, 2), D(2027, 3, 31), ("中学校", 3)),
        (D(2011, 4, 2), D(2027, 4, 1), None),
    ],
)
def test_school_grade_on(birth: dt.date, on: dt.date, grade: tuple[str, int] | None) -> None:
    assert school_grade_on(birth, on) == grade


def test_school_grade_is_named_tuple() -> None:
    grade = school_grade_on(D(2019, 4, 2), D(2026, 4, 1))
    assert isinstance(grade, SchoolGrade)
    assert (grade.school, grade.grade) == ("小学校", 1)


@pytest.mark.parametrize(
    ("day", "fy"),
    [(D(2026, 3, 31), 2025), (D(2026, 4, 1), 2026), (D(2026, 1, 1), 2025), (D(2026, 12, 31), 2026)],
)
def test_fiscal_year_of(day: dt.date, fy: int) -> None:
    assert fiscal_year_of(day) == fy


def test_fiscal_year_range() -> None:
    assert fiscal_year_range(2025) == (D(2025, 4, 1), D(2026, 3, 31))
    assert fiscal_year_range(2027) == (D(2027, 4, 1), D(2028, 3, 31))
