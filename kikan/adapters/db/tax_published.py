"""Dataset readers of the published 課税状況 (for the linkage layer and the tax API).

For the linkage engineer (see the README of ``kikan.tax.individual_resident``):

* change feed of ``tax.assessment_status``: read the outbox events ``TaxAssessmentPublished``
  (``kikan.tax.individual_resident.events.EVENT_TYPES``) after a position, and expand each with
  :func:`expand_event` (``skip``/``limit`` let a page end inside a chunk of tens of thousands);
* snapshot: :func:`status_after` pages the current version of every taxpayer of a year by 宛名番号;
* lookups: :func:`status_of` (persons), :func:`household_status` (世帯 on 1 January).

Every function filters ``tenant_id`` and reads only the tax business's own tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.tables.tax import tax_assessment, tax_registry_row
from kikan.tax.individual_resident.published import household_records, status_id, status_record

a = tax_assessment.c
_COLUMNS = [c for c in tax_assessment.c if c.name != "installments"]


def _newer() -> sa.Exists:
    n = tax_assessment.alias("newer")
    return sa.exists().where(n.c.tenant_id == a.tenant_id, n.c.fiscal_year == a.fiscal_year,
                             n.c.addressee_no == a.addressee_no, n.c.version > a.version)  # fmt: skip


def item(row: Mapping[str, Any], *, event: Any = None) -> dict[str, Any]:
    """A feed item shaped like the linkage layer's (``id``, ``seq``, ``event_id`` …, ``data``)."""
    data = status_record(row)
    return {
        "id": status_id(data), "seq": getattr(event, "seq", None), "event_id": getattr(event, "event_id", None),
        "event_type": getattr(event, "event_type", None), "occurred_on": getattr(event, "occurred_on", None),
        "recorded_at": row["recorded_at"].isoformat() if row.get("recorded_at") else None, "data": data,
    }  # fmt: skip


def expand_event(
    conn: sa.Connection, tenant_id: str, event: Any, skip: int = 0, limit: int | None = None
) -> list[dict[str, Any]]:
    """The records one ``TaxAssessmentPublished`` event published, in 宛名番号 order."""
    p = event.payload
    q = (
        sa.select(*_COLUMNS)
        .where(
            a.tenant_id == tenant_id,
            a.fiscal_year == p["fiscal_year"],
            a.addressee_no.between(p["first_addressee_no"], p["last_addressee_no"]),
            a.run_id == p["run_id"],
            a.chunk_no == p["chunk_no"],
        )  # fmt: skip
        .order_by(a.addressee_no, a.version)
        .offset(skip)
    )
    if limit is not None:
        q = q.limit(limit)
    return [item(dict(r._mapping), event=event) for r in conn.execute(q).all()]


def status_after(
    conn: sa.Connection, tenant_id: str, fiscal_year: int, last_key: str, limit: int
) -> list[dict[str, Any]]:
    """Current records of the year, 宛名番号 after ``last_key`` (keyset paging)."""
    q = (
        sa.select(*_COLUMNS)
        .where(a.tenant_id == tenant_id, a.fiscal_year == fiscal_year, a.addressee_no > last_key, ~_newer())
        .order_by(a.addressee_no)
        .limit(limit)
    )
    return [item(dict(r._mapping)) for r in conn.execute(q).all()]


def current_rows(
    conn: sa.Connection, tenant_id: str, fiscal_year: int, keys: Iterable[str]
) -> list[dict[str, Any]]:
    nos = list(dict.fromkeys(keys))
    if not nos:
        return []
    q = sa.select(*_COLUMNS).where(
        a.tenant_id == tenant_id, a.fiscal_year == fiscal_year, a.addressee_no.in_(nos), ~_newer()
    )
    return [dict(r._mapping) for r in conn.execute(q.order_by(a.addressee_no)).all()]


def status_of(
    conn: sa.Connection, tenant_id: str, fiscal_year: int, keys: Iterable[str]
) -> list[dict[str, Any]]:
    """Current ``tax.assessment_status`` records of these persons (absent: not assessed)."""
    return [status_record(r) for r in current_rows(conn, tenant_id, fiscal_year, keys)]


def household_status(
    conn: sa.Connection, tenant_id: str, fiscal_year: int, household_nos: Iterable[str]
) -> list[dict[str, Any]]:
    """``tax.household_status`` of these 世帯 (as they were on 1 January of the year).

    Candidates come from the registry copy's 世帯番号 index (anyone ever recorded in the household),
    then each one's current result says whether they belonged to it on the 賦課期日.
    """
    nos = list(dict.fromkeys(household_nos))
    if not nos:
        return []
    r = tax_registry_row.c
    cand = [x for (x,) in conn.execute(
        sa.select(r.addressee_no).where(r.tenant_id == tenant_id, r.household_no.in_(nos)).distinct()
    ).all()]  # fmt: skip
    rows = [x for x in current_rows(conn, tenant_id, fiscal_year, cand) if x["household_no"] in set(nos)]
    return household_records(fiscal_year, rows)


# --- reads for the linkage layer's snapshots across years and its 世帯 change feed ---------------


def _after(year_col: Any, key_col: Any, last: tuple[int, str] | None) -> Any:
    if last is None:
        return sa.true()
    return sa.or_(year_col > last[0], sa.and_(year_col == last[0], key_col > last[1]))


def status_after_key(
    conn: sa.Connection, tenant_id: str, last: tuple[int, str] | None, limit: int
) -> list[dict[str, Any]]:
    """Current ``tax.assessment_status`` records of every year, by (課税年度, 宛名番号) after ``last``."""
    q = (
        sa.select(*_COLUMNS)
        .where(a.tenant_id == tenant_id, _after(a.fiscal_year, a.addressee_no, last), ~_newer())
        .order_by(a.fiscal_year, a.addressee_no)
        .limit(limit)
    )
    return [status_record(dict(r._mapping)) for r in conn.execute(q).all()]


def event_household_nos(conn: sa.Connection, tenant_id: str, event: Any) -> list[str]:
    """世帯番号 (賦課期日) of the residents one ``TaxAssessmentPublished`` event published, first seen."""
    p = event.payload
    q = (
        sa.select(a.household_no)
        .where(
            a.tenant_id == tenant_id,
            a.fiscal_year == p["fiscal_year"],
            a.addressee_no.between(p["first_addressee_no"], p["last_addressee_no"]),
            a.run_id == p["run_id"],
            a.chunk_no == p["chunk_no"],
            a.taxpayer_kind == "resident",
            a.household_no.is_not(None),
        )  # fmt: skip
        .order_by(a.addressee_no, a.version)
    )
    return list(dict.fromkeys(no for (no,) in conn.execute(q).all()))


def household_keys_after(
    conn: sa.Connection, tenant_id: str, last: tuple[int, str] | None, limit: int
) -> list[tuple[int, str]]:
    """(課税年度, 世帯番号) of residents' results after ``last``, ascending (candidates for snapshots)."""
    q = (
        sa.select(a.fiscal_year, a.household_no)
        .where(
            a.tenant_id == tenant_id,
            a.taxpayer_kind == "resident",
            a.household_no.is_not(None),
            _after(a.fiscal_year, a.household_no, last),
        )  # fmt: skip
        .distinct()
        .order_by(a.fiscal_year, a.household_no)
        .limit(limit)
    )
    return [(int(y), str(n)) for y, n in conn.execute(q).all()]
