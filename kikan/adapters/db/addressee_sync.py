"""団体内統合宛名 fed by the resident registry: the outbox subscriber and the snapshot backfill.

Basis: 共通機能標準仕様書 団体内統合宛名 (the 住基 system sends its persons; a 団体内統合宛名番号 is
created when a resident first appears and kept for life) and 住民記録システム標準仕様書 7.x (the
住基 system must not import the 団体内統合宛名番号: nothing here writes to the registry).

The subscriber reads the registry's events from the outbox after its stored cursor and moves the
cursor in the same transaction that applies them: a crash repeats nothing and loses nothing, and
a second run finds nothing new. Within that, every person carries its 履歴番号 and a row is applied
only if newer than the one recorded (so the backfill and the events can overlap in any order).
Concurrent runners: PostgreSQL ``FOR UPDATE SKIP LOCKED`` on the cursor row (a second runner skips),
SQLite's ``BEGIN IMMEDIATE`` (writers queue).

The backfill reads only the registry's published snapshots (``juki_repo.current_many`` and, for a
whole tenant, ``juki_repo.current_page`` — requested from the registry's owner), never its tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db import addressee_repo as repo
from kikan.adapters.db import juki_repo, outbox
from kikan.adapters.db.counters import insert_ignore
from kikan.adapters.db.database import Database
from kikan.adapters.db.tables.addressee import addressee_cursor
from kikan.addressee import events, registry
from kikan.addressee.model import PERSON, REGISTRY_BUSINESS, changed_fields
from kikan.core.temporal import JST
from kikan.core.tenancy import TenantContext

SUBSCRIBER = "addressee.registry"
BATCH = 500
cur = addressee_cursor.c


@dataclass
class SyncResult:
    events: int = 0
    created: int = 0
    updated: int = 0
    last_seq: int = 0
    more: bool = False
    skipped: bool = False  # another runner holds the cursor

    def add(self, other: SyncResult) -> None:
        self.events += other.events
        self.created += other.created
        self.updated += other.updated
        self.last_seq = max(self.last_seq, other.last_seq)
        self.more, self.skipped = other.more, other.skipped


# --- cursor -----------------------------------------------------------------------------------


def _lock_cursor(uow: Any, wait: bool) -> int | None:
    insert_ignore(uow.conn, addressee_cursor,
                  {"tenant_id": uow.tenant_id, "subscriber": SUBSCRIBER, "last_seq": 0, "updated_at": uow.now})  # fmt: skip
    q = (
        sa.select(cur.last_seq)
        .where(cur.tenant_id == uow.tenant_id, cur.subscriber == SUBSCRIBER)
        .with_for_update(skip_locked=not wait)
    )
    row = uow.conn.execute(q).first()
    return None if row is None else int(row.last_seq)


def cursor(uow: Any) -> int:
    """The last outbox sequence applied (0 before the first run)."""
    q = sa.select(cur.last_seq).where(cur.tenant_id == uow.tenant_id, cur.subscriber == SUBSCRIBER)
    return int(uow.conn.execute(q).scalar_one_or_none() or 0)


def _move_cursor(uow: Any, seq: int) -> None:
    uow.conn.execute(
        sa.update(addressee_cursor)
        .where(cur.tenant_id == uow.tenant_id, cur.subscriber == SUBSCRIBER)
        .values(last_seq=seq, updated_at=uow.now)
    )


# --- applying registry snapshots -------------------------------------------------------------


@dataclass
class _State:
    integrated_no: str | None
    version: int  # version after this batch
    base: int  # pointer version before this batch (0: new)
    history_no: int
    attrs: dict[str, Any]
    touched: bool = False


def apply_snapshots(uow: Any, items: Sequence[tuple[Mapping[str, Any], str, date | None]]) -> tuple[int, int]:
    """Apply registry rows ``(snapshot, reason, 異動日)`` in order; returns (created, updated).

    New 宛名番号 → a new 団体内統合宛名番号 (record, version 1, link ``juki``); a newer 履歴番号 → a
    new version when 基本4情報 or 住民状態 changed; an older or equal 履歴番号 → nothing (idempotent).
    """
    nos = [str(s["addressee_no"]) for s, _, _ in items]
    known = repo.records_by_registry(uow, nos)
    currents = repo.current_versions(uow, [r["integrated_no"] for r in known.values()])
    state: dict[str, _State] = {
        reg: _State(r["integrated_no"], r["version"], r["version"], r["registry_history_no"] or 0,
                    currents[r["integrated_no"]])
        for reg, r in known.items()
    }  # fmt: skip
    pending: list[tuple[str, int, dict[str, Any], dict[str, Any]]] = []
    new: list[str] = []
    for snap, reason, event_on in items:
        reg, hist = str(snap["addressee_no"]), int(snap["history_no"])
        attrs = registry.attributes(snap)
        meta = {"reason": reason, "origin": "registry", "registry_history_no": hist, "changed_on": event_on}
        st = state.get(reg)
        if st is None:
            state[reg] = _State(None, 1, 0, hist, attrs, touched=True)
            new.append(reg)
            pending.append((reg, 1, attrs, meta))
            continue
        if hist <= st.history_no:
            continue
        attrs["remarks"] = st.attrs.get("remarks")  # staff's 備考 on a former resident survives
        st.history_no, st.touched = hist, True
        if changed_fields(st.attrs, attrs) or st.attrs["status"] != attrs["status"]:
            st.version += 1
            st.attrs = attrs
            pending.append((reg, st.version, attrs, meta))
    for reg, no in zip(new, repo.new_integrated_nos(uow, len(new)), strict=True):
        state[reg].integrated_no = no
    records = [{"integrated_no": state[r].integrated_no, "kind": PERSON, "origin": "registry",
                "status": state[r].attrs["status"], "registry_addressee_no": r,
                "registry_history_no": state[r].history_no, "version": state[r].version} for r in new]  # fmt: skip
    rows = [repo.version_row(uow, str(state[reg].integrated_no), v, a, m) for reg, v, a, m in pending]
    repo.insert_records(uow, records, rows)
    repo.insert_links(uow, [(REGISTRY_BUSINESS, r, str(state[r].integrated_no)) for r in new])
    updated = 0
    for st in state.values():
        if st.base == 0 or not st.touched:
            continue
        no = str(st.integrated_no)
        if st.version != st.base:
            repo.move_pointer(
                uow, no, st.base, st.version, status=st.attrs["status"], registry_history_no=st.history_no
            )
            updated += 1
        else:
            repo.set_registry_history(uow, no, st.history_no)
    if new:
        today = uow.now.astimezone(JST).date()
        uow.emit(events.assigned([(str(state[r].integrated_no), r) for r in new], on=today))
    return len(new), updated


# --- the subscriber ---------------------------------------------------------------------------


def apply_batch(uow: Any, *, limit: int = BATCH, wait: bool = True) -> SyncResult:
    """One batch: lock the cursor, apply the registry events after it, move it. Caller commits."""
    after = _lock_cursor(uow, wait)
    if after is None:
        return SyncResult(skipped=True)
    batch = outbox.read_after(uow.conn, uow.tenant_id, after, limit)
    items: list[tuple[Mapping[str, Any], str, date | None]] = []
    for e in batch:
        if not registry.is_registry_event(e.event_type, e.aggregate_type):
            continue
        on = date.fromisoformat(e.occurred_on) if e.occurred_on else None
        for p in registry.persons(e.payload):
            items.append((p, registry.reason_of(p, e.payload.get("event_name")), on))
    created, updated = apply_snapshots(uow, items)
    last = batch[-1].seq if batch else after
    if batch:
        _move_cursor(uow, last)
        uow.audit("addressee.sync", "create", target_type="outbox", target_id=f"{after + 1}-{last}",
                  detail=f"作成{created}件 更新{updated}件")  # fmt: skip
    return SyncResult(len(batch), created, updated, last, more=len(batch) == limit)


def catch_up(db: Database, ctx: TenantContext, *, batch: int = BATCH, max_batches: int = 1000,
             wait: bool = True) -> SyncResult:  # fmt: skip
    """Run batches (one transaction each) until the outbox is exhausted or ``max_batches`` ran."""
    total = SyncResult()
    for _ in range(max_batches):
        with db.uow(ctx) as uow:
            r = apply_batch(uow, limit=batch, wait=wait)
            if r.skipped:
                total.skipped = True
                return total
            uow.commit()
        total.add(r)
        if not r.more:
            break
    return total


# --- the backfill -----------------------------------------------------------------------------


def backfill_numbers(uow: Any, addressee_nos: Iterable[str]) -> tuple[int, int]:
    """Apply the registry's current snapshots of these 宛名番号 (published ``juki_repo.current_many``)."""
    snaps = juki_repo.current_many(uow, addressee_nos)
    return apply_snapshots(uow, [(s, registry.reason_of({}), None) for s in snaps.values()])


def backfill(db: Database, ctx: TenantContext, *, page: int = 1000) -> SyncResult:
    """Every current registry person, page by page (needs ``juki_repo.current_page``)."""
    page_fn = getattr(juki_repo, "current_page", None)
    if page_fn is None:
        raise RuntimeError(
            "juki_repo.current_page(uow, after_addressee_no, limit) が未提供のため全件取込みはできません"
        )
    total, after = SyncResult(), ""
    while True:
        with db.uow(ctx) as uow:
            snaps = page_fn(uow, after, page)
            if not snaps:
                break
            created, updated = apply_snapshots(uow, [(s, registry.reason_of({}), None) for s in snaps])
            uow.audit("addressee.backfill", "create", target_type="juki", target_id=f"{after}-",
                      detail=f"{len(snaps)}件 作成{created}件 更新{updated}件")  # fmt: skip
            uow.commit()
        total.add(SyncResult(len(snaps), created, updated))
        after = str(snaps[-1]["addressee_no"])
    return total
