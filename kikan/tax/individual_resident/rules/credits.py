"""税額控除: 配当控除・住宅借入金等特別税額控除・寄附金税額控除（ふるさと納税の特例控除と
申告特例控除を含む）。

控除額の1円未満は切り上げる（所得割から差し引いた後で100円未満を切り捨てるので、差引後の
所得割を1円未満切捨てで求めるのと同じ）。市町村分・道府県分はそれぞれ計算する。
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..params import YearParams
from ..vec import Mask, Ratio, Yen, band_index, clip0, mul_ceil, mul_ceil_var, mul_floor, ratio


def dividend(taxable: Yen, profit: Yen, trust: Yen, p: YearParams) -> tuple[Yen, Yen]:
    """配当控除（附則第5条）: 課税総所得金額のうち1,000万円以下の部分に含まれる配当 × 低い率、
    超える部分に含まれる配当 × 高い率の半分の率。超える部分は利益の配当等から先に割り当てる（簡略化）。"""
    above = clip0(taxable - p.dividend_threshold)
    profit_high = np.minimum(clip0(profit), above)
    trust_high = np.minimum(clip0(trust), above - profit_high)
    profit_low = clip0(profit) - profit_high
    trust_low = clip0(trust) - trust_high
    out = []
    for side in ("municipal", "prefectural"):
        total = np.zeros_like(taxable)
        for amount, kind, band in (
            (profit_low, p.dividend.profit, "low"),
            (profit_high, p.dividend.profit, "high"),
            (trust_low, p.dividend.trust, "low"),
            (trust_high, p.dividend.trust, "high"),
        ):
            rates = getattr(kind, band)
            total = total + mul_ceil(amount, ratio(getattr(rates, side)))
        out.append(total)
    return out[0], out[1]


def housing_loan(unabsorbed: Yen, income_tax_taxable: Yen, specified: Mask, p: YearParams) -> tuple[Yen, Yen]:
    """住宅借入金等特別税額控除（附則第5条の4の2）: 所得税で控除しきれなかった額と、所得税の
    課税総所得金額等 × 5%（上限97,500円。特定取得は7%・136,500円）の少ない方を、市3/5・県2/5
    （指定都市は4/5・1/5）に按分。"""
    h = p.housing
    std = np.minimum(mul_floor(income_tax_taxable, ratio(h.standard.rate)), h.standard.cap)
    spc = np.minimum(mul_floor(income_tax_taxable, ratio(h.specified.rate)), h.specified.cap)
    amount = np.minimum(clip0(unabsorbed), np.where(specified, spc, std))
    m = mul_ceil(amount, p.credit_share_municipal)
    share_p = Fraction(1) - Fraction(*p.credit_share_municipal)
    return m, mul_ceil(amount, (share_p.numerator, share_p.denominator))


def donation_basic(base_m: Yen, base_p: Yen, aggregate: Yen, p: YearParams) -> tuple[Yen, Yen]:
    """寄附金税額控除の基本控除（第314条の7第1項・第37条の2第1項）:
    (min(寄附金, 総所得金額等×30%) − 2,000円) × 6%（県4%。指定都市は8%・2%）。"""
    b = p.donation_basic
    cap = mul_floor(aggregate, ratio(b.income_cap_rate))
    m = mul_ceil(clip0(np.minimum(base_m, cap) - b.floor), p.donation_municipal)
    pref = mul_ceil(clip0(np.minimum(base_p, cap) - b.floor), p.donation_prefectural)
    return m, pref


def special_rate(taxable: Yen, difference: Yen, p: YearParams) -> tuple[Yen, Yen, Yen, Yen]:
    """特例控除の割合（第314条の7第11項・附則第5条の6）: 90% − 所得税の税率 × 1.021。所得税の
    税率は 課税総所得金額 − 人的控除差調整額 で定まる（負なら90%）。

    Returns ``(rate_num, rate_den, surtax_num, surtax_den)``: 割合と、申告特例控除に用いる
    所得税の税率 × 1.021。
    """
    s = p.donation_special
    base = Fraction(s.base_rate)
    factor = Fraction(s.surtax_factor)
    rows = s.income_tax_rates
    rates = [base - Fraction(r.rate) * factor for r in rows] + [Fraction(s.negative_rate)]
    surtax = [Fraction(r.rate) * factor for r in rows] + [Fraction(0)]
    judged = taxable - difference
    idx = np.where(judged < 0, len(rows), band_index(judged, [r.upper for r in rows]))
    return (
        np.asarray([f.numerator for f in rates], dtype=np.int64)[idx],
        np.asarray([f.denominator for f in rates], dtype=np.int64)[idx],
        np.asarray([f.numerator for f in surtax], dtype=np.int64)[idx],
        np.asarray([f.denominator for f in surtax], dtype=np.int64)[idx],
    )


def donation_special(
    hometown: Yen, rate: tuple[Yen, Yen], levy_after_adjust: tuple[Yen, Yen], p: YearParams
) -> tuple[Yen, Yen]:
    """特例控除額（第314条の7第2項・第37条の2第2項）: (ふるさと納税額 − 2,000円) × 割合 × 3/5
    （県2/5、指定都市4/5・1/5）。それぞれ調整控除後の所得割額の20%が上限。"""
    s = p.donation_special
    base = clip0(hometown - s.floor)
    share_m = Fraction(*p.credit_share_municipal)
    out = []
    for share, levy in ((share_m, levy_after_adjust[0]), (1 - share_m, levy_after_adjust[1])):
        amount = mul_ceil_var(base, rate[0] * share.numerator, rate[1] * share.denominator)
        cap = mul_floor(clip0(levy), ratio(s.cap_rate))
        out.append(np.minimum(amount, cap))
    return out[0], out[1]


def filing_special(
    special: tuple[Yen, Yen], rate: tuple[Yen, Yen], surtax: tuple[Yen, Yen], one_stop: Mask, p: YearParams
) -> tuple[Yen, Yen]:
    """申告特例控除（ふるさと納税ワンストップ特例、附則第5条の8）: 特例控除額 ×
    (所得税の税率×1.021) ÷ (90% − 所得税の税率×1.021)。"""
    if not p.filing_special:
        z = np.zeros_like(special[0])
        return z, z
    num = surtax[0] * rate[1]
    den = surtax[1] * rate[0]
    m = np.where(one_stop, mul_ceil_var(special[0], num, den), 0)
    pref = np.where(one_stop, mul_ceil_var(special[1], num, den), 0)
    return m.astype(np.int64), pref.astype(np.int64)


def apply(levy: Yen, credit: Yen) -> tuple[Yen, Yen]:
    """Subtract a credit limited to the remaining levy; returns ``(credit applied, levy left)``."""
    used = np.minimum(clip0(credit), clip0(levy))
    return used, levy - used


__all__ = [
    "Ratio",
    "apply",
    "dividend",
    "donation_basic",
    "donation_special",
    "filing_special",
    "housing_loan",
    "special_rate",
]
