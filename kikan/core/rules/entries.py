"""Validation of one parameter's ``values`` list and computation of each entry's period.

Fiscal-year keying (``fiscal_year: FY2024``): an entry is in force from its fiscal year until the
fiscal year before the next listed entry; the last entry stays in force until further notice.
``until: FY2025`` ends an entry explicitly (inclusive: in force in FY2025, not in FY2026).

Date keying (``effective_from`` / optional ``effective_to``, both inclusive): ranges may not
overlap; an entry without ``effective_to`` is in force until further notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .errors import Problem
from .parameters import Keying, ValueEntry
from .periods import DateSpan, FiscalYearSpan, format_fiscal_year, parse_date, parse_fiscal_year
from .values import TableModel, Unit, check_value

ENTRY_KEYS = frozenset(
    {"fiscal_year", "until", "effective_from", "effective_to", "value", "basis", "source", "note", "verified"}
)


@dataclass(frozen=True)
class _Raw:
    index: int
    keying: Keying
    value: object
    basis: str
    source: str
    note: str | None
    verified: bool
    fiscal_year: int = 0
    until: int | None = None
    start: date = date.min
    end: date | None = None


def build_entries(
    file: str, key: str, unit: Unit, raw_values: object, model: TableModel | None, problems: list[Problem]
) -> tuple[Keying, tuple[ValueEntry, ...]] | None:
    """Validate ``raw_values``; append problems; return the keying and entries sorted by period."""
    if not isinstance(raw_values, list) or not raw_values:
        problems.append(Problem(file, key, None, "values must be a non-empty list"))
        return None
    parsed = [_parse_entry(file, key, i, unit, raw, model, problems) for i, raw in enumerate(raw_values)]
    raws = [r for r in parsed if r is not None]
    if not raws:
        return None
    keying = raws[0].keying
    mixed = [r for r in raws if r.keying != keying]
    for r in mixed:
        problems.append(
            Problem(
                file,
                key,
                r.index,
                f"mixes fiscal_year and effective_from keying (values[{raws[0].index}] "
                f"is keyed by {keying}); use one keying per parameter",
            )
        )
    if mixed:
        return None
    if keying == "fiscal_year":
        return keying, _fiscal_year_entries(file, key, raws, problems)
    return keying, _date_entries(file, key, raws, problems)


def _entry(raw: _Raw, span: FiscalYearSpan | DateSpan) -> ValueEntry:
    return ValueEntry(
        value=raw.value, basis=raw.basis, source=raw.source, span=span, verified=raw.verified, note=raw.note
    )


def _fiscal_year_entries(
    file: str, key: str, raws: list[_Raw], problems: list[Problem]
) -> tuple[ValueEntry, ...]:
    ordered = sorted(raws, key=lambda r: (r.fiscal_year, r.index))
    entries: list[ValueEntry] = []
    for pos, raw in enumerate(ordered):
        if pos > 0 and ordered[pos - 1].fiscal_year == raw.fiscal_year:
            problems.append(
                Problem(
                    file,
                    key,
                    raw.index,
                    f"duplicate fiscal year "
                    f"{format_fiscal_year(raw.fiscal_year)} (also values[{ordered[pos - 1].index}])",
                )
            )
            continue
        nxt = next((r for r in ordered[pos + 1 :] if r.fiscal_year > raw.fiscal_year), None)
        last = raw.until
        if nxt is not None:
            if last is not None and last >= nxt.fiscal_year:
                problems.append(
                    Problem(
                        file,
                        key,
                        raw.index,
                        f"until {format_fiscal_year(last)} overlaps "
                        f"values[{nxt.index}] ({format_fiscal_year(nxt.fiscal_year)})",
                    )
                )
            last = nxt.fiscal_year - 1 if last is None else min(last, nxt.fiscal_year - 1)
        entries.append(_entry(raw, FiscalYearSpan(raw.fiscal_year, last)))
    return tuple(entries)


def _date_entries(file: str, key: str, raws: list[_Raw], problems: list[Problem]) -> tuple[ValueEntry, ...]:
    ordered = sorted(raws, key=lambda r: (r.start, r.index))
    entries: list[ValueEntry] = []
    for pos, raw in enumerate(ordered):
        span = DateSpan(raw.start, raw.end)
        clash = next((o for o in ordered[:pos] if DateSpan(o.start, o.end).overlaps(span)), None)
        if clash is not None:
            problems.append(
                Problem(
                    file,
                    key,
                    raw.index,
                    f"date range {span} overlaps values[{clash.index}] ({DateSpan(clash.start, clash.end)})",
                )
            )
            continue
        entries.append(_entry(raw, span))
    return tuple(entries)


def _text(raw: dict[object, object], field: str) -> str | None:
    value = raw.get(field)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _parse_entry(
    file: str,
    key: str,
    index: int,
    unit: Unit,
    raw: object,
    model: TableModel | None,
    problems: list[Problem],
) -> _Raw | None:
    def problem(message: str) -> None:
        problems.append(Problem(file, key, index, message))

    if not isinstance(raw, dict):
        problem("value entry must be a mapping")
        return None
    before = len(problems)
    for unknown in sorted(set(map(str, raw)) - ENTRY_KEYS):
        problem(f"unknown key {unknown!r}")
    basis, source, note = _text(raw, "basis"), _text(raw, "source"), _text(raw, "note")
    if basis is None:
        problem("missing basis (legal basis, e.g. 地方税法第310条)")
    if source is None:
        problem("missing source (URL or citation)")
    if "note" in raw and note is None:
        problem("note must be non-empty text")
    verified = raw.get("verified", True)
    if not isinstance(verified, bool):
        problem(f"verified must be true or false, got {verified!r}")
    value: object = None
    if "value" not in raw:
        problem("missing value")
    else:
        try:
            value = check_value(unit, raw["value"], model)
        except ValueError as exc:
            problem(str(exc))
    has_fy, has_date = "fiscal_year" in raw, "effective_from" in raw
    if has_fy and has_date:
        problem("give either fiscal_year or effective_from, not both")
        return None
    if not has_fy and not has_date:
        problem("missing fiscal_year (FY<yyyy>) or effective_from (date)")
        return None

    def make(
        keying: Keying, fy: int = 0, until: int | None = None, start: date = date.min, end: date | None = None
    ) -> _Raw:
        return _Raw(
            index=index,
            keying=keying,
            value=value,
            basis=basis or "",
            source=source or "",
            note=note,
            verified=verified is True,
            fiscal_year=fy,
            until=until,
            start=start,
            end=end,
        )

    if has_fy:
        if "effective_to" in raw:
            problem("effective_to belongs to date-keyed entries; use until: FY<yyyy>")
        fy = until = None
        try:
            fy = parse_fiscal_year(raw["fiscal_year"])
        except ValueError as exc:
            problem(f"fiscal_year: {exc}")
        if "until" in raw:
            try:
                until = parse_fiscal_year(raw["until"])
            except ValueError as exc:
                problem(f"until: {exc}")
        if fy is not None and until is not None and until < fy:
            problem(f"until {format_fiscal_year(until)} is before fiscal_year {format_fiscal_year(fy)}")
        if len(problems) > before or fy is None:
            return None
        return make("fiscal_year", fy=fy, until=until)
    if "until" in raw:
        problem("until belongs to fiscal-year-keyed entries; use effective_to: <date>")
    start = end = None
    try:
        start = parse_date(raw["effective_from"])
    except ValueError as exc:
        problem(f"effective_from: {exc}")
    if "effective_to" in raw:
        try:
            end = parse_date(raw["effective_to"])
        except ValueError as exc:
            problem(f"effective_to: {exc}")
    if start is not None and end is not None and end < start:
        problem(f"effective_to {end} is before effective_from {start}")
    if len(problems) > before or start is None:
        return None
    return make("date", start=start, end=end)
