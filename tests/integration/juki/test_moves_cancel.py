"""異動の取消し (標準仕様書 4.6.0.1): rows are stacked and flagged, never deleted; households come back."""

from __future__ import annotations

import pytest
from test_moves_helpers import (  # noqa: F401
    TODAY,
    counts,
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

from kikan.core.errors import ValidationFailed
from kikan.juki.services import (
    CancelMove,
    CorrectRecord,
    MergeHouseholds,
    RecordMoveOut,
    RecordMoveWithin,
    build,
    cancel_move,
    correct_record,
    merge_households,
    move_out,
    move_within,
)

C = {"event_on": "2024-04-10"}


def family(db, ctx):
    return move_in(db, ctx, person(), person(given="花子", sex="2", born="2004-01-01", rel="妻"))


def test_cancel_a_move_in_removes_the_persons(db, ctx):
    r1 = family(db, ctx)
    before = seq(db, ctx)
    r = run(db, ctx, cancel_move, CancelMove, {**C, "addressee_nos": [r1.addressee_nos[0]]})
    assert sorted(r.addressee_nos) == sorted(r1.addressee_nos)  # the whole 異動, both persons
    for no in r1.addressee_nos:
        rows = history(db, ctx, no)
        assert [(x["history_no"], x["cancelled"], x["status"]) for x in rows] == [
            (1, True, "resident"),
            (2, False, "removed"),
        ]
        assert rows[1]["event_code"] == "291" and rows[1]["removal_reason"] == "異動の取消し（減）"
    assert household(db, ctx, r1.household_no)["status"] == "dissolved"
    ev = last_event(db, ctx, before)
    assert ev.event_type == "MoveCancelled" and ev.payload["category"] == "異動の取消し（減）"
    assert ev.payload["cancelled_move_id"] == r1.move_id and ev.payload["cancelled_event_code"] == "101"


def test_cancel_a_move_out_restores_the_household(db, ctx):
    r1 = family(db, ctx)
    head, wife = r1.addressee_nos
    out = run(
        db,
        ctx,
        move_out,
        RecordMoveOut,
        {
            "addressee_nos": [head],
            "event_on": "2024-04-20",
            "reported_on": "2024-04-10",
            "destination": "大阪府大阪市",
        },
    )
    assert current(db, ctx, wife)["relationship"] == "世帯主"  # made head by 職権 within the 転出
    first = history(db, ctx, head)[0]
    r = run(db, ctx, cancel_move, CancelMove, {**C, "addressee_nos": [head]})
    assert r.event_code == "191"
    restored = current(db, ctx, head)
    assert (
        restored["history_no"] == 3 and restored["status"] == "resident" and restored["event_code"] == "191"
    )
    assert without(restored) == without(first)
    assert history(db, ctx, head)[1]["cancelled"] is True
    w = current(db, ctx, wife)
    assert (w["relationship"], w["event_code"], w["history_no"]) == ("妻", "391", 3)
    assert household(db, ctx, r1.household_no)["head_addressee_no"] == head
    assert out.move_id != r.move_id


def test_cancel_a_move_within_and_a_merge(db, ctx):
    a = family(db, ctx)
    run(
        db,
        ctx,
        move_within,
        RecordMoveWithin,
        {
            "addressee_nos": a.addressee_nos,
            "event_on": "2024-04-05",
            "reported_on": "2024-04-05",
            "address": {"address": "松町８番地"},
        },
    )
    run(db, ctx, cancel_move, CancelMove, {**C, "addressee_nos": a.addressee_nos})
    assert current(db, ctx, a.addressee_nos[0])["address"] == "東京都千代田区松町１番地"
    assert household(db, ctx, a.household_no)["address"] == "東京都千代田区松町１番地"
    b = move_in(db, ctx, person(family="赤井", given="父", born="1940-01-01"))
    (f,) = b.addressee_nos
    run(db, ctx, merge_households, MergeHouseholds, {"event_on": "2024-04-06", "reported_on": "2024-04-06",
        "household_no": a.household_no, "merged_household_no": b.household_no, "relationships": {f: "妻の父"}})  # fmt: skip
    assert household(db, ctx, b.household_no)["status"] == "dissolved"
    r = run(db, ctx, cancel_move, CancelMove, {**C, "addressee_nos": [f]})
    assert r.event_code == "391"
    hb = household(db, ctx, b.household_no)
    assert (hb["status"], hb["head_addressee_no"]) == ("active", f)
    assert (current(db, ctx, f)["household_no"], current(db, ctx, f)["relationship"]) == (
        b.household_no,
        "世帯主",
    )


def test_cancel_refused_when_a_later_move_exists_or_moves_differ(db, ctx):
    a = family(db, ctx)
    head, wife = a.addressee_nos
    run(
        db,
        ctx,
        correct_record,
        CorrectRecord,
        {"event_on": "2024-04-05", "kind": "minor", "addressee_nos": [wife], "changes": {"remarks": "修正"}},
    )
    b = move_in(db, ctx, person(family="赤井"))
    before = counts(db, ctx)
    cases = [
        ([head], "後続の異動があるため取り消せません"),  # the 転入 of head also wrote wife's row 1
        ([wife, b.addressee_nos[0]], "直近の異動が異なります"),
    ]
    for nos, message in cases:
        with db.uow(ctx) as uow, pytest.raises(ValidationFailed) as e:
            cancel_move(build(CancelMove, {**C, "addressee_nos": nos}), uow, today=TODAY)
        assert message in e.value.message
    assert counts(db, ctx) == before
    run(db, ctx, cancel_move, CancelMove, {**C, "addressee_nos": [wife]})
    with db.uow(ctx) as uow, pytest.raises(ValidationFailed) as e:
        cancel_move(build(CancelMove, {**C, "addressee_nos": [wife]}), uow, today=TODAY)
    assert "取り消すことはできません" in e.value.message
