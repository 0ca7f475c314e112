"""Transactional outbox: domain events written in the transaction of the change."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from kikan.adapters.db import counters
from kikan.adapters.db.tables.core import outbox_event
from kikan.core.events import DomainEvent, StoredEvent

COUNTER = "outbox"


def append(conn: sa.Connection, tenant_id: str, at: datetime, events: Sequence[DomainEvent]) -> list[int]:
    if not events:
        return []
    last, _ = counters.advance(conn, tenant_id, COUNTER, len(events))
    first = last - len(events) + 1
    conn.execute(
        sa.insert(outbox_event),
        [
            {
                "tenant_id": tenant_id, "seq": first + i, "event_id": e.event_id, "event_type": e.event_type,
                "aggregate_type": e.aggregate_type, "aggregate_id": e.aggregate_id,
                "occurred_on": e.occurred_on, "schema_version": e.schema_version,
                "payload": e.payload, "recorded_at": at,
            }
            for i, e in enumerate(events)
        ],
    )
    return list(range(first, last + 1))


def read_after(
    conn: sa.Connection, tenant_id: str, after_seq: int, limit: int, event_types: Sequence[str] | None = None
) -> list[StoredEvent]:
    o = outbox_event
    q = sa.select(o).where(o.c.tenant_id == tenant_id, o.c.seq > after_seq)
    if event_types:
        q = q.where(o.c.event_type.in_(list(event_types)))
    rows = conn.execute(q.order_by(o.c.seq).limit(limit)).all()
    return [
        StoredEvent(
            tenant_id=r.tenant_id, seq=r.seq, event_id=r.event_id, event_type=r.event_type,
            aggregate_type=r.aggregate_type, aggregate_id=r.aggregate_id, payload=r.payload,
            occurred_on=r.occurred_on, recorded_at=r.recorded_at, schema_version=r.schema_version,
        )
        for r in rows
    ]


def last_seq(conn: sa.Connection, tenant_id: str) -> int:
    return counters.peek(conn, tenant_id, COUNTER)[0]
