"""Field text ↔ stored value, per layout field: dates (西暦/和暦), codes, numbers, flags, kana width.

Parsing raises :class:`BadValue` with the issue kind and a Japanese message; results are cached per
distinct text (dates and codes repeat across millions of rows).  Formatting is the inverse, used by the
export and by the synthetic legacy file generator.

和暦: ``wareki_code`` is the registry's 7-digit form (元号コード1桁 + 年月日各2桁: 5081126 = 令和8年11月26日,
元号コード 1 明治 2 大正 3 昭和 4 平成 5 令和), read and written by ``kikan.core.calendar``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import jaconv

from kikan.core.calendar import WarekiError, WarekiStyle, format_wareki, parse_wareki
from kikan.migration.layout import FieldSpec
from kikan.migration.report import IssueKind
from kikan.migration.targets import TARGETS, Target

STRIP = " \u3000\x00"
CACHE_LIMIT = 200_000


class BadValue(Exception):
    def __init__(self, kind: IssueKind, message: str, value: str = ""):
        super().__init__(message)
        self.kind, self.message, self.value = kind, message, value


def _date_parser(fmt: str) -> Callable[[str], dt.date | None]:
    def parse(text: str) -> dt.date | None:
        if not text.strip("0"):
            return None
        try:
            if fmt == "yyyymmdd":
                if len(text) != 8 or not text.isdigit():
                    raise WarekiError("西暦8桁（YYYYMMDD）ではありません")
                return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
            if fmt == "wareki_code":
                if len(text) != 7 or not text.isdigit():
                    raise WarekiError("元号コード付き7桁（例 5081126）ではありません")
                return parse_wareki(text)
            if fmt == "iso":
                return dt.date.fromisoformat(text)
            return parse_wareki(text)
        except (WarekiError, ValueError) as e:
            raise BadValue(IssueKind.DATE, f"日付として正しくありません（{e}）", text) from None

    return parse


def _format_date(fmt: str, d: dt.date) -> str:
    if fmt == "wareki_code":
        return format_wareki(d, WarekiStyle.CODE)
    if fmt == "iso":
        return d.isoformat()
    return d.strftime("%Y%m%d")


class Converter:
    """Parse and format one field of a layout."""

    def __init__(self, spec: FieldSpec, *, fixed: bool, catalog: dict[str, Target] | None = None):
        self.spec = spec
        self.fixed = fixed
        self.label = spec.name
        targets = [(catalog or TARGETS)[t] for t in spec.targets]
        self.max_length = min((t.length for t in targets if t.length), default=0)
        self.digits = any(t.digits for t in targets)
        self._cache: dict[str, tuple[Any, ...]] = {}
        self._date = _date_parser(spec.date_format) if spec.kind == "date" else None
        self._export_codes = spec.export_codes() if spec.codes else {}
        self._cacheable = spec.kind != "str" or bool(spec.transform)  # numbers are unique: not worth it
        self._plain = spec.kind == "str" and len(spec.targets) == 1 and not spec.transform and not self.digits
        #: the value(s) of an empty field (a code table may give blank a meaning)
        self.blank_value: tuple[Any, ...] | None = None
        if spec.kind in ("code", "bool") and "" in spec.codes:
            self.blank_value = (spec.codes[""],)

    # --- parse ----------------------------------------------------------------------------
    def parse(self, text: str) -> tuple[Any, ...]:
        """The stored value(s) of the field's text; raises BadValue."""
        text = text.strip(STRIP)
        if self._plain and text:  # most text fields: only the length to check
            if self.max_length and len(text) > self.max_length:
                raise BadValue(IssueKind.LENGTH, f"{self.max_length}文字を超えています", text)
            return (text,)
        hit = self._cache.get(text)
        if hit is not None:
            return hit
        value = self._parse(text)
        if self._cacheable and len(self._cache) < CACHE_LIMIT:
            self._cache[text] = value
        return value

    def _parse(self, text: str) -> tuple[Any, ...]:
        kind = self.spec.kind
        if kind in ("code", "bool"):
            if text in self.spec.codes:
                return (self.spec.codes[text],)
            if not text:
                return (None,)
            table = "、".join(list(self.spec.codes)[:12])
            raise BadValue(IssueKind.CODE, f"コード表にない値です（使えるコード: {table}）", text)
        if not text:
            return (None,) * len(self.spec.targets)
        if kind == "date":
            assert self._date is not None
            return (self._date(text),)
        if kind == "int":
            if not text.isdigit():
                raise BadValue(IssueKind.NUMBER, "数字ではありません", text)
            return (int(text),)
        if kind == "amount":  # a signed integer (yen, ages, counts): no separators, no decimals
            digits = text[1:] if text[:1] == "-" else text
            if not (digits.isascii() and digits.isdigit()):
                raise BadValue(IssueKind.NUMBER, "整数ではありません（円単位の整数。桁区切り・小数点・全角数字は使えません）", text)
            return (int(text),)
        return self._text(text)

    def _text(self, text: str) -> tuple[Any, ...]:
        if self.spec.transform == "h2z":
            text = jaconv.h2z(text, kana=True, ascii=False, digit=False)
        if self.digits and not (text.isascii() and text.isdigit()):
            raise BadValue(IssueKind.NUMBER, "半角数字以外の文字が含まれています", text)
        if len(self.spec.targets) > 1:
            head, sep, tail = text.partition(self.spec.separator)
            parts = [head.strip(STRIP) or None, tail.strip(STRIP) or None]
            parts += [None] * (len(self.spec.targets) - 2)
            values: tuple[Any, ...] = tuple(parts)
        else:
            values = (text,)
        if self.max_length and any(v is not None and len(v) > self.max_length for v in values):
            raise BadValue(IssueKind.LENGTH, f"{self.max_length}文字を超えています", text)
        return values

    # --- format ---------------------------------------------------------------------------
    def format(self, values: tuple[Any, ...]) -> str:
        """The field's text for stored value(s); raises BadValue when a code has no entry."""
        spec = self.spec
        if spec.kind in ("code", "bool"):
            v = values[0]
            if v in self._export_codes:
                return self._export_codes[v]
            if v is None:
                return ""
            raise BadValue(IssueKind.CODE, f"値「{v}」に対応するコードがコード表にありません", str(v))
        if len(spec.targets) > 1:
            present = [v for v in values if v]
            text = spec.separator.join(present) if len(present) > 1 else (values[0] or "")
            if len(present) == 1 and not values[0]:
                text = spec.separator + present[0]
        else:
            v = values[0]
            if v is None:
                return ""
            if spec.kind == "date":
                text = _format_date(spec.date_format, v)
            elif spec.kind in ("int", "amount"):
                text = str(v).zfill(spec.length or 0) if self.fixed and v >= 0 else str(v)
            else:
                text = str(v)
        if spec.transform == "h2z":
            text = jaconv.z2h(text, kana=True, ascii=False, digit=False)
        return text
