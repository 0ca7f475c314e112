"""Reading the present residents for the disaster list, from the live database or from a backup.

Basis: 非機能要件の標準 (registry data usable within 72 hours after a disaster; standards.md §6).
A backup is read **read-only** and needs nothing of kikan but these table definitions: a SQLite file
(opened ``mode=ro``; the file is never modified) or a PostgreSQL URL of a cluster the backup was
restored into (a read-only transaction with ``app.tenant_id`` set, so row-level security still
applies to a role subject to it).  Reading from the live database writes the usual access log row;
from a backup the access record is written next to the list (the live log may be gone).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.database import Database
from kikan.adapters.db.tables.core import tenant as tenant_table
from kikan.adapters.db.tables.juki import juki_history, juki_resident
from kikan.core.temporal import JST
from kikan.core.tenancy import TenantContext
from kikan.migration.disaster import Person

h, r = juki_history.c, juki_resident.c
_COLUMNS = (h.addressee_no, h.household_no, h.family_name, h.given_name, h.family_name_kana, h.given_name_kana,
            h.birth_date, h.sex, h.relationship, h.address, h.katagaki, h.town_code, h.resident_kind, h.alpha_name,
            h.tsusho, h.head_name, h.household_order)  # fmt: skip


def backup_url(source: str) -> str:
    """``--from-backup``: a PostgreSQL URL as is, else a SQLite file opened read-only."""
    if source.startswith("postgresql"):
        return source.replace("postgresql://", "postgresql+psycopg://", 1)
    path = Path(source).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"バックアップファイル {source} がありません")
    return f"sqlite:///file:{path}?mode=ro&uri=true"


def _query(tenant_id: str) -> sa.Select[Any]:
    return (
        sa.select(*_COLUMNS)
        .join(juki_resident, sa.and_(r.tenant_id == h.tenant_id, r.addressee_no == h.addressee_no,
                                     r.history_no == h.history_no))
        .where(h.tenant_id == tenant_id, r.tenant_id == tenant_id, r.status == "resident")
    )  # fmt: skip


def _person(x: Any) -> Person:
    kana = "\u3000".join(k for k in (x.family_name_kana, x.given_name_kana) if k)
    return Person(
        addressee_no=x.addressee_no, household_no=x.household_no or "", family_name=x.family_name or "",
        given_name=x.given_name or "", kana=kana, birth_date=x.birth_date, sex=x.sex or "",
        relationship=x.relationship or "", address=x.address or "", katagaki=x.katagaki or "",
        town_code=x.town_code or "", resident_kind=x.resident_kind or "", alpha_name=x.alpha_name or "",
        tsusho=x.tsusho or "", head_name=x.head_name or "", household_order=x.household_order or 0,
    )  # fmt: skip


def _as_of(conn: sa.Connection, tenant_id: str) -> dt.date:
    newest = conn.execute(sa.select(sa.func.max(h.recorded_at)).where(h.tenant_id == tenant_id)).scalar()
    if newest is None:
        return dt.datetime.now(JST).date()
    if isinstance(newest, str):  # SQLite through a plain engine
        newest = dt.datetime.fromisoformat(newest)
    if newest.tzinfo is None:
        newest = newest.replace(tzinfo=dt.UTC)
    return newest.astimezone(JST).date()


def _municipality(conn: sa.Connection, tenant_id: str) -> str:
    t = tenant_table.c
    row = conn.execute(sa.select(t.prefecture_name, t.name).where(t.tenant_id == tenant_id)).first()
    return f"{row.prefecture_name}{row.name}（{tenant_id}）" if row else tenant_id


def read_live(db: Database, ctx: TenantContext) -> tuple[list[Person], dt.date, str]:
    """(present residents, 基準日, 団体名) from the live database; audited as a read."""
    with db.control() as conn:
        name = _municipality(conn, ctx.tenant_id)
    with db.uow(ctx) as uow:
        persons = [_person(x) for x in uow.conn.execute(_query(uow.tenant_id))]
        as_of = _as_of(uow.conn, uow.tenant_id)
        uow.audit("migration.disaster_export", "read", target_type="juki_history",
                  detail=f"災害時用住民一覧 {len(persons)}人")  # fmt: skip
        uow.commit()
    return persons, as_of, name


@contextmanager
def _backup_connection(url: str, tenant_id: str) -> Iterator[sa.Connection]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn, conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                conn.execute(sa.text("SELECT set_config('app.tenant_id', :t, true)"), {"t": tenant_id})
            yield conn
    finally:
        engine.dispose()


def read_backup(source: str, tenant_id: str) -> tuple[list[Person], dt.date, str]:
    """(present residents, 基準日, 団体名) from a backup, read-only."""
    with _backup_connection(backup_url(source), tenant_id) as conn:
        persons = [_person(x) for x in conn.execute(_query(tenant_id))]
        return persons, _as_of(conn, tenant_id), _municipality(conn, tenant_id)
