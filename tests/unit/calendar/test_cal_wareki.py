"""西暦→和暦の変換と書式。"""

from __future__ import annotations

import datetime as dt

import pytest

from kikan.core.calendar import WarekiError, WarekiStyle, format_wareki, to_wareki
from kikan.core.calendar.kanji_numerals import from_kanji, to_kanji


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(1989, 1, 7), ("昭和", 64, 1, 7)),
        (dt.date(1989, 1, 8), ("平成", 1, 1, 8)),
        (dt.date(2019, 4, 30), ("平成", 31, 4, 30)),
        (dt.date(2019, 5, 1), ("令和", 1, 5, 1)),
        (dt.date(2026, 11, 26), ("令和", 8, 11, 26)),
        (dt.date(1912, 7, 29), ("明治", 45, 7, 29)),
        (dt.date(1912, 7, 30), ("大正", 1, 7, 30)),
        (dt.date(1926, 12, 24), ("大正", 15, 12, 24)),
        (dt.date(1926, 12, 25), ("昭和", 1, 12, 25)),
        (dt.date(1873, 1, 1), ("明治", 6, 1, 1)),
        (dt.date(1868, 10, 23), ("明治", 1, 10, 23)),
    ],
)
def test_to_wareki_boundaries(day: dt.date, expected: tuple[str, int, int, int]) -> None:
    w = to_wareki(day)
    assert (w.era.name, w.year, w.month, w.day) == expected
    assert w.to_date() == day


def test_to_wareki_accepts_datetime() -> None:
    assert to_wareki(dt.datetime(2019, 5, 1, 0, 0)).era.name == "令和"


def test_before_meiji_rejected() -> None:
    with pytest.raises(WarekiError):
        to_wareki(dt.date(1868, 10, 22))


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        (WarekiStyle.LONG, "令和8年11月26日"),
        (WarekiStyle.PADDED, "令和08年11月26日"),
        (WarekiStyle.ABBREVIATED, "R8.11.26"),
        (WarekiStyle.KANJI, "令和八年十一月二十六日"),
        (WarekiStyle.CODE, "5081126"),
        ("long", "令和8年11月26日"),
        ("kanji", "令和八年十一月二十六日"),
    ],
)
def test_styles(style: WarekiStyle | str, expected: str) -> None:
    assert format_wareki(dt.date(2026, 11, 26), style) == expected


def test_unknown_style_rejected() -> None:
    with pytest.raises(ValueError):
        format_wareki(dt.date(2026, 11, 26), "western")


def test_gannen() -> None:
    day = dt.date(2019, 5, 1)
    assert format_wareki(day) == "令和元年5月1日"
    assert format_wareki(day, gannen=False) == "令和1年5月1日"
    assert format_wareki(day, WarekiStyle.KANJI) == "令和元年五月一日"
    assert format_wareki(day, WarekiStyle.KANJI, gannen=False) == "令和一年五月一日"
    assert format_wareki(day, WarekiStyle.PADDED) == "令和01年05月01日"
    assert format_wareki(day, WarekiStyle.ABBREVIATED) == "R1.5.1"
    assert format_wareki(dt.date(1989, 1, 8)) == "平成元年1月8日"
    assert format_wareki(dt.date(1989, 12, 31)) == "平成元年12月31日"
    assert format_wareki(dt.date(1990, 1, 1)) == "平成2年1月1日"


def test_kanji_style_examples() -> None:
    assert format_wareki(dt.date(1989, 1, 7), WarekiStyle.KANJI) == "昭和六十四年一月七日"
    assert format_wareki(dt.date(2028, 10, 10), WarekiStyle.KANJI) == "令和十年十月十日"
    assert format_wareki(dt.date(1988, 12, 31), WarekiStyle.KANJI) == "昭和六十三年十二月三十一日"


def test_code_style_examples() -> None:
    assert format_wareki(dt.date(1989, 1, 7), "code") == "3640107"
    assert format_wareki(dt.date(1912, 7, 29), "code") == "1450729"


@pytest.mark.parametrize(
    ("value", "kanji"),
    [
        (0, "〇"),
        (1, "一"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (26, "二十六"),
        (64, "六十四"),
        (100, "百"),
        (105, "百五"),
        (1989, "千九百八十九"),
        (2026, "二千二十六"),
    ],
)
def test_kanji_numerals(value: int, kanji: str) -> None:
    assert to_kanji(value) == kanji
    assert from_kanji(kanji) == value


def test_kanji_numerals_digit_style_and_errors() -> None:
    assert from_kanji("二〇二六") == 2026
    assert from_kanji("一〇") == 10
    for bad in ("", "十十", "二二十", "百千", "一十", "〇十", "十a"):
        with pytest.raises(ValueError):
            from_kanji(bad)
    with pytest.raises(ValueError):
        to_kanji(10_000)
