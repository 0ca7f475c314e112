"""所得額 and 所得制限限度額 of 児童扶養手当 (vectorised over rows of people).

* 所得額 (児童扶養手当法第9条第2項、施行令第3条・第4条): 給与所得と公的年金等に係る雑所得の
  合計から10万円を控除（0円未満にしない）+ その他の所得 + 養育費 × 80%（1円未満切捨て、父又は母
  から受けたもの）+ 障害基礎年金等を受給する受給資格者の非課税公的年金給付等（令和3年3月から）
  − 8万円（社会保険料相当額の一律控除）− 諸控除（雑損・医療費・小規模企業共済等掛金・配偶者特別
  控除の相当額、障害者27万円、特別障害者40万円、勤労学生27万円、寡婦27万円・ひとり親35万円は
  受給資格者が父又は母のときは除く）。0円未満は0円。
* 受給資格者本人の限度額 (施行令第2条の4第1項・第2項): 全部支給・一部支給の基礎額 + 38万円 ×
  扶養親族等の数 + 老人控除対象配偶者・老人扶養親族1人につき10万円 + 特定扶養親族等1人につき15万円。
* 配偶者・扶養義務者・孤児等の養育者の限度額 (施行令第2条の4第7項): 236万円 + 38万円 × 扶養親族等
  の数 + 老人扶養親族1人につき6万円（扶養親族等がすべて老人扶養親族のときは1人を除く）。
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kikan.welfare import IntArray

from .params import MonthParams

Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class IncomeInputs:
    """Income items of a person (one row per person-month)."""

    salary_pension_income: IntArray
    other_income: IntArray
    child_support: IntArray
    nontaxable_pension: IntArray
    deductions: IntArray
    disabled_persons: IntArray
    special_disabled_persons: IntArray
    working_student: IntArray
    widow: IntArray
    single_parent: IntArray
    dependants: IntArray
    elderly_dependants: IntArray
    specified_dependants: IntArray


def income_amount(x: IncomeInputs, widow_applies: Mask, p: MonthParams) -> IntArray:
    """所得額 for the income limit (法第9条第2項、施行令第4条)."""
    salary_pension = np.maximum(x.salary_pension_income - p.salary_pension_adjustment, 0)
    num, den = p.child_support_rate
    support = (x.child_support * num) // den
    d = p.deductions
    status = (
        x.disabled_persons * d.disability
        + x.special_disabled_persons * d.special_disability
        + x.working_student * d.working_student
        + np.where(widow_applies, x.widow * d.widow + x.single_parent * d.single_parent, 0)
    )
    gross = salary_pension + x.other_income + support + x.nontaxable_pension
    return np.maximum(gross - p.flat_deduction - x.deductions - status, 0).astype(np.int64)


def claimant_limits(x: IncomeInputs, p: MonthParams) -> tuple[IntArray, IntArray]:
    """(全部支給の限度額, 一部支給の限度額) of a 受給資格者 (father or mother)."""
    a, c = p.claimant_additions, p.claimant_limit
    extra = (
        x.dependants * c.per_dependant
        + x.elderly_dependants * a.elderly
        + x.specified_dependants * a.specified
    )
    return (c.full_base + extra).astype(np.int64), (c.partial_base + extra).astype(np.int64)


def obligor_limit(dependants: IntArray, elderly: IntArray, p: MonthParams) -> IntArray:
    """限度額 of 配偶者・扶養義務者・孤児等の養育者 (all-or-nothing)."""
    o = p.obligor_limit
    counted = elderly - np.where((elderly > 0) & (elderly >= dependants), 1, 0)
    return (o.base + dependants * o.per_dependant + np.maximum(counted, 0) * o.elderly).astype(np.int64)


def reduction(excess: IntArray, coef: tuple[int, int], unit: int) -> IntArray:
    """{(所得額 − 全部支給の限度額) × 係数} rounded half up to ``unit`` yen (exact integers)."""
    num, den = coef
    return ((excess * num + den * unit // 2) // (den * unit)) * unit
