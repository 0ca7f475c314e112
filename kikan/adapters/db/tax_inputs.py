"""Set-based reads of what one chunk of the assessment needs, as known at ``known_at``.

Every query filters ``tenant_id`` (SQLite has no row-level security) and the time the tax business
received the data (``received_at <= known_at``), so a rerun as of the same ``known_at`` reads the
same rows. "Latest version as known then" is an anti-join on the version key (portable, indexed).
Keys are selected either by a 宛名番号 range (batch chunks) or by a list (corrections, API).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import polars as pl
import sqlalchemy as sa

from kikan.adapters.db.tables.tax import (
    tax_assessment,
    tax_income_record,
    tax_income_relative,
    tax_non_resident_holder,
    tax_registry_row,
)
from kikan.adapters.db.tax_frames import read_frame
from kikan.tax.individual_resident.assessment import (
    HOLDER_SCHEMA,
    PREVIOUS_SCHEMA,
    RELATIVE_SCHEMA,
    ChunkInput,
)
from kikan.tax.individual_resident.combine import RECORD_SCHEMA
from kikan.tax.individual_resident.income_records import RECORD_INPUTS, RELATIVE_FIELDS
from kikan.tax.individual_resident.taxpayers import REGISTRY_SCHEMA

Keys = tuple[str, str] | list[str] | None


def _keys(col: sa.ColumnElement[Any], keys: Keys) -> sa.ColumnElement[bool]:
    if keys is None:
        return sa.true()
    if isinstance(keys, tuple):
        return col.between(keys[0], keys[1])
    return col.in_(list(keys))


def registry_rows(
    conn: sa.Connection, tenant_id: str, known_at: datetime, *, keys: Keys = None
) -> pl.DataFrame:
    r = tax_registry_row.c
    q = (
        sa.select(*[r[k] for k in REGISTRY_SCHEMA])
        .where(r.tenant_id == tenant_id, r.received_at <= known_at, _keys(r.addressee_no, keys))
        .order_by(r.addressee_no, r.history_no)
    )
    return read_frame(conn, q, REGISTRY_SCHEMA)


def holders(
    conn: sa.Connection, tenant_id: str, fiscal_year: int, known_at: datetime, *, keys: Keys = None
) -> pl.DataFrame:
    """家屋敷課税 holders of the year: the latest version known then, unless retracted."""
    h = tax_non_resident_holder
    n = h.alias("newer")
    newer = sa.exists().where(
        n.c.tenant_id == h.c.tenant_id, n.c.fiscal_year == h.c.fiscal_year, n.c.addressee_no == h.c.addressee_no,
        n.c.version > h.c.version, n.c.received_at <= known_at, _keys(n.c.addressee_no, keys),
    )  # fmt: skip
    q = (
        sa.select(h.c.addressee_no, h.c.birth_date)
        .where(
            h.c.tenant_id == tenant_id,
            h.c.fiscal_year == fiscal_year,
            h.c.received_at <= known_at,
            _keys(h.c.addressee_no, keys),
            ~newer,
            h.c.retracted.is_(False),
        )  # fmt: skip
        .order_by(h.c.addressee_no)
    )
    return read_frame(conn, q, HOLDER_SCHEMA)


def _latest_records(
    tenant_id: str, fiscal_year: int, known_at: datetime, keys: Keys
) -> tuple[sa.Table, list[Any]]:
    """Latest version known then of each record; a record keeps its person and year in every version."""
    rec = tax_income_record
    n = rec.alias("newer_record")
    newer = sa.exists().where(
        n.c.tenant_id == rec.c.tenant_id, n.c.fiscal_year == rec.c.fiscal_year, n.c.addressee_no == rec.c.addressee_no,
        n.c.record_id == rec.c.record_id, n.c.version > rec.c.version, n.c.received_at <= known_at,
        _keys(n.c.addressee_no, keys),  # the same person in every version: lets the planner use the range
    )  # fmt: skip
    where = [rec.c.tenant_id == tenant_id, rec.c.fiscal_year == fiscal_year, rec.c.received_at <= known_at,
             _keys(rec.c.addressee_no, keys), ~newer, rec.c.retracted.is_(False)]  # fmt: skip
    return rec, where


def records(
    conn: sa.Connection, tenant_id: str, fiscal_year: int, known_at: datetime, *, keys: Keys = None
) -> pl.DataFrame:
    """Latest version of every 課税資料 of the year known then; ``seq`` = the order received."""
    rec, where = _latest_records(tenant_id, fiscal_year, known_at, keys)
    c = rec.c
    q = sa.select(
        c.record_id, c.version, c.addressee_no, c.source_kind, c.payer_id, sa.cast(c.special_collection, sa.Integer),
        sa.cast(c.received_at, sa.String), *[c[k] for k in RECORD_INPUTS],
    ).where(*where)  # fmt: skip
    schema = {**{k: v for k, v in RECORD_SCHEMA.items() if k != "seq"}, "received": pl.String()}
    schema = {k: schema[k] for k in [*list(RECORD_SCHEMA)[:6], "received", *RECORD_INPUTS]}
    df = read_frame(conn, q, schema).sort("received", "record_id")
    return df.with_columns(seq=pl.int_range(0, df.height, dtype=pl.Int64)).select(list(RECORD_SCHEMA))


def relatives(
    conn: sa.Connection, tenant_id: str, fiscal_year: int, known_at: datetime, *, keys: Keys = None
) -> pl.DataFrame:
    """Relatives of every version of the range's records (the caller keeps those of the latest)."""
    rel = tax_income_relative.c
    q = sa.select(rel.record_id, rel.version, rel.seq, *[rel[k] for k in RELATIVE_FIELDS]).where(
        rel.tenant_id == tenant_id, rel.fiscal_year == fiscal_year, _keys(rel.addressee_no, keys)
    )
    return read_frame(conn, q, RELATIVE_SCHEMA)


