"""Shared helpers of the migration integration tests (tenants, gaiji, state snapshots)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db import characters_gaiji as gaiji
from kikan.adapters.db import counters
from kikan.adapters.db.database import Database
from kikan.adapters.db.tables.juki import juki_history, juki_household, juki_resident
from kikan.adapters.db.tables.migration import migration_batch
from kikan.adapters.security import accounts
from kikan.adapters.security.crypto import get_cipher
from kikan.core.identity import compute_local_government_check_digit
from kikan.core.tenancy import Actor, TenantContext

#: Columns that differ between two correct imports by design (time, actor, run, random nonce).
VOLATILE = {"tenant_id", "recorded_at", "recorded_by", "request_id", "individual_number_enc"}


def new_tenant(db: Database) -> TenantContext:
    rng = random.Random()
    for _ in range(50):
        base = f"{rng.randint(1, 47):02d}{rng.randint(100, 999):03d}"
        code = base + str(compute_local_government_check_digit(base))
        try:
            accounts.add_tenant(db, code, f"移行先市{code}")
        except accounts.AccessError:
            continue
        return TenantContext(code, Actor("clerk02", permissions=frozenset({"juki.read", "juki.write"})))
    raise RuntimeError("no tenant")


def files_of(paths: list[Path]) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in paths]


def identify_all(db: Database, ctx: TenantContext, table: Path, truth: dict[str, str]) -> None:
    """Load the vendor 外字表, then confirm every code with its standard character (外字 API)."""
    with db.uow(ctx) as uow:
        gaiji.import_code_table(uow, "cp932", table.read_text(encoding="utf-8"), source=table.name)
        for code, text in sorted(truth.items()):
            gaiji.confirm(uow, "cp932", code, text, basis="テスト")
        uow.commit()


def history(db: Database, ctx: TenantContext) -> dict[tuple[str, int], dict[str, Any]]:
    """Every history row, with the 個人番号 decrypted and the volatile columns left out."""
    cipher = get_cipher()
    h = juki_history.c
    with db.uow(ctx) as uow:
        rows = uow.conn.execute(sa.select(juki_history).where(h.tenant_id == ctx.tenant_id)).all()
    out = {}
    for r in rows:
        d = dict(r._mapping)
        token = d["individual_number_enc"]
        d["individual_number"] = cipher.decrypt(token) if token else None
        out[(d["addressee_no"], d["history_no"])] = {k: v for k, v in d.items() if k not in VOLATILE}
    return out


def state(db: Database, ctx: TenantContext) -> dict[str, Any]:
    """History, pointers, households and counters of a tenant, comparable across tenants."""
    with db.uow(ctx) as uow:
        res = {r.addressee_no: {k: v for k, v in r._mapping.items() if k != "tenant_id"} for r in uow.conn.execute(
            sa.select(juki_resident).where(juki_resident.c.tenant_id == ctx.tenant_id))}  # fmt: skip
        hh = {r.household_no: {k: v for k, v in r._mapping.items() if k != "tenant_id"} for r in uow.conn.execute(
            sa.select(juki_household).where(juki_household.c.tenant_id == ctx.tenant_id))}  # fmt: skip
        counts = {n: counters.peek(uow.conn, ctx.tenant_id, n)[0] for n in ("addressee_no", "household_no")}
    return {"history": history(db, ctx), "residents": res, "households": hh, "counters": counts}


def ledger(db: Database, ctx: TenantContext) -> list[int]:
    t = migration_batch.c
    with db.uow(ctx) as uow:
        return [r.batch_no for r in uow.conn.execute(
            sa.select(t.batch_no).where(t.tenant_id == ctx.tenant_id).order_by(t.batch_no))]  # fmt: skip


def ledger_without_locking(url: str, tenant_id: str) -> list[int]:
    """The ledger read outside any unit of work (on SQLite a unit of work takes the write lock, which
    a running import holds)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            t = migration_batch.c
            return [r.batch_no for r in conn.execute(
                sa.select(t.batch_no).where(t.tenant_id == tenant_id).order_by(t.batch_no))]  # fmt: skip
    finally:
        engine.dispose()


def count_history(db: Database, ctx: TenantContext) -> int:
    h = juki_history.c
    with db.uow(ctx) as uow:
        return int(
            uow.conn.execute(sa.select(sa.func.count()).where(h.tenant_id == ctx.tenant_id)).scalar_one()
        )
