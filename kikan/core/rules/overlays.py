"""Tenant overlays: municipal ordinances (条例) that override or add parameters for one tenant.

Examples: 超過課税 rates, local top-ups of a benefit, a 級地 classification.  Overlays are stored
by a DB adapter implementing :class:`OverlayStore`; this module is the pure part.

Rules (see ``README.md``):

* an overlay may only target a national key declared ``overridable: true``, or a key inside a
  ``tenant_only`` section (``<namespace>.<section>.<anything>``);
* overlays whose key lies outside every namespace of the national set are ignored (they belong
  to another business's view); everything else is validated at construction, all problems at once;
* ``basis`` is the ordinance article (e.g. 「○○市市税条例第N条」) and must be non-empty;
* keying (fiscal year vs. date) must match the national parameter;
* in force means the same as for national values (fiscal-year carry-forward, ``until``,
  inclusive date ranges); among the overlays in force the highest ``revision`` wins, and any
  overlay in force wins over the national value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from .errors import ParameterError, ParameterNotInForce, Problem
from .parameters import Keying, ParameterSet, ResolvedValue, ValueEntry, resolve
from .periods import DateSpan, FiscalYearSpan, coerce_fiscal_year, describe_period, format_fiscal_year
from .values import TableModel, Unit, check_value


@dataclass(frozen=True, kw_only=True)
class Overlay:
    """One recorded revision of a tenant's ordinance value for one key and period.

    Give ``fiscal_year`` (optionally ``until``, inclusive) or ``effective_from`` (optionally
    ``effective_to``, inclusive).  ``revision`` is assigned by the :class:`OverlayStore`.
    """

    tenant_id: str
    key: str
    value: object
    basis: str
    source: str
    recorded_at: datetime
    recorded_by: str
    revision: int = 0
    fiscal_year: int | None = None
    until: int | None = None
    effective_from: date | None = None
    effective_to: date | None = None
    note: str | None = None
    verified: bool = True


@runtime_checkable
class OverlayStore(Protocol):
    """Persistence port for overlays; the DB adapter implements it."""

    def list_overlays(self, tenant_id: str) -> Sequence[Overlay]: ...

    def add_revision(self, overlay: Overlay) -> Overlay:
        """Store ``overlay`` as the next revision for (tenant, key); return it with ``revision`` set."""
        ...


@dataclass(frozen=True)
class _Target:
    unit: Unit
    label: str
    keying: Keying | None
    model: TableModel | None
    national: tuple[ValueEntry, ...] = ()


class TenantParameterView:
    """National parameters seen through one tenant's overlays.  Validates overlays eagerly."""

    def __init__(self, national: ParameterSet, overlays: Sequence[Overlay], *, tenant_id: str | None = None):
        self.national = national
        self.tenant_id = tenant_id if tenant_id is not None else (overlays[0].tenant_id if overlays else None)
        self._targets: dict[str, _Target] = {}
        self._entries: dict[str, list[ValueEntry]] = {}
        self._overlays: dict[str, list[Overlay]] = {}
        problems: list[Problem] = []
        seen: dict[tuple[str, int], int] = {}
        for index, overlay in enumerate(overlays):
            if not any(overlay.key.startswith(ns + ".") for ns in national.namespaces):
                continue
            where = f"overlay[tenant={overlay.tenant_id}, revision={overlay.revision}]"
            before = len(problems)
            target = self._check(overlay, where, index, problems)
            if (overlay.key, overlay.revision) in seen:
                problems.append(
                    Problem(
                        where,
                        overlay.key,
                        index,
                        f"duplicate revision (also overlays[{seen[overlay.key, overlay.revision]}])",
                    )
                )
            seen[overlay.key, overlay.revision] = index
            if target is not None and len(problems) == before:
                self._targets.setdefault(overlay.key, target)
                self._overlays.setdefault(overlay.key, []).append(overlay)
        if problems:
            raise ParameterError(problems)
        for key, items in self._overlays.items():
            self._entries[key] = [*self._targets[key].national, *_overlay_entries(items, self._targets[key])]

    def _check(self, ov: Overlay, where: str, index: int, problems: list[Problem]) -> _Target | None:
        def problem(message: str) -> None:
            problems.append(Problem(where, ov.key, index, message))

        if not ov.tenant_id or (self.tenant_id is not None and ov.tenant_id != self.tenant_id):
            problem(f"tenant_id {ov.tenant_id!r} does not match the view's tenant {self.tenant_id!r}")
        for name in ("basis", "source", "recorded_by"):
            text = getattr(ov, name)
            if not isinstance(text, str) or not text.strip():
                problem(f"missing {name}" + (" (the ordinance article)" if name == "basis" else ""))
        if ov.revision < 1:
            problem("revision not assigned (store overlays through OverlayStore.add_revision)")
        if not isinstance(ov.recorded_at, datetime):
            problem("recorded_at must be a datetime")
        target = self._target_for(ov.key, problem)
        keying = _check_period(ov, problem)
        if target is None or keying is None:
            return None
        expected = self._targets[ov.key].keying if ov.key in self._targets else target.keying
        if expected is not None and keying != expected:
            problem(f"keyed by {keying} but the parameter is keyed by {expected}")
        try:
            check_value(target.unit, ov.value, target.model)
        except ValueError as exc:
            problem(str(exc))
        return target if target.keying is not None else replace(target, keying=keying)

    def _target_for(self, key: str, problem: ProblemSink) -> _Target | None:
        if key in self.national:
            param = self.national.parameter(key)
            if not param.overridable:
                problem("parameter is not overridable (declare overridable: true in the national file)")
                return None
            return _Target(param.unit, param.label, param.keying, param.model, param.entries)
        section = self.national.section_for(key)
        if section is None:
            problem("unknown parameter and not inside a tenant_only section")
            return None
        return _Target(section.unit, section.label, None, section.model)

    def value(
        self, key: str, *, fiscal_year: int | str | None = None, on: date | None = None
    ) -> ResolvedValue:
        """Like :meth:`ParameterSet.value`, preferring the tenant's overlay in force (origin "tenant")."""
        qualified = self._qualify(key)
        entries = self._entries.get(qualified)
        if entries is None:
            if qualified in self.national or self.national.section_for(qualified) is None:
                return self.national.value(qualified, fiscal_year=fiscal_year, on=on)
            fy = coerce_fiscal_year(fiscal_year) if fiscal_year is not None else None
            raise ParameterNotInForce(qualified, describe_period(fiscal_year=fy, on=on))
        target = self._targets[qualified]
        assert target.keying is not None
        entry = resolve(qualified, target.keying, entries, fiscal_year=fiscal_year, on=on)
        return entry.resolve(qualified, target.unit, target.label)

    def _qualify(self, key: str) -> str:
        if key in self._entries or len(self.national.namespaces) != 1:
            return key
        if key in self.national:
            return self.national.qualify(key)
        (namespace,) = self.national.namespaces
        return key if key.startswith(namespace + ".") else f"{namespace}.{key}"

    def overlays_for(self, key: str) -> tuple[Overlay, ...]:
        return tuple(self._overlays.get(self._qualify(key), ()))

    def unverified(self) -> list[ResolvedValue]:
        """National values marked unverified plus overlays recorded with ``verified=False``."""
        tenant = [
            e.resolve(k, self._targets[k].unit, self._targets[k].label)
            for k in sorted(self._entries)
            for e in self._entries[k]
            if e.origin == "tenant" and not e.verified
        ]
        return [*self.national.unverified(), *tenant]


