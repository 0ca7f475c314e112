"""CSV file layout of the datasets (file linkage, データ要件・連携要件標準仕様書: file linkage by default).

Layout (``docs/linkage.md``): RFC 4180 — one header row (item ids, or Japanese names, or none),
columns in the dataset's ``csv_fields`` order, CRLF line ends, fields quoted only when needed
(comma, quote, CR/LF inside); ``""`` for null, ``1``/``0`` for booleans, ISO ``YYYY-MM-DD`` dates,
arrays joined by a half-width space. UTF-8 without BOM by default (``utf-8-sig`` on request);
CP932 on request, with every degraded character reported (:mod:`kikan.linkage.encoding`).

CSV formula injection (OWASP): a text cell starting with ``=`` ``+`` ``-`` ``@`` TAB or CR is
prefixed with ``'`` so that a spreadsheet shows it as text instead of evaluating it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kikan.linkage.datasets import FieldDef
from kikan.linkage.encoding import Substitution, degrade_for_cp932
from kikan.linkage.errors import InvalidParameter

ENCODINGS = ("utf-8", "utf-8-sig", "cp932")
HEADERS = ("name", "ja", "none")
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would read as a formula (CSV injection)."""
    return "'" + cell if cell.startswith(_DANGEROUS) else cell


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list | tuple):
        return " ".join(cell(v) for v in value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


@dataclass(frozen=True)
class LineSubstitution:
    line: int  # 1-based physical record number (the header, when written, is line 1)
    key: str  # the record's key
    column: str
    sub: Substitution


class CsvEncoder:
    """Turns rows into encoded CSV bytes, collecting the CP932 degradations."""

    def __init__(self, fields: Sequence[FieldDef], *, encoding: str = "utf-8", header: str = "name"):
        if encoding not in ENCODINGS:
            raise InvalidParameter(
                f"encoding: {', '.join(ENCODINGS)} のいずれかを指定してください", field="encoding"
            )
        if header not in HEADERS:
            raise InvalidParameter(
                f"header: {', '.join(HEADERS)} のいずれかを指定してください", field="header"
            )
        self.fields = list(fields)
        self.encoding = encoding
        self.header = header
        self.line = 0
        self.substitutions: list[LineSubstitution] = []
        self._started = False

    @property
    def media_type(self) -> str:
        charset = "Shift_JIS" if self.encoding == "cp932" else "utf-8"
        return f"text/csv; charset={charset}; header={'absent' if self.header == 'none' else 'present'}"

    def _encode(self, rows: list[list[str]]) -> bytes:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(rows)
        text = buf.getvalue()
        if self.encoding == "cp932":
            return text.encode("cp932")  # every cell was degraded already: cannot fail
        return text.encode("utf-8")

    def start(self) -> bytes:
        """The BOM (utf-8-sig) and the header row, once."""
        self._started = True
        prefix = "\ufeff".encode() if self.encoding == "utf-8-sig" else b""
        if self.header == "none":
            return prefix
        self.line += 1
        names = [f.name if self.header == "name" else f.ja for f in self.fields]
        return prefix + self._encode([names])

    def rows(self, records: Sequence[tuple[str, Mapping[str, Any]]]) -> bytes:
        """Encode ``(key, row)`` pairs; a row is a mapping from field name to value."""
        out: list[list[str]] = []
        head = b"" if self._started else self.start()
        for key, row in records:
            self.line += 1
            cells = []
            for f in self.fields:
                text = neutralise(cell(row.get(f.name)))
                if self.encoding == "cp932":
                    text, subs = degrade_for_cp932(text)
                    self.substitutions.extend(LineSubstitution(self.line, key, f.name, s) for s in subs)
                cells.append(text)
            out.append(cells)
        return head + (self._encode(out) if out else b"")


def substitution_report(subs: Sequence[LineSubstitution]) -> bytes:
    """The degradation report as a UTF-8 CSV (for the CLI's ``<file>.substitutions.csv``)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["line", "key", "column", "position", "original", "code_points", "replacement", "method"])
    for s in subs:
        w.writerow([s.line, s.key, s.column, s.sub.position, neutralise(s.sub.original), s.sub.code_points,
                    neutralise(s.sub.replacement), s.sub.method])  # fmt: skip
    return buf.getvalue().encode("utf-8")
