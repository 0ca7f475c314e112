"""Reads of the resident registry's current state for its published datasets.

Only the registry's own modules and this linkage layer (which publishes the registry's datasets)
read ``juki_*`` tables; other businesses pull the datasets. Every query filters ``tenant_id``
(SQLite has no row-level security) and selects only the published columns — the encrypted
個人番号 and its lookup hash are never read here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.tables.juki import juki_history, juki_household, juki_resident
from kikan.linkage import records

h, r, hh = juki_history.c, juki_resident.c, juki_household.c
_RESIDENT_COLUMNS = [h[n] for n in records.RESIDENT_NAMES]
_CURRENT = sa.and_(r.tenant_id == h.tenant_id, r.addressee_no == h.addressee_no, r.history_no == h.history_no)


def residents_after(conn: sa.Connection, tenant_id: str, last_key: str, limit: int) -> list[dict[str, Any]]:
    """Current records (residents and 除票), 宛名番号 ascending, after ``last_key`` (keyset paging)."""
    q = (
        sa.select(*_RESIDENT_COLUMNS)
        .join(juki_resident, _CURRENT)
        .where(h.tenant_id == tenant_id, r.tenant_id == tenant_id, h.addressee_no > last_key)
        .order_by(h.addressee_no)
        .limit(limit)
    )
    return [records.resident(dict(row._mapping)) for row in conn.execute(q).all()]


def members(conn: sa.Connection, tenant_id: str, household_nos: Iterable[str]) -> dict[str, list[str]]:
    """Present residents of each household, in 世帯員の並び順 (then 宛名番号)."""
    nos = list(dict.fromkeys(household_nos))
    out: dict[str, list[str]] = {n: [] for n in nos}
    if not nos:
        return out
    q = (
        sa.select(r.household_no, r.addressee_no, h.household_order)
        .join(juki_history, _CURRENT)
        .where(
            r.tenant_id == tenant_id,
            h.tenant_id == tenant_id,
            r.household_no.in_(nos),
            r.status == "resident",
        )
    )
    rows = sorted(conn.execute(q).all(), key=lambda x: (x.household_order or 0, x.addressee_no))
    for row in rows:
        out[row.household_no].append(row.addressee_no)
    return out


def households(
    conn: sa.Connection, tenant_id: str, household_nos: Iterable[str]
) -> dict[str, dict[str, Any]]:
    nos = list(dict.fromkeys(household_nos))
    if not nos:
        return {}
    q = sa.select(juki_household).where(hh.tenant_id == tenant_id, hh.household_no.in_(nos))
    rows = {row.household_no: dict(row._mapping) for row in conn.execute(q).all()}
    mem = members(conn, tenant_id, rows)
    return {no: records.household(row, mem[no]) for no, row in rows.items()}


def households_after(conn: sa.Connection, tenant_id: str, last_key: str, limit: int) -> list[dict[str, Any]]:
    q = (
        sa.select(juki_household)
        .where(hh.tenant_id == tenant_id, hh.household_no > last_key)
        .order_by(hh.household_no)
        .limit(limit)
    )
    rows = [dict(row._mapping) for row in conn.execute(q).all()]
    mem = members(conn, tenant_id, (x["household_no"] for x in rows))
    return [records.household(x, mem[x["household_no"]]) for x in rows]


def household_id(data: dict[str, Any]) -> str:
    return f"{data['household_no']}@{data['version']}"
