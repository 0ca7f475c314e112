"""Writes, reads and verifies the hash-chained exchange log (see :mod:`kikan.linkage.chain`)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

import sqlalchemy as sa

from kikan.adapters.db import counters
from kikan.adapters.db.tables.linkage import linkage_exchange, linkage_substitution
from kikan.core.audit import GENESIS, ChainBreak
from kikan.linkage.chain import Exchange, SealedExchange, seal, verify_chain
from kikan.linkage.csvout import LineSubstitution

COUNTER = "linkage_exchange"
_FIELDS = tuple(Exchange.__dataclass_fields__)


def append(conn: sa.Connection, tenant_id: str, at: datetime, entry: Exchange) -> SealedExchange:
    """Seal and insert one entry; the counter row (locked until commit) keeps seq and last hash."""
    seq, prev = counters.advance(conn, tenant_id, COUNTER, 1)
    s = seal(tenant_id, seq, at, entry, prev or GENESIS)
    row = {"tenant_id": tenant_id, "seq": seq, "at": at, "prev_hash": s.prev_hash, "hash": s.hash}
    row.update({f: getattr(entry, f) for f in _FIELDS})
    conn.execute(sa.insert(linkage_exchange), row)
    counters.set_last_hash(conn, tenant_id, COUNTER, s.hash)
    return s


def add_substitutions(
    conn: sa.Connection, tenant_id: str, exchange_id: str, subs: Sequence[LineSubstitution]
) -> None:
    if not subs:
        return
    conn.execute(
        sa.insert(linkage_substitution),
        [
            {"tenant_id": tenant_id, "exchange_id": exchange_id, "n": n, "line": s.line, "record_key": s.key[:100],
             "column_name": s.column, "position": s.sub.position, "original": s.sub.original,
             "code_points": s.sub.code_points, "replacement": s.sub.replacement, "method": s.sub.method}
            for n, s in enumerate(subs, start=1)
        ],
    )  # fmt: skip


def substitutions(conn: sa.Connection, tenant_id: str, exchange_id: str) -> list[dict]:
    t = linkage_substitution.c
    q = (
        sa.select(linkage_substitution)
        .where(t.tenant_id == tenant_id, t.exchange_id == exchange_id)
        .order_by(t.n)
    )
    return [dict(r._mapping) for r in conn.execute(q).all()]


def entries(conn: sa.Connection, tenant_id: str, exchange_id: str) -> list[SealedExchange]:
    t = linkage_exchange.c
    q = (
        sa.select(linkage_exchange)
        .where(t.tenant_id == tenant_id, t.exchange_id == exchange_id)
        .order_by(t.seq)
    )
    return [_sealed(r) for r in conn.execute(q).all()]


def _sealed(r: sa.Row) -> SealedExchange:
    entry = Exchange(**{f: getattr(r, f) for f in _FIELDS})
    return SealedExchange(r.tenant_id, r.seq, r.at, entry, r.prev_hash, r.hash)


def iter_chain(conn: sa.Connection, tenant_id: str, batch: int = 5000) -> Iterator[SealedExchange]:
    after = 0
    t = linkage_exchange.c
    while True:
        rows = conn.execute(
            sa.select(linkage_exchange)
            .where(t.tenant_id == tenant_id, t.seq > after)
            .order_by(t.seq)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from (_sealed(r) for r in rows)
        after = rows[-1].seq


def verify(conn: sa.Connection, tenant_id: str) -> ChainBreak | None:
    """Recompute the tenant's chain; the first broken link, or None when intact."""
    last, last_hash = counters.peek(conn, tenant_id, COUNTER)
    return verify_chain(iter_chain(conn, tenant_id), expected_last_seq=last, expected_last_hash=last_hash)


def search(
    conn: sa.Connection,
    tenant_id: str,
    *,
    client_id: str | None = None,
    dataset: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 200,
) -> list[SealedExchange]:
    t = linkage_exchange.c
    q = sa.select(linkage_exchange).where(t.tenant_id == tenant_id)
    if client_id:
        q = q.where(t.client_id == client_id)
    if dataset:
        q = q.where(t.dataset == dataset)
    if since:
        q = q.where(t.at >= since)
    if until:
        q = q.where(t.at < until)
    return [_sealed(r) for r in conn.execute(q.order_by(t.seq.desc()).limit(limit)).all()]
