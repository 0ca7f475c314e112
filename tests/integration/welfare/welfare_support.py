"""Helpers of the welfare integration tests (no tests here): staff services in one unit of work,
the registry's real 異動 services (events reach welfare only through the linkage feed), payments."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.tables.welfare import welfare_case_version, welfare_task
from kikan.adapters.db.welfare_accounts import SqlSupportStore
from kikan.adapters.db.welfare_store import SqlCaseStore
from kikan.core.tenancy import Actor, TenantContext
from kikan.juki.services import build
from kikan.welfare import cases as wc
from kikan.welfare.cases.commands import parse

PERMS = frozenset({"welfare.read", "welfare.write", "juki.read", "juki.write"})
SUPPORT = {wc.record_income, wc.register_account, wc.set_payer, wc.complete_task}


def staff(tenant_id: str, perms: frozenset[str] = PERMS) -> TenantContext:
    return TenantContext(
        tenant_id, Actor("welfare01", client_addr="127.0.0.1", terminal="W01", permissions=perms)
    )


def svc(db: Any, ctx: Any, fn: Any, cls: Any, data: dict[str, Any], today: date) -> Any:
    with db.uow(ctx) as uow:
        store = SqlSupportStore(uow) if fn in SUPPORT else SqlCaseStore(uow)
        out = fn(parse(cls, data), uow, today=today, store=store)
        uow.commit()
    return out


def claim(
    db: Any, ctx: Any, recipient: str, children: list[tuple[str, str]], claim_on: str, **kw: Any
) -> Any:
    data = {"allowance": kw.pop("allowance", "child_allowance"), "recipient": recipient, "claim_on": claim_on,
            "children": [{"child_id": c, "birth_date": b} for c, b in children], **kw}  # fmt: skip
    return svc(db, ctx, wc.file_claim, wc.FileClaim, data, date.fromisoformat(claim_on))


def certify(db: Any, ctx: Any, case_id: str, on: str) -> Any:
    return svc(db, ctx, wc.certify, wc.Certify, {"case_id": case_id}, date.fromisoformat(on))


def setup_payer(db: Any, ctx: Any, allowance: str = "child_allowance", pay_day: int = 10) -> None:
    svc(db, ctx, wc.set_payer, wc.SetPayer, {"allowance": allowance, "requester_code": "1310160001",
        "requester_name": "ﾁﾖﾀﾞｸ", "bank_code": "0001", "bank_name": "ﾐｽﾞﾎ", "branch_code": "012",
        "branch_name": "ﾁﾖﾀﾞ", "account_no": "0123456", "pay_day": pay_day}, date(2024, 1, 1))  # fmt: skip


def account(db: Any, ctx: Any, who: str, kana: str = "ヤマダ　ハナコ", no: str = "7654321") -> None:
    svc(db, ctx, wc.register_account, wc.RegisterAccount, {"addressee_no": who, "bank_code": "0005",
        "branch_code": "123", "account_no": no, "holder_kana": kana}, date(2024, 1, 1))  # fmt: skip


def income(db: Any, ctx: Any, who: str, year: int, total: int = 0, **items: int) -> None:
    svc(db, ctx, wc.record_income, wc.RecordIncome, {"addressee_no": who, "income_year": year,
        "total_income": total, "items": items}, date(2026, 1, 1))  # fmt: skip


def versions(db: Any, ctx: Any, case_id: str) -> list[Any]:
    v = welfare_case_version.c
    with db.uow(ctx) as uow:
        return list(uow.conn.execute(sa.select(welfare_case_version).where(
            v.tenant_id == ctx.tenant_id, v.case_id == case_id).order_by(v.version)))  # fmt: skip


def open_tasks(db: Any, ctx: Any) -> list[Any]:
    t = welfare_task.c
    with db.uow(ctx) as uow:
        return list(uow.conn.execute(sa.select(welfare_task).where(t.tenant_id == ctx.tenant_id, t.status == "open")
                                     .order_by(t.task_id)))  # fmt: skip


# --- the registry (its own services; welfare never reads its tables) -------------------------


def person(
    family: str, given: str, born: str, rel: str, sex: str = "1", kana: str | None = None
) -> dict[str, Any]:
    return {"family_name": family, "given_name": given, "birth_date": born, "sex": sex, "relationship": rel,
            "family_name_kana": kana, "given_name_kana": None}  # fmt: skip


def juki(db: Any, ctx: Any, fn: Any, cls: Any, data: dict[str, Any], today: date) -> Any:
    with db.uow(ctx) as uow:
        out = fn(build(cls, data), uow, today=today)
        uow.commit()
    return out


def move_in(
    db: Any, ctx: Any, persons: list[dict[str, Any]], on: str, address: str = "東京都千代田区松町１番地"
) -> Any:
    from kikan.juki.services import RecordMoveIn, move_in

    data = {"event_on": on, "reported_on": on, "previous_address": "東京都港区竹町２番地", "persons": persons,
            "address": {"address": address}}  # fmt: skip
    return juki(db, ctx, move_in, RecordMoveIn, data, date.fromisoformat(on))


def birth(
    db: Any, ctx: Any, household_no: str, child: dict[str, Any], on: str, reported: str | None = None
) -> Any:
    from kikan.juki.services import RecordBirth, record_birth

    data = {"event_on": on, "reported_on": reported or on, "household_no": household_no, "child": child}
    return juki(db, ctx, record_birth, RecordBirth, data, date.fromisoformat(reported or on))


def move_out(db: Any, ctx: Any, nos: list[str], on: str, reported: str) -> Any:
    from kikan.juki.services import RecordMoveOut, move_out

    data = {
        "addressee_nos": nos,
        "event_on": on,
        "reported_on": reported,
        "destination": "大阪府大阪市北区梅町３番地",
    }
    return juki(db, ctx, move_out, RecordMoveOut, data, date.fromisoformat(reported))


def death(db: Any, ctx: Any, no: str, on: str) -> Any:
    from kikan.juki.services import RecordDeath, record_death

    data = {"addressee_no": no, "event_on": on, "reported_on": on, "notice_on": on}
    return juki(db, ctx, record_death, RecordDeath, data, date.fromisoformat(on))
