"""Vector rules of 児童扶養手当: rows are (受給資格者, month); children and 扶養義務者 are tables
linked by ``owner``. Same functions for one case (months as rows) and a city (one month).

Legal basis (児童扶養手当法, 昭和36年法律第238号; 施行令):

* 第3条第1項: 「児童」 = up to the first 31 March after reaching 18, or under 20 with a disability
  of the degree set by 施行令第1条. A child in a facility or foster care (第4条第2項) is excluded.
* 第5条: 月額 = 本体 + 第2子加算 + 第3子以降加算 × (児童数 − 2) (from 2024-11 the third-child
  addition equals the second's).
* 第9条・施行令第2条の4: the 受給資格者 (father or mother) gets 全部支給 if 所得額 < 全部支給の
  限度額, 一部支給 if < 一部支給の限度額: each part = 上限 − {(所得額 − 全部支給の限度額) × 係数}
  ({ } rounded half up to 10 yen), never below the published minimum; otherwise 全部支給停止.
  孤児等の養育者 (第9条の2) and a 配偶者・扶養義務者 with income ≥ their limit (第10条・第11条):
  all or nothing.
* 第13条の2 (as amended with effect from 2021-03): a recipient of 公的年金 gets the difference
  when the pension is lower than the allowance; a recipient of 障害基礎年金等 compares only its
  子の加算 part. Pension monthly = annual ÷ 12 (1円未満切捨て; see ``pension.monthly_divisor``).
* 第8条: a child counts from ``from_month`` (the month after the 額改定請求) through
  ``until_month`` (減額 from the month after the event).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from kikan.welfare import IntArray, last_month_before_fy_end, reaching_month

from .income import IncomeInputs, claimant_limits, income_amount, obligor_limit, reduction
from .params import MonthParams

Mask = npt.NDArray[np.bool_]
Index = npt.NDArray[np.intp]

CLAIMANT_MOTHER, CLAIMANT_FATHER, CLAIMANT_CARETAKER = 0, 1, 2
PENSION_NONE, PENSION_DISABILITY, PENSION_OTHER = 0, 1, 2
STATUS_NONE, STATUS_FULL, STATUS_PARTIAL, STATUS_STOP_CLAIMANT, STATUS_STOP_OBLIGOR, STATUS_NO_CHILD = range(
    6
)
STATUS_LABELS = {
    STATUS_NONE: "支給期間外",
    STATUS_FULL: "全部支給",
    STATUS_PARTIAL: "一部支給",
    STATUS_STOP_CLAIMANT: "全部支給停止（受給資格者の所得）",
    STATUS_STOP_OBLIGOR: "全部支給停止（配偶者・扶養義務者の所得）",
    STATUS_NO_CHILD: "対象児童なし",
}


@dataclass(frozen=True)
class Claimants:
    """受給資格者-month rows."""

    month: IntArray
    active: Mask
    kind: IntArray
    income: IncomeInputs
    pension_kind: IntArray
    pension_annual: IntArray


@dataclass(frozen=True)
class Obligors:
    """配偶者・扶養義務者 rows (``owner`` = claimant row), with their own income items."""

    owner: Index
    income: IncomeInputs


@dataclass(frozen=True)
class Children:
    owner: Index
    year: IntArray
    month: IntArray
    day: IntArray
    disabled: Mask
    in_facility: Mask
    from_month: IntArray
    until_month: IntArray


def eligible_children(h: Claimants, ch: Children, p: MonthParams) -> Mask:
    """対象児童 in the month of each child's row (第3条第1項, 第4条第2項, 第8条)."""
    month = h.month[ch.owner]
    born = ch.year * 12 + ch.month - 1 <= month
    within = born & (ch.from_month <= month) & (month <= ch.until_month) & ~ch.in_facility
    young = month <= last_month_before_fy_end(ch.year, ch.month, ch.day, p.age)
    disabled = ch.disabled & (month <= reaching_month(ch.year, ch.month, ch.day, p.disabled_age))
    return within & (young | disabled)


