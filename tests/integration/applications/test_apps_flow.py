"""申請管理 end to end on the real database (both backends): submit → queue → correct → apply → registry."""

from __future__ import annotations

import copy

import pytest
import sqlalchemy as sa
from apps_support import HANAKO, audits, clerk, events, move_out_data, seed, submit, today

from kikan.adapters.db import applications_review as review
from kikan.adapters.db import applications_store as store
from kikan.adapters.db import juki_repo
from kikan.adapters.db.tables.applications import application
from kikan.adapters.db.tables.juki import juki_history
from kikan.applications import catalog
from kikan.core.errors import Conflict, ValidationFailed


def _queue(db, ctx, **kw):  # type: ignore[no-untyped-def]
    with db.uow(ctx) as uow:
        rows, total = review.queue(uow, catalog(), store.Filters(**kw))
        uow.commit()
    return rows, total


def test_online_move_out_is_applied_through_the_registry_service(db, tenant_id, owner_engine):
    (no,) = seed(db, tenant_id, HANAKO)
    data = move_out_data()
    receipt = submit(db, tenant_id, "move-out", data)
    assert not receipt.duplicate and len(receipt.receipt_no) == 10
    ctx = clerk(tenant_id)

    rows, total = _queue(db, ctx, status="received")
    assert total == 1 and rows[0]["receipt_no"] == receipt.receipt_no

    # the clerk identifies the person (a correction kept with before/after) and applies
    corrected = copy.deepcopy(data)
    corrected["persons"][0]["addressee_no"] = no
    changes = review.correct(db, ctx, catalog(), receipt.receipt_no, corrected, expected_version=1, reason="本人確認済み")
    assert [(c.path, c.before, c.after) for c in changes] == [("persons.0.addressee_no", None, no)]
    outcome = review.apply(db, ctx, catalog(), receipt.receipt_no, expected_version=2, today=today())
    assert outcome.result["event_code"] == "201" and outcome.result["addressee_nos"] == [no]

    # the registry has the 転出 as a new history row, written by the clerk
    with db.uow(ctx) as uow:
        snap = juki_repo.current(uow, no)
        hist = juki_repo.history(uow, no)
    assert snap is not None and snap["status"] == "removed" and snap["event_code"] == "201"
    assert snap["moved_out_to_planned"] == "大阪府大阪市北区梅町３番地\u3000梅ハイツ２０１"
    assert snap["recorded_by"] == "clerk-a" and len(hist) == 2
    assert snap["move_id"] == outcome.result["move_id"]

    # the application is 完了 with the result, its history and the correction kept
    with db.uow(ctx) as uow:
        app = review.load(uow, catalog(), receipt.receipt_no, audit=False)
    assert app.row["status"] == "completed" and app.row["result"]["move_id"] == outcome.result["move_id"]
    assert app.row["submitted_data"] == data and app.row["data"] == corrected
    assert [s["status"] for s in app.statuses] == ["received", "reviewing", "completed"]
    assert app.statuses[0]["actor"] == f"resident:{receipt.receipt_no}"
    assert [(c["path"], c["before"], c["after"], c["actor"]) for c in app.corrections] == [
        ("persons.0.addressee_no", None, no, "clerk-a")]

    # events: submitted (no secret), the registry's 転出, the status change — in commit order
    evs = [(e.event_type, e.payload) for e in events(owner_engine, tenant_id)]
    types = [t for t, _ in evs]
    assert types[-3:] == ["ApplicationSubmitted", "ResidentMovedOut", "ApplicationStatusChanged"]
    submitted = evs[-3][1]
    assert submitted["receipt_no"] == receipt.receipt_no and submitted["procedure"] == "juki.move_out"
    assert submitted["form_id"] == "move-out" and submitted["form_version"] == 1 and submitted["data"] == data
    flat = repr(submitted)
    assert receipt.secret not in flat and "203.0.113.5" not in flat and "secret" not in flat
    assert evs[-1][1]["status"] == "completed"

    # audit: the submission as resident:<受付番号> with the address, the clerk's reads and changes
    rows = audits(owner_engine, tenant_id)
    sub = [r for r in rows if r.function == "applications.submit"]
    assert len(sub) == 1 and sub[0].actor == f"resident:{receipt.receipt_no}" and sub[0].client_addr == "203.0.113.5"
    assert "client_addr=203.0.113.5" in sub[0].detail
    fns = [(r.function, r.action, r.actor) for r in rows]
    assert ("applications.search", "read", "clerk-a") in fns
    assert ("applications.correct", "update", "clerk-a") in fns
    assert ("applications.apply", "update", "clerk-a") in fns
    assert ("applications.read", "read", "clerk-a") not in fns  # load(audit=False) above did not read as a clerk
    with db.uow(ctx) as uow:
        review.load(uow, catalog(), receipt.receipt_no)
        uow.commit()
    assert ("applications.read", "read", "clerk-a") in [(r.function, r.action, r.actor) for r in audits(owner_engine, tenant_id)]


