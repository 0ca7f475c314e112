"""CSV output of an EUC extract: UTF-8 with BOM or CP932 (Shift_JIS), formula-injection safe (pure).

- Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, TAB or
  CR — OWASP "CSV Injection") are prefixed with ``'`` so they open as text.
- UTF-8 output starts with a BOM (so that Excel reads it as UTF-8); lines end with CRLF (RFC 4180).
- CP932 cannot carry every 行政事務標準文字 (MJ characters, IVS). No MJ縮退 helper exists yet in
  ``kikan.core.characters``, so characters CP932 cannot encode are replaced by 〓 (U+3013, the
  conventional 代替文字 of Japanese administrative output) and each one is reported (row, item,
  character, code point); a variation selector (IVS) is dropped, keeping its base character, and
  reported too. With ``strict`` the caller refuses the export instead.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ENCODINGS = {"utf-8": "UTF-8（BOM付き）", "cp932": "Shift_JIS（CP932）"}
GETA = "〓"


@dataclass(frozen=True)
class Substitution:
    row: int  # 1 = first data row (the header is row 0)
    column: str
    char: str
    replaced_by: str

    @property
    def code_point(self) -> str:
        return " ".join(f"U+{ord(c):04X}" for c in self.char)


@dataclass(frozen=True)
class CsvOut:
    data: bytes
    rows: int
    substitutions: tuple[Substitution, ...]


def text_of(value: Any) -> str:
    """Plain text of a value: dates ISO, booleans 1/0, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def safe_cell(value: Any) -> str:
    """The cell text, with ``'`` in front when a spreadsheet would read it as a formula."""
    text = text_of(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _is_variation_selector(ch: str) -> bool:
    cp = ord(ch)
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF


def to_cp932(text: str, row: int, column: str, found: list[Substitution]) -> str:
    """``text`` with every character CP932 cannot encode replaced (and reported in ``found``)."""
    try:
        text.encode("cp932")
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for ch in text:
        if _is_variation_selector(ch):
            found.append(Substitution(row, column, ch, ""))
            continue
        try:
            ch.encode("cp932")
            out.append(ch)
        except UnicodeEncodeError:
            found.append(Substitution(row, column, ch, GETA))
            out.append(GETA)
    return "".join(out)


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]], encoding: str = "utf-8") -> CsvOut:
    """The CSV bytes of ``header`` + ``rows`` in ``encoding`` (``utf-8`` with BOM, or ``cp932``)."""
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding}")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    found: list[Substitution] = []
    n = 0
    for r, values in enumerate([list(header), *rows]):
        cells = [safe_cell(v) for v in values]
        if encoding == "cp932":
            cells = [to_cp932(c, r, header[i] if i < len(header) else "", found) for i, c in enumerate(cells)]
        w.writerow(cells)
        n = r
    text = buf.getvalue()
    data = ("\ufeff" + text).encode("utf-8") if encoding == "utf-8" else text.encode("cp932")
    return CsvOut(data, n, tuple(found))