def _count(owner: Index, mask: Mask, n: int) -> IntArray:
    return np.bincount(owner, weights=mask.astype(np.int64), minlength=n).astype(np.int64)


def _parts(n_children: IntArray, table_first: int, second: IntArray | int, third: IntArray | int) -> IntArray:
    return (
        table_first + np.where(n_children >= 2, second, 0) + np.maximum(n_children - 2, 0) * third
    ).astype(np.int64)


def compute(h: Claimants, ob: Obligors, ch: Children, p: MonthParams) -> dict[str, IntArray]:
    """Monthly amounts and every intermediate for rows governed by one parameter regime."""
    n = len(h.month)
    kids = _count(ch.owner, eligible_children(h, ch, p), n)
    caretaker = h.kind == CLAIMANT_CARETAKER
    # 非課税公的年金給付等 count only for a recipient of 障害基礎年金等 (令和3年3月分から).
    own = replace(
        h.income,
        nontaxable_pension=np.where(h.pension_kind == PENSION_DISABILITY, h.income.nontaxable_pension, 0),
    )
    income = income_amount(own, caretaker, p)
    full_limit, partial_limit = claimant_limits(h.income, p)
    care_limit = obligor_limit(h.income.dependants, h.income.elderly_dependants, p)
    full_limit = np.where(caretaker, care_limit, full_limit)
    partial_limit = np.where(caretaker, care_limit, partial_limit)

    ob_income = income_amount(ob.income, np.ones(len(ob.owner), dtype=bool), p)
    ob_limit = obligor_limit(ob.income.dependants, ob.income.elderly_dependants, p)
    ob_stop = _count(ob.owner, ob_income >= ob_limit, n) > 0
    ob_max = np.zeros(n, dtype=np.int64)
    np.maximum.at(ob_max, ob.owner, ob_income)

    excess = np.maximum(income - full_limit, 0)
    full = _parts(kids, p.full.first, p.full.second, p.full.third_plus)
    part_first = np.maximum(
        p.partial_max.first - reduction(excess, p.coef_first, p.rounding_unit), p.partial_min.first
    )
    part_second = np.maximum(
        p.partial_max.second - reduction(excess, p.coef_second, p.rounding_unit), p.partial_min.second
    )
    part_third = np.maximum(
        p.partial_max.third_plus - reduction(excess, p.coef_third, p.rounding_unit), p.partial_min.third_plus
    )
    partial = _parts(kids, 0, part_second, part_third) + part_first

    status = np.select(
        [~h.active, kids == 0, ob_stop, income < full_limit, (income < partial_limit) & ~caretaker],
        [STATUS_NONE, STATUS_NO_CHILD, STATUS_STOP_OBLIGOR, STATUS_FULL, STATUS_PARTIAL],
        STATUS_STOP_CLAIMANT,
    ).astype(np.int64)
    first = np.select([status == STATUS_FULL, status == STATUS_PARTIAL], [p.full.first, part_first], 0)
    allowance = np.select([status == STATUS_FULL, status == STATUS_PARTIAL], [full, partial], 0).astype(
        np.int64
    )
    pension = np.where(h.pension_kind != PENSION_NONE, h.pension_annual // p.pension_divisor, 0)
    amount = np.maximum(allowance - pension, 0).astype(np.int64)
    return {
        "amount": amount,
        "allowance": allowance,
        "first_amount": first.astype(np.int64),
        "additional_amount": (allowance - first).astype(np.int64),
        "pension_monthly": pension.astype(np.int64),
        "status": status,
        "eligible_children": kids,
        "income": income,
        "full_limit": full_limit.astype(np.int64),
        "partial_limit": partial_limit.astype(np.int64),
        "obligor_income": ob_max,
        "obligor_stop": ob_stop.astype(np.int64),
    }
