"""Helpers for the tax assessment integration tests: residents through the registry's own services,
the tax business's pull of the published data, 課税資料 through the tax store. No tests here."""

from __future__ import annotations

import base64
import itertools
import random
from datetime import UTC, date, datetime
from typing import Any

from kikan.adapters.db import tax_income_store as store
from kikan.adapters.db.tax_registry_source import sync_registry
from kikan.adapters.security import crypto
from kikan.core.identity import individual_number, resident_record_code
from kikan.core.tenancy import Actor, TenantContext
from kikan.juki.services import (
    RecordDeath,
    RecordMoveIn,
    RecordMoveOut,
    build,
    move_in,
    move_out,
    record_death,
)
from kikan.tax.individual_resident.income_records import parse_record

TODAY = date(2026, 5, 20)
TEST_KEY = "t1:" + base64.b64encode(bytes(range(32))).decode()
_rng = random.Random(20260520)
_seq = itertools.count(1)
TAX_PERMS = frozenset({"tax.read", "tax.write"})


def set_mynumber_key(monkeypatch: Any) -> None:
    monkeypatch.setenv(crypto.ENV_KEY, TEST_KEY)
    crypto.reset_cipher()


def tax_ctx(tenant_id: str) -> TenantContext:
    return TenantContext(
        tenant_id, Actor("taxclerk01", client_addr="127.0.0.1", terminal="T09", permissions=TAX_PERMS)
    )


def _number() -> str:
    base = f"{_rng.randrange(10**10):010d}{next(_seq) % 10}"
    return base + individual_number.compute_check_digit(base)


def _code() -> str:
    base = f"{_rng.randrange(10**10):010d}"
    return base + resident_record_code.compute_check_digit(base)


def person(family: str = "税田", given: str = "太郎", born: str = "1980-04-10", sex: str = "1",
           rel: str = "世帯主") -> dict[str, Any]:  # fmt: skip
    return {"family_name": family, "given_name": given, "birth_date": born, "sex": sex, "relationship": rel,
            "family_name_kana": "ゼイタ", "given_name_kana": "タロウ",
            "individual_number": _number(), "juminhyo_code": _code()}  # fmt: skip


def _run(db: Any, ctx: TenantContext, fn: Any, cls: Any, data: dict[str, Any], today: date = TODAY) -> Any:
    cmd = build(cls, data)
    with db.uow(ctx) as uow:
        result = fn(cmd, uow, today=today)
        uow.commit()
    return result


def move_in_family(db: Any, ctx: TenantContext, *persons: dict[str, Any], event_on: str = "2020-04-01",
                   address: str = "東京都千代田区松町１番地", today: date = TODAY) -> list[str]:  # fmt: skip
    data = {"event_on": event_on, "reported_on": event_on, "previous_address": "東京都港区竹町２番地",
            "persons": list(persons), "address": {"address": address}}  # fmt: skip
    return list(_run(db, ctx, move_in, RecordMoveIn, data, today).addressee_nos)


def move_out_persons(db: Any, ctx: TenantContext, nos: list[str], event_on: str, today: date = TODAY) -> None:
    data = {"addressee_nos": nos, "event_on": event_on, "reported_on": min(event_on, today.isoformat()),
            "destination": "大阪府大阪市北区梅町３番地"}  # fmt: skip
    _run(db, ctx, move_out, RecordMoveOut, data, today)


def death(db: Any, ctx: TenantContext, no: str, event_on: str, today: date = TODAY) -> None:
    _run(
        db,
        ctx,
        record_death,
        RecordDeath,
        {"addressee_no": no, "event_on": event_on, "reported_on": event_on},
        today,
    )


def sync(db: Any, ctx: TenantContext) -> None:
    sync_registry(db, ctx)


def add_income(db: Any, ctx: TenantContext, addressee_no: str, kind: str = "salary_report", *,
               fiscal_year: int = 2026, payer: str | None = "E0001", special: bool = True,
               **case: Any) -> dict[str, Any]:  # fmt: skip
    rec = parse_record({"fiscal_year": fiscal_year, "addressee_no": addressee_no, "source_kind": kind,
                        "payer_id": payer if kind in ("salary_report", "pension_report") else None,
                        "special_collection": special, "case": nest(case)})  # fmt: skip
    with db.uow(ctx) as uow:
        out = store.add_record(uow, rec)
        uow.commit()
    return out


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """``salary_revenue=…`` → ``{"incomes": {"salary_revenue": …}}``; case parts pass through."""
    from kikan.tax.individual_resident.model import Incomes

    incomes = {k: v for k, v in flat.items() if k in Incomes.model_fields}
    rest = {k: v for k, v in flat.items() if k not in incomes}
    return {**({"incomes": incomes} if incomes else {}), **rest}


def utc(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)
