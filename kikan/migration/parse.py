"""One record → one history row: decode each field, convert it, map 外字, check characters.

Fixed width: the field's bytes are sliced first, then decoded (Shift_JIS/EUC-JP offsets are bytes).
Text items go through the tenant's 外字 decisions (:class:`kikan.characters.GaijiMapper`): a value
that still holds an unidentified 外字 or a character outside 行政事務標準文字 is collected (with file,
row, field and 宛名番号, for the 外字 screen) and reported; nothing is imported with one.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from kikan.characters import GaijiMapper, Occurrence
from kikan.characters.text import COMBINING_KANA_MARKS, VARIATION_SELECTORS, is_private_use
from kikan.migration.encoding import (
    GAIJI_ERRORS,
    REPLACEMENT,
    decode_strict,
    suspect,
    utf8_in_legacy,
    utf8_read_as_cp932,
)
from kikan.migration.layout import Layout
from kikan.migration.reader import Record
from kikan.migration.report import GaijiUse, IssueKind, Report
from kikan.migration.targets import ADDRESSEE_NO, HISTORY_NO
from kikan.migration.values import BadValue, Converter

#: The report's 宛名番号 / 履歴番号 columns of a business layout's records (the person, the record key).
KEY_ROLES = {"tax_income": ("addressee_no", "fiscal_year"), "welfare_cases": ("recipient", "case_id")}
_SELECTORS = frozenset(chr(c) for c in (*VARIATION_SELECTORS, *COMBINING_KANA_MARKS))
_OK_VALUES_LIMIT = 500_000
_SHARED_LIMIT = 2_000_000


@dataclass(slots=True)
class Row:
    """One parsed history row: ``values`` in ``layout.columns`` order (None where absent or bad)."""

    values: tuple[Any, ...]
    file: str
    row: int
    bad: bool = False
    failed: tuple[str, ...] = ()  # targets whose field could not be read (reported already)


class RowParser:
    """Parses the records of one layout; keeps caches of values already found standard."""

    def __init__(self, layout: Layout, mapper: GaijiMapper, report: Report):
        self.layout, self.mapper, self.report = layout, mapper, report
        self.fixed = layout.format == "fixed"
        cat = layout.catalog
        self.convs = [Converter(f, fixed=self.fixed, catalog=cat) for f in layout.fields]
        self.columns = layout.columns
        self.index = {t: i for i, t in enumerate(self.columns)}
        self.codec = layout.codec
        self.legacy_codec = layout.codec != "utf-8"
        if self.fixed:
            self._slices = itemgetter(
                *[slice(f.offset, (f.offset or 0) + (f.length or 0)) for f in layout.fields]
            )
        starts, n = [], 0
        for f in layout.fields:
            starts.append(n)
            n += len(f.targets)
        self._starts = starts
        self._text = [any(cat[t].text for t in f.targets) for f in layout.fields]
        first, second = KEY_ROLES.get(layout.business, (ADDRESSEE_NO, HISTORY_NO))
        key_fields = [i for i, f in enumerate(layout.fields) if f.target in (first, second)]
        order = key_fields + [i for i in range(len(layout.fields)) if i not in key_fields]
        # per field, in processing order: (index, converter, first column, width, free text?, key role, blank)
        self._plan = [
            (i, self.convs[i], starts[i], len(layout.fields[i].targets), self._text[i],
             1 if layout.fields[i].target == first else 2 if layout.fields[i].target == second else 0,
             b" " * (layout.fields[i].length or 0) if self.fixed else "")
            for i in order
        ]  # fmt: skip
        self._ok_chars: set[str] = set()
        self._ok_values: set[str] = set()
        self._errors = "strict" if self.codec in ("cp932", "utf-8") else GAIJI_ERRORS
        self._shared: dict[str, str] = {}  # one object per distinct text (addresses, names repeat a lot)

    def parse(self, file: str, row_no: int, record: Record) -> Row:
        parts: Any
        if self.fixed:
            parts = self._slices(record)
            if len(self.convs) == 1:
                parts = (parts,)
        else:
            parts = record
        values: list[Any] = [None] * len(self.columns)
        failed: list[str] = []
        key = ["", ""]
        fixed, legacy = self.fixed, self.legacy_codec
        texts = self._decode_all(parts) if fixed else None
        for i, conv, start, width, text_field, role, blank in self._plan:
            raw = parts[i]
            if raw == blank and not conv.blank_value:  # an empty field: nothing to convert
                continue
            try:
                if texts is not None and not (legacy and text_field and suspect(texts[i])):
                    text = texts[i]
                else:  # field by field: find the bad bytes, or UTF-8 inside a legacy file
                    text = self._decode(raw) if fixed else self._check_csv_text(raw)
                if text_field and not legacy and utf8_read_as_cp932(text):
                    raise BadValue(
                        IssueKind.MOJIBAKE, "文字化けしています（UTF-8 を CP932 として読んだ文字列）", text
                    )
                got = conv.parse(text)
            except BadValue as e:
                failed.extend(conv.spec.targets)
                self.report.error(e.kind, file, row_no, conv.label, e.message, addressee_no=key[0],
                                  history_no=key[1], value=_shown(conv.spec.target, e.value))  # fmt: skip
                continue
            if text_field:
                mapped = self._characters(got, file, row_no, conv.label, key)
                if mapped is None:
                    failed.extend(conv.spec.targets)
                    continue
                got = mapped
            if width == 1:
                values[start] = got[0]
            else:
                values[start : start + width] = got
            if role == 1:
                key[0] = got[0] or ""
            elif role == 2:
                key[1] = "" if got[0] is None else str(got[0])
        return Row(tuple(values), file, row_no, bool(failed), tuple(failed))

    def _decode_all(self, parts: tuple[bytes, ...]) -> list[str] | None:
        """All fields of a record decoded at once (fields never split a character in a sound file);
        None when that fails, so each field is decoded on its own and the bad one reported."""
        try:
            texts = b"\x00".join(parts).decode(self.codec, errors=self._errors).split("\x00")
        except UnicodeDecodeError:
            return None
        return texts if len(texts) == len(parts) else None

    def _decode(self, raw: bytes) -> str:
        if raw.isascii():
            return raw.decode("ascii")
        try:
            text: str | None = decode_strict(raw, self.codec)
            error = None
        except UnicodeDecodeError as e:
            text, error = None, e
        if self.legacy_codec and utf8_in_legacy(raw, text):
            raise BadValue(IssueKind.MOJIBAKE, "UTF-8 の文字列です（ファイルの文字コードと違います）",
                           raw.decode("utf-8"))  # fmt: skip
        if error is not None:
            hexed = raw[error.start : error.start + 2].hex(" ").upper()
            raise BadValue(
                IssueKind.ENCODING, f"変換できないバイト列があります（{error.start + 1}バイト目 {hexed}）"
            )
        assert text is not None
        return text

    @staticmethod
    def _check_csv_text(text: str) -> str:
        if REPLACEMENT in text:
            raise BadValue(IssueKind.ENCODING, "変換できないバイト列または置換文字（U+FFFD）があります", text)
        return text

    def _characters(
        self, got: tuple[Any, ...], file: str, row_no: int, label: str, key: list[str]
    ) -> tuple[Any, ...] | None:
        out: list[Any] = []
        ok = True
        ok_chars, shared = self._ok_chars, self._shared
        if len(shared) > _SHARED_LIMIT:
            shared.clear()
        for v in got:
            if v is None:
                out.append(v)
                continue
            if ok_chars.issuperset(v) or v in self._ok_values or (v.isascii() and v.isprintable()):
                out.append(shared.setdefault(v, v))
                continue
            before = len(self.mapper.collected)
            mapped = self.mapper.map_or_collect(v, Occurrence(file, row_no, label, key[0]))
            if mapped is None:
                ok = False
                for u in self.mapper.collected[before:]:
                    pua = is_private_use(u.grapheme[0])
                    self.report.gaiji.append(GaijiUse(u.code_system, u.code, file, row_no, label, key[0]))
                    self.report.error(
                        IssueKind.GAIJI if pua else IssueKind.CHARACTERS, file, row_no, label,
                        f"{u.position + 1}文字目は同定されていない外字です（{u.code_system}:{u.code}）" if pua else
                        f"{u.position + 1}文字目は行政事務標準文字にない文字です（{u.code}）。外字の同定で置き換える文字を決めてください",
                        addressee_no=key[0], history_no=key[1], value=v,
                    )  # fmt: skip
                continue
            if mapped is v:  # standard as it is: remember its characters
                if not any(c in _SELECTORS for c in v):
                    self._ok_chars.update(v)
                elif len(self._ok_values) < _OK_VALUES_LIMIT:
                    self._ok_values.add(v)
            out.append(mapped)
        return tuple(out) if ok else None


def _shown(target: str, value: str) -> str:
    """The value as it may appear in a report (a 個人番号 never does)."""
    return "*" * len(value) if target == "individual_number" else value
