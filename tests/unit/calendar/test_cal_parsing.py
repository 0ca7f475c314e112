"""和暦・西暦文字列の解析。"""

from __future__ import annotations

import datetime as dt

import pytest

from kikan.core.calendar import WarekiError, parse_wareki, wareki_to_date
from kikan.core.calendar.eras import era_by_name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和8年11月26日", dt.date(2026, 11, 26)),
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        ("令和1年5月1日", dt.date(2019, 5, 1)),
        ("R8.11.26", dt.date(2026, 11, 26)),
        ("R08/11/26", dt.date(2026, 11, 26)),
        ("r8-11-26", dt.date(2026, 11, 26)),
        ("R8年11月26日", dt.date(2026, 11, 26)),
        ("H31.4.30", dt.date(2019, 4, 30)),
        ("H1.1.8", dt.date(1989, 1, 8)),
        ("S64.1.7", dt.date(1989, 1, 7)),
        ("昭和64年1月7日", dt.date(1989, 1, 7)),
        ("平成元年1月8日", dt.date(1989, 1, 8)),
        ("大正元年7月30日", dt.date(1912, 7, 30)),
        ("明治45年7月29日", dt.date(1912, 7, 29)),
        ("令和８年１１月２６日", dt.date(2026, 11, 26)),
        ("Ｒ８．１１．２６", dt.date(2026, 11, 26)),
        ("令和八年十一月二十六日", dt.date(2026, 11, 26)),
        ("令和元年五月一日", dt.date(2019, 5, 1)),
        ("昭和六十四年一月七日", dt.date(1989, 1, 7)),
        ("㍻31年4月30日", dt.date(2019, 4, 30)),
        ("  令和 8年 11月 26日 ", dt.date(2026, 11, 26)),
        ("5081126", dt.date(2026, 11, 26)),
        ("3640107", dt.date(1989, 1, 7)),
        ("4010108", dt.date(1989, 1, 8)),
        ("2026-11-26", dt.date(2026, 11, 26)),
        ("2026/11/26", dt.date(2026, 11, 26)),
        ("2026/1/5", dt.date(2026, 1, 5)),
        ("2026年11月26日", dt.date(2026, 11, 26)),
        ("２０２６年１１月２６日", dt.date(2026, 11, 26)),
        ("20261126", dt.date(2026, 11, 26)),
    ],
)
def test_accepted_forms(text: str, expected: dt.date) -> None:
    assert parse_wareki(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("平成31年5月1日", "平成の期間外"),
        ("H31.5.1", "平成の期間外"),
        ("4310501", "平成の期間外"),
        ("昭和64年1月8日", "昭和の期間外"),
        ("令和0年5月1日", "令和0年は存在しません"),
        ("R0.5.1", "令和0年は存在しません"),
        ("令和元年4月30日", "開始日"),
        ("平成元年1月7日", "開始日"),
        ("令和3年2月30日", "存在しない日付"),
        ("令和3年13月1日", "存在しない日付"),
        ("2026年2月30日", "存在しない日付"),
        ("2026-02-29", "存在しない日付"),
        ("R8.11/26", "解釈できません"),
        ("慶応3年1月1日", "解釈できません"),
        ("X8.11.26", "解釈できません"),
        ("令和8年11月", "解釈できません"),
        ("6081126", "未知の元号コード"),
        ("0081126", "未知の元号コード"),
        ("令和十十年1月1日", "数字として解釈できません"),
        ("", "空"),
        ("26-11-26", "解釈できません"),
        ("R8.11.26 10:00", "解釈できません"),
    ],
)
def test_rejected(text: str, message: str) -> None:
    with pytest.raises(WarekiError, match=message):
        parse_wareki(text)


def test_wareki_error_is_value_error() -> None:
    with pytest.raises(ValueError):
        parse_wareki("平成31年5月1日")


def test_non_string_rejected() -> None:
    with pytest.raises(WarekiError):
        parse_wareki(20261126)  # type: ignore[arg-type]


def test_wareki_to_date() -> None:
    assert wareki_to_date(era_by_name("令和"), 8, 11, 26) == dt.date(2026, 11, 26)
    with pytest.raises(WarekiError):
        wareki_to_date(era_by_name("平成"), 32, 1, 1)
