"""Month arithmetic shared by the allowances (kikan.welfare) against the calendar kernel."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kikan.core.calendar import date_reaching_age, first_march31_after_reaching
from kikan.welfare import (
    birthday_month,
    last_month_before_fy_end,
    month_index,
    month_label,
    month_start,
    payment_month,
    reaching_month,
    split_dates,
)

births = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))


def _one(day: date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return split_dates(np.asarray([day], dtype="datetime64[D]"))


@given(births, st.integers(1, 25))
def test_fy_end_month_matches_calendar_kernel(birth: date, age: int) -> None:
    y, m, d = _one(birth)
    expected = month_index(first_march31_after_reaching(birth, age))
    assert int(last_month_before_fy_end(y, m, d, age)[0]) == expected


@given(births, st.integers(1, 25))
def test_reaching_month_matches_calendar_kernel(birth: date, age: int) -> None:
    y, m, d = _one(birth)
    assert int(reaching_month(y, m, d, age)[0]) == month_index(date_reaching_age(birth, age))
    assert int(birthday_month(y, m, age)[0]) == (birth.year + age) * 12 + birth.month - 1


@given(births)
def test_split_dates_round_trip(day: date) -> None:
    y, m, d = _one(day)
    assert date(int(y[0]), int(m[0]), int(d[0])) == day


def test_april_first_birth_belongs_to_the_earlier_school_year() -> None:
    y, m, d = split_dates(np.asarray(["2007-04-01", "2007-04-02"], dtype="datetime64[D]"))
    assert [month_label(int(x)) for x in last_month_before_fy_end(y, m, d, 18)] == ["2025-03", "2026-03"]


def test_month_helpers() -> None:
    assert month_index(date(2024, 10, 31)) == 2024 * 12 + 9
    assert month_start(month_index(date(2024, 10, 31))) == date(2024, 10, 1)
    assert month_label(month_index(date(2025, 1, 5))) == "2025-01"


@pytest.mark.parametrize(
    ("month", "months", "paid"),
    [
        ("2024-09", (2, 6, 10), "2024-10"),
        ("2024-06", (2, 6, 10), "2024-10"),
        ("2024-10", (2, 4, 6, 8, 10, 12), "2024-12"),
        ("2024-12", (2, 4, 6, 8, 10, 12), "2025-02"),
        ("2025-04", (1, 3, 5, 7, 9, 11), "2025-05"),
        ("2025-11", (1, 3, 5, 7, 9, 11), "2026-01"),
    ],
)
def test_payment_month_is_the_next_payment_month(month: str, months: tuple[int, ...], paid: str) -> None:
    year, mon = map(int, month.split("-"))
    assert month_label(payment_month(year * 12 + mon - 1, months)) == paid


def test_payment_month_needs_months() -> None:
    with pytest.raises(ValueError):
        payment_month(0, ())
