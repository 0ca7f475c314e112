"""Writes and reads the hash-chained audit log."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

import sqlalchemy as sa

from kikan.adapters.db import counters
from kikan.adapters.db.tables.core import audit_log
from kikan.core.audit import GENESIS, AuditEntry, ChainBreak, SealedAudit, seal, verify_chain

COUNTER = "audit"


def append(conn: sa.Connection, tenant_id: str, at: datetime, entries: Sequence[AuditEntry]) -> None:
    if not entries:
        return
    last, prev_hash = counters.advance(conn, tenant_id, COUNTER, len(entries))
    prev = prev_hash or GENESIS
    rows = []
    for i, e in enumerate(entries):
        s = seal(tenant_id, last - len(entries) + 1 + i, at, e, prev)
        prev = s.hash
        rows.append(_row(s))
    conn.execute(sa.insert(audit_log), rows)
    counters.set_last_hash(conn, tenant_id, COUNTER, prev)


def _row(s: SealedAudit) -> dict:
    e = s.entry
    return {
        "tenant_id": s.tenant_id, "seq": s.seq, "at": s.at, "actor": e.actor, "function": e.function,
        "action": e.action, "target_type": e.target_type, "target_id": e.target_id,
        "mynumber_shown": e.mynumber_shown, "client_addr": e.client_addr, "terminal": e.terminal,
        "request_id": e.request_id, "detail": e.detail, "prev_hash": s.prev_hash, "hash": s.hash,
    }


def _sealed(r: sa.Row) -> SealedAudit:
    e = AuditEntry(
        actor=r.actor, function=r.function, action=r.action, target_type=r.target_type,
        target_id=r.target_id, mynumber_shown=r.mynumber_shown, client_addr=r.client_addr,
        terminal=r.terminal, request_id=r.request_id, detail=r.detail,
    )
    return SealedAudit(r.tenant_id, r.seq, r.at, e, r.prev_hash, r.hash)


def iter_chain(conn: sa.Connection, tenant_id: str, batch: int = 5000) -> Iterator[SealedAudit]:
    after = 0
    while True:
        rows = conn.execute(
            sa.select(audit_log)
            .where(audit_log.c.tenant_id == tenant_id, audit_log.c.seq > after)
            .order_by(audit_log.c.seq)
            .limit(batch)
        ).all()
        if not rows:
            return
        for r in rows:
            yield _sealed(r)
        after = rows[-1].seq


def verify(conn: sa.Connection, tenant_id: str) -> ChainBreak | None:
    last, last_hash = counters.peek(conn, tenant_id, COUNTER)
    return verify_chain(iter_chain(conn, tenant_id), expected_last_seq=last, expected_last_hash=last_hash)


def search(
    conn: sa.Connection,
    tenant_id: str,
    *,
    actor: str | None = None,
    target_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    function: str | None = None,
    limit: int = 200,
) -> list[sa.Row]:
    a = audit_log
    q = sa.select(a).where(a.c.tenant_id == tenant_id)
    if actor:
        q = q.where(a.c.actor == actor)
    if target_id:
        q = q.where(a.c.target_id == target_id)
    if function:
        q = q.where(a.c.function.startswith(function, autoescape=True))
    if since:
        q = q.where(a.c.at >= since)
    if until:
        q = q.where(a.c.at < until)
    return list(conn.execute(q.order_by(a.c.seq.desc()).limit(limit)).all())
