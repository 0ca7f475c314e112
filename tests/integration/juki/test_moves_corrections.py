"""修正 異動 of items: 職権修正・誤記修正・軽微な修正, 個人番号, 住民票コード, 旧氏, 通称, 入管通知, 帰化, 国籍喪失."""

from __future__ import annotations

from test_moves_helpers import (  # noqa: F401
    audits,
    current,
    history,
    household,
    last_event,
    move_in,
    mynumber_key,
    new_code,
    new_number,
    person,
    run,
    seq,
    without,
)

from kikan.adapters.security.crypto import get_cipher
from kikan.juki.services import (
    ApplyImmigrationNotice,
    ChangeIndividualNumber,
    ChangeResidentRecordCode,
    CorrectRecord,
    RecordAlias,
    RecordFormerSurname,
    RecordNationalityLoss,
    RecordNaturalization,
    apply_immigration_notice,
    change_individual_number,
    change_resident_record_code,
    correct_record,
    record_alias,
    record_former_surname,
    record_nationality_loss,
    record_naturalization,
)

D = {"event_on": "2024-04-05"}


def foreigner(**kw):
    return person(family="ワン", given="リー", resident_kind="foreign", nationality="中国",
                  art30_45_category="中長期在留者", residence_status="留学", alpha_name="WANG LI", **kw)  # fmt: skip


def test_corrections_of_each_kind(db, ctx):
    r1 = move_in(db, ctx, person(), person(given="花子", sex="2", born="2004-01-01", rel="妻"))
    head, wife = r1.addressee_nos
    first = history(db, ctx, wife)[0]
    for n, (kind, code) in enumerate(
        (("clerical_error", "313"), ("ex_officio", "312"), ("minor", "311")), start=2
    ):
        before = seq(db, ctx)
        run(db, ctx, correct_record, CorrectRecord, {**D, "kind": kind, "addressee_nos": [wife],
            "changes": {"given_name": f"花子{n}", "remarks": f"修正{n}"}})  # fmt: skip
        row = current(db, ctx, wife)
        assert (row["history_no"], row["event_code"], row["given_name"]) == (n, code, f"花子{n}")
        assert last_event(db, ctx, before).event_type == "ResidentRecordCorrected"
    assert history(db, ctx, wife)[0] == first
    assert without(current(db, ctx, wife), "given_name", "remarks") == without(first, "given_name", "remarks")
    assert [a.action for a in audits(db, ctx, "juki.correct_record")] == ["update"] * 3


def test_correcting_the_heads_name_updates_every_members_head_name(db, ctx):
    r1 = move_in(db, ctx, person(), person(given="花子", sex="2", born="2004-01-01", rel="妻"))
    head, wife = r1.addressee_nos
    before = seq(db, ctx)
    run(
        db,
        ctx,
        correct_record,
        CorrectRecord,
        {**D, "kind": "clerical_error", "addressee_nos": [head], "changes": {"given_name": "太朗"}},
    )
    assert current(db, ctx, wife)["head_name"] == "青木\u3000太朗"
    assert len(last_event(db, ctx, before).payload["persons"]) == 2


def test_address_correction_for_the_whole_household(db, ctx):
    r1 = move_in(db, ctx, person(), person(given="花子", sex="2", born="2004-01-01", rel="妻"))
    run(
        db,
        ctx,
        correct_record,
        CorrectRecord,
        {
            **D,
            "kind": "ex_officio",
            "addressee_nos": r1.addressee_nos,
            "changes": {"katagaki": "松町ハイツ２号", "postal_code": "1000001"},
        },
    )
    assert household(db, ctx, r1.household_no)["katagaki"] == "松町ハイツ２号"
    assert {current(db, ctx, n)["katagaki"] for n in r1.addressee_nos} == {"松町ハイツ２号"}


def test_individual_number_changes(db, ctx):
    m = person(individual_number=None)
    (no,) = move_in(db, ctx, m).addressee_nos
    numbers = [new_number(), new_number(), new_number()]
    for kind, code, number in zip(
        ("ex_officio_record", "request", "ex_officio_correction"), ("323", "321", "322"), numbers, strict=True
    ):
        before = seq(db, ctx)
        run(
            db,
            ctx,
            change_individual_number,
            ChangeIndividualNumber,
            {**D, "addressee_no": no, "kind": kind, "individual_number": number},
        )
        row = current(db, ctx, no)
        assert row["event_code"] == code and get_cipher().decrypt(row["individual_number_enc"]) == number
        ev = last_event(db, ctx, before)
        assert ev.event_type == "IndividualNumberChanged"
        assert ev.payload["persons"][0]["individual_number_changed"] is True
        assert number not in repr(ev.payload) and row["individual_number_hash"] not in repr(ev.payload)


def test_resident_record_code_changes(db, ctx):
    (no,) = move_in(db, ctx, person()).addressee_nos
    for kind, code in (("request", "331"), ("ex_officio", "332")):
        c = new_code()
        run(
            db,
            ctx,
            change_resident_record_code,
            ChangeResidentRecordCode,
            {**D, "addressee_no": no, "kind": kind, "juminhyo_code": c},
        )
        assert (current(db, ctx, no)["juminhyo_code"], current(db, ctx, no)["event_code"]) == (c, code)


