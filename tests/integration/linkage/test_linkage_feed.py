"""The change feed and snapshots read the registry's commits in order, page by page, none twice."""

from __future__ import annotations

import pytest
from linkage_support import enter, person, relocate

from kikan.adapters.db import linkage_feed as feed
from kikan.core.events import DomainEvent
from kikan.linkage import datasets
from kikan.linkage.cursor import ChangeCursor, encode
from kikan.linkage.errors import InvalidCursor, InvalidParameter

RES, HH, MOVES = (datasets.REGISTRY[n] for n in ("juki.residents", "juki.households", "juki.moves"))


def changes(db, ctx, ds, after=None, limit=100):
    with db.uow(ctx) as uow:
        return feed.read_changes(uow.conn, uow.tenant_id, ds, after, limit)


def snapshot(db, ctx, ds, cursor=None, limit=100):
    with db.uow(ctx) as uow:
        return feed.read_snapshot(uow.conn, uow.tenant_id, ds, cursor, limit)


def drain(db, ctx, ds, after=None, limit=100):
    items, pages = [], 0
    while True:
        page = changes(db, ctx, ds, after, limit)
        items += page.items
        after, pages = page.next_cursor, pages + 1
        if not page.has_more:
            return items, after, pages


def test_residents_changes_are_the_committed_rows_in_order(db, ctx):
    fam = enter(db, ctx, person(1), person(2, rel="妻", sex="2"))
    single = enter(db, ctx, person(3))
    moved = relocate(db, ctx, fam.addressee_nos, "東京都千代田区梅町２番地")
    items, _, _ = drain(db, ctx, RES)
    expected = [
        *zip(fam.addressee_nos, fam.history_nos, strict=True),
        *zip(single.addressee_nos, single.history_nos, strict=True),
        *zip(moved.addressee_nos, moved.history_nos, strict=True),
    ]
    assert [(i["data"]["addressee_no"], i["data"]["history_no"]) for i in items] == expected
    assert [i["event_id"] for i in items] == [fam.event_id] * 2 + [single.event_id] + [moved.event_id] * 2
    assert items[-1]["data"]["address"] == "東京都千代田区梅町２番地"
    assert all(
        "individual_number_enc" not in i["data"] and "individual_number_hash" not in i["data"] for i in items
    )
    assert len({i["id"] for i in items}) == len(items)


def test_pages_can_end_inside_a_move_and_resume_exactly(db, ctx):
    fam = enter(db, ctx, person(rel="世帯主"), person(rel="妻", sex="2"), person(rel="子"))
    enter(db, ctx, person())
    items, cursor, pages = drain(db, ctx, RES, limit=2)
    assert pages == 2 and len(items) == 4
    assert [i["data"]["addressee_no"] for i in items[:3]] == fam.addressee_nos
    again = changes(db, ctx, RES, cursor)
    assert again.items == [] and not again.has_more and again.next_cursor == cursor


def test_has_more_is_exact(db, ctx):
    enter(db, ctx, person())
    enter(db, ctx, person())
    first = changes(db, ctx, MOVES, limit=1)
    assert first.has_more and len(first.items) == 1
    second = changes(db, ctx, MOVES, first.next_cursor, limit=1)
    assert not second.has_more and len(second.items) == 1
    assert first.items[0]["seq"] < second.items[0]["seq"]


def test_other_events_are_skipped_and_the_cursor_moves_past_them(db, ctx):
    enter(db, ctx, person())
    with db.uow(ctx) as uow:
        uow.emit(DomainEvent("ClosureDayAdded", "closure_day", "x", {"i": 1}))
        uow.commit()
    items, cursor, _ = drain(db, ctx, RES)
    assert len(items) == 1
    later = enter(db, ctx, person())
    new, _, _ = drain(db, ctx, RES, cursor)
    assert [i["data"]["addressee_no"] for i in new] == later.addressee_nos


def test_moves_carry_the_event_and_its_persons(db, ctx):
    fam = enter(db, ctx, person(), person(rel="妻", sex="2"))
    (item,) = changes(db, ctx, MOVES).items
    d = item["data"]
    assert item["id"] == d["event_id"] == fam.event_id
    assert d["event_code"] == "101" and d["category"] == "国内転入" and d["event_on"] == "2024-04-01"
    assert [p["addressee_no"] for p in d["persons"]] == fam.addressee_nos
    assert d["details"]["kind"] == "domestic" and "move_id" not in d["details"]


def test_households_are_the_current_state_of_touched_households(db, ctx):
    fam = enter(db, ctx, person(), person(rel="妻", sex="2"))
    relocate(db, ctx, fam.addressee_nos, "東京都千代田区梅町２番地")
    items, _, _ = drain(db, ctx, HH)
    assert [i["data"]["household_no"] for i in items] == [fam.household_no] * 2
    assert all(i["data"]["address"] == "東京都千代田区梅町２番地" for i in items)
    assert items[0]["data"]["member_addressee_nos"] == fam.addressee_nos
    assert items[0]["id"] == f"{fam.household_no}@{items[0]['data']['version']}"


def test_snapshot_pages_by_key_and_hands_over_to_the_changes(db, ctx):
    made = [enter(db, ctx, person()) for _ in range(5)]
    first = snapshot(db, ctx, RES, limit=2)
    seen = list(first.items)
    page = first
    while page.has_more:
        page = snapshot(db, ctx, RES, page.next_cursor, limit=2)
        seen += page.items
    assert sorted(i["data"]["addressee_no"] for i in seen) == sorted(m.addressee_nos[0] for m in made)
    assert [i["data"]["addressee_no"] for i in seen] == sorted(i["data"]["addressee_no"] for i in seen)
    after = enter(db, ctx, person())
    new, _, _ = drain(db, ctx, RES, first.changes_cursor)
    assert [i["data"]["addressee_no"] for i in new] == after.addressee_nos


def test_households_and_moves_snapshots(db, ctx):
    a = enter(db, ctx, person())
    b = enter(db, ctx, person())
    hh = snapshot(db, ctx, HH)
    assert [i["data"]["household_no"] for i in hh.items] == sorted([a.household_no, b.household_no])
    mv = snapshot(db, ctx, MOVES, limit=1)
    assert mv.has_more and mv.items[0]["id"] == a.event_id
    assert snapshot(db, ctx, MOVES, mv.next_cursor).items[0]["id"] == b.event_id


@pytest.mark.parametrize(
    "after",
    ["garbage", "", encode(ChangeCursor("juki.moves", 0, 0)), encode(ChangeCursor("juki.residents", 999, 0))],
)
def test_bad_cursors_are_refused(db, ctx, after):
    enter(db, ctx, person())
    if after == "":
        assert changes(db, ctx, RES, after).items  # "" = from the beginning
        return
    with pytest.raises(InvalidCursor) as e:
        changes(db, ctx, RES, after)
    assert e.value.status == 400 and e.value.errors[0].field == "after"


def test_a_cursor_skipping_past_the_persons_of_a_move_is_refused(db, ctx):
    enter(db, ctx, person())
    with pytest.raises(InvalidCursor):
        changes(db, ctx, RES, encode(ChangeCursor("juki.residents", 0, 5)))


@pytest.mark.parametrize("limit", [0, -1, 1001])
def test_page_size_is_bounded(db, ctx, limit):
    with pytest.raises(InvalidParameter) as e:
        changes(db, ctx, RES, None, limit)
    assert e.value.status == 400 and "1〜1000" in e.value.message
