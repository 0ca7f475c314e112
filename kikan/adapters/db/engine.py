"""Engines for the embedded default (SQLite) and production (PostgreSQL).

SQLite: WAL, foreign keys, and ``BEGIN IMMEDIATE`` so that a transaction that reads and then
writes never fails half-way with SQLITE_BUSY; writers queue on ``busy_timeout``.
PostgreSQL: the application switches to a role without BYPASSRLS (``SET ROLE``) on every
connection, so row-level security applies even when the login role is the table owner. A
connection that a server restart cut is found by ``pool_pre_ping`` when it is checked out and
replaced (SQLAlchemy then also drops the older pooled connections, which died with it); a server
that cannot be reached fails within ``connect_timeout`` seconds (unless the URL sets its own), so
the request ends as a 503 (``kikan.adapters.api.errors``) instead of hanging.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine


def _sqlite_path(url: str) -> Path | None:
    u = sa.engine.make_url(url)
    if u.database and u.database != ":memory:":
        return Path(u.database)
    return None


#: seconds to wait for a PostgreSQL connection (libpq's default is to wait for the OS TCP timeout)
CONNECT_TIMEOUT = 5


def make_engine(url: str, *, app_role: str | None = None, pool_size: int = 10) -> Engine:
    """Create an engine. ``app_role`` is only used on PostgreSQL (None for migrations)."""
    if url.startswith("sqlite"):
        path = _sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _rec: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: sa.Connection) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine

    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in sa.engine.make_url(url).query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT
    engine = sa.create_engine(
        url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True, connect_args=connect_args
    )
    if app_role:

        @event.listens_for(engine, "connect")
        def _set_role(dbapi_conn: Any, _rec: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute(f'SET ROLE "{app_role}"')
            cur.close()
            dbapi_conn.commit()

    return engine
