"""記載 異動: 転入 (国内・特例・国外・法第30条の46/47), 再転入, 出生, 職権記載 — rows, events, audit."""

from __future__ import annotations

from test_moves_helpers import (  # noqa: F401
    TODAY,
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
)

from kikan.adapters.security.crypto import get_cipher
from kikan.juki.items import ITEMS
from kikan.juki.services import (
    RecordBirth,
    RecordByAuthority,
    RecordMoveIn,
    RecordMoveOut,
    move_out,
    record_birth,
    record_by_authority,
)
from kikan.juki.services import move_in as move_in_svc


def test_move_in_of_a_four_person_household_is_one_event(db, ctx):
    before = seq(db, ctx)
    members = [
        person(rel="世帯主"),
        person(given="花子", born="1975-03-03", sex="2", rel="妻"),
        person(given="次郎", born="2008-05-05", rel="子"),
        person(given="一子", born="2005-01-01", sex="2", rel="子"),
    ]
    r = move_in(db, ctx, *members, reported_on="2024-04-03")
    assert len(r.addressee_nos) == 4 and r.history_nos == [1, 1, 1, 1] and not r.warnings
    assert len(set(r.addressee_nos)) == 4 and all(len(n) == 15 for n in r.addressee_nos)
    ev = last_event(db, ctx, before)
    assert ev.event_type == "ResidentMovedIn" and ev.aggregate_id == r.household_no
    p = ev.payload
    assert (p["event_code"], p["category"], p["group"]) == ("101", "国内転入", "記載")
    assert (p["event_on"], p["reported_on"], p["processed_on"]) == (
        "2024-04-01",
        "2024-04-03",
        TODAY.isoformat(),
    )
    assert sorted(x["addressee_no"] for x in p["persons"]) == sorted(r.addressee_nos)
    assert all(x["individual_number_changed"] for x in p["persons"])
    text = repr(p)
    assert not any(m["individual_number"] in text for m in members)
    assert "individual_number_enc" not in text and "individual_number_hash" not in text
    # member order (5.2): head, spouse, children by birth date
    order = {x["given_name"]: x["household_order"] for x in p["persons"]}
    assert order == {"太郎": 1, "花子": 2, "一子": 3, "次郎": 4}
    hh = household(db, ctx, r.household_no)
    assert hh["status"] == "active" and hh["address"] == "東京都千代田区松町１番地"
    head = current(db, ctx, hh["head_addressee_no"])
    assert head["given_name"] == "太郎"
    assert [a.action for a in audits(db, ctx, "juki.move_in")] == ["create"] * 4
    assert {a.target_id for a in audits(db, ctx, "juki.move_in")} == set(r.addressee_nos)


def test_move_in_row_holds_every_item_and_the_number_encrypted(db, ctx):
    m = person(
        family_name_kana="アオキ",
        given_name_kana="タロウ",
        honseki="東京都千代田区松町１番地",
        hitto_name="青木太郎",
    )
    r = move_in(db, ctx, m)
    row = history(db, ctx, r.addressee_nos[0])[0]
    assert set(i.name for i in ITEMS) <= set(row)
    assert row["history_no"] == 1 and row["status"] == "resident" and row["event_code"] == "101"
    assert row["became_resident_on"].isoformat() == "2024-04-01" == row["address_set_on"].isoformat()
    assert row["previous_address"] == "東京都港区竹町２番地" and row["head_name"] == "青木\u3000太郎"
    assert row["processed_on"] == TODAY and row["recorded_by"] == "clerk01" and row["move_id"] == r.move_id
    assert m["individual_number"] not in row["individual_number_enc"]
    assert get_cipher().decrypt(row["individual_number_enc"]) == m["individual_number"]
    assert row["individual_number_hash"] == get_cipher().lookup_hash(m["individual_number"])
    assert row["kana_key"] and row["name_key"]


def test_move_into_an_existing_household_goes_to_the_end(db, ctx):
    r1 = move_in(db, ctx, person(), person(given="花子", sex="2", born="2004-01-01", rel="妻"))
    v = household(db, ctx, r1.household_no)["version"]
    before = seq(db, ctx)
    r2 = move_in(
        db,
        ctx,
        person(family="赤井", given="父", born="1940-01-01", rel="妻の父"),
        household_no=r1.household_no,
        expected_household_version=v,
    )
    new = current(db, ctx, r2.addressee_nos[0])
    assert new["household_order"] == 3 and new["head_name"] == "青木\u3000太郎"
    assert new["address"] == "東京都千代田区松町１番地" and r2.household_no == r1.household_no
    assert household(db, ctx, r1.household_no)["version"] == v + 1
    assert last_event(db, ctx, before).payload["household_no"] == r1.household_no


