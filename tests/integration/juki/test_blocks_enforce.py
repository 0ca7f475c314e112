"""enforce / flags_for / support_protected against a real database (標準仕様書 3.1, 3.4)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from kikan.adapters.db.juki_blocks import enforce, flags_for, support_protected
from kikan.adapters.db.tables.core import audit_log, closure_day
from kikan.adapters.db.tables.juki import juki_block, juki_resident
from kikan.core.errors import Blocked, ValidationFailed
from kikan.core.tenancy import Actor, TenantContext

TODAY = date(2026, 5, 1)


def resident(conn, tenant, no, household, status="resident"):
    conn.execute(sa.insert(juki_resident), {
        "tenant_id": tenant, "addressee_no": no, "history_no": 1, "household_no": household,
        "status": status, "resident_kind": "japanese", "version": 1,
    })


def block(conn, tenant, *, person=None, household=None, processes="move,certificate,inquiry", level="error",
          kind="block", start=date(2026, 1, 1), end=None, released=None, temp_until=None, stage=None):
    bid = str(uuid.uuid4())
    conn.execute(sa.insert(juki_block), {
        "tenant_id": tenant, "block_id": bid, "kind": kind, "addressee_no": person, "household_no": household,
        "processes": processes, "level": level, "start_on": start, "end_on": end, "released_on": released,
        "temporary_release_until": temp_until, "support_stage": stage, "reason": "テスト",
        "created_at": datetime(2026, 1, 1, tzinfo=UTC), "created_by": "test", "version": 1,
    })
    return bid


@pytest.fixture
def people(db, ctx):
    """P1, P2 in household H1; P3 alone in H2; P4 in H3."""
    with db.uow(ctx) as uow:
        for no, hh in (("P1", "H1"), ("P2", "H1"), ("P3", "H2"), ("P4", "H3")):
            resident(uow.conn, ctx.tenant_id, no, hh)
        uow.commit()
    return ctx


def add(db, ctx, **kw):
    with db.uow(ctx) as uow:
        bid = block(uow.conn, ctx.tenant_id, **kw)
        uow.commit()
    return bid


def audits(db, ctx, function="juki.block.enforce"):
    with db.uow(ctx) as uow:
        return uow.conn.execute(
            sa.select(audit_log).where(audit_log.c.tenant_id == ctx.tenant_id, audit_log.c.function == function)
            .order_by(audit_log.c.seq)
        ).all()


def test_no_block_no_hit(db, people):
    with db.uow(people) as uow:
        assert enforce(uow, "certificate", addressee_nos=["P1"], today=TODAY) == []


def test_error_block_refuses_matching_process_only(db, people):
    add(db, people, person="P1", processes="certificate")
    with db.uow(people) as uow, pytest.raises(Blocked) as e:
        enforce(uow, "certificate", addressee_nos=["P1"], today=TODAY)
    assert "P1" in e.value.message and "責任者の解除が必要です" in e.value.message
    with db.uow(people) as uow:
        assert enforce(uow, "move", addressee_nos=["P1"], today=TODAY) == []
        assert enforce(uow, "inquiry", addressee_nos=["P1"], today=TODAY) == []


def test_alert_block_is_returned_not_raised(db, people):
    bid = add(db, people, person="P3", processes="move", level="alert")
    with db.uow(people) as uow:
        hits = enforce(uow, "move", addressee_nos=["P3"], today=TODAY)
        uow.commit()
    assert [(h.block.block_id, h.addressee_no, h.refuses) for h in hits] == [(bid, "P3", False)]
    assert [a.action for a in audits(db, people)] == ["alert"]


def test_household_block_reaches_members_not_others(db, people):
    add(db, people, household="H1", processes="move")
    with db.uow(people) as uow, pytest.raises(Blocked) as e:
        enforce(uow, "move", addressee_nos=["P2"], today=TODAY)
    assert "P2" in e.value.message and "H1" in e.value.message
    with db.uow(people) as uow:
        assert enforce(uow, "move", addressee_nos=["P3"], today=TODAY) == []
    with db.uow(people) as uow, pytest.raises(Blocked):
        enforce(uow, "move", household_nos=["H1"], today=TODAY)


def test_person_block_found_through_household_operation(db, people):
    add(db, people, person="P2", processes="certificate")
    with db.uow(people) as uow, pytest.raises(Blocked) as e:
        enforce(uow, "certificate", household_nos=["H1"], today=TODAY)
    assert "P2" in e.value.message


def test_end_date_does_not_release_but_is_flagged(db, people):
    add(db, people, person="P1", processes="move", end=date(2026, 3, 31))
    with db.uow(people) as uow, pytest.raises(Blocked) as e:
        enforce(uow, "move", addressee_nos=["P1"], today=TODAY)
    assert "期限経過" in e.value.message
    with db.uow(people) as uow:
        assert flags_for(uow.conn, people.tenant_id, ["P1"], TODAY) == {"P1": ["block:error", "block:past_end"]}


def test_released_and_future_blocks_do_not_apply(db, people):
    add(db, people, person="P1", processes="move", released=date(2026, 4, 1))
    add(db, people, person="P1", processes="move", start=date(2026, 6, 1))
    with db.uow(people) as uow:
        assert enforce(uow, "move", addressee_nos=["P1"], today=TODAY) == []
    with db.uow(people) as uow, pytest.raises(Blocked):  # on the start date it applies
        enforce(uow, "move", addressee_nos=["P1"], today=date(2026, 6, 1))


def test_temporary_release_passes_until_its_time(db, people):
    now = db.clock.now()
    add(db, people, person="P1", processes="certificate", temp_until=now + timedelta(minutes=30))
    with db.uow(people) as uow:
        hits = enforce(uow, "certificate", addressee_nos=["P1"], today=TODAY)
    assert len(hits) == 1 and hits[0].temporarily_released and not hits[0].refuses
    add(db, people, person="P3", processes="certificate", temp_until=now - timedelta(seconds=1))
    with db.uow(people) as uow, pytest.raises(Blocked):
        enforce(uow, "certificate", addressee_nos=["P3"], today=TODAY)


def test_several_blocks_coexist(db, people):
    add(db, people, person="P4", processes="move", level="alert")
    add(db, people, person="P4", processes="certificate", level="alert")
    add(db, people, household="H3", processes="move,inquiry", level="alert")
    with db.uow(people) as uow:
        assert len(enforce(uow, "move", addressee_nos=["P4"], today=TODAY)) == 2
        assert len(enforce(uow, "inquiry", addressee_nos=["P4"], today=TODAY)) == 1
    add(db, people, person="P4", processes="move", level="error")
    with db.uow(people) as uow, pytest.raises(Blocked) as e:
        enforce(uow, "move", addressee_nos=["P4"], today=TODAY)
    assert len(e.value.hits) == 1  # type: ignore[attr-defined]


def test_refusal_is_audited_although_callers_work_rolls_back(db, people):
    add(db, people, person="P1", processes="certificate")
    with db.uow(people) as uow:
        uow.conn.execute(sa.insert(closure_day), {"tenant_id": people.tenant_id, "day": date(2031, 1, 2), "name": "x"})
        with pytest.raises(Blocked):
            enforce(uow, "certificate", addressee_nos=["P1"], today=TODAY)
    rows = audits(db, people)
    assert [(a.action, a.target_id) for a in rows] == [("deny", "P1")]
    with db.uow(people) as uow:
        left = uow.conn.execute(sa.select(closure_day).where(closure_day.c.tenant_id == people.tenant_id)).all()
    assert left == []


def test_support_measure_refuses_certificate_until_supervisor_release(db, people):
    add(db, people, kind="support", person="P2", processes="certificate,inquiry", stage="approved",
        end=date(2027, 3, 31))
    with db.uow(people) as uow, pytest.raises(Blocked) as e:
        enforce(uow, "certificate", household_nos=["H1"], today=TODAY)
    assert "支援措置" in e.value.message and "P2" in e.value.message
    # a release note without the right is refused too
    with db.uow(people) as uow, pytest.raises(Blocked) as e:
        enforce(uow, "certificate", addressee_nos=["P1", "P2"], today=TODAY, supervisor_release="確認済")
    assert "権限" in e.value.message
    boss = TenantContext(people.tenant_id, Actor("boss01", permissions=frozenset({"juki.block.release"})))
    with db.uow(boss) as uow:
        hits = enforce(uow, "certificate", addressee_nos=["P1", "P2"], today=TODAY, supervisor_release="本人確認済")
        uow.commit()
    assert [h.addressee_no for h in hits] == ["P2"]
    rows = audits(db, people)
    assert [(a.action, a.actor) for a in rows] == [("deny", "clerk01"), ("deny", "clerk01"), ("release", "boss01")]
    assert "本人確認済" in rows[-1].detail


def test_provisional_support_also_refuses(db, people):
    add(db, people, kind="support", person="P3", processes="certificate,inquiry", stage="provisional")
    with db.uow(people) as uow, pytest.raises(Blocked):
        enforce(uow, "certificate", addressee_nos=["P3"], today=TODAY)


def test_support_on_inquiry_is_an_alert_and_masking_set(db, people):
    add(db, people, kind="support", person="P2", processes="certificate,inquiry", stage="approved")
    with db.uow(people) as uow:
        hits = enforce(uow, "inquiry", addressee_nos=["P2"], today=TODAY)
        assert len(hits) == 1 and not hits[0].refuses
        assert support_protected(uow, ["P1", "P2", "P3"], TODAY) == {"P2"}
        assert enforce(uow, "move", addressee_nos=["P2"], today=TODAY) == []


def test_flags_for_a_page_in_one_call(db, people):
    add(db, people, kind="support", person="P2", processes="certificate,inquiry", stage="approved")
    add(db, people, household="H1", processes="move", level="alert")
    add(db, people, person="P3", processes="move")
    with db.uow(people) as uow:
        flags = flags_for(uow.conn, people.tenant_id, ["P1", "P2", "P3", "P4"], TODAY)
    assert flags == {"P1": ["block:alert"], "P2": ["block:alert", "support"], "P3": ["block:error"]}


def test_other_tenants_blocks_do_not_apply(db, people, tenant_id):
    add(db, people, person="P1", processes="move")
    other = TenantContext("011002", people.actor)
    with db.uow(other) as uow:
        assert enforce(uow, "move", addressee_nos=["P1"], today=TODAY) == []
        assert flags_for(uow.conn, other.tenant_id, ["P1"], TODAY) == {}


def test_unknown_process_is_a_validation_error(db, people):
    with db.uow(people) as uow, pytest.raises(ValidationFailed):
        enforce(uow, "print", addressee_nos=["P1"], today=TODAY)


def test_unit_of_work_is_finished_after_a_refusal(db, people):
    """A caller that swallows Blocked cannot commit half its work afterwards."""
    add(db, people, person="P1", processes="certificate")
    with db.uow(people) as uow:
        uow.conn.execute(sa.insert(closure_day), {"tenant_id": people.tenant_id, "day": date(2031, 1, 3), "name": "x"})
        with pytest.raises(Blocked):
            enforce(uow, "certificate", addressee_nos=["P1"], today=TODAY)
        with pytest.raises(sa.exc.InvalidRequestError):  # the transaction is over: nothing commits
            uow.commit()
    with db.uow(people) as uow:
        assert uow.conn.execute(sa.select(closure_day).where(closure_day.c.tenant_id == people.tenant_id)).all() == []
