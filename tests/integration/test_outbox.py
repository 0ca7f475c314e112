"""Transactional outbox: events commit with the change, in per-tenant order, never lost."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from datetime import date, timedelta

import sqlalchemy as sa

from kikan.adapters.db import outbox
from kikan.adapters.db.tables.core import closure_day, outbox_event
from kikan.core.events import DomainEvent


def _event(i: int) -> DomainEvent:
    return DomainEvent("ClosureDayAdded", "closure_day", str(i), {"i": i})


def test_events_commit_with_change_and_are_read_in_order(db, ctx):
    for i in range(5):
        with db.uow(ctx) as uow:
            uow.conn.execute(
                sa.insert(closure_day), {"tenant_id": ctx.tenant_id, "day": date(2030, 1, 1) + timedelta(i), "name": "x"}
            )
            uow.emit(_event(i))
            uow.commit()
    with db.uow(ctx) as uow:
        evs = outbox.read_after(uow.conn, ctx.tenant_id, 0, 100)
        assert [e.seq for e in evs] == [1, 2, 3, 4, 5]
        assert [e.payload["i"] for e in evs] == [0, 1, 2, 3, 4]
        assert [e.seq for e in outbox.read_after(uow.conn, ctx.tenant_id, 3, 100)] == [4, 5]


def test_rolled_back_change_publishes_nothing(db, ctx):
    try:
        with db.uow(ctx) as uow:
            uow.emit(_event(1))
            uow.flush_side_effects()  # rows written inside the transaction …
            raise RuntimeError("crash before commit")
    except RuntimeError:
        pass
    with db.uow(ctx) as uow:
        assert outbox.read_after(uow.conn, ctx.tenant_id, 0, 10) == []
        assert outbox.last_seq(uow.conn, ctx.tenant_id) == 0  # the sequence did not advance either


def test_uncommitted_event_is_invisible_to_readers(db, ctx, db_url):
    reader = sa.create_engine(db_url)  # a plain reader: deferred transactions, never takes the write lock
    try:
        with db.uow(ctx) as uow:
            uow.emit(_event(7))
            uow.flush_side_effects()
            with reader.connect() as rc:
                n = rc.execute(
                    sa.select(sa.func.count()).select_from(outbox_event).where(outbox_event.c.tenant_id == ctx.tenant_id)
                ).scalar()
                assert n == 0
            uow.commit()
    finally:
        reader.dispose()


WRITER = textwrap.dedent(
    """
    import sys
    from datetime import date, timedelta
    import sqlalchemy as sa
    from kikan.adapters.db.database import Database
    from kikan.adapters.db.tables.core import closure_day
    from kikan.core.events import DomainEvent
    from kikan.core.tenancy import Actor, TenantContext
    db = Database(sys.argv[1])
    ctx = TenantContext(sys.argv[2], Actor("writer"))
    i = 0
    while True:
        with db.uow(ctx) as uow:
            uow.conn.execute(sa.insert(closure_day), {"tenant_id": ctx.tenant_id,
                             "day": date(2000, 1, 1) + timedelta(i), "name": "crash"})
            uow.audit("test.write", "create", target_id=str(i))
            uow.emit(DomainEvent("ClosureDayAdded", "closure_day", str(i), {"i": i}))
            uow.commit()
        print(i, flush=True)
        i += 1
    """
)


def test_kill_minus_nine_never_loses_or_exposes_events(db, ctx, db_url):
    """Kill a writer at random moments; committed changes and events always match 1:1."""
    rng = random.Random(1234)
    seen = 0
    for _round in range(3):
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, db_url, ctx.tenant_id], stdout=subprocess.PIPE, text=True, env=env
        )
        first = proc.stdout.readline()  # type: ignore[union-attr]
        assert first.strip().isdigit(), first
        time.sleep(rng.uniform(0.05, 0.4))
        os.kill(proc.pid, signal.SIGKILL)  # possibly in the middle of a transaction
        out, _ = proc.communicate(timeout=30)
        acknowledged = {int(first)} | {int(x) for x in out.split() if x.isdigit()}
        with db.uow(ctx) as uow:
            days = uow.conn.execute(
                sa.select(closure_day.c.day).where(closure_day.c.tenant_id == ctx.tenant_id)
            ).scalars().all()
            evs = outbox.read_after(uow.conn, ctx.tenant_id, seen, 1_000_000)
            uow.conn.execute(sa.delete(closure_day).where(closure_day.c.tenant_id == ctx.tenant_id))
            uow.commit()
        changes = {(d - date(2000, 1, 1)).days for d in days}
        published = [e.payload["i"] for e in evs]
        assert sorted(published) == sorted(changes), "a change without its event, or an event without its change"
        assert acknowledged <= changes, "an acknowledged commit was lost"
        assert [e.seq for e in evs] == list(range(seen + 1, seen + 1 + len(evs))), "gap or duplicate in sequence"
        seen += len(evs)
    assert seen > 0