def test_special_move_in_keeps_the_transfer_certificate(db, ctx):
    cert = {
        "issuer_code": "271004",
        "previous_address": "大阪府大阪市北区梅町３番地",
        "planned_on": "2024-03-31",
    }
    r = run(
        db,
        ctx,
        move_in_svc,
        RecordMoveIn,
        {
            "kind": "special",
            "event_on": "2024-04-01",
            "reported_on": "2024-04-02",
            "persons": [person()],
            "address": {"address": "東京都千代田区松町１番地"},
            "transfer_certificate": cert,
        },
    )
    row = history(db, ctx, r.addressee_nos[0])[0]
    assert row["event_code"] == "102" and row["previous_address"] == "大阪府大阪市北区梅町３番地"
    assert row["move_details"]["transfer_certificate"]["issuer_code"] == "271004"


def test_move_in_from_abroad_and_foreign_residents(db, ctx):
    foreign = person(family="ワン", given="リー", resident_kind="foreign", nationality="中国",
                     art30_45_category="中長期在留者", residence_status="技術・人文知識・国際業務",
                     period_of_stay="5年", stay_expires_on="2028-03-31", residence_card_no="AB12345678CD",
                     alpha_name="WANG LI")  # fmt: skip
    for kind, code in (("overseas", "104"), ("art30_46", "105")):
        before = seq(db, ctx)
        data = {"kind": kind, "event_on": "2024-04-01", "reported_on": "2024-04-01",
                "previous_address": "中国", "address": {"address": f"東京都千代田区松町{code}番地"},
                "persons": [foreign if kind == "art30_46" else person()]}  # fmt: skip
        r = run(db, ctx, move_in_svc, RecordMoveIn, data)
        ev = last_event(db, ctx, before)
        assert ev.payload["category"] == "国外転入等" and ev.payload["event_code"] == code
    row = current(db, ctx, r.addressee_nos[0])
    assert row["resident_kind"] == "foreign" and row["foreign_resident_on"].isoformat() == "2024-04-01"
    assert row["nationality"] == "中国" and row["honseki"] is None
    # 法第30条の47: a person already living here becomes a 中長期在留者 — no previous address needed
    r47 = run(
        db,
        ctx,
        move_in_svc,
        RecordMoveIn,
        {
            "kind": "art30_47",
            "event_on": "2024-04-02",
            "reported_on": "2024-04-02",
            "address": {"address": "東京都千代田区松町９番地"},
            "persons": [
                person(
                    family="キム",
                    resident_kind="foreign",
                    nationality="韓国",
                    art30_45_category="中長期在留者",
                )
            ],
        },
    )
    assert current(db, ctx, r47.addressee_nos[0])["event_code"] == "106"


def test_late_move_in_is_accepted_with_an_alert(db, ctx):
    r = move_in(db, ctx, person(), event_on="2024-03-20", reported_on="2024-04-05")
    assert [w.field for w in r.warnings] == ["届出日"]
    assert "第22条" in r.warnings[0].message


def test_re_entry_keeps_the_former_addressee_number(db, ctx):
    m = person()
    r1 = move_in(db, ctx, m, event_on="2024-01-05")
    run(
        db,
        ctx,
        move_out,
        RecordMoveOut,
        {
            "addressee_nos": r1.addressee_nos,
            "event_on": "2024-02-01",
            "reported_on": "2024-01-20",
            "destination": "大阪府大阪市北区梅町３番地",
        },
    )
    r2 = move_in(db, ctx, m, event_on="2024-04-01", address="東京都千代田区竹町５番地")
    assert r2.addressee_nos == r1.addressee_nos and r2.history_nos == [3]
    assert any("再転入" in w.message for w in r2.warnings)
    rows = history(db, ctx, r1.addressee_nos[0])
    assert [(x["history_no"], x["status"]) for x in rows] == [
        (1, "resident"),
        (2, "removed"),
        (3, "resident"),
    ]
    assert rows[2]["removal_reason"] is None and rows[2]["moved_out_to_planned"] is None
    assert rows[2]["household_no"] != rows[0]["household_no"]


def test_birth_into_the_household(db, ctx):
    r1 = move_in(db, ctx, person(), person(given="花子", sex="2", born="2004-01-01", rel="妻"))
    before = seq(db, ctx)
    r = run(
        db,
        ctx,
        record_birth,
        RecordBirth,
        {
            "event_on": "2024-04-08",
            "reported_on": "2024-04-09",
            "household_no": r1.household_no,
            "child": person(given="一郎", born="2024-04-08", rel="子", juminhyo_code=None),
        },
    )
    row = current(db, ctx, r.addressee_nos[0])
    assert row["event_code"] == "111" and row["became_resident_on"].isoformat() == "2024-04-08"
    assert row["previous_address"] is None and row["household_order"] == 3
    assert last_event(db, ctx, before).event_type == "ResidentBorn"


def test_record_by_authority(db, ctx):
    r = run(
        db,
        ctx,
        record_by_authority,
        RecordByAuthority,
        {
            "event_on": "2024-04-01",
            "reason_text": "実態調査による住所設定",
            "persons": [person()],
            "address": {"address": "東京都千代田区松町３番地"},
        },
    )
    row = current(db, ctx, r.addressee_nos[0])
    assert row["event_code"] == "131" and row["move_details"] == {"reason": "実態調査による住所設定"}
    assert [a.action for a in audits(db, ctx, "juki.record_by_authority")] == ["create"]
