"""Pages of a dataset: its changes after a cursor (commit order) and whole snapshots (keyset paging).

Changes come from the registry's transactional outbox: its per-tenant sequence is gap-free and
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
from kikan.adapters.db import outbox
from kikan.core.events import StoredEvent
from kikan.linkage import records
from kikan.linkage.cursor import ChangeCursor, SnapshotCursor, decode_change, decode_snapshot, encode
from kikan.linkage.datasets import Dataset
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


def _resident_items(e: StoredEvent) -> list[dict[str, Any]]:
    out = []
    for p in e.payload.get("persons") or []:
        data = records.resident(p, from_event=True)
        out.append(records.item(records.resident_id(data), data, seq=e.seq, event_id=e.event_id,
                                event_type=e.event_type, occurred_on=e.occurred_on, recorded_at=e.recorded_at))  # fmt: skip
    return out


def _move_items(e: StoredEvent) -> list[dict[str, Any]]:
    data = records.move(e.event_id, e.event_type, e.payload)
    return [records.item(e.event_id, data, seq=e.seq, event_id=e.event_id, event_type=e.event_type,
                         occurred_on=e.occurred_on, recorded_at=e.recorded_at)]  # fmt: skip


def _household_items(e: StoredEvent) -> list[dict[str, Any]]:
    return [
        records.item(no, {"household_no": no}, seq=e.seq, event_id=e.event_id, event_type=e.event_type,
                     occurred_on=e.occurred_on, recorded_at=e.recorded_at)
        for no in records.household_nos(e.payload, e.aggregate_id)
    ]  # fmt: skip


def _fill_households(
    conn: sa.Connection, tenant_id: str, items: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Households' state at the time of the pull (``state`` semantics); an unknown household is skipped."""
    state = src.households(conn, tenant_id, (i["id"] for i in items))
    out = []
    for i in items:
        data = state.get(i["id"])
        if data is not None:
            out.append({**i, "id": src.household_id(data), "data": data})
    return out


EXPAND: dict[str, Callable[[StoredEvent], list[dict[str, Any]]]] = {
    "juki.residents": _resident_items, "juki.moves": _move_items, "juki.households": _household_items,
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
    expand = EXPAND[ds.name]
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
            recs = expand(e)
            if skip > len(recs):
                raise InvalidCursor(
                    "after: カーソルが壊れています（異動内の位置が範囲外です）", field="after"
                )
            for j in range(skip, len(recs)):
                if len(items) == limit:
                    has_more, skip = True, j
                    break
                items.append(recs[j])
            if has_more:
                break
            pos, skip = e.seq, 0
    if ds.name == "juki.households":
        items = _fill_households(conn, tenant_id, items)
    nxt = encode(ChangeCursor(ds.name, pos, skip))
    return Page(ds.name, items, nxt, has_more, cursor_from=after or "", ids=[i["id"] for i in items])


# --- snapshots ---------------------------------------------------------------------------------


def _snapshot_rows(
    conn: sa.Connection, tenant_id: str, ds: Dataset, cur: SnapshotCursor, n: int
) -> list[dict[str, Any]]:
    if ds.name == "juki.residents":
        return [
            records.item(records.resident_id(d), d)
            for d in src.residents_after(conn, tenant_id, cur.last_key, n)
        ]
    if ds.name == "juki.households":
        return [
            records.item(src.household_id(d), d)
            for d in src.households_after(conn, tenant_id, cur.last_key, n)
        ]
    after = int(cur.last_key or 0)
    events = [
        e for e in outbox.read_after(conn, tenant_id, after, n, sorted(ds.event_types)) if e.seq <= cur.as_of
    ]
    return [i for e in events for i in _move_items(e)]


def _snapshot_key(ds: Dataset, item: dict[str, Any]) -> str:
    if ds.name == "juki.moves":
        return str(item["seq"])
    return str(item["data"][ds.key[0]])


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
    rows = _snapshot_rows(conn, tenant_id, ds, cur, limit + 1)
    has_more = len(rows) > limit
    rows = rows[:limit]
    last = _snapshot_key(ds, rows[-1]) if rows else cur.last_key
    return Page(
        ds.name, rows, encode(SnapshotCursor(ds.name, cur.as_of, last)), has_more, cursor_from=cursor or "",
        changes_cursor=encode(ChangeCursor(ds.name, cur.as_of, 0)), ids=[i["id"] for i in rows],
    )  # fmt: skip
