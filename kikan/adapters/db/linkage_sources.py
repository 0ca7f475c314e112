"""Reads of the resident registry's current state for its published datasets.

Only the registry's own modules and this linkage layer (which publishes the registry's datasets)
read ``juki_*`` tables; other businesses pull the datasets. Every query filters ``tenant_id``
(SQLite has no row-level security) and selects only the published columns — the encrypted
個人番号 and its lookup hash are never read here, nor the reason or details of a 支援措置.

支援措置 (``juki_block`` rows of kind ``support``, per 宛名番号): a person is *protected* while a
measure of theirs is not ended (``released_on`` empty; an extended row is closed by its successor,
which is open). The registry enforces a measure from its start date; the linkage flags it from its
registration, because no event marks the start date and other businesses should not wait for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.tables.juki import juki_block, juki_history, juki_household, juki_resident
from kikan.linkage import records

h, r, hh, b = juki_history.c, juki_resident.c, juki_household.c, juki_block.c
_RESIDENT_COLUMNS = [h[n] for n in records.RESIDENT_NAMES]
_CURRENT = sa.and_(r.tenant_id == h.tenant_id, r.addressee_no == h.addressee_no, r.history_no == h.history_no)


_SUPPORT = b.kind == "support"
_OPEN = b.released_on.is_(None)


def protected(conn: sa.Connection, tenant_id: str, addressee_nos: Iterable[str]) -> set[str]:
    """Those of ``addressee_nos`` under a 支援措置 not ended (see the module docstring)."""
    nos = sorted(set(addressee_nos))
    if not nos:
        return set()
    q = sa.select(b.addressee_no).where(b.tenant_id == tenant_id, _SUPPORT, _OPEN, b.addressee_no.in_(nos))
    return {row.addressee_no for row in conn.execute(q).all()}


def residents_after(conn: sa.Connection, tenant_id: str, last_key: str, limit: int) -> list[dict[str, Any]]:
    """Current records (residents and 除票), 宛名番号 ascending, after ``last_key`` (keyset paging)."""
    q = (
        sa.select(*_RESIDENT_COLUMNS)
        .join(juki_resident, _CURRENT)
        .where(h.tenant_id == tenant_id, r.tenant_id == tenant_id, h.addressee_no > last_key)
        .order_by(h.addressee_no)
        .limit(limit)
    )
    rows = [dict(row._mapping) for row in conn.execute(q).all()]
    shielded = protected(conn, tenant_id, (x["addressee_no"] for x in rows))
    return [records.resident(x, protected=x["addressee_no"] in shielded) for x in rows]


def residents(conn: sa.Connection, tenant_id: str, addressee_nos: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The current record of each of ``addressee_nos`` (unknown ones are absent), ``protected`` unset."""
    nos = sorted(set(addressee_nos))
    if not nos:
        return {}
    q = (
        sa.select(*_RESIDENT_COLUMNS)
        .join(juki_resident, _CURRENT)
        .where(h.tenant_id == tenant_id, r.tenant_id == tenant_id, h.addressee_no.in_(nos))
    )
    return {row.addressee_no: records.resident(dict(row._mapping)) for row in conn.execute(q).all()}


def household_of(conn: sa.Connection, tenant_id: str, addressee_nos: Iterable[str]) -> dict[str, str]:
    """The current 世帯番号 of each of ``addressee_nos``."""
    nos = sorted(set(addressee_nos))
    if not nos:
        return {}
    q = sa.select(r.addressee_no, r.household_no).where(r.tenant_id == tenant_id, r.addressee_no.in_(nos))
    return {row.addressee_no: row.household_no for row in conn.execute(q).all() if row.household_no}


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
    shielded = protected(conn, tenant_id, (p for m in mem.values() for p in m))
    return {no: records.household(row, mem[no], shielded) for no, row in rows.items()}


def households_after(conn: sa.Connection, tenant_id: str, last_key: str, limit: int) -> list[dict[str, Any]]:
    q = (
        sa.select(juki_household)
        .where(hh.tenant_id == tenant_id, hh.household_no > last_key)
        .order_by(hh.household_no)
        .limit(limit)
    )
    rows = [dict(row._mapping) for row in conn.execute(q).all()]
    mem = members(conn, tenant_id, (x["household_no"] for x in rows))
    shielded = protected(conn, tenant_id, (p for m in mem.values() for p in m))
    return [records.household(x, mem[x["household_no"]], shielded) for x in rows]


def household_id(data: dict[str, Any]) -> str:
    return f"{data['household_no']}@{data['version']}"


# --- 支援措置 (juki.support_measures) ---------------------------------------------------------------

_SUPPORT_COLUMNS = [b[n] for n in records.SUPPORT_SOURCE_COLUMNS]


def support_measures(
    conn: sa.Connection, tenant_id: str, addressee_nos: Iterable[str]
) -> dict[str, tuple[dict[str, Any], str]]:
    """Each person's ``juki.support_measures`` record and its id; persons without a measure are absent."""
    nos = sorted(set(addressee_nos))
    if not nos:
        return {}
    q = (
        sa.select(*_SUPPORT_COLUMNS)
        .where(b.tenant_id == tenant_id, _SUPPORT, b.addressee_no.in_(nos))
        .order_by(b.addressee_no, b.start_on, b.created_at)
    )
    rows: dict[str, list[dict[str, Any]]] = {}
    for row in conn.execute(q).all():
        rows.setdefault(row.addressee_no, []).append(dict(row._mapping))
    out = {}
    for no, found in rows.items():
        rec = records.support_measure(no, found)
        if rec is not None:
            out[no] = (rec[0], records.support_measure_id(*rec))
    return out


def support_measures_after(
    conn: sa.Connection, tenant_id: str, last_key: str, limit: int
) -> list[tuple[dict[str, Any], str]]:
    """The protected persons' records, 宛名番号 ascending, after ``last_key``: a whole snapshot lists the
    persons under a measure not ended (those whose measure ended are not listed)."""
    q = (
        sa.select(b.addressee_no)
        .where(b.tenant_id == tenant_id, _SUPPORT, _OPEN, b.addressee_no > last_key)
        .group_by(b.addressee_no)
        .order_by(b.addressee_no)
        .limit(limit)
    )
    nos = [row.addressee_no for row in conn.execute(q).all()]
    found = support_measures(conn, tenant_id, nos)
    return [found[n] for n in nos if n in found]
