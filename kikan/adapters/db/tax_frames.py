"""Set-based reads into polars frames and bulk writes from them, inside a unit of work.

PostgreSQL: ``COPY (SELECT …) TO STDOUT (FORMAT CSV)`` parsed by polars' CSV reader (Rust, no Python
object per row), and ``COPY … FROM STDIN (FORMAT CSV)`` of a frame written by polars. PostgreSQL
refuses ``COPY FROM`` into a table with row-level security for a role subject to it, so rows go
through a session-local staging table (not WAL-logged, dropped at commit) and one
``INSERT … SELECT``, which RLS checks like any insert (same approach as :mod:`.bulk`). Values
shared by every row (tenant, run, times) are bound once in that ``INSERT … SELECT``. (Tried and
dropped: ``INSERT … SELECT FROM unnest(…)`` of binary arrays built with numpy — PostgreSQL's
per-element cost of a multi-array ``unnest`` made it slower than the staging copy.)
SQLite (embedded, small tenants): ``fetchall`` into a frame, ``executemany`` with each column
type's bind processing. Both run on the unit of work's connection: one transaction.
"""

from __future__ import annotations

import io
import json
import zlib
from collections.abc import Mapping
from typing import Any

import polars as pl
import sqlalchemy as sa


def read_frame(conn: sa.Connection, stmt: sa.Select[Any], schema: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Run ``stmt`` and return its rows as a frame with ``schema`` (column order of the select)."""
    names = list(schema)
    if conn.dialect.name != "postgresql":
        rows = conn.execute(stmt).all()
        return pl.DataFrame([tuple(r) for r in rows], schema=dict(schema), orient="row")
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    raw: Any = conn.connection.driver_connection
    buf = io.BytesIO()
    with raw.cursor() as cur, cur.copy(f"COPY ({compiled}) TO STDOUT (FORMAT CSV)", compiled.params) as copy:
        for data in copy:
            buf.write(data)
    if buf.tell() == 0:
        return pl.DataFrame(schema=dict(schema))
    buf.seek(0)
    return pl.read_csv(buf, has_header=False, new_columns=names, schema=dict(schema))


def write_frame(
    conn: sa.Connection, table: sa.Table, df: pl.DataFrame, const: Mapping[str, Any] | None = None
) -> int:
    """Insert every row of ``df`` (columns named as the table's) into ``table``; returns the count.

    ``const``: values shared by every row (sent once, not per row). JSON columns hold JSON text.
    """
    if df.is_empty():
        return 0
    const = dict(const or {})
    if conn.dialect.name != "postgresql":
        return _executemany(conn, table, df.with_columns(*[pl.lit(v).alias(k) for k, v in const.items()]))
    columns = df.columns
    cols = ", ".join(f'"{c}"' for c in columns)
    names = cols + "".join(f', "{k}"' for k in const)
    values = cols + "".join(f", %(k{i})s" for i in range(len(const)))
    stage = f"_stage_{table.name[:30]}_{zlib.crc32(cols.encode()):08x}"
    raw: Any = conn.connection.driver_connection
    with raw.cursor() as cur:
        cur.execute(
            f'CREATE TEMP TABLE IF NOT EXISTS "{stage}" ON COMMIT DROP AS SELECT {cols} FROM "{table.name}" WITH NO DATA'
        )
        with cur.copy(f'COPY "{stage}" ({cols}) FROM STDIN (FORMAT CSV)') as copy:
            for part in df.iter_slices(50_000):
                copy.write(part.write_csv(include_header=False))
        params = {f"k{i}": v for i, v in enumerate(const.values())}
        cur.execute(f'INSERT INTO "{table.name}" ({names}) SELECT {values} FROM "{stage}"', params)
        cur.execute(f'TRUNCATE "{stage}"')
    return df.height


def _executemany(conn: sa.Connection, table: sa.Table, df: pl.DataFrame) -> int:
    json_cols = {c for c in df.columns if isinstance(table.c[c].type, sa.JSON)}
    rows = [
        {c: (json.loads(v) if c in json_cols and isinstance(v, str) else v) for c, v in row.items()}
        for row in df.iter_rows(named=True)
    ]
    conn.execute(sa.insert(table), rows)
    return len(rows)
