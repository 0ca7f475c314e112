"""西暦日付から和暦への変換と書式化。

元号は ``eras.yaml`` のデータ（元号法による政令で定められた改元日）に従う。
改元日当日から新元号とし、その年は「元年」と表記する（例: 2019-05-01 = 令和元年5月1日、
1989-01-07 = 昭和64年1月7日、1989-01-08 = 平成元年1月8日）。
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import NamedTuple

from .eras import Era, era_of
from .errors import WarekiError
from .kanji_numerals import to_kanji


class WarekiDate(NamedTuple):
    """和暦の日付。``year`` は元号年（元年 = 1）。"""

    era: Era
    year: int
    month: int
    day: int

    def to_date(self) -> dt.date:
        """グレゴリオ暦の日付に戻す（元号の期間は :func:`to_wareki` で保証済み）。"""
        return dt.date(self.era.gregorian_year(self.year), self.month, self.day)


class WarekiStyle(StrEnum):
    """:func:`format_wareki` の書式。

    - ``LONG``: ``令和8年11月26日``（元年は ``令和元年5月1日``）
    - ``PADDED``: ``令和08年11月26日``（固定幅。元年も ``01``）
    - ``ABBREVIATED``: ``R8.11.26``（略号表記。元年も ``1``）
    - ``KANJI``: ``令和八年十一月二十六日``（証明書等の公文書の漢数字表記）
    - ``CODE``: ``5081126``（住民記録データの元号コード＋年月日2桁ずつの7桁）
    """

    LONG = "long"
    PADDED = "padded"
    ABBREVIATED = "abbreviated"
    KANJI = "kanji"
    CODE = "code"


def to_wareki(day: dt.date) -> WarekiDate:
    """西暦日付を和暦に変換する。

    明治の開始日（1868-10-23、改元の詔の日）より前の日付は :class:`WarekiError`。
    """
    if isinstance(day, dt.datetime):
        day = day.date()
    era = era_of(day)
    return WarekiDate(era=era, year=day.year - era.start.year + 1, month=day.month, day=day.day)


def _two_digits(value: int, what: str) -> str:
    if value > 99:
        raise WarekiError(f"{what}が2桁に収まらないため固定幅で表記できません: {value}")
    return f"{value:02d}"


def format_wareki(
    day: dt.date,
    style: WarekiStyle | str = WarekiStyle.LONG,
    *,
    gannen: bool = True,
) -> str:
    """西暦日付を和暦の文字列にする。

    ``gannen`` が真（既定）のとき、``LONG`` と ``KANJI`` では元号の最初の年を「元年」と
    書く（例: ``令和元年5月1日``）。偽なら ``令和1年5月1日`` / ``令和一年五月一日``。
    ``PADDED``・``ABBREVIATED``・``CODE`` は数字のみの書式なので常に数字で書く。
    """
    style = WarekiStyle(style)
    w = to_wareki(day)
    name = w.era.name
    if style is WarekiStyle.LONG:
        year = "元" if gannen and w.year == 1 else str(w.year)
        return f"{name}{year}年{w.month}月{w.day}日"
    if style is WarekiStyle.KANJI:
        year = "元" if gannen and w.year == 1 else to_kanji(w.year)
        return f"{name}{year}年{to_kanji(w.month)}月{to_kanji(w.day)}日"
    if style is WarekiStyle.PADDED:
        return f"{name}{_two_digits(w.year, '元号年')}年{w.month:02d}月{w.day:02d}日"
    if style is WarekiStyle.ABBREVIATED:
        return f"{w.era.abbreviation}{w.year}.{w.month}.{w.day}"
    return f"{w.era.code}{_two_digits(w.year, '元号年')}{w.month:02d}{w.day:02d}"
