"""Case amounts come from the calculation cores (pure; incomes through a fake port)."""

from __future__ import annotations

from datetime import date

import pytest

from kikan.core.errors import Conflict, ValidationFailed
from kikan.welfare import month_index
from kikan.welfare.cases import CaseChild, CaseState, IncomeFacts, Suspension, compute


class Incomes:
    def __init__(self, data: dict[tuple[str, int], IncomeFacts] | None = None):
        self.data = data or {}

    def income(self, addressee_no: str, year: int) -> IncomeFacts | None:
        return self.data.get((addressee_no, year))


def m(y: int, mo: int) -> int:
    return month_index(date(y, mo, 1))


def ca(**kw) -> CaseState:
    base = {"allowance": "child_allowance", "recipient": "P1", "claim_on": date(2025, 2, 10), "status": "certified",
            "children": (CaseChild(child_id="C1", birth_date=date(2022, 6, 15)),)}  # fmt: skip
    return CaseState(**{**base, **kw})


def test_fifteen_day_rule_and_third_birthday():
    late = compute(ca(), m(2025, 2), Incomes())
    assert (late.start_month, late.monthly_amount) == (m(2025, 3), 0)  # claim in Feb → from March
    early = compute(ca(event_on=date(2025, 1, 31)), m(2025, 2), Incomes())
    assert (early.start_month, early.monthly_amount) == (m(2025, 2), 15000)  # 15日特例
    assert compute(ca(), m(2025, 6), Incomes()).monthly_amount == 15000  # through the 3rd-birthday month
    assert compute(ca(), m(2025, 7), Incomes()).monthly_amount == 10000
    assert compute(ca(), m(2025, 7), Incomes()).trace["core"]["steps"]


def test_suspension_and_end_month():
    s = ca(suspensions=(Suspension(from_month=m(2025, 5), until_month=m(2025, 6), reason="所在不明"),))
    assert [compute(s, x, Incomes()).monthly_amount for x in (m(2025, 4), m(2025, 5), m(2025, 6), m(2025, 7))] == [
        15000, 0, 0, 10000]  # fmt: skip
    assert compute(s, m(2025, 5), Incomes()).status.startswith("支給停止")
    ended = ca(ended_on=date(2025, 9, 30), end_reason="moved_out", status="extinguished")
    c = compute(ended, m(2025, 10), Incomes())
    assert (c.end_month, c.monthly_amount) == (m(2025, 9), 0)
    assert compute(ended, m(2025, 9), Incomes()).monthly_amount == 10000


def test_recipient_is_the_higher_earner_unless_designated():
    inc = Incomes({("P1", 2024): IncomeFacts(1_000_000), ("P2", 2024): IncomeFacts(3_000_000)})
    with pytest.raises(Conflict):
        compute(ca(spouse="P2"), m(2025, 3), inc)
    assert compute(ca(spouse="P2", designated_main=True), m(2025, 3), inc).monthly_amount == 15000
    assert (
        compute(ca(spouse="P2", separated=True), m(2025, 3), inc).monthly_amount == 15000
    )  # 別居: 同居する者


def test_child_months_for_the_batch_follow_the_core():
    kid = CaseChild(
        child_id="C2",
        birth_date=date(2025, 4, 28),
        added_on=date(2025, 5, 8),
        added_event_on=date(2025, 4, 28),
    )
    c = compute(ca(children=(ca().children[0], kid)), m(2025, 5), Incomes())
    assert c.children[1][0] == m(2025, 5) and c.monthly_amount == 30000


def test_child_rearing_allowance_needs_the_income_of_the_right_year():
    state = CaseState(allowance="child_rearing_allowance", recipient="M1", claim_on=date(2025, 3, 10),
                      status="certified", cra_reason="divorce",
                      children=(CaseChild(child_id="C1", birth_date=date(2015, 1, 1)),))  # fmt: skip
    with pytest.raises(ValidationFailed) as e:
        compute(state, m(2025, 4), Incomes())
    assert e.value.errors[0].field == "所得" and "2023" in e.value.errors[0].message  # 4月分は前々年
    inc = Incomes({("M1", 2023): IncomeFacts(0, {"salary_pension_income": 1_000_000, "dependants": 1}),
                   ("M1", 2024): IncomeFacts(0, {"salary_pension_income": 2_000_000, "dependants": 1})})  # fmt: skip
    assert compute(state, m(2025, 4), inc).monthly_amount == 46690
    assert compute(state, m(2025, 11), inc).monthly_amount == 27430  # 11月分から前年の所得: 一部支給
    assert compute(state, m(2025, 3), Incomes()).monthly_amount == 0  # before the start: no income needed
