"""Vector rules of 児童手当: one row per (household, month), one row per child of that household.

The one-case calculation stacks the months of a case as rows; the batch passes one row per
household for one month. Every function is element-wise over numpy arrays (no Python loop per
household). Legal basis (児童手当法, 昭和46年法律第73号, as amended by 令和6年法律第47号):

* 第3条第1項: 「児童」 = up to the first 31 March after reaching 18 (before 2024-10: the amounts
  reached 15, 中学校修了前). Age per 年齢計算ニ関スル法律 (reached the day before the birthday).
* 第6条: monthly amounts by age band and birth order; 「三歳に満たない児童（月の初日に生まれた
  児童については、出生の日から三年を経過しない児童）」 = through the month of the 3rd birthday.
  The birth order counts the children the recipient supports up to the first 31 March after
  reaching 22 (before 2024-10: 18), eldest first; older ones count only when supported
  (監護相当・生計費の負担) and are never paid.
* 第6条第1項第2号: 施設入所等児童 — paid to the facility, same amount for every birth order,
  not counted in the parent's order (the parent does not support them).
* 第5条・附則第2条 (until 2024-09): 所得制限 — judged income (所得 − 8万円 − 諸控除, 施行令第3条)
  at or above the limit → 特例給付 5,000円 per child; at or above the upper limit (from
  2022-06) → nothing.
* 第8条第2項 / 第9条: a child counts from ``from_month`` (the month after the 額改定請求, or the
  15-day rule) and until ``until_month`` (減額: from the month after the event).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kikan.welfare import IntArray, birthday_month, last_month_before_fy_end

from .params import MonthParams
from .tables import AmountBands

Mask = npt.NDArray[np.bool_]
Index = npt.NDArray[np.intp]

#: Household status codes (``status`` output).
STATUS_NONE = 0  # not entitled in this month (before the start month / after the end month)
STATUS_ALLOWANCE = 1  # 児童手当
STATUS_SPECIAL = 2  # 特例給付 (附則第2条, until 2024-09)
STATUS_OVER_UPPER = 3  # 所得上限限度額以上 (2022-06 .. 2024-09): nothing
STATUS_NO_CHILD = 4  # entitled period but no 支給対象児童 in this month
STATUS_LABELS = {
    STATUS_NONE: "支給期間外",
    STATUS_ALLOWANCE: "児童手当",
    STATUS_SPECIAL: "特例給付（所得制限限度額以上）",
    STATUS_OVER_UPPER: "支給なし（所得上限限度額以上）",
    STATUS_NO_CHILD: "支給対象児童なし",
}


@dataclass(frozen=True)
class Children:
    """The child table: ``owner`` is the household row; birth date split into y/m/d."""

    owner: Index
    year: IntArray
    month: IntArray
    day: IntArray
    supported: Mask
    in_facility: Mask
    from_month: IntArray
    until_month: IntArray

    def __len__(self) -> int:
        return len(self.owner)

    def take(self, idx: Index, owner: Index) -> Children:
        """The rows ``idx`` with a new ``owner`` column."""
        return Children(
            owner=owner,
            year=self.year[idx],
            month=self.month[idx],
            day=self.day[idx],
            supported=self.supported[idx],
            in_facility=self.in_facility[idx],
            from_month=self.from_month[idx],
            until_month=self.until_month[idx],
        )


@dataclass(frozen=True)
class Households:
    """Household-month rows: the month, whether the entitlement runs, and the 所得制限 inputs."""

    month: IntArray
    active: Mask
    income: IntArray
    deductions: IntArray
    dependants: IntArray
    elderly_dependants: IntArray
    public_servant: Mask


def age_band(month: IntArray, ch: Children, bands: AmountBands) -> tuple[Mask, IntArray]:
    """(under 3 through the month of the 3rd birthday, band index or -1 beyond the last band)."""
    under3 = month <= birthday_month(ch.year, ch.month, 3)
    band = np.full(len(month), -1, dtype=np.int64)
    for k in range(len(bands.bands) - 1, -1, -1):
        end = last_month_before_fy_end(ch.year, ch.month, ch.day, bands.bands[k].age)
        band = np.where(month <= end, k, band)
    return under3, band


def band_amounts(under3: Mask, band: IntArray, third: Mask, bands: AmountBands) -> IntArray:
    """Monthly amount per child from its age band and whether it is the third child or later."""
    first = np.asarray([b.first_second for b in bands.bands] + [0], dtype=np.int64)
    later = np.asarray([b.third_plus for b in bands.bands] + [0], dtype=np.int64)
    regular = np.where(third, later[band], first[band])  # band -1 picks the trailing 0
    young = np.where(third, bands.under_3.third_plus, bands.under_3.first_second)
    return np.where(under3, young, regular).astype(np.int64)


def birth_order(owner: Index, counted: Mask, ch: Children) -> IntArray:
    """出生順位 among the counted children of each household, eldest first (0 if not counted).

    Twins (same birth date) keep the input order. Vectorised: one lexsort, one cumsum.
    """
    n = len(owner)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    born = ch.year * 10000 + ch.month * 100 + ch.day
    order = np.lexsort((np.arange(n), born, owner))
    c = counted[order].astype(np.int64)
    csum = np.cumsum(c)
    own = owner[order]
    start = np.ones(n, dtype=bool)
    start[1:] = own[1:] != own[:-1]
    group = np.cumsum(start) - 1
    rank_sorted = csum - (csum - c)[start][group]
    rank = np.zeros(n, dtype=np.int64)
    rank[order] = np.where(c > 0, rank_sorted, 0)
    return rank


def income_status(h: Households, p: MonthParams) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """(status before children, judged income, limit, upper limit) — 第5条・附則第2条 (until 2024-09)."""
    n = len(h.month)
    zero = np.zeros(n, dtype=np.int64)
    status = np.full(n, STATUS_ALLOWANCE, dtype=np.int64)
    if not p.limit_in_force or p.income_limit is None:
        return status, zero, zero, zero
    judged = np.maximum(h.income - p.flat_deduction - h.deductions, 0)
    extra = h.dependants * p.income_limit.per_dependant + h.elderly_dependants * p.elderly_addition
    limit = p.income_limit.base + extra
    status = np.where(judged >= limit, STATUS_SPECIAL, status)
    upper = zero
    if p.upper_limit is not None:
        upper = p.upper_limit.base + h.dependants * p.upper_limit.per_dependant
        upper = upper + h.elderly_dependants * p.elderly_addition
        status = np.where(judged >= upper, STATUS_OVER_UPPER, status)
    return status, judged, limit, upper


def _per_household(owner: Index, values: IntArray, n: int) -> IntArray:
    return np.bincount(owner, weights=values, minlength=n).astype(np.int64)


def compute(h: Households, ch: Children, p: MonthParams) -> tuple[dict[str, IntArray], dict[str, IntArray]]:
    """Compute household-month and child outputs for rows governed by one parameter regime."""
    n = len(h.month)
    month = h.month[ch.owner]
    born = ch.year * 12 + ch.month - 1 <= month
    within = born & (ch.from_month <= month) & (month <= ch.until_month)
    under3, band = age_band(month, ch, p.amounts)
    eligible = within & (band >= 0)
    home = eligible & ~ch.in_facility
    older = month <= last_month_before_fy_end(ch.year, ch.month, ch.day, p.count_until_age)
    counted = home | (within & ~ch.in_facility & ch.supported & older)
    rank = birth_order(ch.owner, counted, ch)
    regular = np.where(home, band_amounts(under3, band, rank >= 3, p.amounts), 0)

    status, judged, limit, upper = income_status(h, p)
    n_home = _per_household(ch.owner, home.astype(np.int64), n)
    status = np.where(n_home == 0, STATUS_NO_CHILD, status)
    status = np.where(h.active, status, STATUS_NONE)
    child_status = status[ch.owner]
    amount = np.select(
        [child_status == STATUS_ALLOWANCE, child_status == STATUS_SPECIAL],
        [regular, np.where(home, p.special_benefit, 0)],
        0,
    ).astype(np.int64)
    f_under3, f_band = age_band(month, ch, p.facility)
    facility = within & ch.in_facility & (f_band >= 0)
    third = np.zeros(len(ch), dtype=bool)
    facility_amount = np.where(facility, band_amounts(f_under3, f_band, third, p.facility), 0)

    households = {
        "amount": _per_household(ch.owner, amount, n),
        "facility_amount": _per_household(ch.owner, facility_amount, n),
        "status": status,
        "eligible_children": n_home,
        "counted_children": _per_household(ch.owner, counted.astype(np.int64), n),
        "third_plus_children": _per_household(ch.owner, (home & (rank >= 3)).astype(np.int64), n),
        "facility_children": _per_household(ch.owner, facility.astype(np.int64), n),
        "judged_income": judged,
        "income_limit": limit,
        "upper_limit": upper,
        "payer_employer": h.public_servant.astype(np.int64),
    }
    children = {
        "eligible": home.astype(np.int64),
        "facility": facility.astype(np.int64),
        "counted": counted.astype(np.int64),
        "birth_order": rank,
        "band": np.where(under3 & eligible, -2, np.where(eligible, band, -1)),
        "amount": amount,
        "facility_amount": facility_amount.astype(np.int64),
    }
    return households, children
