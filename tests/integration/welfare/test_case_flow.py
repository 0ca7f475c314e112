"""児童手当 case flow end to end: registry 転入 → 認定請求 (15日特例 from the registry event) → 認定 →
出生 (task) → 額改定 → month-boundary aging decrease → 転出 of the recipient → automatic 消滅 with
the right last month. Every change is a new version with the core's amount and trace."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from welfare_support import (
    birth,
    certify,
    claim,
    move_in,
    move_out,
    open_tasks,
    person,
    staff,
    svc,
    versions,
)

from kikan.adapters.db import welfare_aging, welfare_feed
from kikan.adapters.db.outbox import read_after
from kikan.adapters.db.tables.welfare import welfare_case
from kikan.core.errors import Conflict, Forbidden, ValidationFailed
from kikan.welfare import cases as wc
from kikan.welfare import month_index


def m(label: str) -> int:
    return month_index(date.fromisoformat(label + "-01"))


def test_child_allowance_case_flow(db, tenant_id):
    ctx = staff(tenant_id)
    r = move_in(db, ctx, [person("青木", "花子", "1990-05-05", "世帯主", "2", "アオキ"),
                          person("青木", "一郎", "2022-06-15", "子")], "2025-01-31")  # fmt: skip
    mother, first = r.addressee_nos
    welfare_feed.poll(db, tenant_id)
    assert [t.kind for t in open_tasks(db, ctx)] == ["move_in_claim"]  # 転入: 認定請求の案内

    # 認定請求 on 2025-02-10: within 15 days of the 転入 (event month January) → from February
    case = claim(db, ctx, mother, [(first, "2022-06-15")], "2025-02-10")
    assert case.state.event_on == date(2025, 1, 31) and case.state.event_source.startswith("registry:")
    rec = certify(db, ctx, case.case_id, "2025-02-20")
    assert (rec.valid_from, rec.monthly_amount) == (date(2025, 2, 1), 15000)

    # 出生 on 2025-04-28 → task for the 額改定 request
    b = birth(db, ctx, r.household_no, person("青木", "二郎", "2025-04-28", "子"), "2025-04-28", "2025-05-01")
    second = b.addressee_nos[0]
    welfare_feed.poll(db, tenant_id)
    assert "birth_revision" in [t.kind for t in open_tasks(db, ctx)]
    # 額改定請求 on 2025-05-08 (within 15 days) → increase from May
    rec = svc(db, ctx, wc.add_child, wc.AddChild, {"case_id": case.case_id, "requested_on": "2025-05-08",
              "child": {"child_id": second, "birth_date": "2025-04-28"}}, date(2025, 5, 8))  # fmt: skip
    assert (rec.valid_from, rec.monthly_amount) == (date(2025, 5, 1), 30000)

    # the first child turns 3 on 2025-06-15: 15,000 through June, 10,000 from July (automatic)
    assert (
        welfare_aging.month_boundary(db, tenant_id, allowance="child_allowance", month=m("2025-06")).decreased
        == 0
    )
    rep = welfare_aging.month_boundary(db, tenant_id, allowance="child_allowance", month=m("2025-07"))
    assert (rep.decreased, rep.extinguished) == (1, 0)
    again = welfare_aging.month_boundary(db, tenant_id, allowance="child_allowance", month=m("2025-07"))
    assert again.decreased == 0  # rerun-safe
    v = versions(db, ctx, case.case_id)[-1]
    assert (v.reason_code, v.valid_from, v.monthly_amount, v.recorded_by) == (
        "aging_decrease",
        date(2025, 7, 1),
        25000,
        "system:welfare-registry",
    )
    assert v.trace["core"]["steps"]  # the calculation core's trace is stored

    # 転出 of the recipient (転出予定日 2025-09-30) → automatic 消滅, paid through September
    move_out(db, ctx, [mother, first, second], "2025-09-30", "2025-09-20")
    welfare_feed.poll(db, tenant_id)
    vs = versions(db, ctx, case.case_id)
    last = vs[-1]
    assert (last.status, last.reason_code, last.end_month, last.valid_from) == (
        "extinguished",
        "extinguish",
        m("2025-09"),
        date(2025, 10, 1),
    )
    assert [x.reason_code for x in vs] == ["claim", "certify", "increase", "aging_decrease", "extinguish"]
    kinds = [t.kind for t in open_tasks(db, ctx)]
    assert "move_out_extinguish" in kinds and "child_left" not in kinds  # the case ended; no child task
    with db.uow(ctx) as uow:
        status = uow.conn.execute(sa.select(welfare_case.c.status).where(welfare_case.c.case_id == case.case_id,
                                  welfare_case.c.tenant_id == tenant_id)).scalar()  # fmt: skip
        events = [e for e in read_after(uow.conn, tenant_id, 0, 1000) if e.event_type == "WelfareCaseChanged"]
    assert status == "extinguished" and len(events) == 5


def test_bad_input_writes_nothing_and_permission_is_checked(db, tenant_id):
    ctx = staff(tenant_id)
    with pytest.raises(ValidationFailed) as e:
        claim(db, ctx, "000000000000019", [("000000000000027", "2020-01-01"), ("000000000000027", "2020-01-01")],
              "2025-02-10")  # fmt: skip
    assert e.value.errors[0].field == "children"
    with pytest.raises(Forbidden):
        svc(db, staff(tenant_id, frozenset({"welfare.read"})), wc.file_claim, wc.FileClaim,
            {"allowance": "child_allowance", "recipient": "000000000000019", "claim_on": "2025-02-10",
             "children": [{"child_id": "000000000000027", "birth_date": "2020-01-01"}]}, date(2025, 2, 10))  # fmt: skip
    with db.uow(ctx) as uow:
        n = uow.conn.execute(sa.select(sa.func.count()).select_from(welfare_case)
                             .where(welfare_case.c.tenant_id == tenant_id)).scalar()  # fmt: skip
    assert n == 0
    case = claim(db, ctx, "000000000000019", [("000000000000027", "2020-01-01")], "2025-02-10")
    with pytest.raises(Conflict):
        claim(db, ctx, "000000000000019", [("000000000000027", "2020-01-01")], "2025-02-11")
    with pytest.raises(ValidationFailed) as e:
        svc(
            db,
            ctx,
            wc.certify,
            wc.Certify,
            {"case_id": case.case_id, "decided_on": "2025-01-01"},
            date(2025, 2, 20),
        )
    assert e.value.errors[0].field == "decided_on"
    assert len(versions(db, ctx, case.case_id)) == 1


def test_parent_with_lower_income_is_not_the_recipient(db, tenant_id):
    """児童手当法第4条第3項: the parent who maintains the livelihood to the higher degree."""
    from welfare_support import income

    ctx = staff(tenant_id)
    income(db, ctx, "000000000000019", 2024, total=1_000_000)
    income(db, ctx, "000000000000035", 2024, total=5_000_000)
    case = claim(db, ctx, "000000000000019", [("000000000000027", "2020-01-01")], "2025-02-10",
                 spouse="000000000000035")  # fmt: skip
    with pytest.raises(Conflict) as e:
        certify(db, ctx, case.case_id, "2025-02-20")
    assert "000000000000035" in e.value.message
    designated = claim(db, ctx, "000000000000043", [("000000000000050", "2020-01-01")], "2025-02-10",
                       spouse="000000000000035", designated_main=True)  # fmt: skip
    assert certify(db, ctx, designated.case_id, "2025-02-20").monthly_amount == 10000


def test_suspension_resume_and_child_leaving(db, tenant_id):
    ctx = staff(tenant_id)
    case = claim(db, ctx, "000000000000019", [("000000000000027", "2015-01-01"), ("000000000000035", "2016-01-01")],
                 "2025-02-10")  # fmt: skip
    certify(db, ctx, case.case_id, "2025-02-20")
    rec = svc(db, ctx, wc.suspend, wc.Suspend, {"case_id": case.case_id, "from_month": "2025-05", "reason": "所在不明"},
              date(2025, 4, 20))  # fmt: skip
    assert rec.monthly_amount == 0
    rec = svc(
        db, ctx, wc.resume, wc.Resume, {"case_id": case.case_id, "from_month": "2025-07"}, date(2025, 7, 2)
    )
    assert rec.monthly_amount == 20000 and rec.state.suspensions[0].until_month == m("2025-06")
    rec = svc(db, ctx, wc.child_left, wc.ChildLeft, {"case_id": case.case_id, "child_id": "000000000000027",
              "left_on": "2025-08-10"}, date(2025, 8, 12))  # fmt: skip
    assert (rec.valid_from, rec.monthly_amount) == (date(2025, 9, 1), 10000)
    # the last child leaves → 消滅 with the month of the event
    rec = svc(db, ctx, wc.child_left, wc.ChildLeft, {"case_id": case.case_id, "child_id": "000000000000035",
              "left_on": "2025-10-05"}, date(2025, 10, 6))  # fmt: skip
    assert rec.state.status == "extinguished" and rec.state.ended_on == date(2025, 10, 5)
    assert versions(db, ctx, case.case_id)[-1].end_month == m("2025-10")


def test_child_rearing_allowance_with_status_report(db, tenant_id):
    """児童扶養手当: income from the income port (stub), 一部支給, 現況届 recomputes from November."""
    from welfare_support import income

    ctx = staff(tenant_id)
    mother, kid = "000000000000019", "000000000000027"
    with pytest.raises(ValidationFailed):  # no income yet: nothing certified
        c0 = claim(db, ctx, mother, [(kid, "2015-01-01")], "2025-03-10", allowance="child_rearing_allowance",
                   cra_reason="divorce")  # fmt: skip
        certify(db, ctx, c0.case_id, "2025-03-20")
    income(db, ctx, mother, 2023, salary_pension_income=1_000_000, dependants=1)
    rec = certify(db, ctx, c0.case_id, "2025-03-20")
    assert (rec.valid_from, rec.monthly_amount) == (date(2025, 4, 1), 46690)  # 全部支給 FY2025
    income(db, ctx, mother, 2024, salary_pension_income=2_500_000, dependants=1)
    rec = svc(db, ctx, wc.record_status_report, wc.RecordStatusReport, {"case_id": c0.case_id,
              "received_on": "2025-08-10", "year": 2025}, date(2025, 8, 10))  # fmt: skip
    assert rec.valid_from == date(2025, 11, 1) and 11010 <= rec.monthly_amount < 46690  # 一部支給
    with pytest.raises(Conflict):
        svc(db, ctx, wc.record_status_report, wc.RecordStatusReport, {"case_id": c0.case_id,
            "received_on": "2025-08-11", "year": 2025}, date(2025, 8, 11))  # fmt: skip
