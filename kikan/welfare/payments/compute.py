"""The regular payment over a whole city, vectorised: entitlements per (case, month) from the
calculation cores' ``calculate_batch`` (one call per month, never one per case), then the
settlement against what earlier runs settled.

Ledger rule: each run computes the entitlement of its regular months for every case and, for cases
that changed since the previous run, of the earlier months back to the start of the ledger
(認定の遅れ・遡った額改定 → 追給). What a month is newly owed is ``entitlement − last settled``;
positive differences are paid now, negative ones (過払い) are reported, not netted (児童手当法
第13条・児童扶養手当法第14条の2 の内払調整 is a staff decision). A month whose 所得 is missing
(児童扶養手当) is not settled and its line is held.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from kikan.core.rules import ParameterLookup
from kikan.welfare import IntArray, month_label, month_start
from kikan.welfare import child_allowance as ca
from kikan.welfare import child_rearing_allowance as cra
from kikan.welfare.child_rearing_allowance.params import resolve_month as cra_month

Mask = npt.NDArray[np.bool_]


@dataclass
class YearIncomes:
    """Income columns of one income year: claimants (one row per case) and obligors (per obligor row)."""

    claimant: dict[str, IntArray]
    claimant_has: Mask
    obligor: dict[str, IntArray]
    obligor_has: Mask

    def take(self, rows: IntArray, obligors: Mask) -> YearIncomes:
        return YearIncomes({k: v[rows] for k, v in self.claimant.items()}, self.claimant_has[rows],
                           {k: v[obligors] for k, v in self.obligor.items()}, self.obligor_has[obligors])  # fmt: skip


@dataclass
class CaseColumns:
    """The cases of one allowance as columns (as of the run's ``known_seq``)."""

    case_ids: npt.NDArray[np.str_]
    recipients: npt.NDArray[np.str_]
    start_month: IntArray
    end_month: IntArray
    public_servant: IntArray
    changed: Mask
    child_owner: IntArray
    child_birth: npt.NDArray[np.datetime64]
    child_supported: IntArray
    child_in_facility: IntArray
    child_disabled: IntArray
    child_from: IntArray
    child_until: IntArray
    susp_owner: IntArray
    susp_from: IntArray
    susp_until: IntArray
    claimant_kind: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    pension_kind: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    pension_annual: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    obligor_owner: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def __post_init__(self) -> None:
        n = len(self.case_ids)
        for name in ("claimant_kind", "pension_kind", "pension_annual"):  # 児童扶養手当 only: default 0
            if len(getattr(self, name)) != n:
                setattr(self, name, np.zeros(n, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.case_ids)


def subset(c: CaseColumns, rows: Mask) -> tuple[CaseColumns, IntArray, Mask]:
    """The columns of the selected case rows (children, suspensions, obligors re-linked), the
    original row number of each selected row and the mask of the obligor rows kept."""
    keep = np.flatnonzero(rows)
    new = np.full(len(c), -1, dtype=np.int64)
    new[keep] = np.arange(len(keep))

    def linked(owner: IntArray) -> tuple[Mask, IntArray]:
        m = new[owner] >= 0 if len(owner) else np.zeros(0, dtype=bool)
        return m, new[owner[m]]

    k, ko = linked(c.child_owner)
    s, so = linked(c.susp_owner)
    o, oo = linked(c.obligor_owner)
    out = CaseColumns(
        case_ids=c.case_ids[keep], recipients=c.recipients[keep], start_month=c.start_month[keep],
        end_month=c.end_month[keep], public_servant=c.public_servant[keep], changed=c.changed[keep],
        child_owner=ko, child_birth=c.child_birth[k], child_supported=c.child_supported[k],
        child_in_facility=c.child_in_facility[k], child_disabled=c.child_disabled[k], child_from=c.child_from[k],
        child_until=c.child_until[k], susp_owner=so, susp_from=c.susp_from[s], susp_until=c.susp_until[s],
        claimant_kind=c.claimant_kind[keep], pension_kind=c.pension_kind[keep], pension_annual=c.pension_annual[keep],
        obligor_owner=oo,
    )  # fmt: skip
    return out, keep, o


def _suspended(c: CaseColumns, month: int) -> Mask:
    out = np.zeros(len(c), dtype=bool)
    hit = (c.susp_from <= month) & (month <= c.susp_until)
    out[c.susp_owner[hit]] = True
    return out


def _ca_month(c: CaseColumns, month: int, params: ParameterLookup) -> IntArray:
    cols = {
        "start_month": c.start_month, "end_month": c.end_month, "public_servant": c.public_servant,
        "child.owner": c.child_owner, "child.birth_date": c.child_birth, "child.supported": c.child_supported,
        "child.in_facility": c.child_in_facility, "child.from_month": c.child_from, "child.until_month": c.child_until,
    }  # fmt: skip
    out = ca.calculate_batch(cols, params, month_start(month))
    return np.where(out["payer_employer"] > 0, 0, out["amount"])


def _cra_month(
    c: CaseColumns, month: int, params: ParameterLookup, incomes: Callable[[int], YearIncomes]
) -> tuple[IntArray, Mask]:
    p = cra_month(params, month_start(month), field_name="payment_month")
    yi = incomes(cra.income_year(month, p.year_start_month))
    cols: dict[str, npt.ArrayLike] = {
        "start_month": c.start_month, "end_month": c.end_month, "kind": c.claimant_kind,
        "pension_kind": c.pension_kind, "pension_annual": c.pension_annual, **yi.claimant,
        "child.owner": c.child_owner, "child.birth_date": c.child_birth, "child.disabled": c.child_disabled,
        "child.in_facility": c.child_in_facility, "child.from_month": c.child_from, "child.until_month": c.child_until,
    }  # fmt: skip
    if len(c.obligor_owner):
        cols.update({"obligor.owner": c.obligor_owner, **{f"obligor.{k}": v for k, v in yi.obligor.items()}})
    out = cra.calculate_batch(cols, params, month_start(month))
    active = (c.start_month <= month) & (month <= c.end_month)
    ob_missing = np.zeros(len(c), dtype=bool)
    ob_missing[c.obligor_owner[~yi.obligor_has]] = True
    return out["amount"], active & (~yi.claimant_has | ob_missing)


def income_years(months: list[int], params: ParameterLookup) -> set[int]:
    """The income years the 児童扶養手当 months depend on (第9条: 前年 / 前々年)."""
    return {cra.income_year(m, cra_month(params, month_start(m), field_name="payment_month").year_start_month)
            for m in months}  # fmt: skip


def entitlements(
    allowance: str,
    c: CaseColumns,
    months: list[int],
    params: ParameterLookup,
    incomes: Callable[[int], YearIncomes] | None = None,
) -> tuple[IntArray, Mask]:
    """(amount, income missing) matrices, cases × months; 支給停止 months are 0."""
    amount = np.zeros((len(c), len(months)), dtype=np.int64)
    missing = np.zeros((len(c), len(months)), dtype=bool)
    for j, m in enumerate(months):
        if allowance == "child_allowance":
            col = _ca_month(c, m, params)
        else:
            assert incomes is not None
            col, missing[:, j] = _cra_month(c, m, params, incomes)
        amount[:, j] = np.where(_suspended(c, m) | missing[:, j], 0, col)
    return amount, missing


@dataclass
class Settlement:
    delta: IntArray  # cases × months: newly owed (+) or overpaid (−), 0 where not evaluated
    evaluated: Mask
    regular: IntArray
    arrears: IntArray
    overpaid: IntArray
    held_income: Mask
    months: list[str]  # per case: the months paid, "YYYY-MM,YYYY-MM"

    @property
    def amount(self) -> IntArray:
        return self.regular + self.arrears


def settle(
    amount: IntArray, missing: Mask, settled: IntArray, months: list[int], regular: set[int], changed: Mask
) -> Settlement:
    """Compare the entitlements with what earlier runs settled (``settled``: cases × months)."""
    is_regular = np.asarray([m in regular for m in months], dtype=bool)
    evaluated = (is_regular[None, :] | changed[:, None]) & ~missing
    delta = np.where(evaluated, amount - settled, 0)
    pos = np.maximum(delta, 0)
    labels = np.full(len(amount), "", dtype=object)
    for j, m in enumerate(months):
        labels = np.where(pos[:, j] > 0, labels + ("," if j else "") + month_label(m), labels)
    return Settlement(
        delta=delta,
        evaluated=evaluated,
        regular=(pos * is_regular[None, :]).sum(axis=1),
        arrears=(pos * ~is_regular[None, :]).sum(axis=1),
        overpaid=np.maximum(-delta, 0).sum(axis=1),
        held_income=np.asarray(missing.any(axis=1), dtype=bool),
        months=[s.lstrip(",") for s in labels.tolist()],
    )


def customer_code2(allowance_code: int, pay: int) -> str:
    """顧客コード2: allowance digit + payment year-month (e.g. 1202506)."""
    d: date = month_start(pay)
    return f"{allowance_code}{d:%Y%m}"
