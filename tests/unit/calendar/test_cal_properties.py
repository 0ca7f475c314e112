"""Property-based tests (hypothesis) for the calendar kernel."""

from __future__ import annotations

import datetime as dt

from hypothesis import example, given, settings
from hypothesis import strategies as st

from kikan.core.calendar import (
    BusinessCalendar,
    WarekiStyle,
    age_on,
    date_reaching_age,
    fiscal_year_of,
    fiscal_year_range,
    format_wareki,
    parse_wareki,
    school_grade_on,
    to_wareki,
)
from kikan.core.calendar.kanji_numerals import from_kanji, to_kanji

ONE_DAY = dt.timedelta(days=1)
GREGORIAN_DATES = st.dates(min_value=dt.date(1873, 1, 1), max_value=dt.date(2100, 12, 31))
BIRTHS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2090, 12, 31))
CAL = BusinessCalendar()
BUSINESS_DATES = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2098, 12, 31))


@settings(max_examples=1000)
@given(day=GREGORIAN_DATES, style=st.sampled_from(WarekiStyle), gannen=st.booleans())
@example(day=dt.date(1989, 1, 7), style=WarekiStyle.LONG, gannen=True)
@example(day=dt.date(1989, 1, 8), style=WarekiStyle.KANJI, gannen=True)
@example(day=dt.date(2019, 4, 30), style=WarekiStyle.CODE, gannen=True)
@example(day=dt.date(2019, 5, 1), style=WarekiStyle.ABBREVIATED, gannen=False)
@example(day=dt.date(1926, 12, 25), style=WarekiStyle.PADDED, gannen=True)
@example(day=dt.date(2100, 12, 31), style=WarekiStyle.KANJI, gannen=True)
def test_format_parse_round_trip(day: dt.date, style: WarekiStyle, gannen: bool) -> None:
    text = format_wareki(day, style, gannen=gannen)
    assert parse_wareki(text) == day
    assert parse_wareki(text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))) == day


def test_format_parse_round_trip_exhaustive_long_and_code() -> None:
    """Every day 1873-01-01..2100-12-31, in the two styles used by data files and screens."""
    day = dt.date(1873, 1, 1)
    while day <= dt.date(2100, 12, 31):
        for style in (WarekiStyle.LONG, WarekiStyle.CODE):
            text = format_wareki(day, style)
            assert parse_wareki(text) == day, text
        day += ONE_DAY


@given(day=GREGORIAN_DATES)
def test_to_wareki_consistent_with_era(day: dt.date) -> None:
    w = to_wareki(day)
    assert w.year >= 1
    assert w.era.contains(day)
    assert w.to_date() == day
    assert (w.year == 1) == (day.year == w.era.start.year)


@given(birth=BIRTHS, a=st.integers(0, 40_000), b=st.integers(0, 40_000))
def test_age_monotone_in_on(birth: dt.date, a: int, b: int) -> None:
    on1 = birth + dt.timedelta(days=min(a, b))
    on2 = birth + dt.timedelta(days=max(a, b))
    age1, age2 = age_on(birth, on1), age_on(birth, on2)
    assert age1 <= age2
    assert age2 - age1 <= (on2 - on1).days // 365 + 1


@given(birth=BIRTHS, age=st.integers(1, 100))
@example(birth=dt.date(2004, 2, 29), age=18)
@example(birth=dt.date(2000, 4, 2), age=18)
def test_age_changes_exactly_on_reaching_date(birth: dt.date, age: int) -> None:
    reached = date_reaching_age(birth, age)
    assert age_on(birth, reached) == age
    assert age_on(birth, reached - ONE_DAY) == age - 1
    # The reaching date is the day before the birthday (2/28 for 2/29 births, 民法第143条第2項ただし書).
    if (birth.month, birth.day) == (2, 29):
        assert reached == dt.date(birth.year + age, 2, 28)
    else:
        assert reached + ONE_DAY == dt.date(birth.year + age, birth.month, birth.day)


@given(birth=BIRTHS, offset=st.integers(0, 365 * 17))
@example(birth=dt.date(2019, 4, 1), offset=365 * 6)
@example(birth=dt.date(2019, 4, 2), offset=365 * 6)
def test_school_grade_consistent_with_age(birth: dt.date, offset: int) -> None:
    """In the k-th compulsory school year (k = 0..8) a child is exactly k+7 on the last day of that year."""
    on = birth + dt.timedelta(days=offset)
    grade = school_grade_on(birth, on)
    fiscal_end = fiscal_year_range(fiscal_year_of(on))[1]
    age_at_end = age_on(birth, fiscal_end)
    if grade is None:
        assert not 7 <= age_at_end <= 15
    else:
        school, number = grade
        years_in_school = number - 1 if school == "小学校" else number + 5
        assert school in ("小学校", "中学校")
        assert age_at_end == years_in_school + 7
        assert age_on(birth, on) in (years_in_school + 6, years_in_school + 7)


@given(day=GREGORIAN_DATES)
def test_fiscal_year_range_contains_day(day: dt.date) -> None:
    start, end = fiscal_year_range(fiscal_year_of(day))
    assert start <= day <= end
    assert (start.month, start.day, end.month, end.day) == (4, 1, 3, 31)


@given(value=st.integers(0, 9999))
def test_kanji_numeral_round_trip(value: int) -> None:
    assert from_kanji(to_kanji(value)) == value


@settings(max_examples=200)
@given(day=BUSINESS_DATES, count=st.integers(1, 40))
def test_business_days_round_trip(day: dt.date, count: int) -> None:
    later = CAL.add_business_days(day, count)
    assert later > day
    assert CAL.is_business_day(later)
    assert CAL.business_days_between(day, later) == count
    assert CAL.business_days_between(later, day) == -count
    if CAL.is_business_day(day):
        assert CAL.add_business_days(later, -count) == day


@given(day=BUSINESS_DATES)
def test_next_business_day_is_first_open_day(day: dt.date) -> None:
    shifted = CAL.shift_due_date(day)
    assert shifted >= day
    assert CAL.is_business_day(shifted)
    probe = day
    while probe < shifted:
        assert not CAL.is_business_day(probe)
        assert probe.weekday() >= 5 or CAL.closure_reason(probe) is not None
        probe += ONE_DAY
