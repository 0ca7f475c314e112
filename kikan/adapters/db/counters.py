"""Per-tenant counters (outbox sequence, audit sequence, 宛名番号 …).

The counter row is locked by the UPDATE until commit, so sequences are gap-free and their
order equals commit order: a reader that has seen seq N will never later find a new N-1.
"""

from __future__ import annotations

import sqlalchemy as sa

from kikan.adapters.db.tables.core import tenant_counter


def insert_ignore(conn: sa.Connection, table: sa.Table, rows: list[dict] | dict) -> None:
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        conn.execute(pg_insert(table).on_conflict_do_nothing(), rows)
    else:
        from sqlalchemy.dialects.sqlite import insert as lite_insert

        conn.execute(lite_insert(table).on_conflict_do_nothing(), rows)


def advance(conn: sa.Connection, tenant_id: str, name: str, n: int = 1) -> tuple[int, str | None]:
    """Reserve ``n`` values; returns (last value reserved, last_hash stored before)."""
    insert_ignore(conn, tenant_counter, {"tenant_id": tenant_id, "name": name, "value": 0, "last_hash": None})
    t = tenant_counter
    row = conn.execute(
        sa.update(t)
        .where(t.c.tenant_id == tenant_id, t.c.name == name)
        .values(value=t.c.value + n)
        .returning(t.c.value, t.c.last_hash)
    ).one()
    return int(row.value), row.last_hash


def set_last_hash(conn: sa.Connection, tenant_id: str, name: str, last_hash: str) -> None:
    t = tenant_counter
    conn.execute(
        sa.update(t).where(t.c.tenant_id == tenant_id, t.c.name == name).values(last_hash=last_hash)
    )


def peek(conn: sa.Connection, tenant_id: str, name: str) -> tuple[int, str | None]:
    t = tenant_counter
    row = conn.execute(
        sa.select(t.c.value, t.c.last_hash).where(t.c.tenant_id == tenant_id, t.c.name == name)
    ).first()
    return (int(row.value), row.last_hash) if row else (0, None)
