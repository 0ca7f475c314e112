"""CSV cells that are safe to open in a spreadsheet (CSV/formula injection, OWASP).

A cell beginning with ``=`` ``+`` ``-`` ``@`` TAB or CR is read by Excel and its kin as a formula;
stored values can begin so (legacy migrated data, free text), so every export meant for people
prefixes such a text cell with ``'``. Numbers are left alone (a negative amount stays a number).
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """``'`` before a text cell a spreadsheet would read as a formula; other values unchanged."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) else value


def safe_row(values: Iterable[object]) -> list[object]:
    return [safe_cell(v) for v in values]
