"""Past rows, 除票, tenant isolation, marks, audit, permission and bad input of 住民検索."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from test_search_helpers import CIPHER, TODAY, find, nos, person  # noqa: F401

from kikan.adapters.db.juki_search import search
from kikan.adapters.db.tables.core import audit_log
from kikan.adapters.db.tables.juki import juki_block
from kikan.adapters.security import accounts
from kikan.core.errors import Forbidden, ValidationFailed
from kikan.core.identity import compute_local_government_check_digit, individual_number
from kikan.core.tenancy import Actor, TenantContext
from kikan.juki.search import SearchQuery


def _married(uow) -> str:
    """田中 花子 → marriage (職権修正 312: 氏 → 佐藤) → 転居 into her husband's household."""
    return person(
        uow,
        {"family_name": "田中", "given_name": "花子", "family_name_kana": "タナカ", "given_name_kana": "ハナコ",
         "sex": "2", "relationship": "子", "event_code": "111", "event_on": date(1990, 5, 5)},
        {"family_name": "佐藤", "family_name_kana": "サトウ", "event_code": "312", "event_on": date(2018, 6, 1)},
        {"relationship": "妻", "address": "東京都新宿区北新宿一丁目2番3号", "household_no": "000000000000770",
         "event_code": "301", "event_on": date(2018, 7, 1)},
    )  # fmt: skip


def test_a_past_name_finds_the_person_shown_as_now(db, ctx) -> None:
    with db.uow(ctx) as uow:
        a = _married(uow)
        uow.commit()
    for conditions in ({"name": "田中　花子"}, {"kana": "タナカ ハナコ"}, {"name": "田中"}):
        page = find(db, ctx, **conditions)
        assert nos(page) == {a}
        hit = page.items[0]
        assert (hit.family_name, hit.relationship, hit.address) == (
            "佐藤",
            "妻",
            "東京都新宿区北新宿一丁目2番3号",
        )
        assert hit.matched_on == "past name"
    assert find(db, ctx, name="佐藤　花子").items[0].matched_on == "current"
    assert find(db, ctx, address="西新宿二丁目8番1号").items[0].matched_on == "past address"
    assert nos(find(db, ctx, name="田中", include_history=False)) == set()
    assert nos(find(db, ctx, name="佐藤", include_history=False)) == {a}


def test_removed_residents_are_excluded_unless_asked(db, ctx) -> None:
    with db.uow(ctx) as uow:
        gone = person(uow, {"family_name": "遠藤"}, {"status": "removed", "removal_reason": "死亡", "event_code": "211",
                                                    "removal_on": date(2024, 3, 3)})  # fmt: skip
        here = person(uow, {"family_name": "遠藤", "given_name": "次郎"})
        uow.commit()
    assert nos(find(db, ctx, name="遠藤")) == {here}
    page = find(db, ctx, name="遠藤", include_removed=True)
    assert nos(page) == {gone, here}
    assert {x.addressee_no: x.status for x in page.items}[gone] == "removed"
    assert nos(find(db, ctx, removal_reason="死亡")) == {gone}  # 消除事由 implies 除票


def test_another_tenants_resident_is_never_returned(db, ctx) -> None:
    other = None
    for i in range(20):
        base = f"{(int(ctx.tenant_id[:5]) + 7919 * (i + 1)) % 47000 + 1000:05d}"
        code = base + str(compute_local_government_check_digit(base))
        try:
            accounts.add_tenant(db, code, f"別の市{code}")
            other = code
            break
        except accounts.AccessError:
            continue
    assert other
    other_ctx = TenantContext(other, ctx.actor)
    number = "12345678901" + individual_number.compute_check_digit("12345678901")
    with db.uow(other_ctx) as uow:
        theirs = person(uow, {"family_name": "唯一無二", "juminhyo_code": "11111111119"}, number=number)
        uow.commit()
    with db.uow(ctx) as uow:
        mine = person(uow, {"family_name": "唯一"})
        uow.commit()
    assert nos(find(db, ctx, name="唯一")) == {mine}
    assert nos(find(db, ctx, juminhyo_code="11111111119")) == set()
    assert nos(find(db, ctx, individual_number=number)) == set()
    assert nos(find(db, ctx, addressee_no=theirs)) <= {mine}
    assert nos(find(db, other_ctx, name="唯一")) == {theirs}


def test_the_search_is_audited_without_the_individual_number(db, ctx) -> None:
    number = "98765432101" + individual_number.compute_check_digit("98765432101")
    with db.uow(ctx) as uow:
        a = person(uow, {"family_name": "監査"}, number=number)
        uow.commit()
    find(db, ctx, individual_number=number, name="監査")
    with db.uow(ctx) as uow:
        row = uow.conn.execute(
            sa.select(audit_log).where(audit_log.c.tenant_id == ctx.tenant_id, audit_log.c.function == "juki.search")
            .order_by(audit_log.c.seq.desc()).limit(1)
        ).one()  # fmt: skip
    assert row.action == "read" and row.actor == ctx.actor.actor_id and row.mynumber_shown is False
    assert number not in row.detail and row.target_id == a
    detail = json.loads(row.detail)
    assert (
        detail["conditions"]["name"] == "監査" and detail["conditions"]["individual_number"] == "（指定あり）"
    )
    assert detail["shown"] == [a] and detail["total"] == 1


def test_blocked_and_protected_people_are_marked(db, ctx) -> None:
    with db.uow(ctx) as uow:
        blocked = person(uow, {"family_name": "抑止"})
        protected = person(uow, {"family_name": "抑止", "given_name": "花子"})
        plain = person(uow, {"family_name": "抑止", "given_name": "次郎"})
        for who, kind in ((blocked, "block"), (protected, "support")):
            uow.conn.execute(sa.insert(juki_block), {
                "tenant_id": ctx.tenant_id, "block_id": str(uuid.uuid4()), "kind": kind, "addressee_no": who,
                "processes": "move,certificate,inquiry", "level": "error", "start_on": date(2025, 1, 1),
                "support_stage": "approved" if kind == "support" else None, "reason": "テスト",
                "created_at": datetime(2025, 1, 1, tzinfo=UTC), "created_by": "test", "version": 1,
            })  # fmt: skip
        uow.commit()
    hits = {x.addressee_no: x for x in find(db, ctx, name="抑止").items}
    assert hits[blocked].blocked and not hits[blocked].protected and hits[blocked].marks
    assert hits[protected].protected
    assert not hits[plain].blocked and not hits[plain].protected and hits[plain].marks == []


def test_bad_conditions_are_refused_naming_the_field(db, ctx) -> None:
    cases = [({}, "検索条件"), ({"individual_number": "123456789012"}, "個人番号"),
             ({"birth_date": "昭和99年13月"}, "生年月日"), ({"kana": "佐藤"}, "カナ"), ({"name": "\u200b"}, "氏名")]  # fmt: skip
    for conditions, field in cases:
        with db.uow(ctx) as uow, pytest.raises(ValidationFailed) as e:
            search(uow, SearchQuery(**conditions), today=TODAY, cipher=CIPHER)
        assert e.value.errors[0].field == field, conditions
    with db.uow(ctx) as uow, pytest.raises(ValidationFailed):
        search(uow, SearchQuery(name="佐藤"), today=TODAY, limit=0)


def test_reading_requires_the_permission(db, ctx) -> None:
    nobody = TenantContext(ctx.tenant_id, Actor("guest", permissions=frozenset({"home.view"})))
    with db.uow(nobody) as uow, pytest.raises(Forbidden):
        search(uow, SearchQuery(name="佐藤"), today=TODAY)
