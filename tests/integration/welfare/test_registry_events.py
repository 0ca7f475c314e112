"""Life events from the registry, consumed only through the linkage feed of ``juki.moves``:
出生 → 額改定 task, 転出 / 死亡 of the recipient → automatic 消滅, a child leaving → task; the
same item twice changes nothing; a restart resumes from the stored cursor; a crash mid-page
loses nothing and applies nothing twice; the HTTP path lands the same effects."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from welfare_support import (
    birth,
    certify,
    claim,
    death,
    move_in,
    move_out,
    open_tasks,
    person,
    staff,
    versions,
)

from kikan.adapters.db import linkage_feed, welfare_feed
from kikan.adapters.db.database import Database
from kikan.adapters.db.tables.welfare import welfare_feed_cursor, welfare_processed_item, welfare_task
from kikan.linkage import datasets
from kikan.welfare import month_index


def household(db, ctx, on="2025-01-31"):
    r = move_in(db, ctx, [person("佐藤", "恵", "1988-02-02", "世帯主", "2"), person("佐藤", "陽", "2019-07-07", "子"),
                          person("佐藤", "海", "2021-03-03", "子")], on)  # fmt: skip
    return r, r.addressee_nos


def certified(db, ctx, recipient, kids, claim_on="2025-02-10"):
    c = claim(db, ctx, recipient, kids, claim_on)
    return certify(db, ctx, c.case_id, claim_on)


def count(db, ctx, table):
    with db.uow(ctx) as uow:
        return uow.conn.execute(
            sa.select(sa.func.count()).select_from(table).where(table.c.tenant_id == ctx.tenant_id)
        ).scalar()


def test_birth_into_a_recipient_household_opens_a_revision_task(db, tenant_id):
    ctx = staff(tenant_id)
    r, (mother, a, b) = household(db, ctx)
    welfare_feed.poll(db, tenant_id)
    case = certified(db, ctx, mother, [(a, "2019-07-07"), (b, "2021-03-03")])
    birth(db, ctx, r.household_no, person("佐藤", "空", "2025-06-30", "子"), "2025-06-30", "2025-07-02")
    other = move_in(
        db,
        ctx,
        [person("鈴木", "一", "1990-01-01", "世帯主")],
        "2025-06-01",
        address="東京都千代田区竹町９番地",
    )
    birth(db, ctx, other.household_no, person("鈴木", "二", "2025-07-01", "子"), "2025-07-01", "2025-07-03")
    welfare_feed.poll(db, tenant_id)
    tasks = {t.kind: t for t in open_tasks(db, ctx)}
    rev = tasks["birth_revision"]
    assert rev.case_id == case.case_id and rev.due_on == date(
        2025, 7, 15
    )  # 15日特例: the claim is due by then
    assert tasks["birth_claim"].case_id is None  # no case in that household: guide to a 認定請求


def test_recipient_moves_out_or_dies_the_case_ends_with_that_month(db, tenant_id):
    ctx = staff(tenant_id)
    _, (mother, a, b) = household(db, ctx)
    r2 = move_in(db, ctx, [person("田中", "父", "1985-01-01", "世帯主"), person("田中", "子", "2018-01-01", "子")],
                 "2025-01-15", address="東京都千代田区梅町１番地")  # fmt: skip
    father, kid = r2.addressee_nos
    welfare_feed.poll(db, tenant_id)
    c1 = certified(db, ctx, mother, [(a, "2019-07-07"), (b, "2021-03-03")])
    c2 = certified(db, ctx, father, [(kid, "2018-01-01")])
    move_out(db, ctx, [mother], "2025-08-31", "2025-08-25")  # the mother alone leaves: 消滅
    move_out(db, ctx, [a], "2025-09-01", "2025-08-26")  # a child of an ended case: no task
    death(db, ctx, father, "2025-10-01")
    welfare_feed.poll(db, tenant_id)
    v1, v2 = versions(db, ctx, c1.case_id)[-1], versions(db, ctx, c2.case_id)[-1]
    assert (v1.status, v1.end_month, v1.state["end_reason"]) == (
        "extinguished",
        month_index(date(2025, 8, 1)),
        "moved_out",
    )
    assert (v2.status, v2.end_month, v2.state["end_reason"]) == (
        "extinguished",
        month_index(date(2025, 10, 1)),
        "death",
    )
    kinds = sorted(t.kind for t in open_tasks(db, ctx))
    assert kinds.count("move_out_extinguish") == 1 and kinds.count("death_extinguish") == 1
    assert "child_left" not in kinds


def test_child_leaving_a_running_case_opens_a_task(db, tenant_id):
    ctx = staff(tenant_id)
    _, (mother, a, b) = household(db, ctx)
    welfare_feed.poll(db, tenant_id)
    case = certified(db, ctx, mother, [(a, "2019-07-07"), (b, "2021-03-03")])
    move_out(db, ctx, [a], "2025-09-10", "2025-09-01")
    welfare_feed.poll(db, tenant_id)
    t = [t for t in open_tasks(db, ctx) if t.kind == "child_left"]
    assert len(t) == 1 and t[0].case_id == case.case_id and t[0].addressee_no == a
    assert versions(db, ctx, case.case_id)[-1].status == "certified"  # a person decides the 減額


def test_same_item_twice_and_a_reset_cursor_change_nothing(db, tenant_id):
    ctx = staff(tenant_id)
    _, (mother, a, b) = household(db, ctx)
    welfare_feed.poll(db, tenant_id)
    certified(db, ctx, mother, [(a, "2019-07-07"), (b, "2021-03-03")])
    move_out(db, ctx, [mother], "2025-08-31", "2025-08-25")
    first = welfare_feed.poll(db, tenant_id)
    assert first.applied == 1
    snapshot = [count(db, ctx, t) for t in (welfare_task, welfare_processed_item)] + [
        len(versions(db, ctx, "0000000001"))
    ]
    ds = datasets.get("juki.moves")
    with db.uow(welfare_feed.context(tenant_id)) as uow:  # deliver the whole feed again, item by item
        items = linkage_feed.read_changes(uow.conn, tenant_id, ds, None, 1000).items
        assert not any(welfare_feed.apply_item(uow, i) for i in items)
        uow.conn.execute(sa.delete(welfare_feed_cursor).where(welfare_feed_cursor.c.tenant_id == tenant_id))
        uow.commit()
    again = welfare_feed.poll(db, tenant_id)
    assert again.received == len(items) and again.applied == 0
    assert [count(db, ctx, t) for t in (welfare_task, welfare_processed_item)] + [
        len(versions(db, ctx, "0000000001"))
    ] == snapshot


def test_restart_resumes_from_the_stored_cursor(db, db_url, tenant_id):
    ctx = staff(tenant_id)
    for i in range(4):
        move_in(db, ctx, [person("村", f"{i}", "1980-01-01", "世帯主"), person("村", f"子{i}", "2020-01-01", "子")],
                "2025-03-01", address=f"東京都千代田区松町{i + 1}番地")  # fmt: skip
    rep = welfare_feed.poll(db, tenant_id, max_pages=2, page_size=1)
    assert (rep.pages, rep.applied) == (2, 2)
    restarted = Database(db_url)  # a new process would start like this: nothing in memory
    try:
        rep = welfare_feed.poll(restarted, tenant_id, page_size=1)
    finally:
        restarted.dispose()
    assert rep.applied == 2
    assert sorted(t.kind for t in open_tasks(db, ctx)) == ["move_in_claim"] * 4


def test_a_crash_mid_page_loses_and_duplicates_nothing(db, tenant_id, monkeypatch):
    ctx = staff(tenant_id)
    for i in range(3):
        move_in(db, ctx, [person("森", f"{i}", "1980-01-01", "世帯主"), person("森", f"子{i}", "2020-01-01", "子")],
                "2025-03-01", address=f"東京都千代田区竹町{i + 1}番地")  # fmt: skip
    from kikan.welfare import subscribers

    real, calls = subscribers.decide, []

    def flaky(item, view):
        calls.append(item["id"])
        if len(calls) == 2:
            raise RuntimeError("power cut")
        return real(item, view)

    monkeypatch.setattr(subscribers, "decide", flaky)
    with pytest.raises(RuntimeError):
        welfare_feed.poll(db, tenant_id)
    assert count(db, ctx, welfare_task) == 0 and count(db, ctx, welfare_feed_cursor) == 0
    monkeypatch.setattr(subscribers, "decide", real)
    assert welfare_feed.poll(db, tenant_id).applied == 3
    assert count(db, ctx, welfare_task) == 3


def test_http_path_applies_the_same_effects_once(db, app, tenant_id, monkeypatch):
    import sys
    from pathlib import Path

    from fastapi.testclient import TestClient

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "linkage"))
    from linkage_support import client, set_key  # type: ignore[import-not-found]

    from kikan.adapters.db.welfare_feed_http import http_subscriber
    from kikan.linkage.client import LinkageClient

    set_key(monkeypatch)
    ctx = staff(tenant_id)
    _, (mother, a, b) = household(db, ctx)
    cid, secret = client(db, tenant_id, ("juki.moves",))
    lc = LinkageClient("http://testserver", cid, secret, http=TestClient(app))
    sub = http_subscriber(db, tenant_id, lc)
    assert sub.poll() == 1
    certified(db, ctx, mother, [(a, "2019-07-07"), (b, "2021-03-03")])
    move_out(db, ctx, [mother], "2025-08-31", "2025-08-25")
    assert sub.poll() == 1 and sub.poll() == 0
    assert versions(db, ctx, "0000000001")[-1].status == "extinguished"
    assert welfare_feed.poll(db, tenant_id).applied == 0  # the in-process path sees the same ids as done
