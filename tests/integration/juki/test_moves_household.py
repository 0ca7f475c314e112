"""修正 異動 on households: 転居 (全部・一部・既存世帯へ), 世帯分離, 世帯合併, 世帯変更, 世帯主変更."""

from __future__ import annotations

from test_moves_helpers import (  # noqa: F401
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
    ChangeHousehold,
    ChangeHouseholdHead,
    MergeHouseholds,
    RecordMoveWithin,
    SplitHousehold,
    change_head,
    change_household,
    merge_households,
    move_within,
    split_household,
)

D = {"event_on": "2024-04-05", "reported_on": "2024-04-06"}


def family(db, ctx, address="東京都千代田区松町１番地"):
    return move_in(
        db,
        ctx,
        person(),
        person(given="花子", sex="2", born="2004-01-01", rel="妻"),
        person(given="一郎", born="2020-01-01", rel="子"),
        address=address,
    )


def test_whole_household_moves_within(db, ctx):
    r1 = family(db, ctx)
    firsts = {no: history(db, ctx, no)[0] for no in r1.addressee_nos}
    before = seq(db, ctx)
    r = run(
        db,
        ctx,
        move_within,
        RecordMoveWithin,
        {
            **D,
            "addressee_nos": r1.addressee_nos,
            "address": {"address": "東京都千代田区松町８番地", "katagaki": "松町ハイツ１号"},
        },
    )
    assert r.household_no == r1.household_no and r.history_nos == [2, 2, 2]
    changed = ("address", "katagaki", "prior_address", "address_set_on", "notified_on")
    for no, first in firsts.items():
        rows = history(db, ctx, no)
        assert rows[0] == first
        assert (
            rows[1]["address"] == "東京都千代田区松町８番地"
            and rows[1]["prior_address"] == "東京都千代田区松町１番地"
        )
        assert without(rows[1], *changed) == without(first, *changed)
    hh = household(db, ctx, r1.household_no)
    assert (hh["address"], hh["katagaki"]) == ("東京都千代田区松町８番地", "松町ハイツ１号")
    ev = last_event(db, ctx, before)
    assert ev.event_type == "ResidentMovedWithin" and ev.payload["category"] == "転居"
    assert not any(p["individual_number_changed"] for p in ev.payload["persons"])


def test_part_of_household_moves_to_a_new_household(db, ctx):
    r1 = family(db, ctx)
    head, wife, child = r1.addressee_nos
    r = run(
        db,
        ctx,
        move_within,
        RecordMoveWithin,
        {
            **D,
            "addressee_nos": [wife, child],
            "address": {"address": "東京都千代田区梅町２番地"},
            "relationships": {wife: "世帯主", child: "子"},
        },
    )
    assert r.household_no != r1.household_no
    w = current(db, ctx, wife)
    assert (w["household_no"], w["relationship"], w["head_name"], w["household_order"]) == (
        r.household_no,
        "世帯主",
        "青木\u3000花子",
        1,
    )
    assert current(db, ctx, child)["household_order"] == 2
    assert current(db, ctx, head)["history_no"] == 1  # the one who stays is not rewritten
    new = household(db, ctx, r.household_no)
    assert new["head_addressee_no"] == wife and new["address"] == "東京都千代田区梅町２番地"


def test_move_within_into_an_existing_household(db, ctx):
    a = family(db, ctx)
    b = move_in(
        db, ctx, person(family="赤井", given="一", born="1950-01-01"), address="東京都千代田区竹町１番地"
    )
    child = a.addressee_nos[2]
    r = run(
        db,
        ctx,
        move_within,
        RecordMoveWithin,
        {
            **D,
            "addressee_nos": [child],
            "target_household_no": b.household_no,
            "relationships": {child: "縁故者"},
        },
    )
    row = current(db, ctx, child)
    assert (row["household_no"], row["address"], row["head_name"]) == (
        b.household_no,
        "東京都千代田区竹町１番地",
        "赤井\u3000一",
    )
    assert r.household_no == b.household_no and row["household_order"] == 2


def test_split_household(db, ctx):
    r1 = family(db, ctx)
    head, wife, child = r1.addressee_nos
    before = seq(db, ctx)
    r = run(
        db,
        ctx,
        split_household,
        SplitHousehold,
        {**D, "household_no": r1.household_no, "addressee_nos": [child], "relationships": {child: "世帯主"}},
    )
    row = current(db, ctx, child)
    assert (row["household_no"], row["relationship"], row["address"], row["event_code"]) == (
        r.household_no,
        "世帯主",
        "東京都千代田区松町１番地",
        "341",
    )
    assert household(db, ctx, r.household_no)["head_addressee_no"] == child
    ev = last_event(db, ctx, before)
    assert ev.event_type == "HouseholdSplit" and ev.payload["from_household_no"] == r1.household_no


def test_merge_households(db, ctx):
    a = family(db, ctx)
    b = move_in(
        db,
        ctx,
        person(family="赤井", given="父", born="1940-01-01"),
        person(family="赤井", given="母", born="1942-01-01", sex="2", rel="妻"),
    )
    f, m = b.addressee_nos
    before = seq(db, ctx)
    r = run(
        db,
        ctx,
        merge_households,
        MergeHouseholds,
        {
            **D,
            "household_no": a.household_no,
            "merged_household_no": b.household_no,
            "relationships": {f: "妻の父", m: "妻の母"},
        },
    )
    assert r.household_no == a.household_no
    assert household(db, ctx, b.household_no)["status"] == "dissolved"
    rows = [current(db, ctx, n) for n in (f, m)]
    assert [(x["household_no"], x["relationship"], x["household_order"], x["head_name"]) for x in rows] == [
        (a.household_no, "妻の父", 4, "青木\u3000太郎"),
        (a.household_no, "妻の母", 5, "青木\u3000太郎"),
    ]
    ev = last_event(db, ctx, before)
    assert ev.event_type == "HouseholdMerged" and ev.payload["merged_household_no"] == b.household_no


def test_change_household(db, ctx):
    a = family(db, ctx)
    b = move_in(db, ctx, person(family="赤井", given="一", born="1950-01-01"))
    child = a.addressee_nos[2]
    r = run(
        db,
        ctx,
        change_household,
        ChangeHousehold,
        {
            **D,
            "household_no": a.household_no,
            "addressee_nos": [child],
            "target_household_no": b.household_no,
            "relationships": {child: "同居人"},
        },
    )
    row = current(db, ctx, child)
    assert (row["household_no"], row["relationship"], row["event_code"]) == (b.household_no, "同居人", "343")
    assert r.household_no == b.household_no


def test_change_head_resets_relationships_and_order(db, ctx):
    r1 = family(db, ctx)
    head, wife, child = r1.addressee_nos
    before = seq(db, ctx)
    r = run(
        db,
        ctx,
        change_head,
        ChangeHouseholdHead,
        {
            **D,
            "household_no": r1.household_no,
            "new_head_addressee_no": wife,
            "relationships": {head: "夫", child: "子"},
        },
    )
    assert sorted(r.addressee_nos) == sorted(r1.addressee_nos)
    rows = {n: current(db, ctx, n) for n in r1.addressee_nos}
    assert {n: (x["relationship"], x["household_order"], x["head_name"]) for n, x in rows.items()} == {
        wife: ("世帯主", 1, "青木\u3000花子"),
        head: ("夫", 2, "青木\u3000花子"),
        child: ("子", 3, "青木\u3000花子"),
    }
    assert household(db, ctx, r1.household_no)["head_addressee_no"] == wife
    assert last_event(db, ctx, before).event_type == "HouseholdHeadChanged"
