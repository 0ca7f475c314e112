"""Calculation trace: the steps a rule took, the parameters it used and the rounding it applied.

Tax and benefit rules append to a :class:`Trace` while computing, so every figure on a notice
(通知書) can be explained with its legal basis::

    trace = Trace("individual_resident_tax")
    rate = params.value("income_levy.municipal_rate", fiscal_year=2026)
    levy = trace.add("income_levy_raw", base * rate.as_rate(), parameters=rate)
    trace.rounded("income_levy", int(levy), floor_tax_amount(int(levy)), method="floor_tax_amount",
                  unit=100, basis=BASIS_TAX_AMOUNT)
    trace.to_json()
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

from .parameters import Origin, ResolvedValue

T = TypeVar("T")


@dataclass(frozen=True)
class ParameterUse:
    """Which parameter value a step used, with its legal basis and provenance."""

    key: str
    basis: str
    source: str
    effective: str
    origin: Origin
    revision: int | None
    verified: bool

    @classmethod
    def of(cls, resolved: ResolvedValue) -> ParameterUse:
        return cls(
            key=resolved.key,
            basis=resolved.basis,
            source=resolved.source,
            effective=str(resolved.effective),
            origin=resolved.origin,
            revision=resolved.revision,
            verified=resolved.verified,
        )


@dataclass(frozen=True)
class RoundingApplied:
    """A rounding step: ``method`` (function name), ``unit`` in yen, the amount ``before`` and its basis."""

    method: str
    unit: int
    before: int
    basis: str | None = None


@dataclass(frozen=True)
class TraceStep:
    name: str
    value: Any
    parameters: tuple[ParameterUse, ...] = ()
    rounding: RoundingApplied | None = None
    note: str | None = None


def _uses(
    parameters: ResolvedValue | ParameterUse | Iterable[ResolvedValue | ParameterUse],
) -> tuple[ParameterUse, ...]:
    items = [parameters] if isinstance(parameters, (ResolvedValue, ParameterUse)) else list(parameters)
    return tuple(p if isinstance(p, ParameterUse) else ParameterUse.of(p) for p in items)


class Trace:
    """An append-only list of :class:`TraceStep` that serialises to JSON."""

    def __init__(self, subject: str | None = None) -> None:
        self.subject = subject
        self.steps: list[TraceStep] = []

    def add(
        self,
        name: str,
        value: T,
        *,
        parameters: ResolvedValue | ParameterUse | Iterable[ResolvedValue | ParameterUse] = (),
        rounding: RoundingApplied | None = None,
        note: str | None = None,
    ) -> T:
        """Record a step and return ``value`` unchanged, so it can wrap an expression."""
        self.steps.append(TraceStep(name, value, _uses(parameters), rounding, note))
        return value

    def rounded(
        self,
        name: str,
        before: int,
        after: int,
        *,
        method: str,
        unit: int,
        basis: str | None = None,
        parameters: ResolvedValue | ParameterUse | Iterable[ResolvedValue | ParameterUse] = (),
        note: str | None = None,
    ) -> int:
        """Record a rounding step (``before`` -> ``after``) and return ``after``."""
        return self.add(
            name,
            after,
            parameters=parameters,
            note=note,
            rounding=RoundingApplied(method=method, unit=unit, before=before, basis=basis),
        )

    def __iter__(self) -> Iterator[TraceStep]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def last(self, name: str) -> TraceStep:
        """The most recent step called ``name``."""
        for step in reversed(self.steps):
            if step.name == name:
                return step
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        steps = []
        for step in self.steps:
            item: dict[str, Any] = {"name": step.name, "value": to_jsonable(step.value)}
            if step.parameters:
                item["parameters"] = [dataclasses.asdict(p) for p in step.parameters]
            if step.rounding is not None:
                item["rounding"] = dataclasses.asdict(step.rounding)
            if step.note is not None:
                item["note"] = step.note
            steps.append(item)
        return {"subject": self.subject, "steps": steps}

    def to_json(self, *, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


def to_jsonable(value: Any) -> Any:
    """Convert rule values to JSON types: Decimal -> str (exact), dates -> ISO, models -> dicts."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(to_jsonable(v) for v in value)
    if hasattr(value, "tolist"):  # numpy scalars and arrays, without importing numpy
        return to_jsonable(value.tolist())
    raise TypeError(f"cannot serialise {type(value).__name__} in a trace")
