"""和暦・西暦の日付文字列の解析。

Accepted forms (after Unicode NFKC normalisation, so full-width digits/letters/punctuation
and the ligatures ``㍻``/``㋿`` are accepted as well; surrounding and inner blanks are ignored):

- ``令和8年11月26日``, ``令和元年5月1日``, ``令和八年十一月二十六日``（漢数字）
- ``R8.11.26``, ``R08/11/26``, ``H31-4-30``, ``r8.11.26``（略号。区切りは ``.`` ``/`` ``-`` で統一）
- ``R8年11月26日``（略号＋年月日）
- ``5081126``（住民記録の元号コード1桁＋元号年・月・日各2桁の7桁）
- 西暦 ``2026-11-26``, ``2026/11/26``, ``2026.11.26``, ``2026年11月26日``, ``20261126``
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from .eras import ERAS, Era, era_by_abbreviation, era_by_code, era_by_name
from .errors import WarekiError
from .kanji_numerals import KANJI_NUMERAL_CHARS, from_kanji

_NUM = rf"(?:[0-9]+|[{KANJI_NUMERAL_CHARS}]+)"


_ERA_NAMES = "|".join(re.escape(era.name) for era in ERAS)
_ERA_LETTERS = "".join(era.abbreviation for era in ERAS)
_ERA = rf"(?P<era>{_ERA_NAMES}|[{_ERA_LETTERS}{_ERA_LETTERS.lower()}])"
_KANJI_FORM = re.compile(rf"{_ERA}(?P<year>元|{_NUM})年(?P<month>{_NUM})月(?P<day>{_NUM})日")
_SEPARATED_FORM = re.compile(
    rf"{_ERA}(?P<year>[0-9]{{1,2}})(?P<sep>[./-])(?P<month>[0-9]{{1,2}})(?P=sep)(?P<day>[0-9]{{1,2}})"
)
_CODE_FORM = re.compile(r"(?P<code>[0-9])(?P<year>[0-9]{2})(?P<month>[0-9]{2})(?P<day>[0-9]{2})")
_SEIREKI_FORMS = (
    re.compile(r"(?P<year>[0-9]{4})(?P<sep>[./-])(?P<month>[0-9]{1,2})(?P=sep)(?P<day>[0-9]{1,2})"),
    re.compile(r"(?P<year>[0-9]{4})年(?P<month>[0-9]{1,2})月(?P<day>[0-9]{1,2})日"),
    re.compile(r"(?P<year>[0-9]{4})(?P<month>[0-9]{2})(?P<day>[0-9]{2})"),
)


def _number(token: str) -> int:
    if token.isascii() and token.isdigit():
        return int(token)
    try:
        return from_kanji(token)
    except ValueError:
        raise WarekiError(f"数字として解釈できません: {token}") from None


def _lookup_era(token: str) -> Era:
    if len(token) == 1 and token.isascii():
        return era_by_abbreviation(token)
    return era_by_name(token)


def _format_ymd(era: Era, year: int, month: int, day: int) -> str:
    year_text = "元" if year == 1 else str(year)
    return f"{era.name}{year_text}年{month}月{day}日"


def wareki_to_date(era: Era, year: int, month: int, day: int) -> dt.date:
    """元号・元号年・月・日から日付を作る。元号の期間外や存在しない日付は :class:`WarekiError`。"""
    label = _format_ymd(era, year, month, day)
    if year < 1:
        raise WarekiError(f"{era.name}{year}年は存在しません（元号の年は元年＝1年から始まります）")
    try:
        result = dt.date(era.gregorian_year(year), month, day)
    except ValueError:
        raise WarekiError(f"{label}は存在しない日付です") from None
    if result < era.start:
        raise WarekiError(
            f"{label}は{era.name}の開始日（{_format_ymd(era, 1, era.start.month, era.start.day)}）より前です"
        )
    if era.end is not None and result > era.end:
        last_year = era.end.year - era.start.year + 1
        raise WarekiError(
            f"{label}は{era.name}の期間外です"
            f"（{era.name}は{_format_ymd(era, last_year, era.end.month, era.end.day)}まで）"
        )
    return result


def _seireki(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise WarekiError(f"{text} は存在しない日付です") from None


def parse_wareki(text: str) -> dt.date:
    """和暦または西暦の日付文字列を ``datetime.date`` にする。

    受け付ける書式はモジュールの説明を参照。存在しない日付（2月30日）、元号の期間外
    （平成31年5月1日・昭和64年1月8日）、0年（令和0年）、解釈できない文字列はすべて
    :class:`WarekiError`（``ValueError`` の派生）で拒否する。
    """
    if not isinstance(text, str):
        raise WarekiError(f"日付の文字列が必要です: {text!r}")
    normalized = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    if not normalized:
        raise WarekiError("日付が空です")
    for pattern in (_KANJI_FORM, _SEPARATED_FORM):
        match = pattern.fullmatch(normalized)
        if match:
            era = _lookup_era(match["era"])
            year = 1 if match["year"] == "元" else _number(match["year"])
            return wareki_to_date(era, year, _number(match["month"]), _number(match["day"]))
    match = _CODE_FORM.fullmatch(normalized)
    if match:
        era = era_by_code(int(match["code"]))
        return wareki_to_date(era, int(match["year"]), int(match["month"]), int(match["day"]))
    for pattern in _SEIREKI_FORMS:
        match = pattern.fullmatch(normalized)
        if match:
            return _seireki(int(match["year"]), int(match["month"]), int(match["day"]), text.strip())
    raise WarekiError(f"和暦または西暦の日付として解釈できません: {text!r}")
