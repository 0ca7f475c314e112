"""所得の計算（所得割の課税標準の基礎）: 給与所得・公的年金等に係る雑所得・所得金額調整控除・
総合課税の譲渡所得と一時所得・損益通算。

所得割の課税標準は前年の総所得金額等で、その計算は所得税法その他の所得税に関する法令の
例による（地方税法第313条第1項・第2項）。
"""

from __future__ import annotations

import numpy as np

from .. import tables as t
from ..vec import Mask, Ratio, Yen, clip0, lower_index, mul_ceil, mul_floor_var, ratio


def salary_income(revenue: Yen, table: t.SalaryTable) -> Yen:
    """給与所得の金額（所得控除後の給与等の金額）.

    地方税法第313条第2項により所得税法第28条・別表第五の例による: 660万円未満は別表第五の表
    （4,000円刻み = 収入÷4 の千円未満切捨て×4）、以上は算式。1円未満切捨て。
    """
    rows = table.root
    idx = lower_index(revenue, [r.lower for r in rows])
    out = np.zeros_like(revenue)
    for i, row in enumerate(rows):
        sel = idx == i
        if not sel.any():
            continue
        if row.fixed is not None:
            out[sel] = row.fixed
            continue
        base = (revenue[sel] // row.step) * row.step
        num, den = ratio(row.rate)
        out[sel] = (base * num) // den + row.add
    return clip0(out)


def child_care_adjustment(revenue: Yen, eligible: Mask, p: t.ChildCareAdjustment) -> Yen:
    """所得金額調整控除（子ども・特別障害者等を有する者、租税特別措置法、地方税法第313条第2項）.

    給与収入が850万円を超え、本人が特別障害者であるか、23歳未満の扶養親族又は特別障害者である
    同一生計配偶者・扶養親族を有する場合: (min(収入, 1,000万円) − 850万円) × 10%（1円未満切上げ）。
    """
    excess = clip0(np.minimum(revenue, p.salary_cap) - p.salary_threshold)
    return np.where(eligible, mul_ceil(excess, ratio(p.rate)), 0).astype(np.int64)


def pension_income(revenue: Yen, age: Yen, other_income: Yen, table: t.PensionTable) -> Yen:
    """公的年金等に係る雑所得（所得税法第35条第4項・租税特別措置法第41条の15の3の例）.

    年齢はその年の12月31日現在。公的年金等以外の合計所得金額が1,000万円超なら控除額を10万円、
    2,000万円超なら20万円減らす。1円未満切捨て、負なら0。
    """
    out = np.zeros_like(revenue)
    reduction = np.zeros_like(revenue)
    for red in table.reductions:
        reduction = np.where(other_income > red.other_income_over, red.reduction, reduction)
    for rows, sel in ((table.under65, age < table.age_threshold), (table.age65, age >= table.age_threshold)):
        idx = lower_index(revenue, [r.lower for r in rows])
        num = np.asarray([ratio(r.rate)[0] for r in rows], dtype=np.int64)[idx]
        den = np.asarray([ratio(r.rate)[1] for r in rows], dtype=np.int64)[idx]
        ded = np.asarray([r.deduction for r in rows], dtype=np.int64)[idx] - reduction
        out = np.where(sel, mul_floor_var(revenue, num, den) - ded, out)
    return clip0(out).astype(np.int64)


def pension_salary_adjustment(salary: Yen, pension: Yen, cap: int) -> Yen:
    """所得金額調整控除（給与所得と公的年金等に係る雑所得の双方を有する者、租税特別措置法）.

    min(給与所得, 10万円) + min(年金所得, 10万円) − 10万円（負なら0）を給与所得から控除する。
    """
    both = (salary > 0) & (pension > 0)
    amount = clip0(np.minimum(salary, cap) + np.minimum(pension, cap) - cap)
    return np.where(both, np.minimum(amount, salary), 0).astype(np.int64)


def aggregate_income(
    ordinary: Yen,
    short_gain: Yen,
    long_gain: Yen,
    occasional_gain: Yen,
    *,
    transfer_special: int,
    occasional_special: int,
    half_rate: Ratio,
) -> tuple[Yen, Yen, Yen]:
    """総所得金額（損益通算後）, 譲渡所得（総合）, 一時所得 — 所得税法第22条・第33条・第34条・第69条の例.

    ``ordinary`` は経常所得（利子・配当・不動産・事業・給与・雑）の合計で、不動産・事業の損失は
    負のまま入る。総合譲渡の特別控除50万円は短期から先に控除し、一時所得は50万円控除後。
    経常所得の損失は短期譲渡・長期譲渡・一時所得の順に通算し（簡略化: 所得税法施行令第198条の
    順序のうち総合課税の範囲のみ）、長期譲渡と一時所得は通算後の 1/2 を総所得金額に算入する。
    """
    short = clip0(short_gain)
    long_ = clip0(long_gain)
    special_short = np.minimum(short, transfer_special)
    short = short - special_short
    long_ = clip0(long_ - (transfer_special - special_short))
    occasional = clip0(occasional_gain - occasional_special)
    loss = clip0(-ordinary)
    for part in ("short", "long", "occasional"):
        current = {"short": short, "long": long_, "occasional": occasional}[part]
        used = np.minimum(loss, current)
        loss = loss - used
        if part == "short":
            short = short - used
        elif part == "long":
            long_ = long_ - used
        else:
            occasional = occasional - used
    half = ((long_ + occasional) * half_rate[0]) // half_rate[1]
    total = clip0(ordinary) + short + half
    return total.astype(np.int64), (short + long_).astype(np.int64), occasional.astype(np.int64)
