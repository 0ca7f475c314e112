"""抑止 / 支援措置 services against a real database (標準仕様書 3.1, 3.4)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from kikan.adapters.db import outbox
from kikan.adapters.db.database import Database
from kikan.adapters.db.juki_blocks import SqlBlockStore, enforce
from kikan.adapters.db.tables.core import audit_log
from kikan.adapters.db.tables.juki import juki_block, juki_household, juki_resident
from kikan.core.errors import Blocked, Conflict, Forbidden, NotFound, ValidationFailed
from kikan.core.temporal import FixedClock
from kikan.core.tenancy import Actor, TenantContext
from kikan.juki import block_services as svc

TODAY = date(2026, 5, 1)
SECRET_ADDRESS = "東京都千代田区秘密町1-2-3"


@pytest.fixture
def people(db, ctx):
    with db.uow(ctx) as uow:
        for no, hh in (("P1", "H1"), ("P2", "H1"), ("P3", "H2")):
            uow.conn.execute(sa.insert(juki_resident), {
                "tenant_id": ctx.tenant_id, "addressee_no": no, "history_no": 1, "household_no": hh,
                "status": "resident", "resident_kind": "japanese", "version": 1,
            })
        for hh in ("H1", "H2"):
            uow.conn.execute(sa.insert(juki_household), {
                "tenant_id": ctx.tenant_id, "household_no": hh, "address": SECRET_ADDRESS, "status": "active",
                "version": 1,
            })
        uow.commit()
    return ctx


def run(db, ctx, fn, cmd=None, today=TODAY, **kw):
    with db.uow(ctx) as uow:
        args = (cmd, uow) if cmd is not None else (uow,)
        out = fn(*args, today=today, store=SqlBlockStore(uow), **kw)
        uow.commit()
    return out


def check(db, ctx, process, who, today=TODAY, **kw):
    with db.uow(ctx) as uow:
        return enforce(uow, process, addressee_nos=[who], today=today, **kw)


def events(db, ctx):
    with db.uow(ctx) as uow:
        return outbox.read_after(uow.conn, ctx.tenant_id, 0, 1000)


def rows(db, ctx, table):
    with db.uow(ctx) as uow:
        return uow.conn.execute(sa.select(table).where(table.c.tenant_id == ctx.tenant_id)).all()


def as_(ctx, *perms):
    return TenantContext(ctx.tenant_id, Actor("someone", permissions=frozenset(perms)))


def test_set_block_requires_permission_and_writes_nothing(db, people):
    cmd = svc.SetBlock(processes=["move"], level="error", start_on=TODAY, addressee_no="P1")
    with pytest.raises(Forbidden):
        run(db, as_(people, "juki.read"), svc.set_block, cmd)
    assert rows(db, people, juki_block) == []


def test_set_block_validation(db, people):
    with pytest.raises(ValidationFailed) as e:
        run(db, people, svc.set_block, svc.SetBlock(processes=["print"], level="stop", start_on=TODAY,
                                                     addressee_no="P1", household_no="H1", end_on=date(2026, 1, 1)))
    assert {f.field for f in e.value.errors} == {"addressee_no", "processes", "level", "end_on"}
    with pytest.raises(NotFound):
        run(db, people, svc.set_block, svc.SetBlock(processes=["move"], level="error", start_on=TODAY, household_no="H9"))
    assert rows(db, people, juki_block) == []


def test_set_release_cycle_with_audit_and_events(db, people):
    b = run(db, people, svc.set_block, svc.SetBlock(["certificate"], "error", TODAY, household_no="H1", reason="調査中"))
    with pytest.raises(Blocked):
        check(db, people, "certificate", "P2")
    run(db, people, svc.release_block, svc.ReleaseBlock(b.block_id, "調査終了"))
    assert check(db, people, "certificate", "P2") == []
    with pytest.raises(Conflict):
        run(db, people, svc.release_block, svc.ReleaseBlock(b.block_id))
    assert [e.event_type for e in events(db, people)] == ["BlockSet", "BlockReleased"]
    fns = [a.function for a in rows(db, people, audit_log)]
    assert "juki.block.set" in fns and "juki.block.release" in fns


def test_temporary_release_relocks_and_is_not_published(db_url, db, people):
    b = run(db, people, svc.set_block, svc.SetBlock(["certificate"], "error", TODAY, addressee_no="P1"))
    clock = FixedClock(datetime(2026, 5, 1, 1, 0, tzinfo=UTC))
    timed = Database(db_url, clock=clock)
    try:
        only_temp = as_(people, "juki.block.temporary_release")
        with pytest.raises(Forbidden):
            run(timed, only_temp, svc.set_block, svc.SetBlock(["move"], "error", TODAY, addressee_no="P1"))
        done = run(timed, only_temp, svc.temporary_release, svc.TemporaryRelease(b.block_id, minutes=20))
        assert done.temporary_release_until == clock.at + timedelta(minutes=20)
        clock.advance(minutes=19)
        (hit,) = check(timed, people, "certificate", "P1")
        assert hit.temporarily_released
        clock.advance(minutes=1)
        with pytest.raises(Blocked):
            check(timed, people, "certificate", "P1")
    finally:
        timed.dispose()
    assert [e.event_type for e in events(db, people)] == ["BlockSet"]  # 一時解除 is never linked out


def test_support_cannot_be_temporarily_released(db, people):
    m = run(db, people, svc.start_support, svc.StartSupport("P2", TODAY, provisional=False))
    with pytest.raises(Conflict):
        run(db, people, svc.temporary_release, svc.TemporaryRelease(m.block_id))


def test_support_lifecycle(db, people):
    prov = run(db, people, svc.start_support, svc.StartSupport("P2", date(2026, 4, 20)))
    assert prov.support_stage == "provisional" and prov.end_on is None
    with pytest.raises(Blocked):  # 仮支援措置 already protects
        check(db, people, "certificate", "P2")
    ok = run(db, people, svc.approve_support, svc.ApproveSupport(prov.block_id))
    assert (ok.start_on, ok.end_on) == (TODAY, date(2027, 4, 30))
    with pytest.raises(Conflict, match="2027-04-01"):
        run(db, people, svc.extend_support, svc.ExtendSupport(ok.block_id), today=date(2027, 3, 31))
    new = run(db, people, svc.extend_support, svc.ExtendSupport(ok.block_id), today=date(2027, 4, 10))
    assert (new.start_on, new.end_on, new.parent_block_id) == (date(2027, 5, 1), date(2028, 4, 30), ok.block_id)
    for day in (date(2027, 4, 30), date(2027, 5, 1), date(2028, 6, 1)):  # no gap; no auto-end at the end date
        with pytest.raises(Blocked):
            check(db, people, "certificate", "P2", today=day)
    with pytest.raises(ValidationFailed):
        run(db, people, svc.end_support, svc.EndSupport(new.block_id, " "), today=date(2027, 6, 1))
    run(db, people, svc.end_support, svc.EndSupport(new.block_id, "本人からの終了の申出"), today=date(2027, 6, 1))
    assert check(db, people, "certificate", "P2", today=date(2027, 6, 1)) == []
    types = [e.event_type for e in events(db, people)]
    assert types == ["SupportMeasureStarted", "SupportMeasureApproved", "SupportMeasureExtended", "SupportMeasureEnded"]


def test_events_never_carry_the_address(db, people):
    run(db, people, svc.start_support, svc.StartSupport("P1", TODAY, provisional=False))
    run(db, people, svc.set_block, svc.SetBlock(["move"], "alert", TODAY, household_no="H1"))
    for e in events(db, people):
        text = json.dumps(e.payload, ensure_ascii=False)
        assert SECRET_ADDRESS not in text and "address" not in e.payload


def test_continue_after_move_out(db, people):
    m = run(db, people, svc.start_support, svc.StartSupport("P3", TODAY, provisional=False))
    system = TenantContext(people.tenant_id, Actor("system:batch", kind="batch"))
    (c,) = run(db, system, svc.continue_after_move_out, "P3", today=date(2026, 6, 1))
    assert (c.block_id, c.support_stage) == (m.block_id, "continued")
    with pytest.raises(Blocked):
        check(db, people, "certificate", "P3", today=date(2026, 6, 2))
    assert run(db, system, svc.continue_after_move_out, "P3", today=date(2026, 6, 2)) == []  # idempotent
    assert events(db, people)[-1].event_type == "SupportMeasureContinued"


def test_list_blocks_and_expiring(db, people):
    run(db, people, svc.set_block, svc.SetBlock(["move"], "error", date(2025, 1, 1), addressee_no="P1",
                                                end_on=date(2025, 12, 31)))
    soon = run(db, people, svc.start_support, svc.StartSupport("P1", date(2025, 5, 20), provisional=False))
    run(db, people, svc.start_support, svc.StartSupport("P3", date(2026, 1, 1), provisional=False))
    views = run(db, people, svc.list_blocks, addressee_no="P1")
    assert sorted((v.block.kind, v.past_end, v.alert is not None) for v in views) == [
        ("block", True, False), ("support", False, True)]
    expiring = run(db, people, svc.list_support_expiring)
    assert [v.block.block_id for v in expiring] == [soon.block_id]
    with pytest.raises(Forbidden):
        run(db, as_(people, "juki.read"), svc.list_support_expiring)
    reads = [a for a in rows(db, people, audit_log) if a.action == "read"]
    assert {a.function for a in reads} == {"juki.block.list", "juki.block.support.expiring"}
