"""Pages of a dataset: its changes after a cursor (commit order) and whole snapshots (keyset paging).

Changes come from the businesses' transactional outbox (the registry's 異動 and 支援措置, 申請管理's
applications, the tax business's published chunks; :data:`SOURCES` says how each dataset reads its
events and snapshots): its per-tenant sequence is gap-free and
equals commit order (docs/adr/0003-audit-outbox.md), so a page read up to the last committed seq
``upto`` is exact — a later commit always gets a higher seq, nothing is missed or seen twice. Each
page is bounded by ``upto`` read at its start.

A snapshot starts by reading ``as_of`` (the last committed seq), then pages the current rows by
key. Changes committed while paging may already show in later pages; they also appear in the
changes after ``as_of`` (``changes_cursor``), which a consumer applies idempotently (履歴番号 /
版 / event id), so snapshot + changes never lose an update.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db import linkage_sources as src
from kikan.adapters.db import outbox, tax_published
from kikan.core.events import StoredEvent
from kikan.linkage import records
from kikan.linkage.cursor import ChangeCursor, SnapshotCursor, decode_change, decode_snapshot, encode
from kikan.linkage.datasets import SUPPORT, Dataset
from kikan.linkage.errors import InvalidCursor, InvalidParameter

MAX_LIMIT = 1000


@dataclass
class Page:
    dataset: str
    items: list[dict[str, Any]]
    next_cursor: str
    has_more: bool
    cursor_from: str = ""
    changes_cursor: str | None = None  # snapshots: where the change feed continues
    ids: list[str] = field(default_factory=list)


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidParameter(
            f"limit: 1〜{MAX_LIMIT} の範囲で指定してください（指定値 {limit}）", field="limit"
        )
    return limit


def _ahead(field_name: str, seq: int, upto: int) -> InvalidCursor:
    return InvalidCursor(
        f"{field_name}: カーソル（位置 {seq}）がこの団体の現在の位置 {upto} より先です。別の団体または別の環境のカーソルではありませんか",
        field=field_name,
    )


# --- expansion of one event into the dataset's items -------------------------------------------
#
# An expander returns the records of one event from position ``skip`` (at most ``n`` of them) and
# how many records the event has in all. The registry's events list their records; the tax
# business's events name a chunk of rows (up to tens of thousands), read only as far as needed.

Expand = Callable[[sa.Connection, str, StoredEvent, int, int], tuple[list[dict[str, Any]], int]]


def _listed(fn: Callable[[StoredEvent], list[dict[str, Any]]]) -> Expand:
    def expand(
        conn: sa.Connection, tenant_id: str, e: StoredEvent, skip: int, n: int
    ) -> tuple[list[dict[str, Any]], int]:
        recs = fn(e)
        return recs[skip : skip + n], len(recs)

    return expand


def _envelope(e: StoredEvent) -> dict[str, Any]:
    return {"seq": e.seq, "event_id": e.event_id, "event_type": e.event_type, "occurred_on": e.occurred_on,
            "recorded_at": e.recorded_at}  # fmt: skip


def _support_person(e: StoredEvent) -> str | None:
    """The person of a 支援措置 event (measures are per 宛名番号); None for any other event."""
    no = e.payload.get("addressee_no") if e.event_type in SUPPORT else None
    return no if isinstance(no, str) and no else None


def _resident_items(e: StoredEvent) -> list[dict[str, Any]]:
    who = _support_person(e)
    if who is not None:  # the person's current row, read at pull time (:func:`_fill_residents`)
        return [records.item(who, {"addressee_no": who}, **_envelope(e))]
    out = []
    for p in e.payload.get("persons") or []:
        data = records.resident(p, from_event=True)
        out.append(records.item(records.resident_id(data), data, **_envelope(e)))
    return out


def _move_items(e: StoredEvent) -> list[dict[str, Any]]:
    data = records.move(e.event_id, e.event_type, e.payload)
    return [records.item(e.event_id, data, **_envelope(e))]


def _household_items(e: StoredEvent) -> list[dict[str, Any]]:
    who = _support_person(e)
    if who is not None:  # the person's current household, found at pull time (:func:`_fill_households`)
        return [records.item(who, {"household_no": None, "addressee_no": who}, **_envelope(e))]
    return [
        records.item(no, {"household_no": no}, **_envelope(e))
        for no in records.household_nos(e.payload, e.aggregate_id)
    ]


def _support_items(e: StoredEvent) -> list[dict[str, Any]]:
    who = _support_person(e)
    return [records.item(who, {"addressee_no": who}, **_envelope(e))] if who else []


def _application_items(e: StoredEvent) -> list[dict[str, Any]]:
    data = records.application(e.event_id, e.event_type, e.occurred_on, e.payload)
    return [records.item(e.event_id, data, **_envelope(e))]


def _tax_status_items(
    conn: sa.Connection, tenant_id: str, e: StoredEvent, skip: int, n: int
) -> tuple[list[dict[str, Any]], int]:
    total = int(e.payload.get("count") or 0)
    if n <= 0 or skip >= total:
        return [], total
    rows = tax_published.expand_event(conn, tenant_id, e, skip, n)
    out = []
    for r in rows:
        out.append(records.item(r["id"], records.tax_status(r["data"]), **_envelope(e)))
    if len(rows) < min(n, total - skip):  # fewer rows than the event announced: the event ends here
        total = skip + len(rows)
    return out, total


def _tax_household_items(
    conn: sa.Connection, tenant_id: str, e: StoredEvent, skip: int, n: int
) -> tuple[list[dict[str, Any]], int]:
    year = int(e.payload["fiscal_year"])
    nos = tax_published.event_household_nos(conn, tenant_id, e)
    recs = [
        records.item(f"{year}|{no}", {"fiscal_year": year, "household_no": no}, **_envelope(e))
        for no in nos[skip : skip + n]
    ]
    return recs, len(nos)


# --- records filled at the time of the pull (``state`` semantics) --------------------------------


def _fill_residents(conn: sa.Connection, tenant_id: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``protected`` at the time of the pull on every record; a 支援措置 event's record is the person's
    current row, published again under its own id (an unknown person is skipped)."""
    again = src.residents(conn, tenant_id, (i["id"] for i in items if "history_no" not in i["data"]))
    out = []
    for i in items:
        if "history_no" in i["data"]:
            out.append(i)
        elif (data := again.get(i["id"])) is not None:
            out.append(
                {**i, "id": records.republished_id(records.resident_id(data), i["event_id"]), "data": data}
            )
    shielded = src.protected(conn, tenant_id, (i["data"]["addressee_no"] for i in out))
    return [{**i, "data": {**i["data"], "protected": i["data"]["addressee_no"] in shielded}} for i in out]


