"""Run records and the batch ledger of legacy imports (tables in ``tables/migration.py``).

Every query filters ``tenant_id`` itself (SQLite has no row-level security).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.database import Database, UnitOfWork
from kikan.adapters.db.tables.migration import migration_batch, migration_run
from kikan.core.tenancy import TenantContext

FUNCTION = "migration"


@dataclass(frozen=True)
class Committed:
    batch_no: int
    run_id: str
    gaiji_as_of_seq: int | None
    households: int
    persons: int
    rows: int


def file_info(files: Sequence[tuple[str, bytes]]) -> list[dict[str, Any]]:
    return [{"name": n, "bytes": len(d), "sha256": hashlib.sha256(d).hexdigest()} for n, d in files]


def start_run(
    db: Database, ctx: TenantContext, *, kind: str, layout: str = "", digest: str = "",
    files: list[dict[str, Any]] | None = None, gaiji_as_of_seq: int | None = None,
    summary: dict[str, Any] | None = None,
) -> str:  # fmt: skip
    """Record the start of a run (committed at once, so a killed run stays visible as ``running``)."""
    run_id = str(uuid.uuid4())
    with db.uow(ctx) as uow:
        uow.conn.execute(sa.insert(migration_run).values(
            tenant_id=uow.tenant_id, run_id=run_id, kind=kind, layout=layout[:100], digest=digest,
            files=files or [], status="running", gaiji_as_of_seq=gaiji_as_of_seq, summary=summary or {},
            started_at=uow.now, actor=uow.actor.actor_id,
        ))  # fmt: skip
        uow.audit(f"{FUNCTION}.{kind}", "create", target_type="migration_run", target_id=run_id,
                  detail=f"{layout} {len(files or [])}ファイル")  # fmt: skip
        uow.commit()
    return run_id


def finish_run(
    db: Database, ctx: TenantContext, run_id: str, *, status: str, summary: dict[str, Any] | None = None,
    gaiji_as_of_seq: int | None = None,
) -> None:  # fmt: skip
    t = migration_run
    with db.uow(ctx) as uow:
        values: dict[str, Any] = {"status": status, "finished_at": uow.now}
        if summary is not None:
            values["summary"] = summary
        if gaiji_as_of_seq is not None:
            values["gaiji_as_of_seq"] = gaiji_as_of_seq
        uow.conn.execute(
            sa.update(t).where(t.c.tenant_id == uow.tenant_id, t.c.run_id == run_id).values(**values)
        )
        uow.commit()


def run(uow: UnitOfWork, run_id: str) -> dict[str, Any] | None:
    t = migration_run
    row = uow.conn.execute(sa.select(t).where(t.c.tenant_id == uow.tenant_id, t.c.run_id == run_id)).first()
    return dict(row._mapping) if row else None


def runs(uow: UnitOfWork, *, limit: int = 50) -> list[dict[str, Any]]:
    t = migration_run
    q = sa.select(t).where(t.c.tenant_id == uow.tenant_id).order_by(t.c.started_at.desc()).limit(limit)
    return [dict(r._mapping) for r in uow.conn.execute(q)]


def committed(uow: UnitOfWork, digest: str) -> dict[int, Committed]:
    """The batches of import ``digest`` already in the registry."""
    t = migration_batch
    q = sa.select(t).where(t.c.tenant_id == uow.tenant_id, t.c.digest == digest).order_by(t.c.batch_no)
    return {
        r.batch_no: Committed(r.batch_no, r.run_id, r.gaiji_as_of_seq, r.households, r.persons, r.rows)
        for r in uow.conn.execute(q)
    }


def record_batch(
    uow: UnitOfWork, digest: str, batch_no: int, run_id: str, *, households: int, persons: int, rows: int,
    gaiji_as_of_seq: int | None,
) -> None:  # fmt: skip
    """The ledger row of a batch: in the batch's own transaction (both commit, or neither)."""
    uow.conn.execute(sa.insert(migration_batch).values(
        tenant_id=uow.tenant_id, digest=digest, batch_no=batch_no, run_id=run_id, households=households,
        persons=persons, rows=rows, gaiji_as_of_seq=gaiji_as_of_seq, committed_at=uow.now,
    ))  # fmt: skip
