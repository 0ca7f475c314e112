"""Payment run arithmetic (pure, vectorised): schedule, entitlements = the one-case core, settlement."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from kikan.core.errors import ValidationFailed
from kikan.welfare import child_allowance as ca
from kikan.welfare import month_index
from kikan.welfare.cases import CaseChild, CaseState, compute
from kikan.welfare.payments.compute import CaseColumns, entitlements, settle, subset
from kikan.welfare.payments.schedule import regular_months, transfer_date


def m(y: int, mo: int) -> int:
    return month_index(date(y, mo, 1))


def test_schedule():
    p = ca.national_parameters()
    assert regular_months("child_allowance", p, m(2025, 6)) == [m(2025, 4), m(2025, 5)]
    assert regular_months("child_allowance", p, m(2024, 12)) == [
        m(2024, 10),
        m(2024, 11),
    ]  # first after the reform
    assert regular_months("child_allowance", p, m(2024, 10)) == [
        m(2024, 6),
        m(2024, 7),
        m(2024, 8),
        m(2024, 9),
    ]
    with pytest.raises(ValidationFailed):
        regular_months("child_allowance", p, m(2025, 5))
    assert transfer_date(m(2025, 5), 3) == date(2025, 5, 2)  # 5/3–5/6 are holidays → the business day before
    assert transfer_date(m(2025, 6), 10) == date(2025, 6, 10)


def columns(states: list[CaseState]) -> CaseColumns:
    comps = [compute(s, m(2025, 4), Incomes()) for s in states]
    owner, births, frm, until = [], [], [], []
    for i, (s, c) in enumerate(zip(states, comps, strict=True)):
        for k, (a, b) in zip(s.children, c.children, strict=True):
            owner.append(i)
            births.append(k.birth_date)
            frm.append(a)
            until.append(b)
    n = len(states)
    return CaseColumns(
        case_ids=np.asarray([f"{i:010d}" for i in range(n)]), recipients=np.asarray([s.recipient for s in states]),
        start_month=np.asarray([c.start_month for c in comps]), end_month=np.asarray([c.end_month for c in comps]),
        public_servant=np.zeros(n, dtype=np.int64), changed=np.asarray([i % 2 == 0 for i in range(n)]),
        child_owner=np.asarray(owner), child_birth=np.asarray(births, dtype="datetime64[D]"),
        child_supported=np.ones(len(owner), dtype=np.int64), child_in_facility=np.zeros(len(owner), dtype=np.int64),
        child_disabled=np.zeros(len(owner), dtype=np.int64), child_from=np.asarray(frm), child_until=np.asarray(until),
        susp_owner=np.asarray([1]), susp_from=np.asarray([m(2025, 5)]), susp_until=np.asarray([m(2025, 5)]),
    )  # fmt: skip


class Incomes:
    def income(self, addressee_no, year):
        return None


def states() -> list[CaseState]:
    rng = np.random.default_rng(7)
    out = []
    for i in range(30):
        kids = tuple(CaseChild(child_id=f"K{i}-{j}", birth_date=date(2006 + int(rng.integers(0, 19)), 1 + int(rng.integers(0, 12)), 1 + int(rng.integers(0, 28))))
                     for j in range(1 + i % 4))  # fmt: skip
        end = date(2025, 8, 15) if i % 7 == 3 else None
        out.append(CaseState(allowance="child_allowance", recipient=f"P{i}", claim_on=date(2025, 1 + i % 5, 10),
                             status="certified", children=kids, ended_on=end, end_reason="moved_out" if end else None))  # fmt: skip
    return out


def test_batch_entitlements_equal_the_one_case_core():
    ss = states()
    cols = columns(ss)
    months = list(range(m(2025, 2), m(2026, 4)))
    amount, missing = entitlements("child_allowance", cols, months, ca.national_parameters())
    assert not missing.any()
    for i, s in enumerate(ss):
        expected = [
            0 if (i == 1 and x == m(2025, 5)) else compute(s, x, Incomes()).monthly_amount for x in months
        ]
        assert amount[i].tolist() == expected, i
    sub, keep, _ = subset(cols, cols.changed)
    sub_amount, _ = entitlements("child_allowance", sub, months, ca.national_parameters())
    assert (sub_amount == amount[keep]).all()


def test_settlement_pays_new_months_arrears_for_changed_cases_and_reports_overpayments():
    months = [1, 2, 3, 4]  # 1, 2 earlier (arrears window), 3, 4 regular
    amount = np.asarray([[10, 10, 10, 10], [10, 10, 10, 10], [5, 5, 10, 10], [0, 0, 7, 0]])
    settled = np.asarray([[10, 0, 0, 0], [0, 0, 0, 0], [10, 10, 0, 0], [0, 0, 0, 0]])
    changed = np.asarray([True, False, True, False])
    missing = np.zeros_like(amount, dtype=bool)
    missing[3, 2] = True
    st = settle(amount, missing, settled, months, {3, 4}, changed)
    assert st.regular.tolist() == [20, 20, 20, 0] and st.arrears.tolist() == [10, 0, 0, 0]
    assert st.overpaid.tolist() == [0, 0, 10, 0] and st.held_income.tolist() == [False, False, False, True]
    assert st.months[0] == "0000-03,0000-04,0000-05" and st.months[3] == ""
