"""開庁日カレンダー（地方自治法第4条の2・地方税法第20条の5）。"""

from __future__ import annotations

import datetime as dt

import pytest

from kikan.core.calendar import BusinessCalendar, CalendarRangeError

D = dt.date
CAL = BusinessCalendar()


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2026, 9, 22), "国民の休日"),  # between 敬老の日 (9/21) and 秋分の日 (9/23)
        (D(2025, 5, 6), "振替休日"),  # みどりの日 (5/4) fell on a Sunday
        (D(2019, 5, 1), "天皇の即位の日"),
        (D(2026, 1, 1), "元日"),
        (D(2026, 11, 23), "勤労感謝の日"),
    ],
)
def test_holiday_names(day: dt.date, name: str) -> None:
    assert CAL.holiday_name(day) == name
    assert not CAL.is_business_day(day)


def test_ordinary_days() -> None:
    assert CAL.holiday_name(D(2026, 11, 26)) is None
    assert CAL.is_business_day(D(2026, 11, 26))  # Thursday
    assert CAL.closure_reason(D(2026, 11, 28)) == "土曜日"
    assert CAL.closure_reason(D(2026, 11, 29)) == "日曜日"
    assert CAL.closure_reason(D(2026, 11, 27)) is None


@pytest.mark.parametrize(
    "day", [D(2026, 12, 29), D(2026, 12, 30), D(2026, 12, 31), D(2027, 1, 1), D(2027, 1, 4)]
)
def test_year_end_closure(day: dt.date) -> None:
    expected_open = day == D(2027, 1, 4)
    assert CAL.is_business_day(day) is expected_open
    assert CAL.is_business_day(D(2026, 12, 28))  # Monday before the closure


def test_year_end_closure_can_be_disabled() -> None:
    cal = BusinessCalendar(default_year_end=False)
    assert cal.is_business_day(D(2026, 12, 29))
    assert cal.is_business_day(D(2026, 12, 30))
    assert not cal.is_business_day(D(2027, 1, 1))  # 元日 is still a national holiday
    assert CAL.closure_reason(D(2026, 12, 29)) == "年末年始"
    assert CAL.closure_reason(D(2027, 1, 2)) == "土曜日"
    assert CAL.closure_reason(D(2025, 1, 2)) == "年末年始"


def test_local_closure_days() -> None:
    okinawa = BusinessCalendar(closure_days=[D(2026, 6, 23)])  # 慰霊の日（沖縄県の条例）
    assert not okinawa.is_business_day(D(2026, 6, 23))
    assert okinawa.closure_reason(D(2026, 6, 23)) == "条例で定める休日"
    assert CAL.is_business_day(D(2026, 6, 23))
    assert okinawa.closure_days == frozenset({D(2026, 6, 23)})
    assert okinawa.shift_due_date(D(2026, 6, 23)) == D(2026, 6, 24)


def test_closure_days_type_checked() -> None:
    with pytest.raises(TypeError):
        BusinessCalendar(closure_days=["2026-06-23"])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("due", "shifted"),
    [
        (D(2026, 11, 26), D(2026, 11, 26)),  # business day: unchanged
        (D(2026, 11, 28), D(2026, 11, 30)),  # Saturday
        (D(2026, 11, 29), D(2026, 11, 30)),  # Sunday
        (D(2026, 12, 29), D(2027, 1, 4)),  # 年末年始 → first business day of the year
        (D(2026, 12, 31), D(2027, 1, 4)),
        (D(2026, 9, 19), D(2026, 9, 24)),  # Sat + 敬老の日 + 国民の休日 + 秋分の日
        (D(2025, 5, 3), D(2025, 5, 7)),  # 憲法記念日 … 振替休日
        (D(2019, 4, 27), D(2019, 5, 7)),  # 2019 ten-day Golden Week
    ],
)
def test_shift_due_date(due: dt.date, shifted: dt.date) -> None:
    assert CAL.shift_due_date(due) == shifted


def test_next_and_previous_business_day() -> None:
    assert CAL.next_business_day(D(2026, 11, 26)) == D(2026, 11, 26)
    assert CAL.next_business_day(D(2026, 11, 28)) == D(2026, 11, 30)
    assert CAL.previous_business_day(D(2027, 1, 3)) == D(2026, 12, 28)
    assert CAL.previous_business_day(D(2026, 11, 26)) == D(2026, 11, 26)


def test_add_business_days() -> None:
    assert CAL.add_business_days(D(2026, 11, 27), 1) == D(2026, 11, 30)  # Fri → Mon
    assert CAL.add_business_days(D(2026, 11, 28), 1) == D(2026, 11, 30)  # Sat → Mon
    assert CAL.add_business_days(D(2026, 12, 28), 1) == D(2027, 1, 4)
    assert CAL.add_business_days(D(2026, 11, 26), 5) == D(2026, 12, 3)
    assert CAL.add_business_days(D(2026, 11, 30), -1) == D(2026, 11, 27)
    assert CAL.add_business_days(D(2026, 11, 28), 0) == D(2026, 11, 30)
    assert CAL.add_business_days(D(2026, 9, 18), 1) == D(2026, 9, 24)


def test_business_days_between() -> None:
    assert CAL.business_days_between(D(2026, 11, 26), D(2026, 11, 26)) == 0
    assert CAL.business_days_between(D(2026, 11, 26), D(2026, 12, 3)) == 5
    assert CAL.business_days_between(D(2026, 12, 3), D(2026, 11, 26)) == -5
    assert CAL.business_days_between(D(2026, 12, 25), D(2027, 1, 5)) == 3  # 12/28, 1/4, 1/5
    assert CAL.business_days_between(D(2026, 1, 1), D(2026, 12, 31)) == 240


def test_out_of_range_rejected() -> None:
    first, last = CAL.supported_range
    assert first <= D(1949, 1, 1) and D(2099, 12, 31) <= last
    for day in (first - dt.timedelta(days=1), last + dt.timedelta(days=1)):
        with pytest.raises(CalendarRangeError, match="対象期間"):
            CAL.is_business_day(day)
    with pytest.raises(CalendarRangeError):
        CAL.next_business_day(last)  # 12/31 is closed and the following year is unknown
