"""A bounded, read-only transaction for EUC extracts: it never slows the counter.

Basis: 住民記録システム標準仕様書 10.1 EUC「オンライン処理に影響を与えないこと」.

- PostgreSQL: its own connection, ``REPEATABLE READ`` + ``READ ONLY`` (one consistent snapshot,
  no locks that block writers under MVCC), ``statement_timeout`` set transaction-locally
  (``set_config(…, true)`` = ``SET LOCAL``), ``app.tenant_id`` for row-level security. In a
  vendor cloud this connection can point at a read replica; nothing else changes.
- SQLite: the application engine opens every transaction with ``BEGIN IMMEDIATE`` (the write
  lock); an extract must not hold that. So EUC reads through a separate engine on the same file
  that opens a plain deferred ``BEGIN`` with ``PRAGMA query_only`` — in WAL mode a reader never
  blocks a writer — and a progress handler that interrupts the statement past its deadline.

A query stopped by its time limit becomes :class:`EucTimeout` (a 4xx telling the user to narrow
the conditions), never a 5xx.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

from kikan.adapters.db.database import Database
from kikan.core.errors import DomainError


class EucTimeout(DomainError):
    status = 422
    code = "euc_timeout"


TIMEOUT_MESSAGE = "抽出が制限時間（{s}秒）を超えたため中止しました。条件を絞り込んでください"
_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def _sqlite_engine(url: str) -> Engine:
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

            @event.listens_for(engine, "connect")
            def _on_connect(dbapi_conn: Any, _rec: Any) -> None:
                dbapi_conn.isolation_level = None
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA busy_timeout=30000")
                cur.execute("PRAGMA query_only=ON")
                cur.close()

            @event.listens_for(engine, "begin")
            def _on_begin(conn: sa.Connection) -> None:
                conn.exec_driver_sql("BEGIN")  # deferred: a read snapshot, no write lock

            _engines[url] = engine
        return engine


def _is_timeout(exc: sa.exc.DBAPIError) -> bool:
    orig = exc.orig
    return getattr(orig, "sqlstate", None) == "57014" or "interrupted" in str(orig).lower()


@contextmanager
def read_only(db: Database, tenant_id: str, *, timeout_ms: int) -> Iterator[sa.Connection]:
    """``with read_only(db, tenant, timeout_ms=…) as conn:`` — rolled back on leaving."""
    try:
        if db.dialect == "postgresql":
            with db.engine.connect() as raw:
                conn = raw.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
                with conn.begin() as tx:
                    conn.execute(
                        sa.text("SELECT set_config('statement_timeout', :v, true)"), {"v": f"{timeout_ms}ms"}
                    )
                    conn.execute(sa.text("SELECT set_config('app.tenant_id', :t, true)"), {"t": tenant_id})
                    try:
                        yield conn
                    finally:
                        tx.rollback()
        else:
            with _sqlite_engine(db.url).connect() as conn:
                driver: Any = conn.connection.driver_connection
                deadline = time.monotonic() + timeout_ms / 1000
                driver.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 5000)
                try:
                    with conn.begin() as tx:
                        try:
                            yield conn
                        finally:
                            tx.rollback()
                finally:
                    driver.set_progress_handler(None, 0)
    except sa.exc.DBAPIError as exc:
        if _is_timeout(exc):
            raise EucTimeout(TIMEOUT_MESSAGE.format(s=timeout_ms // 1000 or 1), field="抽出条件") from None
        raise


def dispose() -> None:
    with _lock:
        for e in _engines.values():
            e.dispose()
        _engines.clear()
