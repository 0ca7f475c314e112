"""Bulk row loading inside a unit of work: PostgreSQL ``COPY``, SQLite ``executemany``.

Both run on the unit of work's own connection, so the rows belong to its transaction (and, on
PostgreSQL, pass row-level security through the ``app.tenant_id`` it set): a failure rolls
everything back. Values are plain Python (str, int, bool, date, aware datetime, None) in the
order of ``columns``; omitted columns with a scalar default get it, as with SQLAlchemy.

- PostgreSQL: ``COPY … FROM STDIN (FORMAT BINARY)`` through psycopg 3's ``Cursor.copy()``, column
  types taken from the table definition (binary is about twice as fast as text for wide rows:
  nothing to escape or parse). PostgreSQL refuses ``COPY FROM`` into a table with
  row-level security for a role subject to it ("COPY FROM not supported with row-level
  security"), so for such tables the rows are copied into a temporary staging table (session-local,
  not WAL-logged, dropped at commit) and moved with one ``INSERT … SELECT`` — which RLS checks
  (``WITH CHECK``): a row of another tenant is refused, as with a plain INSERT.
- SQLite: one ``executemany`` per call with each column type's own bind processing (dates as ISO
  text, UTC timestamps naive, booleans 0/1), i.e. exactly what SQLAlchemy would store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


def _quoted(names: Sequence[str]) -> str:
    return ", ".join(f'"{n}"' for n in names)


def insert_rows(
    conn: sa.Connection, table: sa.Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Load ``rows`` (tuples in ``columns`` order) into ``table``; returns the number of rows."""
    missing = [c for c in columns if c not in table.c]
    if missing:
        raise ValueError(f"{table.name} has no column(s) {missing}")
    defaults = [(c.name, getattr(c.default, "arg", None)) for c in table.c
                if c.name not in columns and c.default is not None and c.default.is_scalar]  # fmt: skip
    if defaults:  # the column defaults SQLAlchemy would have applied
        extra = tuple(v for _, v in defaults)
        columns = [*columns, *(n for n, _ in defaults)]
        rows = ((*row, *extra) for row in rows)
    dbapi_error = conn.dialect.loaded_dbapi.Error
    try:
        if conn.dialect.name == "postgresql":
            return _copy(conn, table, columns, rows)
        return _executemany(conn, table, columns, rows)
    except dbapi_error as exc:  # the same exception types as SQLAlchemy's own execute (IntegrityError …)
        raise sa.exc.DBAPIError.instance(f"bulk insert into {table.name}", None, exc, dbapi_error,
                                         dialect=conn.dialect) from exc  # fmt: skip


def insert_dicts(
    conn: sa.Connection, table: sa.Table, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]
) -> int:
    """Same as :func:`insert_rows` for mappings (absent keys → NULL)."""
    return insert_rows(conn, table, columns, ([r.get(c) for c in columns] for r in rows))


def _copy(conn: sa.Connection, table: sa.Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    raw: Any = conn.connection.driver_connection
    cols = _quoted(columns)
    staged = bool(table.info.get("rls"))
    target = f"_bulk_{table.name}" if staged else table.name
    n = 0
    with raw.cursor() as cur:
        if staged:
            cur.execute(
                f'CREATE TEMP TABLE IF NOT EXISTS "{target}" (LIKE "{table.name}" INCLUDING DEFAULTS) ON COMMIT DROP'
            )
        with cur.copy(f'COPY "{target}" ({cols}) FROM STDIN (FORMAT BINARY)') as copy:
            copy.set_types([_pg_type(table.c[c]) for c in columns])
            for row in rows:
                copy.write_row(row)
                n += 1
        if staged:
            cur.execute(f'INSERT INTO "{table.name}" ({cols}) SELECT {cols} FROM "{target}"')
            cur.execute(f'TRUNCATE "{target}"')
    return n


def _pg_type(column: sa.Column[Any]) -> str:
    """The PostgreSQL type name psycopg needs for binary COPY: ``VARCHAR(15)`` → ``varchar``."""
    return re.sub(r"\(.*\)", "", column.type.compile(dialect=postgresql.dialect())).strip().lower()


def _executemany(
    conn: sa.Connection, table: sa.Table, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    dialect = conn.dialect
    procs = [
        (i, p) for i, c in enumerate(columns) if (p := table.c[c].type.bind_processor(dialect)) is not None
    ]

    def bound(row: Sequence[Any]) -> Sequence[Any]:
        if not procs:
            return row
        out = list(row)
        for i, p in procs:
            if out[i] is not None:
                out[i] = p(out[i])
        return out

    sql = f'INSERT INTO "{table.name}" ({_quoted(columns)}) VALUES ({", ".join("?" * len(columns))})'
    raw: Any = conn.connection.driver_connection
    cur = raw.cursor()
    try:
        before = raw.total_changes
        cur.executemany(sql, (bound(r) for r in rows))
        return int(raw.total_changes - before)
    finally:
        cur.close()
