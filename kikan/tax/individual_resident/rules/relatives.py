"""配偶者・扶養親族等に係る人的控除と、非課税限度額の人数・調整控除の人的控除差。

親族は一行ずつの表（``relative.*`` 列、``owner`` は納税義務者の行番号）で受け取り、判定を
ベクトルで行ってから納税義務者ごとに合計する。年齢はその年の12月31日現在
（地方税法第314条の2第1項・第292条第1項第7号〜第9号）。
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ..params import YearParams
from ..vec import Mask, Yen, band_index, pick


@dataclass(frozen=True)
class Relatives:
    """親族の列（長さ M）。"""

    owner: npt.NDArray[np.intp]
    is_spouse: Mask
    age: Yen
    total_income: Yen
    cohabiting_ascendant: Mask
    disability: Yen
    cohabiting: Mask


def _sum(owner: npt.NDArray[np.intp], values: npt.ArrayLike, n: int) -> Yen:
    # float64 bincount is exact here: per-taxpayer sums stay far below 2**53 yen.
    return np.bincount(owner, weights=np.asarray(values, dtype=np.float64), minlength=n).astype(np.int64)


def members(r: Relatives, p: YearParams) -> tuple[Mask, Mask]:
    """同一生計配偶者・扶養親族の判定（合計所得金額 48万円（令和8年度から58万円）以下、第292条）.

    Returns ``(spouse_member, dependant)``; 年少扶養親族（16歳未満）も扶養親族に含む。
    """
    within = r.total_income <= p.relative_income_limit
    return r.is_spouse & within, ~r.is_spouse & within


def flags(r: Relatives, p: YearParams, n: int) -> tuple[Yen, Mask]:
    """非課税限度額の人数（同一生計配偶者＋扶養親族、第295条第3項・附則第3条の3）と、
    所得金額調整控除の要件（23歳未満の扶養親族又は特別障害者である同一生計配偶者・扶養親族）。"""
    spouse_member, dependant = members(r, p)
    member = spouse_member | dependant
    child = dependant & (r.age < p.child_care.dependant_age_below)
    special = member & (r.disability == 2)
    count = _sum(r.owner, member, n)
    eligible = _sum(r.owner, child | special, n) > 0
    return count, eligible


def deductions(r: Relatives, p: YearParams, owner_total: Yen, n: int) -> dict[str, Yen]:
    """配偶者控除（第314条の2第1項第10号）・配偶者特別控除（第10号の2）・扶養控除（第11号）・
    特定親族特別控除（令和8年度から）・障害者控除（第6号、親族分）と調整控除の人的控除差
    （第314条の6第1号イ）を納税義務者ごとに合計する。``owner_total`` は親族ごとの納税義務者の
    合計所得金額。"""
    spouse_member, dependant = members(r, p)
    uppers = [row.taxpayer_upper for row in p.spouse.root]
    band = band_index(owner_total, uppers)
    eligible_taxpayer = owner_total <= uppers[-1]
    elderly_spouse = r.age >= p.dependant.elderly_age
    general = pick(band, [row.general for row in p.spouse.root])
    elderly = pick(band, [row.elderly for row in p.spouse.root])
    spouse_ok = spouse_member & eligible_taxpayer
    spouse = np.where(spouse_ok, np.where(elderly_spouse, elderly, general), 0)
    d = p.difference
    spouse_diff = np.where(
        spouse_ok, np.where(elderly_spouse, pick(band, d.spouse_elderly), pick(band, d.spouse_general)), 0
    )

    rows = p.spouse_special.root
    special_range = (
        r.is_spouse & ~spouse_member & (r.total_income <= rows[-1].spouse_upper) & eligible_taxpayer
    )
    row = band_index(r.total_income, [x.spouse_upper for x in rows])
    amounts = np.asarray([x.amounts for x in rows], dtype=np.int64)
    spouse_special = np.where(special_range, amounts[row, band], 0)
    diff_rows = [x for x in d.spouse_special]
    diff_special = np.zeros_like(spouse_special)
    for diff_row in reversed(diff_rows):
        hit = special_range & (r.total_income < diff_row.below)
        diff_special = np.where(hit, np.asarray(diff_row.amounts, dtype=np.int64)[band], diff_special)

    dep = p.dependant
    young = r.age < dep.minimum_age
    specific_age = (r.age >= dep.specific_ages[0]) & (r.age <= dep.specific_ages[1])
    old = r.age >= dep.elderly_age
    cohab_old = old & r.cohabiting_ascendant
    dep_amount = np.select(
        [young, specific_age, cohab_old, old],
        [0, dep.specific, dep.elderly_cohabiting, dep.elderly],
        dep.general,
    )
    dep_diff = np.select(
        [young, specific_age, cohab_old, old],
        [0, d.dependant_specific, d.dependant_elderly_cohabiting, d.dependant_elderly],
        d.dependant_general,
    )
    dependant_amount = np.where(dependant, dep_amount, 0)
    dependant_diff = np.where(dependant, dep_diff, 0)

    sr = p.specific_relative.root
    if sr:
        in_range = ~r.is_spouse & ~dependant & specific_age & (r.total_income <= (sr[-1].upper or 0))
        idx = band_index(r.total_income, [x.upper for x in sr])
        specific_relative = np.where(in_range, pick(idx, [x.amount for x in sr]), 0)
    else:
        specific_relative = np.zeros_like(spouse)
    specific_diff = np.where(specific_relative > 0, d.specific_relative, 0)

    st = p.status
    member = spouse_member | dependant
    special_dis = r.disability == 2
    cohab_special = special_dis & r.cohabiting
    disability = np.where(
        member & (r.disability > 0),
        np.select(
            [cohab_special, special_dis],
            [st.disability_special_cohabiting, st.disability_special],
            st.disability_general,
        ),
        0,
    )
    disability_diff = np.where(
        member & (r.disability > 0),
        np.select(
            [cohab_special, special_dis],
            [d.disability_special_cohabiting, d.disability_special],
            d.disability_general,
        ),
        0,
    )
    o = r.owner
    return {
        "spouse_deduction": _sum(o, spouse, n),
        "spouse_special_deduction": _sum(o, spouse_special, n),
        "dependant_deduction": _sum(o, dependant_amount, n),
        "specific_relative_deduction": _sum(o, specific_relative, n),
        "relative_disability_deduction": _sum(o, disability, n),
        "relative_difference": _sum(
            o, spouse_diff + diff_special + dependant_diff + specific_diff + disability_diff, n
        ),
    }
