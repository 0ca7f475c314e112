"""Collection schedules (徴収方法・納期・各期の税額), vectorised over taxpayers.

Three methods, each a fixed number of periods per fiscal year:

* ``ordinary`` 普通徴収 (地方税法第319条〜第320条): 4 納期 (6月・8月・10月・1月 by default; dates
  from the tenant's ordinance as a parameter overlay). Fractions below 1,000円 of each installment
  go to the first one (第20条の4の2第6項, the unit is overridable by ordinance).
* ``salary`` 給与からの特別徴収 (第321条の3〜第321条の5): 12 monthly amounts June → May; the
  fraction below 100円 goes to June. The employer remits by the 10th of the following month.
* ``pension`` 公的年金等からの特別徴収 (第321条の7の2〜第321条の7の8): 仮特別徴収 in April, June,
  August = (前年度の年金特徴税額 × 1/2) ÷ 3 (平成28年10月以後の平準化; the earlier rule "same as the
  previous February" is selectable by parameter), 本徴収 in October, December, February =
  (年金特徴税額 − 仮徴収額) ÷ 3. In the first year (no 年金特徴 in the previous year) half of the
  pension part is 普通徴収 in the first two 納期 and the other half is 本徴収.

Who pays how (:func:`allocate`, simplified and documented in the README): the 年金特徴 part is the
所得割 in proportion of 公的年金等に係る所得 to 総所得金額等 (100円未満切捨て) plus the 均等割 and
森林環境税 unless a 給与特徴 exists; with a 特別徴収義務者 everything else is withheld from the
salary; the rest is 普通徴収. Due dates fall back to the next business day (第20条の5第2項) through
the tenant's :class:`~kikan.core.calendar.BusinessCalendar`.
"""

from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from kikan.core.calendar import BusinessCalendar
from kikan.core.rules import ParameterLookup, ResolvedValue
from kikan.core.rules import vector_rounding as vr
from kikan.core.rules.values import thaw

NS = "tax.individual_resident"
METHODS = ("ordinary", "salary", "pension")
METHOD_LABELS = {
    "ordinary": "普通徴収",
    "salary": "給与からの特別徴収",
    "pension": "公的年金等からの特別徴収",
}
Yen = npt.NDArray[np.int64]


@dataclass(frozen=True)
class CollectionParams:
    ordinary: tuple[tuple[int, int], ...]
    ordinary_unit: int
    salary_first_month: int
    salary_count: int
    salary_unit: int
    salary_remittance_day: int
    pension_months: tuple[int, ...]
    pension_unit: int
    pension_minimum_age: int
    pension_minimum_revenue: int
    pension_provisional_rule: str
    pension_remittance_day: int
    grade: int
    resolved: dict[str, ResolvedValue] = field(default_factory=dict)


def collection_params(lookup: ParameterLookup, fiscal_year: int) -> CollectionParams:
    """The collection parameters in force in ``fiscal_year`` (national values + ordinance overlays)."""
    resolved: dict[str, ResolvedValue] = {}

    def get(key: str) -> Any:
        rv = lookup.value(f"{NS}.{key}", fiscal_year=fiscal_year)
        resolved[key] = rv
        return thaw(rv.value)

    ordinary = tuple((int(x["month"]), int(x["day"])) for x in get("collection.ordinary.installments"))
    return CollectionParams(
        ordinary=ordinary,
        ordinary_unit=int(get("collection.ordinary.unit")),
        salary_first_month=int(get("collection.salary.first_month")),
        salary_count=int(get("collection.salary.installments")),
        salary_unit=int(get("collection.salary.unit")),
        salary_remittance_day=int(get("collection.salary.remittance_day")),
        pension_months=tuple(int(m) for m in get("collection.pension.months")),
        pension_unit=int(get("collection.pension.unit")),
        pension_minimum_age=int(get("collection.pension.minimum_age")),
        pension_minimum_revenue=int(get("collection.pension.minimum_revenue")),
        pension_provisional_rule=str(get("collection.pension.provisional_rule")),
        pension_remittance_day=int(get("collection.pension.remittance_day")),
        grade=int(get("assessment.living_standard_grade")),
        resolved=resolved,
    )


def _year(fiscal_year: int, month: int) -> int:
    return fiscal_year if month >= 4 else fiscal_year + 1


def _day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, _cal.monthrange(year, month)[1]))