def previous_pension(
    conn: sa.Connection, tenant_id: str, fiscal_year: int, known_at: datetime, *, keys: Keys = None
) -> pl.DataFrame:
    """Last year's 年金特徴 part and its February amount (current version as known then)."""
    a = tax_assessment
    n = a.alias("newer_assessment")
    newer = sa.exists().where(
        n.c.tenant_id == a.c.tenant_id, n.c.fiscal_year == a.c.fiscal_year, n.c.addressee_no == a.c.addressee_no,
        n.c.version > a.c.version, n.c.recorded_at <= known_at, _keys(n.c.addressee_no, keys),
    )  # fmt: skip
    q = sa.select(a.c.addressee_no, a.c.pension_amount, sa.cast(a.c.installments, sa.Text)).where(
        a.c.tenant_id == tenant_id, a.c.fiscal_year == fiscal_year - 1, a.c.recorded_at <= known_at,
        _keys(a.c.addressee_no, keys), ~newer, a.c.pension_amount > 0,
    )  # fmt: skip
    df = read_frame(conn, q, {"addressee_no": pl.String(), "previous_total": pl.Int64(), "doc": pl.String()})
    feb = pl.col("doc").str.json_path_match("$.pension[5]").cast(pl.Int64).fill_null(0)
    return df.select("addressee_no", "previous_total", feb.alias("previous_february")).cast(PREVIOUS_SCHEMA)  # type: ignore[arg-type]


def chunk_input(
    conn: sa.Connection, tenant_id: str, fiscal_year: int, known_at: datetime, keys: Keys
) -> ChunkInput:
    """Everything :func:`~kikan.tax.individual_resident.assessment.assess` needs for these keys."""
    if conn.dialect.name == "postgresql":
        # These index-range queries run in well under a second; PostgreSQL's JIT would spend ~0.4 s
        # compiling each of them, and parallel workers only compete for the same cores.
        conn.exec_driver_sql("SET LOCAL jit = off")
        conn.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
    recs = records(conn, tenant_id, fiscal_year, known_at, keys=keys)
    rels = relatives(conn, tenant_id, fiscal_year, known_at, keys=keys)
    return ChunkInput(
        registry=registry_rows(conn, tenant_id, known_at, keys=keys),
        holders=holders(conn, tenant_id, fiscal_year, known_at, keys=keys),
        records=recs,
        relatives=rels.join(recs.select("record_id", "version"), on=["record_id", "version"], how="semi"),
        previous=previous_pension(conn, tenant_id, fiscal_year, known_at, keys=keys),
    )


def all_keys(conn: sa.Connection, tenant_id: str, fiscal_year: int, known_at: datetime) -> list[str]:
    """Every 宛名番号 the tax business knows (registry copy and the year's holders), sorted."""
    r, h = tax_registry_row.c, tax_non_resident_holder.c
    q = sa.union(
        sa.select(r.addressee_no).where(r.tenant_id == tenant_id, r.received_at <= known_at),
        sa.select(h.addressee_no).where(
            h.tenant_id == tenant_id, h.fiscal_year == fiscal_year, h.received_at <= known_at
        ),
    )
    return sorted(x for (x,) in conn.execute(q).all())
