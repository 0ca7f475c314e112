"""Resolve the 児童手当 parameters in force in one month (date-keyed: the October 2024 reform).

:func:`month_params` looks every key up through a :class:`~kikan.core.rules.ParameterLookup` for
the first day of the month and returns a :class:`MonthParams`: typed values for the vector rules,
the :class:`~kikan.core.rules.ResolvedValue` of each key (for the trace), and a ``regime`` key
that is equal for months governed by the same values, so a multi-month case is computed in one
vector call per regime.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from kikan.core.errors import FieldError, ValidationFailed
from kikan.core.rules import (
    ParameterLookup,
    ParameterLookupError,
    ParameterNotInForce,
    ParameterSet,
    ResolvedValue,
    load_parameter_dir,
)
from kikan.core.rules.values import thaw

from . import tables as t

PARAMETER_DIR = Path(__file__).resolve().parent / "parameters"
M = TypeVar("M", bound=BaseModel)


@lru_cache(maxsize=1)
def national_parameters() -> ParameterSet:
    """The national parameter set of 児童手当, validated with its table models."""
    return load_parameter_dir(PARAMETER_DIR, models=t.MODELS)


@dataclass(frozen=True)
class MonthParams:
    """Typed parameter values in force on ``on`` (the first day of a month)."""

    on: date
    regime: tuple[tuple[str, str, int | None], ...]
    resolved: dict[str, ResolvedValue] = field(compare=False, repr=False)
    amounts: t.AmountBands
    facility: t.AmountBands
    count_until_age: int
    limit_in_force: bool
    income_limit: t.IncomeLimit | None
    upper_limit: t.IncomeLimit | None
    elderly_addition: int
    special_benefit: int
    flat_deduction: int
    income_year_start_month: int
    payment_months: tuple[int, ...]
    grace_days: int

    def keys(self, *names: str) -> list[ResolvedValue]:
        """Resolved values of the given relative keys (for trace steps)."""
        return [self.resolved[n] for n in names if n in self.resolved]

    @property
    def reformed(self) -> bool:
        """True from October 2024 (令和6年法律第47号): no income limit."""
        return not self.limit_in_force


class _Resolver:
    def __init__(self, lookup: ParameterLookup, on: date) -> None:
        self.lookup = lookup
        self.on = on
        self.resolved: dict[str, ResolvedValue] = {}

    def get(self, key: str) -> ResolvedValue:
        rv = self.lookup.value(f"{t.NS}.{key}", on=self.on)
        self.resolved[key] = rv
        return rv

    def optional(self, key: str) -> ResolvedValue | None:
        try:
            return self.get(key)
        except ParameterNotInForce:
            return None

    def model(self, key: str, model: type[M]) -> M:
        return _as_model(self.get(key), model)


def _as_model(rv: ResolvedValue, model: type[M]) -> M:
    value: Any = rv.value
    return value if isinstance(value, model) else model.model_validate(thaw(value))


def month_params(lookup: ParameterLookup, on: date) -> MonthParams:
    """Resolve the parameters for the month starting ``on`` (raises ``ParameterLookupError``)."""
    r = _Resolver(lookup, on)
    r.get("calculation.supported").as_bool()
    limit_in_force = r.get("income_limit.in_force").as_bool()
    limit = upper = None
    elderly = flat = 0
    year_start = 1
    special = 0
    if limit_in_force:
        limit = r.model("income_limit.table", t.IncomeLimit)
        upper_rv = r.optional("income_upper_limit.table")
        upper = _as_model(upper_rv, t.IncomeLimit) if upper_rv is not None else None
        elderly = r.get("income_limit.elderly_addition").as_int()
        flat = r.get("income.flat_deduction").as_int()
        year_start = r.get("income.year_start_month").as_int()
        special = r.get("special_benefit.monthly").as_int()
    p = MonthParams(
        on=on,
        regime=(),
        resolved=r.resolved,
        amounts=r.model("amount.monthly", t.AmountBands),
        facility=r.model("amount.facility", t.AmountBands),
        count_until_age=r.get("birth_order.count_until_age").as_int(),
        limit_in_force=limit_in_force,
        income_limit=limit,
        upper_limit=upper,
        elderly_addition=elderly,
        special_benefit=special,
        flat_deduction=flat,
        income_year_start_month=year_start,
        payment_months=r.model("payment.months", t.PaymentMonths).months,
        grace_days=r.get("claim.grace_days").as_int(),
    )
    regime = tuple(sorted((rv.key, str(rv.effective), rv.revision) for rv in r.resolved.values()))
    object.__setattr__(p, "regime", regime)
    return p


def resolve_month(lookup: ParameterLookup, on: date, *, field_name: str = "period") -> MonthParams:
    """:func:`month_params` with an unsupported month turned into :class:`ValidationFailed`."""
    try:
        return month_params(lookup, on)
    except ParameterLookupError:
        raise ValidationFailed(
            [
                FieldError(
                    field_name, f"{on:%Y-%m} 分の児童手当の計算には対応していません（対応: 2012年6月分以降）"
                )
            ]
        ) from None


def transition(lookup: ParameterLookup, claim_on: date) -> tuple[t.Transition, ResolvedValue] | None:
    """The 2024 reform's 経過措置 in force on the claim date, if any."""
    try:
        rv = lookup.value(f"{t.NS}.transition.reform_2024", on=claim_on)
    except ParameterNotInForce:
        return None
    return _as_model(rv, t.Transition), rv
