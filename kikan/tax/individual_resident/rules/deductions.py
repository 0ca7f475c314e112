"""納税義務者本人に係る所得控除（地方税法第314条の2）。住民税の額（所得税の額とは異なる）。"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .. import tables as t
from ..vec import Mask, Yen, band_index, clip0, mul_ceil, mul_ceil_var, mul_floor, pick, ratio


def basic(total_income: Yen, table: t.UpperAmountTable) -> Yen:
    """基礎控除（第314条の2第2項）: 合計所得金額2,400万円以下43万円、2,450万円以下29万円、
    2,500万円以下15万円、超は0。"""
    rows = table.root
    return pick(band_index(total_income, [r.upper for r in rows]), [r.amount for r in rows])


def _bracket(amount: Yen, rows: Sequence[t.RateBracket]) -> Yen:
    idx = band_index(amount, [r.upper for r in rows])
    num = np.asarray([ratio(r.rate)[0] for r in rows], dtype=np.int64)[idx]
    den = np.asarray([ratio(r.rate)[1] for r in rows], dtype=np.int64)[idx]
    add = np.asarray([r.add for r in rows], dtype=np.int64)[idx]
    return np.where(amount > 0, mul_ceil_var(amount, num, den) + add, 0).astype(np.int64)


def life_insurance(
    new_general: Yen, old_general: Yen, care: Yen, new_annuity: Yen, old_annuity: Yen, p: t.LifeInsuranceTable
) -> Yen:
    """生命保険料控除（第314条の2第1項第5号）.

    一般・個人年金は新旧それぞれの算式（新: 上限2.8万円、旧: 上限3.5万円）。新旧双方があれば
    新旧の合計（上限2.8万円）と旧のみの額の多い方。介護医療は新の算式。合計上限7万円。
    """

    def category(new: Yen, old: Yen) -> Yen:
        n, o = _bracket(new, p.new), _bracket(old, p.old)
        mixed = np.minimum(n + o, p.mixed_cap)
        return np.where(new > 0, np.maximum(mixed, np.where(old > 0, o, 0)), o)

    total = category(new_general, old_general) + category(new_annuity, old_annuity) + _bracket(care, p.new)
    return np.minimum(total, p.total_cap)


def earthquake(premium: Yen, old_long_term: Yen, p: t.EarthquakeTable) -> Yen:
    """地震保険料控除（第314条の2第1項第5号の2）: 地震保険料の1/2（上限2.5万円）と旧長期損害
    保険料の控除額の合計、上限2.5万円。"""
    eq = np.minimum(mul_ceil(premium, ratio(p.rate)), p.earthquake_cap)
    return np.minimum(eq + _bracket(old_long_term, p.old_long_term), p.total_cap)


def medical(
    expenses: Yen,
    self_med: Yen,
    use_self_med: Mask,
    aggregate: Yen,
    p: t.MedicalTable,
    s: t.SelfMedicationTable,
) -> Yen:
    """医療費控除（第314条の2第1項第2号）: (支払額−補填) − min(10万円, 総所得金額等×5%)、上限200万円。
    セルフメディケーション税制（附則第4条の4）を選択した場合: 購入費 − 1.2万円、上限8.8万円。"""
    floor = np.minimum(p.floor_amount, mul_floor(aggregate, ratio(p.floor_rate)))
    normal = np.minimum(clip0(expenses - floor), p.cap)
    special = np.minimum(clip0(self_med - s.floor_amount), s.cap)
    return np.where(use_self_med, special, normal).astype(np.int64)


def casualty(loss: Yen, disaster: Yen, aggregate: Yen, p: t.CasualtyTable) -> Yen:
    """雑損控除（第314条の2第1項第1号）: max(損失額 − 総所得金額等×10%, 災害関連支出 − 5万円)。"""
    a = loss - mul_floor(aggregate, ratio(p.income_rate))
    b = np.where(disaster > 0, disaster - p.disaster_floor, 0)
    return clip0(np.maximum(a, b)).astype(np.int64)


def personal_status(
    disability: Yen,
    widow: Mask,
    single_parent: Yen,
    working_student: Mask,
    total_income: Yen,
    non_employment_income: Yen,
    st: t.PersonalStatusTable,
    student_other_limit: int,
) -> tuple[Yen, Yen, Yen, Yen]:
    """障害者控除（第6号、本人: 普通26万円・特別30万円）、寡婦控除（第8号、26万円）、
    ひとり親控除（第8号の2、30万円）、勤労学生控除（第9号、26万円）。寡婦・ひとり親は合計所得金額
    500万円以下、勤労学生は合計所得金額75万円（令和8年度から85万円）以下かつ給与所得等以外10万円以下。
    寡婦とひとり親は重複しない（ひとり親を優先）。"""
    dis = np.select([disability == 2, disability == 1], [st.disability_special, st.disability_general], 0)
    parent_ok = (single_parent > 0) & (total_income <= st.single_parent_income_limit)
    parent = np.where(parent_ok, st.single_parent, 0)
    wid = np.where(widow & ~parent_ok & (total_income <= st.widow_income_limit), st.widow, 0)
    student_ok = (
        working_student
        & (total_income <= st.working_student_income_limit)
        & (non_employment_income <= student_other_limit)
    )
    student = np.where(student_ok, st.working_student, 0)
    return (
        dis.astype(np.int64),
        wid.astype(np.int64),
        parent.astype(np.int64),
        student.astype(np.int64),
    )
