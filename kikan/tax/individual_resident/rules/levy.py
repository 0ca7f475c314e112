"""所得割・均等割・森林環境税と非課税の判定（地方税法第295条・第310条・第314条の3・第314条の6・
附則第3条の3、第20条の4の2）。"""

from __future__ import annotations

import numpy as np

from kikan.core.rules import vector_rounding as vr

from ..params import YearParams
from ..vec import Mask, Ratio, Yen, clip0, mul_ceil, mul_floor

# 非課税理由コード（TaxResult.exemption_reason）
TAXABLE = 0
PUBLIC_ASSISTANCE = 1
STATUS_LOW_INCOME = 2
PER_CAPITA_LIMIT = 3
INCOME_LEVY_LIMIT = 4

REASONS = {
    TAXABLE: "課税",
    PUBLIC_ASSISTANCE: "生活保護法の生活扶助を受けている者（地方税法第295条第1項第1号）: 均等割・所得割とも非課税",
    STATUS_LOW_INCOME: "障害者・未成年者・寡婦・ひとり親で前年の合計所得金額が135万円以下（第295条第1項第2号）: 均等割・所得割とも非課税",
    PER_CAPITA_LIMIT: "前年の合計所得金額が均等割の非課税限度額以下（第295条第3項・施行令第47条の3・条例）: 均等割・所得割とも非課税",
    INCOME_LEVY_LIMIT: "前年の総所得金額等が所得割の非課税限度額以下（附則第3条の3）: 所得割のみ非課税",
}


def taxable_income(aggregate: Yen, deductions: Yen) -> Yen:
    """課税総所得金額 = 総所得金額等 − 所得控除（負なら0）、1,000円未満切捨て（第20条の4の2第1項）。"""
    return vr.floor_tax_base(clip0(aggregate - deductions))


def exemption(
    *,
    public_assistance: Mask,
    status: Mask,
    total_income: Yen,
    aggregate: Yen,
    members: Yen,
    p: YearParams,
) -> tuple[Mask, Mask, Yen, Yen, Yen]:
    """非課税の判定.

    Returns ``(per_capita_exempt, income_levy_exempt, reason, per_capita_limit, income_levy_limit)``.
    均等割の限度額 = 基本額×(1+人数)+10万円(+人数があれば加算額)、基本額・加算額は級地による。
    所得割の限度額 = 35万円×(1+人数)+10万円(+人数があれば32万円)。人数は同一生計配偶者と扶養親族
    （年少扶養親族を含む）の数。
    """
    has = members > 0
    g = p.per_capita_exemption
    pc_limit = g.base * (1 + members) + p.per_capita_fixed_addition + np.where(has, g.dependant_addition, 0)
    e = p.income_levy_exemption
    il_limit = e.base * (1 + members) + e.fixed_addition + np.where(has, e.dependant_addition, 0)
    status_exempt = status & (total_income <= p.status_income_limit)
    pc_low = total_income <= pc_limit
    il_low = aggregate <= il_limit
    per_capita_exempt = public_assistance | status_exempt | pc_low
    income_levy_exempt = per_capita_exempt | il_low
    reason = np.select(
        [public_assistance, status_exempt, pc_low, il_low],
        [PUBLIC_ASSISTANCE, STATUS_LOW_INCOME, PER_CAPITA_LIMIT, INCOME_LEVY_LIMIT],
        TAXABLE,
    )
    return per_capita_exempt, income_levy_exempt, reason.astype(np.int64), pc_limit, il_limit


def gross_levy(taxable: Yen, rate: Ratio) -> Yen:
    """算出所得割額 = 課税総所得金額 × 税率（第314条の3・第35条、1円未満切捨て）。"""
    return mul_floor(taxable, rate)


def adjustment_credit(taxable: Yen, difference: Yen, total_income: Yen, p: YearParams) -> tuple[Yen, Yen]:
    """調整控除（第314条の6・第37条）.

    合計課税所得金額 ≦ 200万円: min(人的控除差, 合計課税所得金額) × 5%。
    超: max(人的控除差 − (合計課税所得金額 − 200万円), 5万円) × 5%。5% は市3%・県2%（指定都市4%・1%）。
    合計所得金額が2,500万円を超える者には適用しない。
    """
    a = p.adjustment
    small = np.minimum(difference, taxable)
    large = np.maximum(difference - (taxable - a.threshold), a.minimum_base)
    base = np.where(taxable <= a.threshold, small, large)
    base = np.where((total_income > a.income_limit) | (taxable <= 0), 0, base)
    return mul_ceil(base, p.adjustment_municipal), mul_ceil(base, p.adjustment_prefectural)


def exemption_adjustment(
    aggregate: Yen, levy_m: Yen, levy_p: Yen, il_limit: Yen, p: YearParams
) -> tuple[Yen, Yen]:
    """所得割の非課税限度額に係る調整措置（附則第3条の3第2項・第5項）.

    非課税限度額 − (総所得金額等 − 税額控除後の所得割額) が正なら、その額を所得割から控除する
    （税引後の所得が非課税限度額を下回らないようにする）。市町村分と道府県分への配分は
    ``nontaxable.income_levy_adjustment_share``（未確認）。
    """
    shortfall = clip0(il_limit - (aggregate - levy_m - levy_p))
    pref = np.minimum(mul_floor(shortfall, p.exemption_share_prefectural), levy_p)
    muni = np.minimum(shortfall - mul_floor(shortfall, p.exemption_share_prefectural), levy_m)
    return muni.astype(np.int64), pref.astype(np.int64)


def final_levy(levy: Yen) -> Yen:
    """所得割額の確定: 100円未満切捨て（第20条の4の2第3項）。"""
    return vr.floor_tax_amount(clip0(levy))