def test_former_surname_record_change_delete(db, ctx):
    (no,) = move_in(db, ctx, person()).addressee_nos
    steps = [("record", "351", "佐藤"), ("change", "352", "鈴木"), ("delete", "353", None)]
    for action, code, name in steps:
        before = seq(db, ctx)
        run(db, ctx, record_former_surname, RecordFormerSurname, {**D, "addressee_no": no, "action": action,
            "former_family_name": name, "requested_on": "2024-04-04"})  # fmt: skip
        row = current(db, ctx, no)
        assert (row["event_code"], row["former_family_name"], row["requested_on"].isoformat()) == (
            code,
            name,
            "2024-04-04",
        )
        assert (
            last_event(db, ctx, before).payload["category"]
            == {"351": "旧氏の記載", "352": "旧氏の変更", "353": "旧氏の削除"}[code]
        )
    assert "佐藤" in history(db, ctx, no)[1]["alt_name_key"]  # past names stay searchable


def test_alias_record_and_delete(db, ctx):
    (no,) = move_in(db, ctx, foreigner()).addressee_nos
    run(
        db,
        ctx,
        record_alias,
        RecordAlias,
        {
            **D,
            "addressee_no": no,
            "action": "record",
            "tsusho": "山田",
            "tsusho_kana": "ヤマダ",
            "applied_on": "2024-04-03",
        },
    )
    row = current(db, ctx, no)
    assert (row["tsusho"], row["event_code"], row["tsusho_recorded_on"].isoformat()) == (
        "山田",
        "361",
        "2024-04-05",
    )
    run(
        db,
        ctx,
        record_alias,
        RecordAlias,
        {**D, "addressee_no": no, "action": "delete", "applied_on": "2024-04-05"},
    )
    assert (current(db, ctx, no)["tsusho"], current(db, ctx, no)["event_code"]) == (None, "362")


def test_immigration_notice(db, ctx):
    (no,) = move_in(db, ctx, foreigner()).addressee_nos
    run(db, ctx, apply_immigration_notice, ApplyImmigrationNotice, {**D, "addressee_no": no, "notice_on": "2024-04-04",
        "residence_status": "永住者", "period_of_stay": "無期限", "residence_card_no": "ZZ98765432YY"})  # fmt: skip
    row = current(db, ctx, no)
    assert (row["residence_status"], row["residence_card_no"], row["event_code"]) == (
        "永住者",
        "ZZ98765432YY",
        "314",
    )
    assert row["nationality"] == "中国" and row["notice_on"].isoformat() == "2024-04-04"


def test_naturalization_two_rows_same_addressee_number(db, ctx):
    r1 = move_in(db, ctx, foreigner(foreign_resident_on="2015-04-01"), person(given="花子", sex="2", rel="妻",
                                                                          born="2004-01-01"))  # fmt: skip
    head, wife = r1.addressee_nos
    before = seq(db, ctx)
    r = run(db, ctx, record_naturalization, RecordNaturalization, {**D, "addressee_no": head, "family_name": "王",
            "given_name": "立", "honseki": "東京都千代田区松町１番地", "hitto_name": "王立"})  # fmt: skip
    rows = history(db, ctx, head)
    assert [(x["history_no"], x["status"], x["resident_kind"], x["event_code"]) for x in rows] == [
        (1, "resident", "foreign", "101"),
        (2, "removed", "foreign", "221"),
        (3, "resident", "japanese", "121"),
    ]
    jp = rows[2]
    assert (jp["nationality"], jp["honseki"], jp["became_resident_on"].isoformat()) == (
        None,
        "東京都千代田区松町１番地",
        "2015-04-01",
    )
    assert jp["juminhyo_code"] == rows[0]["juminhyo_code"] and jp["household_no"] == r1.household_no
    assert current(db, ctx, wife)["head_name"] == "王\u3000立"
    ev = last_event(db, ctx, before)
    assert ev.event_type == "ResidentNaturalized"
    assert [(p["addressee_no"], p["history_no"]) for p in ev.payload["persons"]][:2] == [(head, 2), (head, 3)]
    assert r.history_nos[:2] == [2, 3]


def test_nationality_loss(db, ctx):
    (no,) = move_in(db, ctx, person(honseki="東京都千代田区松町１番地", hitto_name="青木太郎")).addressee_nos
    run(
        db,
        ctx,
        record_nationality_loss,
        RecordNationalityLoss,
        {**D, "addressee_no": no, "nationality": "米国", "alpha_name": "AOKI TARO"},
    )
    rows = history(db, ctx, no)
    assert [(x["status"], x["resident_kind"], x["event_code"]) for x in rows[1:]] == [
        ("removed", "japanese", "223"),
        ("resident", "foreign", "123"),
    ]
    assert rows[2]["honseki"] is None and rows[2]["foreign_resident_on"].isoformat() == "2024-04-05"
    assert rows[1]["removal_reason"] == "職権消除（国籍喪失）"
