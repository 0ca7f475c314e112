"""Validated parameter sets and lookup.

A :class:`ParameterSet` is built by :func:`kikan.core.rules.loader.load_parameter_dir`; by the time
one exists every value has been validated.  Lookups return a :class:`ResolvedValue` that carries
the value together with its legal basis, source and period, so rules can cite what they used.

Keys are qualified by namespace (``tax.individual_resident.per_capita_levy.municipal``).  When a
set holds a single namespace, lookups may also use the key relative to it
(``per_capita_levy.municipal``); :attr:`ResolvedValue.key` is always the qualified key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, Protocol, TypeVar

from .errors import AmbiguousPeriod, ParameterNotInForce, UnknownParameter
from .periods import (
    DateSpan,
    Effective,
    FiscalYearSpan,
    coerce_fiscal_year,
    describe_period,
    fiscal_year_end,
    fiscal_year_of,
    fiscal_year_start,
)
from .values import TableModel, Unit

Origin = Literal["national", "tenant"]
Keying = Literal["fiscal_year", "date"]
T = TypeVar("T")


@dataclass(frozen=True)
class ResolvedValue:
    """A parameter value in force for the requested period, with its provenance.

    ``revision`` is the overlay revision for ``origin="tenant"`` and ``None`` for national values.
    ``effective`` is the whole period the value is in force (carry-forward included).
    """

    value: Any
    key: str
    basis: str
    source: str
    effective: Effective
    origin: Origin
    revision: int | None
    verified: bool
    unit: Unit
    label: str
    note: str | None = None

    def as_int(self) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise TypeError(f"{self.key} is {self.unit}, not an integer")
        return self.value

    def as_rate(self) -> Decimal:
        if not isinstance(self.value, Decimal):
            raise TypeError(f"{self.key} is {self.unit}, not a rate")
        return self.value

    def as_bool(self) -> bool:
        if not isinstance(self.value, bool):
            raise TypeError(f"{self.key} is {self.unit}, not a bool")
        return self.value

    def as_text(self) -> str:
        if not isinstance(self.value, str):
            raise TypeError(f"{self.key} is {self.unit}, not text")
        return self.value

    def as_(self, tp: type[T]) -> T:
        """The value as an instance of ``tp`` (typically the registered table model)."""
        if not isinstance(self.value, tp):
            raise TypeError(f"{self.key} holds {type(self.value).__name__}, not {tp.__name__}")
        return self.value


@dataclass(frozen=True)
class ValueEntry:
    """One validated value with its computed period.  ``revision`` ranks overlays (None = national)."""

    value: object
    basis: str
    source: str
    span: Effective
    verified: bool = True
    note: str | None = None
    origin: Origin = "national"
    revision: int | None = None

    @property
    def rank(self) -> int:
        return -1 if self.revision is None else self.revision

    def resolve(self, key: str, unit: Unit, label: str) -> ResolvedValue:
        return ResolvedValue(
            value=self.value,
            key=key,
            basis=self.basis,
            source=self.source,
            effective=self.span,
            origin=self.origin,
            revision=self.revision,
            verified=self.verified,
            unit=unit,
            label=label,
            note=self.note,
        )


@dataclass(frozen=True)
class Parameter:
    """A declared national parameter: metadata plus its non-overlapping value entries."""

    key: str
    namespace: str
    label: str
    unit: Unit
    keying: Keying
    overridable: bool
    entries: tuple[ValueEntry, ...]
    file: str
    model: TableModel | None = None
    description: str | None = None


@dataclass(frozen=True)
class TenantSection:
    """A ``tenant_only`` section: tenants may add keys ``<prefix>.<anything>`` by ordinance."""

    prefix: str
    namespace: str
    label: str
    unit: Unit
    file: str
    model: TableModel | None = None

    def covers(self, key: str) -> bool:
        return key.startswith(self.prefix + ".")


class ParameterLookup(Protocol):
    """What rules depend on: implemented by :class:`ParameterSet` and ``TenantParameterView``."""

    def value(
        self, key: str, *, fiscal_year: int | str | None = None, on: date | None = None
    ) -> ResolvedValue: ...


def pick(
    entries: Iterable[ValueEntry], *, fiscal_year: int | None = None, on: date | None = None
) -> ValueEntry | None:
    """The highest-ranked entry in force for the fiscal year or date (exactly one is given)."""
    best: ValueEntry | None = None
    for entry in entries:
        span = entry.span
        if on is not None:
            hit = span.contains_date(on)
        else:
            assert fiscal_year is not None
            hit = isinstance(span, FiscalYearSpan) and span.contains_fiscal_year(fiscal_year)
        if hit and (best is None or entry.rank > best.rank):
            best = entry
    return best


def resolve(
    key: str, keying: Keying, entries: Sequence[ValueEntry], *, fiscal_year: int | str | None, on: date | None
) -> ValueEntry:
    """Resolve ``key`` for a period, raising :class:`ParameterNotInForce` / :class:`AmbiguousPeriod`.

    * fiscal-year-keyed, asked by date: the date is mapped to its fiscal year (April-March).
    * date-keyed, asked by fiscal year: answered only if one entry is in force for the whole year.
    """
    if (fiscal_year is None) == (on is None):
        raise TypeError("give exactly one of fiscal_year= or on=")
    if on is not None and isinstance(on, datetime):
        raise TypeError("on= takes a date, not a datetime")
    fy = coerce_fiscal_year(fiscal_year) if fiscal_year is not None else None
    period = describe_period(fiscal_year=fy, on=on)
    if keying == "fiscal_year":
        if fy is None:
            assert on is not None
            fy = fiscal_year_of(on)
        found = pick(entries, fiscal_year=fy)
    elif on is not None:
        found = pick(entries, on=on)
    else:
        assert fy is not None
        lo, hi = fiscal_year_start(fy), fiscal_year_end(fy)
        points = {lo}
        for entry in entries:
            if isinstance(entry.span, DateSpan):
                points.update(entry.span.change_points_within(lo, hi))
        picks = {pick(entries, on=p) for p in points}
        if len(picks) > 1:
            raise AmbiguousPeriod(key, period)
        found = picks.pop()
    if found is None:
        raise ParameterNotInForce(key, period)
    return found


class ParameterSet:
    """Validated national parameters of one or more namespaces.  Immutable once built."""

    def __init__(
        self, parameters: Mapping[str, Parameter], tenant_sections: Mapping[str, TenantSection] | None = None
    ) -> None:
        self._parameters = dict(parameters)
        self._sections = dict(tenant_sections or {})
        self.namespaces: frozenset[str] = frozenset(
            [p.namespace for p in self._parameters.values()] + [s.namespace for s in self._sections.values()]
        )

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._qualify(key) in self._parameters

    def __len__(self) -> int:
        return len(self._parameters)

    def keys(self) -> list[str]:
        return sorted(self._parameters)

    @property
    def tenant_sections(self) -> tuple[TenantSection, ...]:
        return tuple(self._sections[p] for p in sorted(self._sections))

    def _qualify(self, key: str) -> str:
        if key in self._parameters or len(self.namespaces) != 1:
            return key
        (namespace,) = self.namespaces
        return f"{namespace}.{key}"

    def qualify(self, key: str) -> str:
        """The qualified key for ``key``; raises :class:`UnknownParameter` if it is not declared."""
        qualified = self._qualify(key)
        if qualified not in self._parameters:
            raise UnknownParameter(key)
        return qualified

    def parameter(self, key: str) -> Parameter:
        return self._parameters[self.qualify(key)]

    def section_for(self, key: str) -> TenantSection | None:
        """The ``tenant_only`` section that covers the qualified ``key``, if any."""
        return next((s for s in self._sections.values() if s.covers(key)), None)

    def value(
        self, key: str, *, fiscal_year: int | str | None = None, on: date | None = None
    ) -> ResolvedValue:
        """The national value of ``key`` in force for ``fiscal_year`` (2026 or "FY2026") or ``on``."""
        param = self.parameter(key)
        entry = resolve(param.key, param.keying, param.entries, fiscal_year=fiscal_year, on=on)
        return entry.resolve(param.key, param.unit, param.label)

    def unverified(self) -> list[ResolvedValue]:
        """Every value entry marked ``verified: false`` (figures not yet checked against statute)."""
        return [
            entry.resolve(p.key, p.unit, p.label)
            for p in (self._parameters[k] for k in self.keys())
            for entry in p.entries
            if not entry.verified
        ]
