"""Resolve the 児童扶養手当 parameters in force in one month (date-keyed).

:func:`month_params` returns a :class:`MonthParams` with typed values (rates as exact ratios), the
:class:`~kikan.core.rules.ResolvedValue` of every key for the trace, and a ``regime`` key equal for
months governed by the same values (a case across 2024-11 or 2025-04 runs one vector call per
regime).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from kikan.core.errors import FieldError, ValidationFailed
from kikan.core.rules import (
    ParameterLookup,
    ParameterLookupError,
    ParameterSet,
    ResolvedValue,
    load_parameter_dir,
)
from kikan.core.rules.values import thaw

from . import tables as t

PARAMETER_DIR = Path(__file__).resolve().parent / "parameters"
M = TypeVar("M", bound=BaseModel)
Ratio = tuple[int, int]


@lru_cache(maxsize=1)
def national_parameters() -> ParameterSet:
    """The national parameter set of 児童扶養手当, validated with its table models."""
    return load_parameter_dir(PARAMETER_DIR, models=t.MODELS)


@dataclass(frozen=True)
class MonthParams:
    """Typed parameter values in force on ``on`` (the first day of a month)."""

    on: date
    regime: tuple[tuple[str, str, int | None], ...]
    resolved: dict[str, ResolvedValue] = field(compare=False, repr=False)
    full: t.Amounts
    partial_max: t.Amounts
    partial_min: t.Amounts
    coef_first: Ratio
    coef_second: Ratio
    coef_third: Ratio
    rounding_unit: int
    claimant_limit: t.ClaimantLimit
    claimant_additions: t.ClaimantAdditions
    obligor_limit: t.ObligorLimit
    flat_deduction: int
    salary_pension_adjustment: int
    child_support_rate: Ratio
    deductions: t.Deductions
    year_start_month: int
    age: int
    disabled_age: int
    payment_months: tuple[int, ...]
    status_report_month: int
    grace_days: int
    pension_divisor: int

    def keys(self, *names: str) -> list[ResolvedValue]:
        """Resolved values of the given relative keys (for trace steps)."""
        return [self.resolved[n] for n in names if n in self.resolved]


def _ratio(rv: ResolvedValue) -> Ratio:
    f = Fraction(str(rv.as_rate()))
    return f.numerator, f.denominator


def month_params(lookup: ParameterLookup, on: date) -> MonthParams:
    """Resolve the parameters for the month starting ``on`` (raises ``ParameterLookupError``)."""
    resolved: dict[str, ResolvedValue] = {}

    def get(key: str) -> ResolvedValue:
        resolved[key] = lookup.value(f"{t.NS}.{key}", on=on)
        return resolved[key]

    def model(key: str, tp: type[M]) -> M:
        value: Any = get(key).value
        return value if isinstance(value, tp) else tp.model_validate(thaw(value))

    get("calculation.supported").as_bool()
    p = MonthParams(
        on=on,
        regime=(),
        resolved=resolved,
        full=model("amount.full", t.Amounts),
        partial_max=model("amount.partial_max", t.Amounts),
        partial_min=model("amount.partial_min", t.Amounts),
        coef_first=_ratio(get("partial.coefficient.first")),
        coef_second=_ratio(get("partial.coefficient.second")),
        coef_third=_ratio(get("partial.coefficient.third_plus")),
        rounding_unit=get("partial.rounding_unit").as_int(),
        claimant_limit=model("income_limit.claimant", t.ClaimantLimit),
        claimant_additions=model("income_limit.claimant_additions", t.ClaimantAdditions),
        obligor_limit=model("income_limit.obligor", t.ObligorLimit),
        flat_deduction=get("income.flat_deduction").as_int(),
        salary_pension_adjustment=get("income.salary_pension_adjustment").as_int(),
        child_support_rate=_ratio(get("income.child_support_rate")),
        deductions=model("deduction.table", t.Deductions),
        year_start_month=get("allowance_year.start_month").as_int(),
        age=get("eligibility.age").as_int(),
        disabled_age=get("eligibility.disabled_age").as_int(),
        payment_months=model("payment.months", t.PaymentMonths).months,
        status_report_month=get("status_report.month").as_int(),
        grace_days=get("claim.grace_days").as_int(),
        pension_divisor=get("pension.monthly_divisor").as_int(),
    )
    regime = tuple(sorted((rv.key, str(rv.effective), rv.revision) for rv in resolved.values()))
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
                    field_name,
                    f"{on:%Y-%m} 分の児童扶養手当の計算には対応していません（対応: 2024年4月分〜2026年3月分）",
                )
            ]
        ) from None