class ProblemSink(Protocol):
    def __call__(self, message: str) -> None: ...


def _check_period(ov: Overlay, problem: ProblemSink) -> Keying | None:
    if (ov.fiscal_year is None) == (ov.effective_from is None):
        problem("give exactly one of fiscal_year or effective_from")
        return None
    if ov.fiscal_year is not None:
        if ov.effective_to is not None:
            problem("effective_to belongs to date-keyed overlays; use until")
        if isinstance(ov.fiscal_year, bool) or not isinstance(ov.fiscal_year, int):
            problem(f"fiscal_year must be an int, got {ov.fiscal_year!r}")
            return None
        if ov.until is not None and (not isinstance(ov.until, int) or ov.until < ov.fiscal_year):
            problem(f"until {ov.until!r} is before fiscal_year {format_fiscal_year(ov.fiscal_year)}")
        return "fiscal_year"
    if ov.until is not None:
        problem("until belongs to fiscal-year-keyed overlays; use effective_to")
    start, end = ov.effective_from, ov.effective_to
    if isinstance(start, datetime) or isinstance(end, datetime):
        problem("effective_from / effective_to must be dates, not datetimes")
    elif end is not None and start is not None and end < start:
        problem(f"effective_to {end} is before effective_from {start}")
    return "date"


def _overlay_entries(overlays: list[Overlay], target: _Target) -> list[ValueEntry]:
    """Overlay entries with spans: fiscal-year overlays carry forward to the next overlay's year."""
    starts = sorted({ov.fiscal_year for ov in overlays if ov.fiscal_year is not None})
    entries = []
    for ov in overlays:
        span: FiscalYearSpan | DateSpan
        if ov.fiscal_year is not None:
            nxt = next((fy for fy in starts if fy > ov.fiscal_year), None)
            last = ov.until if ov.until is not None else (None if nxt is None else nxt - 1)
            span = FiscalYearSpan(ov.fiscal_year, last)
        else:
            assert ov.effective_from is not None
            span = DateSpan(ov.effective_from, ov.effective_to)
        value = check_value(target.unit, ov.value, target.model)
        entries.append(
            ValueEntry(
                value=value,
                basis=ov.basis,
                source=ov.source,
                span=span,
                verified=ov.verified,
                note=ov.note,
                origin="tenant",
                revision=ov.revision,
            )
        )
    return entries


class InMemoryOverlayStore:
    """In-memory :class:`OverlayStore` for tests.  Validates against ``national`` when given."""

    def __init__(self, national: ParameterSet | None = None) -> None:
        self._national = national
        self._rows: list[Overlay] = []

    def list_overlays(self, tenant_id: str) -> Sequence[Overlay]:
        return tuple(o for o in self._rows if o.tenant_id == tenant_id)

    def add_revision(self, overlay: Overlay) -> Overlay:
        existing = self.list_overlays(overlay.tenant_id)
        revision = 1 + max((o.revision for o in existing if o.key == overlay.key), default=0)
        stored = replace(overlay, revision=revision)
        if self._national is not None:
            TenantParameterView(self._national, [*existing, stored], tenant_id=overlay.tenant_id)
        self._rows.append(stored)
        return stored