def test_apply_without_identified_persons_is_refused_and_nothing_is_written(db, tenant_id, owner_engine):
    seed(db, tenant_id, HANAKO)
    receipt = submit(db, tenant_id, "move-out", move_out_data())
    ctx = clerk(tenant_id)
    with owner_engine.connect() as c:
        before = c.execute(sa.select(sa.func.count()).select_from(juki_history)
                           .where(juki_history.c.tenant_id == tenant_id)).scalar_one()  # fmt: skip
    with pytest.raises(ValidationFailed) as exc:
        review.apply(db, ctx, catalog(), receipt.receipt_no, expected_version=1, today=today())
    assert exc.value.errors[0].field == "異動者（宛名番号）"
    with owner_engine.connect() as c:
        after = c.execute(sa.select(sa.func.count()).select_from(juki_history)
                          .where(juki_history.c.tenant_id == tenant_id)).scalar_one()  # fmt: skip
        row = c.execute(sa.select(application).where(application.c.tenant_id == tenant_id)).one()
    assert after == before
    assert row.status == "received" and row.version == 1 and "異動者（宛名番号）" in row.last_error
    assert [e.event_type for e in events(owner_engine, tenant_id)][-1] == "ApplicationSubmitted"


def test_stale_version_and_finished_applications_are_conflicts(db, tenant_id):
    (no,) = seed(db, tenant_id, HANAKO)
    data = move_out_data()
    receipt = submit(db, tenant_id, "move-out", data)
    ctx = clerk(tenant_id)
    corrected = copy.deepcopy(data)
    corrected["persons"][0]["addressee_no"] = no
    review.correct(db, ctx, catalog(), receipt.receipt_no, corrected, expected_version=1, reason=None)
    with pytest.raises(Conflict, match="他の職員が先に"):
        review.apply(db, ctx, catalog(), receipt.receipt_no, expected_version=1, today=today())
    review.apply(db, ctx, catalog(), receipt.receipt_no, expected_version=2, today=today())
    with pytest.raises(Conflict, match="既に完了"):
        review.apply(db, ctx, catalog(), receipt.receipt_no, expected_version=None, today=today())
    with pytest.raises(Conflict, match="既に完了"):
        review.correct(db, ctx, catalog(), receipt.receipt_no, data, expected_version=None, reason=None)


def test_reject_needs_a_reason_and_request_correction_shows_the_note(db, tenant_id, owner_engine):
    from kikan.adapters.db import applications_intake as intake
    from kikan.applications import Status

    receipt = submit(db, tenant_id, "move-out", move_out_data())
    ctx = clerk(tenant_id)
    with pytest.raises(ValidationFailed, match="却下の理由"):
        review.change_status(db, ctx, catalog(), receipt.receipt_no, Status.REJECTED, expected_version=1, note=" ")
    review.change_status(db, ctx, catalog(), receipt.receipt_no, Status.CORRECTION_REQUESTED, expected_version=1,
                         note="転出先の番地をご確認ください")  # fmt: skip
    view = intake.check_status(db, tenant_id, receipt.receipt_no, receipt.secret, client_addr="x", request_id="")
    assert view is not None and view.status == "correction_requested"
    assert view.public_note == "転出先の番地をご確認ください"
    assert view.history[-1]["note"] == "転出先の番地をご確認ください"
    review.change_status(db, ctx, catalog(), receipt.receipt_no, Status.REJECTED, expected_version=2,
                         note="届出人の本人確認ができませんでした")  # fmt: skip
    view = intake.check_status(db, tenant_id, receipt.receipt_no, receipt.secret, client_addr="x", request_id="")
    assert view is not None and view.status == "rejected" and [h["status"] for h in view.history] == [
        "received", "correction_requested", "rejected"]
    assert [e.payload["status"] for e in events(owner_engine, tenant_id) if e.event_type == "ApplicationStatusChanged"] \
        == ["correction_requested", "rejected"]


def test_clerk_without_the_forms_permission_sees_nothing(db, tenant_id):
    from kikan.core.errors import Forbidden

    receipt = submit(db, tenant_id, "move-out", move_out_data())
    ctx = clerk(tenant_id, perms=("juki.read", "juki.certificate"))  # no juki.write
    rows, total = _queue(db, ctx)
    assert total == 0 and rows == []
    with pytest.raises(Forbidden, match="転出届"), db.uow(ctx) as uow:
        review.load(uow, catalog(), receipt.receipt_no)


def test_tenants_do_not_see_each_others_applications(db, tenant_id):
    from kikan.adapters.security import accounts
    from kikan.core.errors import NotFound
    from tests.conftest import random_tenant_code

    receipt = submit(db, tenant_id, "move-out", move_out_data())
    other = random_tenant_code()
    accounts.add_tenant(db, other, f"別市{other}")
    rows, total = _queue(db, clerk(other))
    assert total == 0
    with pytest.raises(NotFound), db.uow(clerk(other)) as uow:
        review.load(uow, catalog(), receipt.receipt_no)
    # receipt numbers are per tenant: the other tenant's first receipt has the same number
    assert submit(db, other, "move-out", move_out_data()).receipt_no == receipt.receipt_no