def _fill_households(
    conn: sa.Connection, tenant_id: str, items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Households' state at the time of the pull; an unknown household is skipped. A 支援措置 event
    names a person: their current household, published again under its own id."""
    of = src.household_of(conn, tenant_id, (i["id"] for i in items if i["data"]["household_no"] is None))
    nos = [i["data"]["household_no"] or of.get(i["id"]) for i in items]
    state = src.households(conn, tenant_id, (n for n in nos if n))
    out = []
    for i, no in zip(items, nos, strict=True):
        data = state.get(no) if no else None
        if data is None:
            continue
        id_ = src.household_id(data)
        if i["data"]["household_no"] is None:
            id_ = records.republished_id(id_, i["event_id"])
        out.append({**i, "id": id_, "data": data})
    return out


def _fill_support(conn: sa.Connection, tenant_id: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each person's 支援措置 at the time of the pull (ended ones included: the end is published)."""
    state = src.support_measures(conn, tenant_id, (i["id"] for i in items))
    return [{**i, "id": state[i["id"]][1], "data": state[i["id"]][0]} for i in items if i["id"] in state]


def _fill_tax_households(
    conn: sa.Connection, tenant_id: str, items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """世帯の課税状況 at the time of the pull; a 世帯 without a resident's current result is skipped."""
    years: dict[int, list[str]] = {}
    for i in items:
        years.setdefault(i["data"]["fiscal_year"], []).append(i["data"]["household_no"])
    state = {
        (year, h["household_no"]): records.tax_household(h)
        for year, nos in years.items()
        for h in tax_published.household_status(conn, tenant_id, year, nos)
    }
    out = []
    for i in items:
        data = state.get((i["data"]["fiscal_year"], i["data"]["household_no"]))
        if data is not None:
            out.append({**i, "id": records.tax_household_id(data), "data": data})
    return out


# --- snapshots: current records by key ----------------------------------------------------------


def _year_key(last_key: str) -> tuple[int, str] | None:
    """A snapshot key ``<年度>:<番号>`` (tax datasets) → (year, number); "" → None."""
    if not last_key:
        return None
    year, _, no = last_key.partition(":")
    if not year.isdigit() or not no:
        raise InvalidCursor("cursor: カーソルの形式が正しくありません", field="cursor")
    return int(year), no


def _residents_snapshot(
    conn: sa.Connection, tenant_id: str, ds: Dataset, cur: SnapshotCursor, n: int
) -> list[dict[str, Any]]:
    return [
        records.item(records.resident_id(d), d) for d in src.residents_after(conn, tenant_id, cur.last_key, n)
    ]


def _households_snapshot(
    conn: sa.Connection, tenant_id: str, ds: Dataset, cur: SnapshotCursor, n: int
) -> list[dict[str, Any]]:
    return [
        records.item(src.household_id(d), d) for d in src.households_after(conn, tenant_id, cur.last_key, n)
    ]


def _support_snapshot(
    conn: sa.Connection, tenant_id: str, ds: Dataset, cur: SnapshotCursor, n: int
) -> list[dict[str, Any]]:
    return [records.item(id_, d) for d, id_ in src.support_measures_after(conn, tenant_id, cur.last_key, n)]


def _tax_status_snapshot(
    conn: sa.Connection, tenant_id: str, ds: Dataset, cur: SnapshotCursor, n: int
) -> list[dict[str, Any]]:
    rows = tax_published.status_after_key(conn, tenant_id, _year_key(cur.last_key), n)
    return [records.item(tax_published.status_id(r), records.tax_status(r)) for r in rows]


def _tax_household_snapshot(
    conn: sa.Connection, tenant_id: str, ds: Dataset, cur: SnapshotCursor, n: int
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    last = _year_key(cur.last_key)
    while len(out) < n:  # a candidate 世帯 whose members all moved on in later versions yields nothing
        keys = tax_published.household_keys_after(conn, tenant_id, last, n)
        if not keys:
            break
        found = _fill_tax_households(conn, tenant_id, [
            records.item("", {"fiscal_year": y, "household_no": no}) for y, no in keys
        ])  # fmt: skip
        out += found
        last = keys[-1]
    return out


Snapshot = Callable[[sa.Connection, str, Dataset, SnapshotCursor, int], list[dict[str, Any]]]


def _event_snapshot(expand: Callable[[StoredEvent], list[dict[str, Any]]]) -> Snapshot:
    """``event`` datasets: a snapshot is every event up to ``as_of``, paged by outbox position."""

    def snapshot(
        conn: sa.Connection, tenant_id: str, ds: Dataset, cur: SnapshotCursor, n: int
    ) -> list[dict[str, Any]]:
        after = int(cur.last_key or 0)
        events = [
            e
            for e in outbox.read_after(conn, tenant_id, after, n, sorted(ds.event_types))
            if e.seq <= cur.as_of
        ]
        return [i for e in events for i in expand(e)]

    return snapshot


@dataclass(frozen=True)
class Source:
    """How one dataset is read: its events' records, records completed at pull time, snapshot pages."""

    expand: Expand
    snapshot: Snapshot
    snapshot_key: Callable[[dict[str, Any]], str]
    fill: Callable[[sa.Connection, str, list[dict[str, Any]]], list[dict[str, Any]]] | None = None


def _by(name: str) -> Callable[[dict[str, Any]], str]:
    return lambda i: str(i["data"][name])


def _by_year(name: str) -> Callable[[dict[str, Any]], str]:
    return lambda i: f"{i['data']['fiscal_year']}:{i['data'][name]}"


def _by_seq(i: dict[str, Any]) -> str:
    return str(i["seq"])


SOURCES: dict[str, Source] = {
    "juki.residents": Source(_listed(_resident_items), _residents_snapshot, _by("addressee_no"),
                             fill=_fill_residents),
    "juki.households": Source(_listed(_household_items), _households_snapshot, _by("household_no"),
                              fill=_fill_households),
    "juki.support_measures": Source(_listed(_support_items), _support_snapshot, _by("addressee_no"),
                                    fill=_fill_support),
    "juki.moves": Source(_listed(_move_items), _event_snapshot(_move_items), _by_seq),
    "applications.submitted": Source(_listed(_application_items), _event_snapshot(_application_items), _by_seq),
    "tax.assessment_status": Source(_tax_status_items, _tax_status_snapshot, _by_year("addressee_no")),
    "tax.household_status": Source(_tax_household_items, _tax_household_snapshot, _by_year("household_no"),
                                   fill=_fill_tax_households),
}  # fmt: skip


def read_changes(
    conn: sa.Connection,
    tenant_id: str,
    ds: Dataset,
    after: str | None,
    limit: int,
    *,
    upto: int | None = None,
) -> Page:
    """Up to ``limit`` records after the cursor, in commit order, with ``next_cursor`` and ``has_more``.

    ``upto`` (default: the last committed seq now) bounds the page; file exports fix it at their start.
    """
    check_limit(limit)
    cur = decode_change(after, ds.name)
    last = outbox.last_seq(conn, tenant_id)
    upto = last if upto is None else min(upto, last)
    if cur.seq > upto:
        raise _ahead("after", cur.seq, upto)
    source = SOURCES[ds.name]
    items: list[dict[str, Any]] = []
    pos, skip = cur.seq, cur.skip
    has_more = False
    while not has_more:
        events = [
            e
            for e in outbox.read_after(conn, tenant_id, pos, limit + 1, sorted(ds.event_types))
            if e.seq <= upto
        ]
        if not events:
            pos, skip = upto, 0
            break
        for e in events:
            room = limit - len(items)
            recs, total = source.expand(conn, tenant_id, e, skip, room)
            if skip > total:
                raise InvalidCursor(
                    "after: カーソルが壊れています（異動内の位置が範囲外です）", field="after"
                )
            items += recs
            if skip + len(recs) < total:  # the page is full inside this event
                has_more, skip = True, skip + len(recs)
                break
            pos, skip = e.seq, 0
    if source.fill is not None:
        items = source.fill(conn, tenant_id, items)
    nxt = encode(ChangeCursor(ds.name, pos, skip))
    return Page(ds.name, items, nxt, has_more, cursor_from=after or "", ids=[i["id"] for i in items])


# --- snapshots ---------------------------------------------------------------------------------


def read_snapshot(conn: sa.Connection, tenant_id: str, ds: Dataset, cursor: str | None, limit: int) -> Page:
    """One page of the whole dataset; the first call (no cursor) fixes ``as_of``."""
    check_limit(limit)
    upto = outbox.last_seq(conn, tenant_id)
    if cursor:
        cur = decode_snapshot(cursor, ds.name)
        if cur.as_of > upto:
            raise _ahead("cursor", cur.as_of, upto)
    else:
        cur = SnapshotCursor(ds.name, upto, "")
    source = SOURCES[ds.name]
    rows = source.snapshot(conn, tenant_id, ds, cur, limit + 1)
    has_more = len(rows) > limit
    rows = rows[:limit]
    last = source.snapshot_key(rows[-1]) if rows else cur.last_key
    return Page(
        ds.name, rows, encode(SnapshotCursor(ds.name, cur.as_of, last)), has_more, cursor_from=cursor or "",
        changes_cursor=encode(ChangeCursor(ds.name, cur.as_of, 0)), ids=[i["id"] for i in rows],
    )  # fmt: skip
