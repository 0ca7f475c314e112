"""The database handle and the unit of work.

A unit of work is one transaction scoped to one tenant. Domain events and audit entries
collected during it are written just before commit, in the same transaction, so that a
change, its audit trail and its events are either all committed or none is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from types import TracebackType

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kikan.adapters.db import audit_store, outbox
from kikan.adapters.db.engine import make_engine
from kikan.core.audit import AuditEntry
from kikan.core.events import DomainEvent
from kikan.core.temporal import Clock, SystemClock
from kikan.core.tenancy import TenantContext


class Database:
    def __init__(self, url: str, *, app_role: str | None = "kikan_app", clock: Clock | None = None):
        self.url = url
        self.engine: Engine = make_engine(url, app_role=app_role if url.startswith("postgresql") else None)
        self.clock: Clock = clock or SystemClock()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def uow(self, ctx: TenantContext) -> UnitOfWork:
        return UnitOfWork(self, ctx)

    @contextmanager
    def control(self) -> Iterator[sa.Connection]:
        """A transaction on the control plane (tenants, accounts, sessions); no tenant set."""
        with self.engine.begin() as conn:
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()


class UnitOfWork:
    def __init__(self, db: Database, ctx: TenantContext):
        self.db = db
        self.ctx = ctx
        self.tenant_id = ctx.tenant_id
        self.actor = ctx.actor
        self._events: list[DomainEvent] = []
        self._audits: list[AuditEntry] = []
        self._conn: sa.Connection | None = None
        self._tx: sa.RootTransaction | None = None
        self.now: datetime = db.clock.now()
        self.committed_seqs: list[int] = []

    @property
    def conn(self) -> sa.Connection:
        if self._conn is None:
            raise RuntimeError("unit of work is not open")
        return self._conn

    def __enter__(self) -> UnitOfWork:
        self._conn = self.db.engine.connect()
        self._tx = self._conn.begin()
        if self._conn.dialect.name == "postgresql":
            self._conn.execute(
                sa.text("SELECT set_config('app.tenant_id', :t, true)"), {"t": self.tenant_id}
            )
        return self

    def emit(self, *events: DomainEvent) -> None:
        self._events.extend(events)

    def audit(
        self,
        function: str,
        action: str,
        *,
        target_type: str = "",
        target_id: str = "",
        mynumber_shown: bool = False,
        detail: str = "",
    ) -> None:
        a = self.actor
        self._audits.append(
            AuditEntry(
                actor=a.actor_id, function=function, action=action, target_type=target_type,
                target_id=target_id, mynumber_shown=mynumber_shown, client_addr=a.client_addr,
                terminal=a.terminal, request_id=a.request_id, detail=detail,
            )
        )

    def flush_side_effects(self) -> None:
        """Write collected audit rows and events (audit first: one lock order everywhere)."""
        audit_store.append(self.conn, self.tenant_id, self.now, self._audits)
        self.committed_seqs += outbox.append(self.conn, self.tenant_id, self.now, self._events)
        self._audits, self._events = [], []

    def commit(self) -> None:
        self.flush_side_effects()
        assert self._tx is not None
        self._tx.commit()

    def rollback(self) -> None:
        if self._tx is not None and self._tx.is_active:
            self._tx.rollback()
        self._audits, self._events = [], []

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.rollback()
        finally:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