def _next_month(year: int, month: int, day: int) -> date:
    return _day(year + month // 12, month % 12 + 1, day)


def periods(fiscal_year: int, cp: CollectionParams) -> dict[str, list[str]]:
    """The month (``YYYY-MM``) of each installment per method: 納期の月 / 徴収する月."""
    first = cp.salary_first_month
    salary = [(fiscal_year * 12 + first - 1 + i) for i in range(cp.salary_count)]  # June → next May
    return {
        "ordinary": [f"{_year(fiscal_year, m):04d}-{m:02d}" for m, _ in cp.ordinary],
        "salary": [f"{x // 12:04d}-{x % 12 + 1:02d}" for x in salary],
        "pension": [f"{_year(fiscal_year, m):04d}-{m:02d}" for m in cp.pension_months],
    }


def due_dates(fiscal_year: int, cp: CollectionParams, cal: BusinessCalendar) -> dict[str, list[date]]:
    """納期限 of each installment, shifted past holidays and closure days (第20条の5第2項).

    普通徴収: the ordinance's day in the month (末日 if beyond it). 特別徴収: the remittance day of the
    month after the month the tax is withheld (給与 第321条の5, 年金 第321条の7の5).
    """
    per = periods(fiscal_year, cp)
    ordinary = [_day(_year(fiscal_year, m), m, d) for m, d in cp.ordinary]
    salary = [_next_month(int(p[:4]), int(p[5:]), cp.salary_remittance_day) for p in per["salary"]]
    pension = [_next_month(int(p[:4]), int(p[5:]), cp.pension_remittance_day) for p in per["pension"]]
    raw = {"ordinary": ordinary, "salary": salary, "pension": pension}
    return {k: [cal.shift_due_date(d) for d in v] for k, v in raw.items()}


@dataclass(frozen=True)
class Allocation:
    ordinary: Yen
    salary: Yen
    pension: Yen
    first_year_pension: npt.NDArray[np.bool_]


def allocate(
    out: dict[str, Yen],
    *,
    salary_special: npt.NDArray[np.bool_],
    pension_target: npt.NDArray[np.bool_],
    age_april1: Yen,
    pension_revenue: Yen,
    previous_pension: Yen,
    cp: CollectionParams,
) -> Allocation:
    """Split each 年税額 into 普通徴収 / 給与特徴 / 年金特徴 parts (module docstring)."""
    total = out["total_tax"]
    levy = out["income_levy_municipal"] + out["income_levy_prefectural"]
    per_capita = out["per_capita_municipal"] + out["per_capita_prefectural"] + out["forest_environment_tax"]
    agg = out["aggregate_income"]
    pension_income = out["pension_income"]
    eligible = (
        pension_target
        & (age_april1 >= cp.pension_minimum_age)
        & (pension_revenue >= cp.pension_minimum_revenue)
        & (pension_income > 0)
        & (total > 0)
    )
    share = np.where(agg > 0, levy * np.minimum(pension_income, agg) // np.maximum(agg, 1), 0)
    pension_levy = vr.floor_to(np.minimum(share, levy), 100)
    pension = np.where(eligible, np.minimum(total, pension_levy + np.where(salary_special, 0, per_capita)), 0)
    salary = np.where(salary_special & (total > 0), total - pension, 0)
    ordinary = total - pension - salary
    first_year = eligible & (previous_pension <= 0)
    return Allocation(
        ordinary.astype(np.int64), salary.astype(np.int64), pension.astype(np.int64), first_year
    )


def installments(
    a: Allocation, previous_total: Yen, previous_february: Yen, cp: CollectionParams
) -> dict[str, Yen]:
    """Amounts per period: ``ordinary`` (N, 4), ``salary`` (N, 12), ``pension`` (N, 6), ``overpaid`` (N,).

    ``previous_total`` / ``previous_february``: the previous fiscal year's 年金特徴 part and its
    February 本徴収 amount (0 when there was none: first year).
    """
    n_ord = len(cp.ordinary)
    ordinary = vr.split_installments(a.ordinary, n_ord, cp.ordinary_unit)
    salary = vr.split_installments(a.salary, cp.salary_count, cp.salary_unit)
    continuing = (a.pension > 0) & ~a.first_year_pension
    if cp.pension_provisional_rule == "previous_february":
        provisional_total = np.where(continuing, np.maximum(previous_february, 0) * 3, 0)
    else:
        provisional_total = np.where(continuing, np.maximum(previous_total, 0) // 2, 0)
    provisional = vr.split_installments(provisional_total, 3, cp.pension_unit)
    overpaid = np.maximum(provisional_total - a.pension, 0)
    special_half = vr.floor_to(a.pension // 2, cp.pension_unit)
    main_total = np.where(a.first_year_pension, special_half, np.maximum(a.pension - provisional_total, 0))
    ordinary_half = np.where(a.first_year_pension, a.pension - special_half, 0)
    main = vr.split_installments(main_total, len(cp.pension_months) - 3, cp.pension_unit)
    first_two = vr.split_installments(ordinary_half, 2, cp.ordinary_unit)
    ordinary[:, :2] += first_two
    return {
        "ordinary": ordinary,
        "salary": salary,
        "pension": np.concatenate([provisional, main], axis=1),
        "overpaid": overpaid.astype(np.int64),
    }


def respread(
    before: list[int], due: list[date], on: date, new_total: int, unit: int
) -> tuple[list[int], int]:
    """Re-spread one method's installments after a 更正 effective ``on``.

    Installments due before ``on`` stay as they were (納期が到来した期: collected or in arrears);
    the new total minus those is split again over the remaining periods (fractions below ``unit``
    to the first remaining one, 第20条の4の2第6項). Returns ``(after, rest)``: ``rest`` > 0 is an
    amount no remaining period can take (→ a 随時期 of 普通徴収); < 0 is an overpayment (過誤納).
    """
    fixed = [d < on for d in due]
    kept = sum(b for b, f in zip(before, fixed, strict=True) if f)
    open_ = [i for i, f in enumerate(fixed) if not f]
    remaining = new_total - kept
    after = [b if f else 0 for b, f in zip(before, fixed, strict=True)]
    if not open_ or remaining <= 0:
        return after, remaining
    split = vr.split_installments(np.asarray([remaining], dtype=np.int64), len(open_), unit)[0]
    for i, amount in zip(open_, split, strict=True):
        after[i] = int(amount)
    return after, 0


def as_lines(
    doc: dict[str, Any], dates: dict[str, list[str]], months: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """An installments document as notice lines: method, 期, month, due date, amount."""
    lines: list[dict[str, Any]] = []
    for method in METHODS:
        for i, amount in enumerate(doc.get(method) or []):
            lines.append({"method": method, "method_label": METHOD_LABELS[method], "no": i + 1,
                          "month": months[method][i], "due_on": dates[method][i], "amount": int(amount)})  # fmt: skip
    for extra in doc.get("extra") or []:
        lines.append({"method": "ordinary", "method_label": "普通徴収（随時）", "no": len(lines) + 1,
                      "month": str(extra["due_on"])[:7], "due_on": extra["due_on"], "amount": int(extra["amount"])})  # fmt: skip
    return lines
