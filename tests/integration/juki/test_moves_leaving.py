"""消除 異動: 転出 (国内・特例・国外), 死亡, 職権消除 — 除票 items, the household left behind (4.0.4)."""

from __future__ import annotations

from datetime import date

from test_moves_helpers import (  # noqa: F401
    audits,
    current,
    history,
    household,
    last_event,
    move_in,
    mynumber_key,
    person,
    run,
    seq,
    without,
)

from kikan.juki.services import (
    RecordDeath,
    RecordMoveOut,
    RemoveByAuthority,
    move_out,
    record_death,
    remove_by_authority,
)

DEST = "大阪府大阪市北区梅町３番地"


def family(db, ctx):
    return move_in(
        db,
        ctx,
        person(),
        person(given="花子", sex="2", born="2004-01-01", rel="妻"),
        person(given="一郎", born="2020-01-01", rel="子"),
    )


def test_move_out_with_a_planned_date_after_today(db, ctx):
    r1 = family(db, ctx)
    before = seq(db, ctx)
    head = r1.addressee_nos[0]
    prev = history(db, ctx, head)[0]
    r = run(
        db,
        ctx,
        move_out,
        RecordMoveOut,
        {
            "addressee_nos": r1.addressee_nos,
            "event_on": "2024-04-30",
            "reported_on": "2024-04-10",
            "destination": DEST,
        },
    )
    assert r.history_nos == [2, 2, 2]
    row = current(db, ctx, head)
    assert (row["status"], row["removal_reason"], row["removal_on"].isoformat()) == (
        "removed",
        "国内転出",
        "2024-04-30",
    )
    assert row["moved_out_to_planned"] == DEST and row["move_out_planned_on"].isoformat() == "2024-04-30"
    assert row["event_on"].isoformat() == "2024-04-30" and row["reported_on"].isoformat() == "2024-04-10"
    removal = (
        "status",
        "removal_reason",
        "removal_on",
        "moved_out_to_planned",
        "move_out_planned_on",
        "notified_on",
    )
    assert without(row, *removal) == without(prev, *removal)
    assert history(db, ctx, head)[0] == prev
    assert household(db, ctx, r1.household_no)["status"] == "dissolved"
    ev = last_event(db, ctx, before)
    assert ev.event_type == "ResidentMovedOut" and len(ev.payload["persons"]) == 3
    assert ev.payload["category"] == "国内転出" and ev.occurred_on == "2024-04-30"
    assert [a.action for a in audits(db, ctx, "juki.move_out")] == ["delete"] * 3


def test_special_and_overseas_move_out(db, ctx):
    r1 = family(db, ctx)
    child = r1.addressee_nos[2]
    run(
        db,
        ctx,
        move_out,
        RecordMoveOut,
        {
            "kind": "overseas",
            "addressee_nos": [child],
            "event_on": "2024-04-09",
            "reported_on": "2024-04-09",
            "destination": "アメリカ合衆国",
        },
    )
    assert current(db, ctx, child)["removal_reason"] == "国外転出"
    assert current(db, ctx, child)["event_code"] == "203"
    wife = r1.addressee_nos[1]
    run(
        db,
        ctx,
        move_out,
        RecordMoveOut,
        {
            "kind": "special",
            "addressee_nos": [wife],
            "event_on": "2024-04-20",
            "reported_on": "2024-04-10",
            "destination": DEST,
        },
    )
    assert (current(db, ctx, wife)["event_code"], current(db, ctx, wife)["removal_reason"]) == (
        "202",
        "国内転出",
    )
    hh = household(db, ctx, r1.household_no)
    assert hh["status"] == "active" and hh["head_addressee_no"] == r1.addressee_nos[0]


def test_head_leaves_one_member_remains_and_becomes_head(db, ctx):
    r1 = move_in(db, ctx, person(), person(given="花子", sex="2", born="2004-01-01", rel="妻"))
    head, wife = r1.addressee_nos
    before = seq(db, ctx)
    r = run(
        db,
        ctx,
        record_death,
        RecordDeath,
        {
            "addressee_no": head,
            "event_on": "2024-04-08",
            "reported_on": "2024-04-09",
            "notice_on": "2024-04-09",
        },
    )
    assert any("世帯主変更依頼通知書" in w.message for w in r.warnings)
    dead = current(db, ctx, head)
    assert (dead["status"], dead["removal_reason"], dead["removal_on"].isoformat()) == (
        "removed",
        "死亡",
        "2024-04-08",
    )
    assert dead["notice_on"].isoformat() == "2024-04-09"
    heir = current(db, ctx, wife)
    assert (heir["relationship"], heir["head_name"], heir["event_code"]) == (
        "世帯主",
        "青木\u3000花子",
        "344",
    )
    assert household(db, ctx, r1.household_no)["head_addressee_no"] == wife
    ev = last_event(db, ctx, before)
    assert ev.event_type == "ResidentDied"
    assert [(p["addressee_no"], p["event_code"]) for p in ev.payload["persons"]] == [
        (head, "211"),
        (wife, "344"),
    ]


def test_head_leaves_two_remain_alert_to_change_head(db, ctx):
    r1 = family(db, ctx)
    r = run(
        db,
        ctx,
        move_out,
        RecordMoveOut,
        {
            "addressee_nos": [r1.addressee_nos[0]],
            "event_on": "2024-04-12",
            "reported_on": "2024-04-10",
            "destination": DEST,
        },
    )
    assert any("世帯主変更" in w.message for w in r.warnings)
    assert household(db, ctx, r1.household_no)["head_addressee_no"] is None
    assert r.addressee_nos == [r1.addressee_nos[0]]


def test_remove_by_authority(db, ctx):
    r1 = family(db, ctx)
    child = r1.addressee_nos[2]
    run(
        db,
        ctx,
        remove_by_authority,
        RemoveByAuthority,
        {"addressee_nos": [child], "event_on": "2024-04-01", "reason_text": "実態調査により居住の事実なし"},
    )
    row = current(db, ctx, child)
    assert (row["status"], row["removal_reason"], row["event_code"]) == ("removed", "職権消除", "231")
    assert row["move_details"] == {"reason": "実態調査により居住の事実なし"}


def test_support_measure_continues_after_move_out(db, ctx):
    from test_moves_helpers import TODAY, events

    from kikan.adapters.db.juki_blocks import SqlBlockStore, support_protected
    from kikan.core.tenancy import Actor, TenantContext
    from kikan.juki.block_services import StartSupport, start_support

    r1 = family(db, ctx)
    head = r1.addressee_nos[0]
    supervisor = TenantContext(ctx.tenant_id, Actor("sv", permissions=frozenset({"juki.block.manage", "juki.write"})))
    with db.uow(supervisor) as uow:
        start_support(StartSupport(head, date(2024, 4, 1), provisional=False), uow, today=TODAY,
                      store=SqlBlockStore(uow))
        uow.commit()
    run(db, ctx, move_out, RecordMoveOut,
        {"addressee_nos": r1.addressee_nos, "event_on": "2024-04-20", "reported_on": "2024-04-10",
         "destination": "大阪府大阪市北区１番地"})  # fmt: skip
    with db.uow(ctx) as uow:
        blocks = SqlBlockStore(uow).support_in_force(head, TODAY)
        assert [b.support_stage for b in blocks] == ["continued"]
        assert support_protected(uow, [head], TODAY) == {head}
    assert [e.event_type for e in events(db, ctx)][-2:] == ["ResidentMovedOut", "SupportMeasureContinued"]
