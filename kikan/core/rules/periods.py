"""Fiscal years and effective periods.

A Japanese local-government fiscal year (会計年度) runs from 1 April to 31 March of the following
calendar year (地方自治法第208条第1項).  ``FY2026`` therefore means 2026-04-01 .. 2027-03-31.

This module is deliberately self-contained (no other ``kikan`` import).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

FISCAL_YEAR_PATTERN = re.compile(r"^FY(\d{4})$")
_ISO_DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def fiscal_year_of(d: date) -> int:
    """Fiscal year (April-March, 地方自治法第208条第1項) containing ``d``: 2027-03-31 -> 2026."""
    return d.year if d.month >= 4 else d.year - 1


def fiscal_year_start(fy: int) -> date:
    """First day of fiscal year ``fy`` (1 April)."""
    return date(fy, 4, 1)


def fiscal_year_end(fy: int) -> date:
    """Last day of fiscal year ``fy`` (31 March of the next calendar year)."""
    return date(fy + 1, 3, 31)


def format_fiscal_year(fy: int) -> str:
    return f"FY{fy:04d}"


def parse_fiscal_year(raw: object) -> int:
    """Parse a fiscal year written as ``FY2026`` (the only accepted spelling in parameter files).

    Raises ``ValueError`` with a message that explains the usual mistakes: a date (YAML turns
    ``2026-04-01`` into a ``date``) or a bare year number.
    """
    if isinstance(raw, date):
        fy = fiscal_year_of(raw)
        raise ValueError(f"fiscal year written as a date ({raw.isoformat()}); write {format_fiscal_year(fy)}")
    if isinstance(raw, bool):
        raise ValueError(f"fiscal year must be written as FY<yyyy>, got {raw!r}")
    if isinstance(raw, int):
        raise ValueError(f"fiscal year written as a bare number ({raw}); write FY{raw:04d}")
    if isinstance(raw, str):
        match = FISCAL_YEAR_PATTERN.match(raw.strip())
        if match:
            return int(match.group(1))
        if _ISO_DATE_PATTERN.match(raw.strip()):
            raise ValueError(f"fiscal year written as a date ({raw}); write FY<yyyy>")
    raise ValueError(f"fiscal year must match FY<yyyy> (e.g. FY2026), got {raw!r}")


def parse_date(raw: object) -> date:
    """Parse a calendar date (YAML date or ISO ``YYYY-MM-DD`` string); datetimes are refused."""
    if isinstance(raw, datetime):
        raise ValueError(f"expected a date, got a date-time ({raw.isoformat()})")
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str) and _ISO_DATE_PATTERN.match(raw.strip()):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError as exc:
            raise ValueError(f"invalid date {raw!r}: {exc}") from None
    raise ValueError(f"expected a date YYYY-MM-DD, got {raw!r}")


def coerce_fiscal_year(fy: int | str) -> int:
    """Accept ``2026`` or ``"FY2026"`` from calling code (lookups, overlays)."""
    if isinstance(fy, bool):
        raise TypeError("fiscal_year must be an int or 'FY<yyyy>'")
    if isinstance(fy, int):
        return fy
    match = FISCAL_YEAR_PATTERN.match(fy.strip())
    if not match:
        raise ValueError(f"fiscal_year must be an int or 'FY<yyyy>', got {fy!r}")
    return int(match.group(1))


@dataclass(frozen=True)
class FiscalYearSpan:
    """Fiscal years ``first`` .. ``last`` inclusive; ``last=None`` means "until further notice"."""

    first: int
    last: int | None = None

    def contains_fiscal_year(self, fy: int) -> bool:
        return self.first <= fy and (self.last is None or fy <= self.last)

    def contains_date(self, d: date) -> bool:
        return self.contains_fiscal_year(fiscal_year_of(d))

    @property
    def start(self) -> date:
        return fiscal_year_start(self.first)

    @property
    def end(self) -> date | None:
        return None if self.last is None else fiscal_year_end(self.last)

    def __str__(self) -> str:
        if self.last == self.first:
            return format_fiscal_year(self.first)
        last = "" if self.last is None else format_fiscal_year(self.last)
        return f"{format_fiscal_year(self.first)}..{last}"


@dataclass(frozen=True)
class DateSpan:
    """Dates ``start`` .. ``end`` inclusive; ``end=None`` means "until further notice"."""

    start: date
    end: date | None = None

    def contains_date(self, d: date) -> bool:
        return self.start <= d and (self.end is None or d <= self.end)

    def overlaps(self, other: DateSpan) -> bool:
        a_end = self.end or date.max
        b_end = other.end or date.max
        return self.start <= b_end and other.start <= a_end

    def change_points_within(self, lo: date, hi: date) -> list[date]:
        """Days within ``lo..hi`` on which this span starts, or which follow its last day."""
        points = [self.start]
        if self.end is not None and self.end < date.max:
            points.append(self.end + timedelta(days=1))
        return [p for p in points if lo <= p <= hi]

    def __str__(self) -> str:
        end = "" if self.end is None else self.end.isoformat()
        return f"{self.start.isoformat()}..{end}"


Effective = FiscalYearSpan | DateSpan
"""When a resolved value is in force: a fiscal-year span or a date span (both inclusive)."""


def describe_period(*, fiscal_year: int | None = None, on: date | None = None) -> str:
    """Human-readable period for error messages: ``FY2026`` or ``2026-05-01 (FY2026)``."""
    if on is not None:
        return f"{on.isoformat()} ({format_fiscal_year(fiscal_year_of(on))})"
    assert fiscal_year is not None
    return format_fiscal_year(fiscal_year)
