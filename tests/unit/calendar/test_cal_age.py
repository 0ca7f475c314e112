"""年齢計算（年齢計算ニ関スル法律・民法第143条）。"""

from __future__ import annotations

import datetime as dt

import pytest

from kikan.core.calendar import age_on, date_reaching_age, first_march31_after_reaching

D = dt.date


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (D(2000, 4, 2), D(2018, 4, 1), 18),  # the day before the birthday already counts
        (D(2000, 4, 2), D(2018, 3, 31), 17),
        (D(2000, 4, 2), D(2018, 4, 2), 18),
        (D(2000, 1, 1), D(2000, 12, 30), 0),
        (D(2000, 1, 1), D(2000, 12, 31), 1),
        (D(2000, 1, 1), D(2000, 1, 1), 0),
        (D(2004, 2, 29), D(2022, 2, 27), 17),
        (D(2004, 2, 29), D(2022, 2, 28), 18),  # non-leap year: 2/28
        (D(2004, 2, 29), D(2024, 2, 27), 19),
        (D(2004, 2, 29), D(2024, 2, 28), 20),  # leap year: still 2/28, the day before 2/29
        (D(2004, 3, 1), D(2022, 2, 28), 18),
        (D(2004, 3, 1), D(2022, 2, 27), 17),
        (D(1950, 6, 15), D(2026, 11, 26), 76),
    ],
)
def test_age_on(birth: dt.date, on: dt.date, age: int) -> None:
    assert age_on(birth, on) == age


def test_age_on_before_birth_rejected() -> None:
    with pytest.raises(ValueError, match="生年月日 2000-01-02 より前"):
        age_on(D(2000, 1, 2), D(2000, 1, 1))


def test_datetime_rejected() -> None:
    with pytest.raises(TypeError):
        age_on(D(2000, 1, 1), dt.datetime(2020, 1, 1))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("birth", "age", "reached"),
    [
        (D(2000, 4, 2), 18, D(2018, 4, 1)),
        (D(2000, 4, 1), 6, D(2006, 3, 31)),
        (D(2000, 1, 1), 1, D(2000, 12, 31)),
        (D(2000, 3, 1), 20, D(2020, 2, 29)),
        (D(2004, 2, 29), 18, D(2022, 2, 28)),
        (D(2004, 2, 29), 20, D(2024, 2, 28)),
        (D(2004, 2, 29), 1, D(2005, 2, 28)),
        (D(2004, 2, 29), 0, D(2004, 2, 29)),
    ],
)
def test_date_reaching_age(birth: dt.date, age: int, reached: dt.date) -> None:
    assert date_reaching_age(birth, age) == reached


def test_negative_age_rejected() -> None:
    with pytest.raises(ValueError):
        date_reaching_age(D(2000, 1, 1), -1)


@pytest.mark.parametrize(
    ("birth", "end"),
    [
        (D(2008, 4, 1), D(2026, 3, 31)),  # reaches 18 on 3/31 itself: that 3/31 counts
        (D(2008, 4, 2), D(2027, 3, 31)),
        (D(2008, 3, 31), D(2026, 3, 31)),
        (D(2008, 1, 1), D(2026, 3, 31)),
        (D(2008, 12, 31), D(2027, 3, 31)),
        (D(2008, 2, 29), D(2026, 3, 31)),
    ],
)
def test_first_march31_after_reaching_18(birth: dt.date, end: dt.date) -> None:
    assert first_march31_after_reaching(birth, 18) == end
