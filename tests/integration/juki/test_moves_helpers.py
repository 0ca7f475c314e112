"""Shared helpers for the 異動 integration tests (imported by the test_moves_* modules; no tests here)."""

from __future__ import annotations

import base64
import itertools
import random
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa

from kikan.adapters.db import juki_repo as repo
from kikan.adapters.db import outbox
from kikan.adapters.db.tables.core import audit_log
from kikan.adapters.db.tables.juki import juki_history
from kikan.adapters.security import crypto
from kikan.core.identity import individual_number, resident_record_code
from kikan.juki.services import build

TODAY = date(2024, 4, 10)
TEST_KEY = "t1:" + base64.b64encode(bytes(range(32))).decode()
_rng = random.Random(20240410)
_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def mynumber_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(crypto.ENV_KEY, TEST_KEY)
    crypto.reset_cipher()


def new_number() -> str:
    """A valid, unused 個人番号 (検査用数字 per 番号法施行令第8条)."""
    base = f"{_rng.randrange(10**10):010d}{next(_seq) % 10}"
    return base + individual_number.compute_check_digit(base)


def new_code() -> str:
    """A valid 住民票コード (施行規則第1条)."""
    base = f"{_rng.randrange(10**10):010d}"
    return base + resident_record_code.compute_check_digit(base)


def person(family: str = "青木", given: str = "太郎", born: str = "2003-01-07", sex: str = "1",
           rel: str = "世帯主", **kw: Any) -> dict[str, Any]:  # fmt: skip
    return {"family_name": family, "given_name": given, "birth_date": born, "sex": sex, "relationship": rel,
            "individual_number": new_number(), "juminhyo_code": new_code(), **kw}  # fmt: skip


def run(db: Any, ctx: Any, fn: Any, cls: Any, data: dict[str, Any], today: date = TODAY) -> Any:
    """Build the command, run the service in one unit of work, commit."""
    cmd = build(cls, data)
    with db.uow(ctx) as uow:
        result = fn(cmd, uow, today=today)
        uow.commit()
    return result


def move_in(db: Any, ctx: Any, *persons: dict[str, Any], address: str = "東京都千代田区松町１番地",
            event_on: str = "2024-04-01", household_no: str | None = None, **kw: Any) -> Any:  # fmt: skip
    from kikan.juki.services import RecordMoveIn
    from kikan.juki.services import move_in as svc

    data: dict[str, Any] = {"event_on": event_on, "reported_on": kw.pop("reported_on", event_on),
                            "previous_address": "東京都港区竹町２番地", "persons": list(persons), **kw}  # fmt: skip
    if household_no:
        data["household_no"] = household_no
    else:
        data["address"] = {"address": address}
    return run(db, ctx, svc, RecordMoveIn, data)


def read(db: Any, ctx: Any, fn: Any, *args: Any) -> Any:
    with db.uow(ctx) as uow:
        return fn(uow, *args)


def history(db: Any, ctx: Any, no: str) -> list[dict[str, Any]]:
    return read(db, ctx, repo.history, no)


def current(db: Any, ctx: Any, no: str) -> dict[str, Any]:
    return read(db, ctx, repo.current, no)


def household(db: Any, ctx: Any, hno: str) -> dict[str, Any]:
    return read(db, ctx, repo.household, hno)


def events(db: Any, ctx: Any, after: int = 0) -> list[Any]:
    with db.uow(ctx) as uow:
        return outbox.read_after(uow.conn, ctx.tenant_id, after, 1000)


def audits(db: Any, ctx: Any, function: str | None = None) -> list[Any]:
    with db.uow(ctx) as uow:
        q = sa.select(audit_log).where(audit_log.c.tenant_id == ctx.tenant_id)
        if function:
            q = q.where(audit_log.c.function == function)
        return list(uow.conn.execute(q.order_by(audit_log.c.seq)).all())


def counts(db: Any, ctx: Any) -> tuple[int, int, int]:
    """(history rows, outbox events, audit rows) of the tenant: to assert nothing was written."""
    with db.uow(ctx) as uow:
        n = uow.conn.execute(
            sa.select(sa.func.count())
            .select_from(juki_history)
            .where(juki_history.c.tenant_id == ctx.tenant_id)
        ).scalar_one()
    return int(n), len(events(db, ctx)), len(audits(db, ctx))


def last_event(db: Any, ctx: Any, after: int) -> Any:
    """The ONE event written since ``after``; fails if there are zero or several."""
    new = events(db, ctx, after)
    assert len(new) == 1, [e.event_type for e in new]
    return new[0]


def seq(db: Any, ctx: Any) -> int:
    with db.uow(ctx) as uow:
        return outbox.last_seq(uow.conn, ctx.tenant_id)


def without(row: dict[str, Any], *names: str) -> dict[str, Any]:
    """A row's items without the history bookkeeping and the named items (for 'all items copied')."""
    skip = {"history_no", "event_code", "event_on", "reported_on", "processed_on", "recorded_at", "move_id",
            "version", "notice_on", "applied_on", "requested_on", "move_details", "input_place", "input_terminal",
            "note", "request_id", "recorded_by", "kana_key", "name_key", "alt_kana_key", "alt_name_key",
            "address_key", *names}  # fmt: skip
    return {k: v for k, v in row.items() if k not in skip}
