"""Applying: a 抑止 refuses and leaves the application open with the message; 郵送請求 issues by post."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
import sqlalchemy as sa
from apps_support import HANAKO, clerk, events, move_out_data, post_data, seed, submit, today

from kikan.adapters.db import applications_review as review
from kikan.adapters.db import juki_repo
from kikan.adapters.db.juki_blocks import SqlBlockStore
from kikan.adapters.db.tables.applications import application
from kikan.adapters.db.tables.juki import juki_certificate_issue
from kikan.applications import catalog
from kikan.core.errors import Blocked, Forbidden
from kikan.juki.block_services import ReleaseBlock, SetBlock, release_block, set_block


def _identified(db, tenant_id, no):  # type: ignore[no-untyped-def]
    data = move_out_data()
    r = submit(db, tenant_id, "move-out", data)
    corrected = copy.deepcopy(data)
    corrected["persons"][0]["addressee_no"] = no
    review.correct(db, clerk(tenant_id), catalog(), r.receipt_no, corrected, expected_version=1, reason=None)
    return r


def test_a_block_refuses_apply_and_the_application_stays_pending(db, tenant_id, owner_engine):
    (no,) = seed(db, tenant_id, HANAKO)
    manager = clerk(tenant_id, "juki.block.manage")
    with db.uow(manager) as uow:
        block = set_block(SetBlock(["move"], "error", today() - timedelta(days=1), addressee_no=no, reason="調査中"),
                          uow, today=today(), store=SqlBlockStore(uow))  # fmt: skip
        uow.commit()
    r = _identified(db, tenant_id, no)
    n_events = len(events(owner_engine, tenant_id))
    with pytest.raises(Blocked) as exc:
        review.apply(db, clerk(tenant_id), catalog(), r.receipt_no, expected_version=2, today=today())
    assert "責任者の解除が必要です" in exc.value.message
    with db.uow(clerk(tenant_id)) as uow:
        snap = juki_repo.current(uow, no)
    assert snap is not None and snap["status"] == "resident"  # nothing applied
    with owner_engine.connect() as c:
        row = c.execute(sa.select(application).where(application.c.tenant_id == tenant_id)).one()
    assert row.status == "reviewing" and row.version == 2 and row.result is None
    assert "責任者の解除が必要です" in row.last_error
    assert len(events(owner_engine, tenant_id)) == n_events  # no event from the refused attempt

    # after the block is released, the same application applies
    with db.uow(manager) as uow:
        release_block(ReleaseBlock(block.block_id, "調査完了"), uow, today=today(), store=SqlBlockStore(uow))
        uow.commit()
    outcome = review.apply(db, clerk(tenant_id), catalog(), r.receipt_no, expected_version=2, today=today())
    assert outcome.result["event_code"] == "201"
    with owner_engine.connect() as c:
        row = c.execute(sa.select(application).where(application.c.tenant_id == tenant_id)).one()
    assert row.status == "completed" and row.last_error is None


def test_special_and_overseas_move_outs_map_to_their_codes(db, tenant_id):
    (a, b) = seed(db, tenant_id, HANAKO, ("山田", "一郎", "ヤマダ", "イチロウ", "2015-06-01", "子"))
    results = []
    for no, kind in ((a, "special"), (b, "overseas")):
        data = move_out_data(**{"move.kind": kind})
        r = submit(db, tenant_id, "move-out", data)
        data["persons"][0]["addressee_no"] = no
        review.correct(db, clerk(tenant_id), catalog(), r.receipt_no, data, expected_version=1, reason=None)
        results.append(review.apply(db, clerk(tenant_id), catalog(), r.receipt_no, expected_version=2, today=today()))
    assert [o.result["event_code"] for o in results] == ["202", "203"]


def test_certificate_by_post_issues_one_certificate_per_copy(db, tenant_id, owner_engine):
    (no,) = seed(db, tenant_id, HANAKO)
    data = post_data()
    r = submit(db, tenant_id, "resident-copy-by-post", data)
    data["target"]["addressee_nos"] = no
    review.correct(db, clerk(tenant_id), catalog(), r.receipt_no, data, expected_version=1, reason="本人確認済み")
    outcome = review.apply(db, clerk(tenant_id), catalog(), r.receipt_no, expected_version=2, today=today())
    assert len(outcome.result["issue_nos"]) == 2 and outcome.ref.startswith("発行番号 ")
    c = juki_certificate_issue.c
    with owner_engine.connect() as conn:
        rows = conn.execute(sa.select(juki_certificate_issue).where(c.tenant_id == tenant_id)).all()
    assert sorted(x.issue_no for x in rows) == sorted(outcome.result["issue_nos"])
    assert {(x.channel, x.requester, x.purpose, x.addressee_nos) for x in rows} == {("post", "山田\u3000花子", "年金の手続", no)}
    assert all(x.options["options"]["show_head"] and not x.options["options"]["show_honseki"] for x in rows)


def test_certificate_needs_the_clerks_certificate_permission(db, tenant_id, owner_engine):
    (no,) = seed(db, tenant_id, HANAKO)
    data = post_data()
    r = submit(db, tenant_id, "resident-copy-by-post", data)
    ctx = clerk(tenant_id, perms=("juki.read", "juki.write"))
    with pytest.raises(Forbidden, match="住民票の写しの郵送請求"):
        review.apply(db, ctx, catalog(), r.receipt_no, expected_version=1, today=today())


def test_mynumber_on_a_posted_copy_needs_mynumber_view(db, tenant_id, owner_engine):
    (no,) = seed(db, tenant_id, HANAKO)
    data = post_data(**{"options.mynumber": "on"})
    r = submit(db, tenant_id, "resident-copy-by-post", data)
    data["target"]["addressee_nos"] = no
    review.correct(db, clerk(tenant_id), catalog(), r.receipt_no, data, expected_version=1, reason=None)
    with pytest.raises(Forbidden, match="個人番号"):
        review.apply(db, clerk(tenant_id), catalog(), r.receipt_no, expected_version=2, today=today())
    with owner_engine.connect() as c:
        row = c.execute(sa.select(application).where(application.c.tenant_id == tenant_id)).one()
        issued = c.execute(sa.select(sa.func.count()).select_from(juki_certificate_issue)
                           .where(juki_certificate_issue.c.tenant_id == tenant_id)).scalar_one()  # fmt: skip
    assert row.status == "reviewing" and "個人番号の記載" in row.last_error and issued == 0
    outcome = review.apply(db, clerk(tenant_id, "mynumber.view"), catalog(), r.receipt_no, expected_version=2,
                           today=today())  # fmt: skip
    assert len(outcome.result["issue_nos"]) == 2
