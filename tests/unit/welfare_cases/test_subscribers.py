"""What a registry 異動 makes the welfare business do (pure decisions over a fake view)."""

from __future__ import annotations

from datetime import date

from kikan.welfare.cases import CaseChild, CaseRecord, CaseState
from kikan.welfare.subscribers import decide, is_child


def case(
    case_id: str, recipient: str, kids: list[str], household: str = "H1", status: str = "certified"
) -> CaseRecord:
    state = CaseState(allowance="child_allowance", recipient=recipient, household_no=household, status=status,
                      claim_on=date(2025, 1, 10),
                      children=tuple(CaseChild(child_id=k, birth_date=date(2018, 1, 1)) for k in kids))  # fmt: skip
    return CaseRecord(case_id, 2, state, date(2025, 2, 1), 10000)


class View:
    def __init__(self, cases: list[CaseRecord], homes: dict[str, str] | None = None):
        self.cases, self.homes = cases, homes or {}

    def cases_of_recipient(self, recipient: str) -> list[CaseRecord]:
        return [
            c
            for c in self.cases
            if c.state.recipient == recipient and c.state.status in ("claimed", "certified")
        ]

    def cases_in_household(self, household_no: str) -> list[CaseRecord]:
        return [c for c in self.cases if c.state.household_no == household_no]

    def cases_with_child(self, child_id: str) -> list[CaseRecord]:
        return [c for c in self.cases if c.state.child(child_id) and c.state.status == "certified"]

    def household_of(self, addressee_no: str) -> str | None:
        return self.homes.get(addressee_no)


def item(
    event_type: str, persons: list[dict], on: str = "2025-06-30", hh: str = "H1", eid: str = "e1"
) -> dict:
    return {"id": eid, "occurred_on": on, "data": {"event_id": eid, "event_type": event_type, "event_on": on,
            "household_no": hh, "event_name": event_type, "persons": persons}}  # fmt: skip


def p(no: str, born: str = "2025-06-30", hh: str = "H1") -> dict:
    return {"addressee_no": no, "birth_date": born, "household_no": hh, "history_no": 1}


def test_birth_in_a_recipient_household_and_elsewhere():
    view = View([case("0000000001", "P1", ["K1"])])
    a = decide(item("ResidentBorn", [p("K2")]), view)
    assert [(t.kind, t.case_id, t.due_on) for t in a.tasks] == [
        ("birth_revision", "0000000001", date(2025, 7, 15))
    ]
    b = decide(item("ResidentBorn", [p("K9", hh="H2")], hh="H2"), view)
    assert [t.kind for t in b.tasks] == ["birth_claim"] and not b.extinguish


def test_move_in_of_adults_only_opens_nothing():
    assert not decide(item("ResidentMovedIn", [p("A1", "1980-01-01", "H3")], hh="H3"), View([])).tasks
    kids = decide(
        item("ResidentMovedIn", [p("A1", "1980-01-01", "H3"), p("K3", "2010-01-01", "H3")], hh="H3"), View([])
    )
    assert [t.kind for t in kids.tasks] == ["move_in_claim"]


def test_recipient_leaving_ends_the_case_child_leaving_opens_a_task():
    view = View([case("0000000001", "P1", ["K1"]), case("0000000002", "P2", ["K2"])])
    a = decide(
        item("ResidentMovedOut", [p("P1", "1980-01-01"), p("K1", "2018-01-01")], on="2025-09-30"), view
    )
    assert a.extinguish == [("0000000001", date(2025, 9, 30), "moved_out")] and not a.tasks
    b = decide(item("ResidentDied", [p("K2", "2018-01-01")], eid="e2"), view)
    assert not b.extinguish and [(t.kind, t.case_id) for t in b.tasks] == [("child_left", "0000000002")]
    c = decide(item("ResidentDied", [p("P2", "1980-01-01")], eid="e3"), view)
    assert c.extinguish == [("0000000002", date(2025, 6, 30), "death")]


def test_a_pending_claim_of_a_leaving_claimant_is_a_task():
    view = View([case("0000000003", "P3", ["K3"], status="claimed")])
    a = decide(item("ResidentMovedOut", [p("P3", "1980-01-01")]), view)
    assert not a.extinguish and [(t.kind, t.case_id) for t in a.tasks] == [
        ("move_out_extinguish", "0000000003")
    ]


def test_household_split_away_from_the_recipient_asks_for_a_check():
    view = View([case("0000000001", "P1", ["K1", "K2"])], homes={"P1": "H1", "K1": "H1", "K2": "H1"})
    a = decide(item("HouseholdSplit", [p("K2", "2018-01-01", "H9")], hh="H9"), view)
    assert a.households == [("K2", "H9")] and [t.kind for t in a.tasks] == ["household_check"]
    same = decide(item("HouseholdHeadChanged", [p("P1", "1980-01-01", "H1")], eid="e4"), view)
    assert not same.tasks


def test_child_age_limit_is_the_first_march_31_after_18():
    assert is_child(date(2007, 4, 2), date(2026, 3, 31)) and not is_child(date(2007, 4, 1), date(2025, 4, 1))
