"""Persistence of 団体内統合宛名: records (current pointer), versions (history), business links.

A change is a new ``addressee_version`` row; the ``addressee_record`` pointer moves with
``UPDATE … WHERE version = :v`` (the loser of a race gets :class:`Conflict`). Every query filters
``tenant_id`` itself (SQLite has no row-level security). Never touches the registry's tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db import counters
from kikan.adapters.db.tables.addressee import addressee_link, addressee_record, addressee_version
from kikan.adapters.db.tables.core import tenant_counter
from kikan.addressee.matching import Probe
from kikan.addressee.model import (
    ATTRIBUTES,
    CORPORATION,
    INTEGRATED_COUNTER,
    NON_RESIDENT_COUNTER,
    integrated_number,
    non_resident_number,
    search_keys,
)
from kikan.core.errors import Conflict

rec, ver, lnk = addressee_record.c, addressee_version.c, addressee_link.c
CONFLICT_MESSAGE = "他の職員が同じ宛名を更新しました。画面を再表示してください"


# --- numbers ----------------------------------------------------------------------------------


def new_integrated_nos(uow: Any, n: int) -> list[str]:
    if n <= 0:
        return []
    last, _ = counters.advance(uow.conn, uow.tenant_id, INTEGRATED_COUNTER, n)
    return [integrated_number(s) for s in range(last - n + 1, last + 1)]


def new_non_resident_no(uow: Any) -> str:
    last, _ = counters.advance(uow.conn, uow.tenant_id, NON_RESIDENT_COUNTER, 1)
    return non_resident_number(last)


def lock_numbering(uow: Any) -> None:
    """Serialise 付番 within the tenant until commit, so that two clerks numbering the same person
    at once cannot both pass the duplicate check (the second waits, then sees the first's row).
    SQLite's ``BEGIN IMMEDIATE`` already serialises writers; PostgreSQL locks the counter row."""
    counters.insert_ignore(uow.conn, tenant_counter,
                           {"tenant_id": uow.tenant_id, "name": NON_RESIDENT_COUNTER, "value": 0, "last_hash": None})  # fmt: skip
    t = tenant_counter.c
    uow.conn.execute(
        sa.select(t.value)
        .where(t.tenant_id == uow.tenant_id, t.name == NON_RESIDENT_COUNTER)
        .with_for_update()
    )


# --- writes -----------------------------------------------------------------------------------


def version_row(
    uow: Any, integrated_no: str, version: int, attrs: Mapping[str, Any], meta: Mapping[str, Any]
) -> dict:
    """A full ``addressee_version`` row: every attribute copied, keys computed, who/when recorded."""
    values = {k: (attrs.get(k) if attrs.get(k) != "" else None) for k in ATTRIBUTES}
    return {
        "tenant_id": uow.tenant_id, "integrated_no": integrated_no, "version": version,
        "kind": attrs["kind"], "status": attrs["status"], **values, **search_keys(attrs),
        "changed_on": meta.get("changed_on"), "reason": meta["reason"], "origin": meta["origin"],
        "registry_history_no": meta.get("registry_history_no"), "distinct_from": meta.get("distinct_from"),
        "recorded_at": uow.now, "recorded_by": uow.actor.actor_id, "request_id": uow.actor.request_id or "",
    }  # fmt: skip


def insert_records(
    uow: Any, records: Sequence[Mapping[str, Any]], versions: Sequence[Mapping[str, Any]]
) -> None:
    if records:
        rows = [
            {"tenant_id": uow.tenant_id, "created_at": uow.now, "updated_at": uow.now, **r} for r in records
        ]
        uow.conn.execute(sa.insert(addressee_record), rows)
    if versions:
        uow.conn.execute(sa.insert(addressee_version), list(versions))


def move_pointer(uow: Any, integrated_no: str, expected: int, to: int | None = None, **values: Any) -> int:
    """Set the pointer to version ``to`` (default ``expected + 1``) if it is still at ``expected``
    (nobody moved it meanwhile); else :class:`Conflict`."""
    target = expected + 1 if to is None else to
    done = uow.conn.execute(
        sa.update(addressee_record)
        .where(rec.tenant_id == uow.tenant_id, rec.integrated_no == integrated_no, rec.version == expected)
        .values(version=target, updated_at=uow.now, **values)
    ).rowcount
    if done != 1:
        raise Conflict(CONFLICT_MESSAGE)
    return target


def set_registry_history(uow: Any, integrated_no: str, history_no: int) -> None:
    uow.conn.execute(
        sa.update(addressee_record)
        .where(rec.tenant_id == uow.tenant_id, rec.integrated_no == integrated_no)
        .values(registry_history_no=history_no, updated_at=uow.now)
    )


def insert_links(uow: Any, links: Iterable[tuple[str, str, str]]) -> None:
    """(business, business_no, integrated_no) rows."""
    rows = [{"tenant_id": uow.tenant_id, "business": b, "business_no": n, "integrated_no": i, "linked_at": uow.now,
             "linked_by": uow.actor.actor_id} for b, n, i in links]  # fmt: skip
    if rows:
        uow.conn.execute(sa.insert(addressee_link), rows)


# --- reads ------------------------------------------------------------------------------------


def records(uow: Any, nos: Iterable[str]) -> dict[str, dict[str, Any]]:
    wanted = list(dict.fromkeys(nos))
    if not wanted:
        return {}
    q = sa.select(addressee_record).where(rec.tenant_id == uow.tenant_id, rec.integrated_no.in_(wanted))
    return {r.integrated_no: dict(r._mapping) for r in uow.conn.execute(q).all()}


def records_by_registry(uow: Any, registry_nos: Iterable[str]) -> dict[str, dict[str, Any]]:
    wanted = list(dict.fromkeys(registry_nos))
    if not wanted:
        return {}
    q = sa.select(addressee_record).where(
        rec.tenant_id == uow.tenant_id, rec.registry_addressee_no.in_(wanted)
    )
    return {r.registry_addressee_no: dict(r._mapping) for r in uow.conn.execute(q).all()}


def current_versions(uow: Any, nos: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The current version row of each record, with the pointer's numbers and status merged in."""
    wanted = list(dict.fromkeys(nos))
    if not wanted:
        return {}
    q = (
        sa.select(addressee_version, rec.origin, rec.registry_addressee_no, rec.non_resident_no,
                  rec.status.label("record_status"), rec.created_at, rec.updated_at)
        .join(addressee_record, sa.and_(rec.tenant_id == ver.tenant_id, rec.integrated_no == ver.integrated_no,
                                        rec.version == ver.version))
        .where(ver.tenant_id == uow.tenant_id, ver.integrated_no.in_(wanted))
    )  # fmt: skip
    return {r.integrated_no: dict(r._mapping) for r in uow.conn.execute(q).all()}


def versions(uow: Any, integrated_no: str) -> list[dict[str, Any]]:
    q = (
        sa.select(addressee_version)
        .where(ver.tenant_id == uow.tenant_id, ver.integrated_no == integrated_no)
        .order_by(ver.version)
    )
    return [dict(r._mapping) for r in uow.conn.execute(q).all()]


def links_of(uow: Any, nos: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    wanted = list(dict.fromkeys(nos))
    out: dict[str, list[tuple[str, str]]] = {n: [] for n in wanted}
    if not wanted:
        return out
    # no ORDER BY: it would tempt the planner into walking the primary key (business, …) of the
    # whole tenant instead of the integrated_no index
    q = sa.select(lnk.integrated_no, lnk.business, lnk.business_no).where(
        lnk.tenant_id == uow.tenant_id, lnk.integrated_no.in_(wanted)
    )
    for r in uow.conn.execute(q).all():
        out[r.integrated_no].append((r.business, r.business_no))
    return {k: sorted(v) for k, v in out.items()}


def resolve(uow: Any, business: str, business_no: str) -> str | None:
    q = sa.select(lnk.integrated_no).where(
        lnk.tenant_id == uow.tenant_id, lnk.business == business, lnk.business_no == business_no
    )
    return uow.conn.execute(q).scalar_one_or_none()


def prefix(col: sa.ColumnElement[str], value: str, dialect: str) -> sa.ColumnElement[bool]:
    """``col`` starts with ``value``, as a byte-order range so that the key index serves it.

    On PostgreSQL the pattern operators ``~>=~``/``~<~`` (text_pattern_ops, leakproof, so usable
    under row-level security, unlike LIKE); on SQLite the BINARY collation is already byte order.
    """
    upper = value[:-1] + chr(ord(value[-1]) + 1)
    if dialect == "postgresql":
        return sa.and_(col.op("~>=~")(value), col.op("~<~")(upper))
    return sa.and_(col >= value, col < upper)


def search(uow: Any, probe: Probe, limit: int) -> list[dict[str, Any]]:
    """Versions (current and past) that may be the probe's person: candidates for :func:`rank`.

    Name-like items are alternatives (氏名 prefix OR フリガナ prefix OR 法人番号); 種別 and 生年月日
    narrow; with nothing name-like, 住所 (contained) or 生年月日 alone select. 性別 and 住所 otherwise
    only rank. Values are bound parameters; LIKE wildcards in an address are escaped.
    """
    dialect = uow.conn.dialect.name
    either = []
    if probe.name_key:
        either.append(prefix(ver.name_key, probe.name_key, dialect))
    if probe.kana_key:
        either.append(prefix(ver.kana_key, probe.kana_key, dialect))
    if probe.corporate_no:
        either.append(ver.corporate_no == probe.corporate_no)
    conds = [ver.tenant_id == uow.tenant_id, ver.kind == probe.kind]
    if either:
        conds.append(sa.or_(*either))
    elif probe.address_key:
        conds.append(ver.address_key.contains(probe.address_key, autoescape=True))
    elif probe.birth_date is None:
        return []
    if probe.birth_date is not None and probe.kind != CORPORATION:
        conds.append(ver.birth_date == probe.birth_date)
    q = (
        sa.select(addressee_version).where(*conds).limit(limit)
    )  # ranked in Python; no ORDER BY (see links_of)
    return [dict(r._mapping) for r in uow.conn.execute(q).all()]


def exact_pool(uow: Any, probe: Probe) -> list[dict[str, Any]]:
    """Every version that could be an exact match of the probe (same folded name or 法人番号)."""
    alts = []
    if probe.name_key:
        alts.append(ver.name_key == probe.name_key)
    if probe.corporate_no:
        alts.append(ver.corporate_no == probe.corporate_no)
    if not alts:
        return []
    q = sa.select(addressee_version).where(
        ver.tenant_id == uow.tenant_id, ver.kind == probe.kind, sa.or_(*alts)
    )
    return [dict(r._mapping) for r in uow.conn.execute(q).all()]
