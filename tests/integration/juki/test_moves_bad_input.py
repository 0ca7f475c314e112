"""Bad input → ValidationFailed naming the field, and NOTHING written (no history row, event or audit row)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from test_moves_helpers import TODAY, audits, counts, move_in, mynumber_key, new_number, person, run  # noqa: F401

from kikan.adapters.db.tables.juki import juki_block
from kikan.core.errors import Blocked, Forbidden, ValidationFailed
from kikan.core.tenancy import Actor, TenantContext
from kikan.juki import services as s

ADDR = {"address": "東京都千代田区梅町１番地"}
IN = {"event_on": "2024-04-01", "reported_on": "2024-04-02", "previous_address": "東京都港区竹町２番地"}


@pytest.fixture
def world(db, ctx) -> dict[str, Any]:
    head, wife = person(), person(given="花子", sex="2", born="2004-01-01", rel="妻")
    fam = move_in(db, ctx, head, wife)
    (dead,) = move_in(
        db, ctx, person(family="故人", born="1930-01-01"), address="東京都千代田区竹町１番地"
    ).addressee_nos
    run(db, ctx, s.record_death, s.RecordDeath, {"addressee_no": dead, "event_on": "2024-04-02"})
    return {"head": head, "wife": wife, "hh": fam.household_no, "nos": fam.addressee_nos, "dead": dead}


def cases(w: dict[str, Any]) -> dict[str, tuple[Any, Any, dict[str, Any], str, str]]:
    h, wf = w["nos"]
    mi = s.move_in, s.RecordMoveIn
    return {
        "impossible date": (
            *mi,
            {**IN, "event_on": "2024-02-30", "address": ADDR, "persons": [person()]},
            "異動日",
            "存在しない日付",
        ),
        "impossible birth date": (
            *mi,
            {**IN, "address": ADDR, "persons": [person(born="2023-02-29")]},
            "生年月日",
            "存在しない日付",
        ),
        "future birth": (
            *mi,
            {**IN, "address": ADDR, "persons": [person(born="2024-05-01")]},
            "生年月日",
            "未来",
        ),
        "born after the move": (
            *mi,
            {**IN, "address": ADDR, "persons": [person(born="2024-04-05")]},
            "生年月日",
            "異動日より後",
        ),
        "event after processing date": (
            s.move_within,
            s.RecordMoveWithin,
            {
                "event_on": "2024-04-11",
                "reported_on": "2024-04-10",
                "addressee_nos": w["nos"],
                "address": ADDR,
            },
            "異動日",
            "処理日",
        ),
        "report in the future": (
            *mi,
            {**IN, "reported_on": "2024-04-11", "address": ADDR, "persons": [person()]},
            "届出日",
            "処理日",
        ),
        "death before birth": (
            s.record_death,
            s.RecordDeath,
            {"addressee_no": wf, "event_on": "2003-12-31"},
            "死亡日",
            "生年月日",
        ),
        "already resident (住民票コード)": (
            *mi,
            {
                **IN,
                "address": ADDR,
                "persons": [person(juminhyo_code=w["head"]["juminhyo_code"], individual_number=None)],
            },
            "住民票コード",
            "既に住民",
        ),
        "already resident (個人番号)": (
            *mi,
            {
                **IN,
                "address": ADDR,
                "persons": [person(individual_number=w["wife"]["individual_number"], juminhyo_code=None)],
            },
            "個人番号",
            "既に住民",
        ),
        "move-out of a deceased person": (
            s.move_out,
            s.RecordMoveOut,
            {
                "addressee_nos": [w["dead"]],
                "event_on": "2024-04-20",
                "reported_on": "2024-04-10",
                "destination": "大阪府",
            },
            "宛名番号",
            "死亡",
        ),
        "unknown relationship": (
            *mi,
            {**IN, "household_no": w["hh"], "persons": [person(rel="祖父")]},
            "続柄",
            "父の父",
        ),
        "five generations": (
            *mi,
            {**IN, "household_no": w["hh"], "persons": [person(rel="子の子の子の子の子")]},
            "続柄",
            "縁故者",
        ),
        "second head (existing household)": (
            *mi,
            {**IN, "household_no": w["hh"], "persons": [person()]},
            "続柄",
            "世帯主",
        ),
        "second head (new household)": (
            *mi,
            {**IN, "address": ADDR, "persons": [person(), person(given="次郎")]},
            "続柄",
            "世帯主は1世帯に1人",
        ),
        "no head (new household)": (
            *mi,
            {**IN, "address": ADDR, "persons": [person(rel="子")]},
            "続柄",
            "世帯主を1人",
        ),
        "duplicate 個人番号": (
            s.change_individual_number,
            s.ChangeIndividualNumber,
            {
                "event_on": "2024-04-05",
                "addressee_no": wf,
                "kind": "request",
                "individual_number": w["head"]["individual_number"],
            },
            "個人番号",
            "既に他の住民",
        ),
        "duplicate 個人番号 in one 転入": (
            *mi,
            {
                **IN,
                "address": ADDR,
                "persons": [
                    person(individual_number="123456789018"),
                    person(rel="子", individual_number="123456789018"),
                ],
            },
            "個人番号",
            "重複",
        ),
        "bad 個人番号 check digit": (
            *mi,
            {**IN, "address": ADDR, "persons": [person(individual_number="123456789012")]},
            "個人番号",
            "検査用数字",
        ),
        "bad 住民票コード check digit": (
            *mi,
            {**IN, "address": ADDR, "persons": [person(juminhyo_code="12345678901")]},
            "住民票コード",
            "検査数字",
        ),
        "non-standard character in a name": (
            *mi,
            {**IN, "address": ADDR, "persons": [person(given="太\ue000郎")]},
            "名",
            "行政事務標準文字",
        ),
        "non-standard character in an address": (
            *mi,
            {**IN, "address": {"address": "梅町😀"}, "persons": [person()]},
            "住所",
            "行政事務標準文字",
        ),
        "relationship change to a second head": (
            s.correct_record,
            s.CorrectRecord,
            {
                "event_on": "2024-04-05",
                "kind": "ex_officio",
                "addressee_nos": [wf],
                "changes": {"relationship": "世帯主"},
            },
            "続柄",
            "世帯主",
        ),
        "kana not katakana": (
            *mi,
            {**IN, "address": ADDR, "persons": [person(given_name_kana="たろう")]},
            "名フリガナ",
            "カタカナ",
        ),
        "foreign items on a Japanese": (
            *mi,
            {**IN, "address": ADDR, "persons": [person(nationality="中国")]},
            "国籍・地域",
            "外国人住民のみ",
        ),
        "split the whole household": (
            s.split_household,
            s.SplitHousehold,
            {
                "event_on": "2024-04-05",
                "household_no": w["hh"],
                "addressee_nos": [h, wf],
                "relationships": {h: "世帯主", wf: "妻"},
            },
            "分離する世帯員",
            "全員",
        ),
    }


NAMES = list(cases({"nos": ["a", "b"], "head": person(), "wife": person(), "hh": "h", "dead": "d"}))


@pytest.mark.parametrize("name", NAMES)
def test_refused_naming_the_field_and_nothing_written(db, ctx, world, name):
    fn, cls, data, field, message = cases(world)[name]
    before = counts(db, ctx)
    with pytest.raises(ValidationFailed) as exc:
        cmd = s.build(cls, data)
        with db.uow(ctx) as uow:
            fn(cmd, uow, today=TODAY)
            uow.commit()
    errors = exc.value.errors
    assert any(field in e.field and message in e.message for e in errors), errors
    assert counts(db, ctx) == before


def test_move_out_of_an_already_removed_person(db, ctx, world):
    data = {
        "addressee_nos": world["nos"],
        "event_on": "2024-04-20",
        "reported_on": "2024-04-10",
        "destination": "大阪府",
    }
    run(db, ctx, s.move_out, s.RecordMoveOut, data)
    before = counts(db, ctx)
    with db.uow(ctx) as uow, pytest.raises(ValidationFailed) as exc:
        s.move_out(s.build(s.RecordMoveOut, data), uow, today=TODAY)
    assert exc.value.errors[0].field == "宛名番号" and "既に消除" in exc.value.message
    assert counts(db, ctx) == before


def test_without_write_permission_nothing_is_written(db, ctx, world):
    reader = TenantContext(ctx.tenant_id, Actor("viewer", permissions=frozenset({"juki.read"})))
    before = counts(db, ctx)
    with db.uow(reader) as uow, pytest.raises(Forbidden):
        s.move_in(s.build(s.RecordMoveIn, {**IN, "address": ADDR, "persons": [person()]}), uow, today=TODAY)
    assert counts(db, ctx) == before


def test_a_move_block_refuses_and_only_the_refusal_is_audited(db, ctx, world):
    from datetime import UTC, datetime

    with db.uow(ctx) as uow:
        uow.conn.execute(sa.insert(juki_block), {
            "tenant_id": ctx.tenant_id, "block_id": "b-1", "kind": "block", "household_no": world["hh"],
            "processes": "move", "level": "error", "start_on": TODAY, "reason": "テスト",
            "created_at": datetime(2024, 4, 1, tzinfo=UTC), "created_by": "test", "version": 1})  # fmt: skip
        uow.commit()
    rows, evs, auds = counts(db, ctx)
    with pytest.raises(Blocked):
        run(
            db,
            ctx,
            s.move_in,
            s.RecordMoveIn,
            {**IN, "household_no": world["hh"], "persons": [person(rel="子")]},
        )
    assert counts(db, ctx)[:2] == (rows, evs)
    new = audits(db, ctx)[auds:]
    assert new and {(a.function, a.action) for a in new} == {("juki.block.enforce", "deny")}  # refusals only
    with db.uow(ctx) as uow:
        uow.conn.execute(
            sa.update(juki_block).where(juki_block.c.tenant_id == ctx.tenant_id).values(level="alert")
        )
        uow.commit()
    r = run(
        db, ctx, s.move_in, s.RecordMoveIn, {**IN, "household_no": world["hh"], "persons": [person(rel="子")]}
    )
    assert r.warnings and {w.field for w in r.warnings} == {"抑止"}
