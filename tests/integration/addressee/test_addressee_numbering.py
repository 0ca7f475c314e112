"""住登外者宛名番号管理: inquiry → numbering → duplicate caught → a former resident keeps the number."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from addressee_helpers import (
    LAND_OWNER,
    TODAY,
    by_business,
    call,
    counts,
    inquire,
    number,
    person,
    registry_move_in,
    registry_move_out,
    sync,
)

from kikan.adapters.db import outbox
from kikan.adapters.db.tables.core import audit_log, tenant_counter
from kikan.addressee import commands, services
from kikan.core.errors import Conflict, NotFound, ValidationFailed


def audit_functions(db, ctx) -> list[str]:
    with db.uow(ctx) as uow:
        q = sa.select(audit_log.c.function).where(audit_log.c.tenant_id == ctx.tenant_id).order_by(audit_log.c.seq)
        return [r.function for r in uow.conn.execute(q).all()]


def counters(db, ctx) -> dict[str, int]:
    with db.uow(ctx) as uow:
        q = sa.select(tenant_counter.c.name, tenant_counter.c.value).where(tenant_counter.c.tenant_id == ctx.tenant_id)
        return {r.name: r.value for r in uow.conn.execute(q).all()}


def test_inquiry_first_then_a_number_then_the_duplicate_is_caught(db, ctx):
    assert inquire(db, ctx, **LAND_OWNER).candidates == []
    first = number(db, ctx, **LAND_OWNER, business="fixed_asset", business_no="K-0001")
    a = first.addressee
    assert first.status == "assigned" and a.source == "non_resident"
    assert a.addressee_no == a.non_resident_no and a.non_resident_no.startswith("9")
    assert set(a.links) == {("non_resident", a.non_resident_no), ("fixed_asset", "K-0001")}
    with db.uow(ctx) as uow:
        types = [e.event_type for e in outbox.read_after(uow.conn, ctx.tenant_id, 0, 100)]
    assert types == ["NonResidentNumbered", "BusinessNumberLinked"]
    before = counts(db, ctx)

    found = inquire(db, ctx, family_name_kana="ｻﾄｰ", birth_date="昭和30年6月15日")
    assert [(c.addressee.integrated_no, c.exact, c.addressee.source_label) for c in found.candidates] == [
        (a.integrated_no, False, "住登外者")]  # reading + birth date only: a candidate, not exact
    again = number(db, ctx, **{**LAND_OWNER, "family_name_kana": "サトー", "address": "札幌市"})
    assert (again.status, again.addressee.integrated_no, again.exact_matches) == ("existing", a.integrated_no,
                                                                                  [a.integrated_no])  # fmt: skip
    assert counts(db, ctx) == before
    assert audit_functions(db, ctx).count("addressee.number") == 2


def test_staff_can_confirm_another_person_with_a_reason(db, ctx):
    a = number(db, ctx, **LAND_OWNER).addressee
    with pytest.raises(ValidationFailed) as e:
        number(db, ctx, **LAND_OWNER, distinct_from=[a.integrated_no])
    assert [x.field for x in e.value.errors] == ["別人である理由"]
    b = number(db, ctx, **LAND_OWNER, distinct_from=[a.integrated_no], distinct_reason="登記簿の本籍が異なる")
    assert b.status == "assigned" and b.addressee.integrated_no != a.integrated_no
    with db.uow(ctx) as uow:
        hist = services.get(uow, b.addressee.integrated_no, history=True).history
    assert hist[0]["distinct_from"] == [{"integrated_no": a.integrated_no, "reason": "登記簿の本籍が異なる"}]
    with pytest.raises(services.Duplicate) as dup:  # now two exact matches: the staff must choose
        number(db, ctx, **LAND_OWNER)
    assert dup.value.status == 409
    assert sorted(x.message for x in dup.value.errors) == sorted([a.integrated_no, b.addressee.integrated_no])
    chosen = number(db, ctx, **LAND_OWNER, use_existing=b.addressee.integrated_no)
    assert (chosen.status, chosen.addressee.integrated_no) == ("existing", b.addressee.integrated_no)


def test_a_former_resident_keeps_their_number(db, ctx):
    r = registry_move_in(db, ctx, person())
    sync(db, ctx)
    registry_move_out(db, ctx, r.addressee_nos)
    sync(db, ctx)
    resident_no = r.addressee_nos[0]
    cands = inquire(db, ctx, family_name="山田", given_name="太郎", birth_date="1970-04-01").candidates
    assert [(c.addressee.source, c.addressee.addressee_no, c.exact) for c in cands] == [
        ("former_resident", resident_no, True)]
    before = counters(db, ctx)
    res = number(db, ctx, family_name="山田", given_name="太郎", family_name_kana="ヤマダ", given_name_kana="タロウ",
                 birth_date="1970-04-01", address="大阪府大阪市北区梅町３番地", business="tax", business_no="T1")  # fmt: skip
    assert (res.status, res.addressee.addressee_no, res.addressee.source) == ("existing", resident_no, "former_resident")
    assert counters(db, ctx).get("non_resident_addressee_no", 0) == before.get("non_resident_addressee_no", 0)
    assert by_business(db, ctx, "tax", "T1").integrated_no == res.addressee.integrated_no


def test_a_current_resident_is_found_as_such(db, ctx):
    registry_move_in(db, ctx, person(family="髙橋", kana_f="タカハシ"))
    sync(db, ctx)
    cands = inquire(db, ctx, family_name="高橋", birth_date="1970-04-01").candidates  # 異体字 folded
    assert [(c.addressee.source_label, c.addressee.attributes["family_name"]) for c in cands] == [("住民", "髙橋")]
    with pytest.raises(ValidationFailed) as e:  # a number's reading is stored in full-width katakana
        number(db, ctx, family_name="高橋", family_name_kana="ﾀｶﾊｼ", address="大阪")
    assert [x.field for x in e.value.errors] == ["氏フリガナ"]


def test_corporations_by_corporate_number(db, ctx):
    corp = {"kind": "corporation", "corporate_no": "7000012050002", "corporate_name": "国税庁",
            "address": "東京都千代田区霞が関３丁目１番１号"}  # fmt: skip
    a = number(db, ctx, **corp)
    assert (a.status, a.addressee.source, a.addressee.kind) == ("assigned", "corporation", "corporation")
    b = number(db, ctx, **{**corp, "corporate_name": "財務省 国税庁", "address": "東京都千代田区"})
    assert (b.status, b.addressee.integrated_no) == ("existing", a.addressee.integrated_no)
    with pytest.raises(ValidationFailed) as e:
        commands.build(commands.NumberRequest, {**corp, "corporate_no": "7000012050003"})
    assert [x.field for x in e.value.errors] == ["法人番号"]
    with pytest.raises(ValidationFailed) as e:
        number(db, ctx, kind="corporation", corporate_name="国税庁", address="東京", family_name="山田")
    assert [x.field for x in e.value.errors] == ["氏"]


def test_an_address_change_keeps_history_and_the_old_address_still_finds_the_person(db, ctx):
    a = number(db, ctx, **{**LAND_OWNER, "birth_date": None}).addressee
    cmd = commands.build(commands.UpdateRequest, {"expected_version": 1, "reason": "住所変更", "changed_on": "2024-04-01",
                                                  "attributes": {"address": "青森県青森市長島１丁目"}})  # fmt: skip
    v2 = call(db, ctx, services.update, a.integrated_no, cmd, today=TODAY)
    assert (v2.version, v2.attributes["address"]) == (2, "青森県青森市長島１丁目")
    with pytest.raises(Conflict):
        call(db, ctx, services.update, a.integrated_no, cmd, today=TODAY)  # stale version
    old = inquire(db, ctx, family_name="佐藤", given_name="花子", address="北海道札幌市中央区北一条西２丁目")
    assert [(c.addressee.integrated_no, c.matched_version, c.exact) for c in old.candidates] == [
        (a.integrated_no, 1, True)]
    again = number(db, ctx, **{**LAND_OWNER, "birth_date": None})  # old address, no birth date: still the same person
    assert again.status == "existing"
    with db.uow(ctx) as uow:
        hist = services.get(uow, a.integrated_no, history=True).history
    assert [(h["version"], h["reason"], h["attributes"]["address"]) for h in hist] == [
        (1, "住登外者の付番", "北海道札幌市中央区北一条西２丁目"), (2, "住所変更", "青森県青森市長島１丁目")]


def test_a_residents_items_change_only_in_the_registry(db, ctx):
    r = registry_move_in(db, ctx, person())
    sync(db, ctx)
    a = by_business(db, ctx, "juki", r.addressee_nos[0])
    cmd = commands.build(commands.UpdateRequest, {"expected_version": 1, "reason": "x", "attributes": {"address": "y"}})
    with pytest.raises(ValidationFailed) as e:
        call(db, ctx, services.update, a.integrated_no, cmd, today=TODAY)
    assert e.value.errors[0].field == "団体内統合宛名番号"


def test_bad_input_writes_nothing(db, ctx):
    with pytest.raises(ValidationFailed) as e:
        inquire(db, ctx, sex="1")
    assert [x.field for x in e.value.errors] == ["照会条件"]
    with pytest.raises(ValidationFailed) as e:
        number(db, ctx, **{**LAND_OWNER, "birth_date": "2023-02-29"})
    assert [x.field for x in e.value.errors] == ["生年月日"]
    with pytest.raises(ValidationFailed) as e:
        number(db, ctx, **{**LAND_OWNER, "birth_date": "2030-01-01"})
    assert [x.field for x in e.value.errors] == ["生年月日"]
    with pytest.raises(ValidationFailed) as e:
        number(db, ctx, given_name="花子", distinct_from=["000000000000019"], distinct_reason="x")
    assert {x.field for x in e.value.errors} == {"氏", "住所", "別人と確認した宛名"}
    with pytest.raises(ValidationFailed) as e:
        number(db, ctx, **LAND_OWNER, business="juki", business_no="000000000000019")
    assert [x.field for x in e.value.errors] == ["業務"]
    assert counts(db, ctx) == (0, 0, 0)
    assert "integrated_addressee_no" not in counters(db, ctx)
    with pytest.raises(NotFound):
        by_business(db, ctx, "juki", "000000000000019")


def test_a_business_number_maps_to_one_integrated_number_only(db, ctx):
    a = number(db, ctx, **LAND_OWNER, business="fixed_asset", business_no="K-1").addressee
    b = number(db, ctx, **{**LAND_OWNER, "family_name": "鈴木", "family_name_kana": "スズキ"}).addressee
    link = commands.build(commands.LinkRequest, {"business": "fixed_asset", "business_no": "K-1",
                                                 "integrated_no": a.integrated_no})  # fmt: skip
    assert call(db, ctx, services.link, link, today=TODAY).integrated_no == a.integrated_no  # idempotent
    other = link.model_copy(update={"integrated_no": b.integrated_no})
    with pytest.raises(Conflict) as e:
        call(db, ctx, services.link, other, today=TODAY)
    assert e.value.status == 409 and e.value.errors[0].field == "業務の宛名番号"


def test_two_clerks_numbering_the_same_person_at_once_get_one_number(db, ctx):
    import threading
    import time

    first = commands.build(commands.NumberRequest, LAND_OWNER)
    results: dict[str, services.NumberingResult] = {}
    started = threading.Event()

    def second_clerk() -> None:
        started.set()
        results["b"] = number(db, ctx, **LAND_OWNER)

    with db.uow(ctx) as uow:
        results["a"] = services.number(first, uow, today=TODAY)  # holds the numbering lock, not committed yet
        t = threading.Thread(target=second_clerk)
        t.start()
        started.wait()
        time.sleep(0.3)  # let the second clerk reach the lock (not an assertion on time)
        uow.commit()
    t.join(timeout=60)
    assert results["a"].status == "assigned"
    assert (results["b"].status, results["b"].addressee.integrated_no) == ("existing", results["a"].addressee.integrated_no)
    assert counts(db, ctx)[0] == 1


def test_a_business_number_already_used_refuses_a_new_number(db, ctx):
    number(db, ctx, **LAND_OWNER, business="fixed_asset", business_no="K-9")
    before = counts(db, ctx)
    with pytest.raises(ValidationFailed) as e:
        number(db, ctx, **{**LAND_OWNER, "family_name": "鈴木", "family_name_kana": "スズキ"},
               business="fixed_asset", business_no="K-9")  # fmt: skip
    assert e.value.errors[0].field == "業務の宛名番号"
    assert counts(db, ctx) == before
