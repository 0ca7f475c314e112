"""How the tax business learns about residents: the registry's PUBLISHED ``juki.residents`` dataset.

Choice (see the README of ``kikan.tax.individual_resident``): the linkage layer already serves the
dataset in-process (``kikan.adapters.db.linkage_feed.read_snapshot`` / ``read_changes``: the very
functions behind ``GET /api/v1/linkage/juki.residents/…``), so the tax business pulls it with them
— a snapshot first (residents loaded without events, e.g. migrated or seeded), then the change
feed after the snapshot's position — and keeps every record it received in its OWN table
``tax_registry_row`` with the time it received it. It never reads ``juki_*`` tables. Keeping the
records (not just the latest state) is what makes "who was a resident on 1 January, as known at
``known_at``" answerable and a batch reproducible. Deployed apart from the registry, the tax
business pulls the same dataset over HTTP (:mod:`kikan.adapters.db.tax_registry_http`), as another
vendor's tax system would.

The feed is idempotent on (宛名番号, 履歴番号): a record delivered twice (snapshot + changes) is
stored once.

支援措置: ``protected`` (``juki.residents`` version 2) is the person's state **at the time of the
pull**, not an item of the history row, and the registry republishes the person's current row (same
履歴番号, id ``宛名番号-履歴番号#<event_id>``) when a measure starts, is approved, extended, continued or
ends. The copy therefore keeps it per person: a new row is stored with the flag it was delivered
with, and every delivered record sets the flag on all the rows held for its person (the latest
delivery wins; records come in commit order and each carries the flag of its pull). This is the only
column of the copy that is ever updated; the registry items stay as received. A record without the
item (a version-1 feed) leaves the held flag alone. The cursor moves in the same transaction as the records it delivered
(:func:`store_records`, shared with the HTTP path :mod:`kikan.adapters.db.tax_registry_http`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from kikan.adapters.db import linkage_feed
from kikan.adapters.db.database import Database
from kikan.adapters.db.tables.tax import tax_registry_row, tax_sync_cursor
from kikan.core.errors import Conflict
from kikan.core.tenancy import TenantContext
from kikan.linkage import datasets
from kikan.linkage.errors import InvalidCursor
from kikan.tax.individual_resident.taxpayers import RegistryPerson, population

DATASET = "juki.residents"
PAGE = 1000
_COPIED = ("event_code", "status", "household_no", "birth_date", "became_resident_on", "removal_on",
           "removal_reason", "family_name", "given_name", "family_name_kana", "given_name_kana", "address",
           "katagaki", "postal_code")  # fmt: skip
_DATES = frozenset({"birth_date", "became_resident_on", "removal_on"})


@dataclass(frozen=True)
class SyncReport:
    pages: int
    received: int
    stored: int
    phase: str


class Position(NamedTuple):
    """Where the copy stands in the feed: ``phase`` snapshot | changes and the cursor to read next."""

    phase: str
    cursor: str | None


def _date(v: Any) -> date | None:
    if v is None or isinstance(v, date):
        return v
    return date.fromisoformat(str(v)[:10])


def _row(uow: Any, item: dict[str, Any], source: str) -> dict[str, Any]:
    d = item["data"]
    row: dict[str, Any] = {
        "tenant_id": uow.tenant_id,
        "addressee_no": d["addressee_no"],
        "history_no": int(d["history_no"]),
    }
    for k in _COPIED:
        v = d.get(k)
        row[k] = _date(v) if k in _DATES else v
    row["protected"] = bool(d.get("protected") or False)
    row["event_on"] = _date(item.get("occurred_on"))
    rec = item.get("recorded_at")
    row["recorded_at"] = datetime.fromisoformat(rec) if isinstance(rec, str) else rec
    row.update(received_at=uow.now, source=source)
    return row


def _store(uow: Any, items: list[dict[str, Any]], source: str) -> int:
    """Store the records not held yet; returns how many were new."""
    if not items:
        return 0
    rows = {(r["addressee_no"], r["history_no"]): r for r in (_row(uow, i, source) for i in items)}
    t = tax_registry_row.c
    held = uow.conn.execute(
        sa.select(t.addressee_no, t.history_no).where(
            t.tenant_id == uow.tenant_id, t.addressee_no.in_(sorted({k[0] for k in rows}))
        )
    ).all()
    known = {(x.addressee_no, x.history_no) for x in held}
    new = [r for k, r in rows.items() if k not in known]
    if new:  # ON CONFLICT DO NOTHING still guards against a concurrent pull
        dialect = postgresql if uow.conn.dialect.name == "postgresql" else sqlite
        uow.conn.execute(dialect.insert(tax_registry_row).on_conflict_do_nothing(), new)
    _flag(uow, items)
    return len(new)


def _flag(uow: Any, items: list[dict[str, Any]]) -> int:
    """Set ``protected`` on every held row of each delivered person to the flag of the person's last
    record in ``items`` (only where it differs); returns how many persons changed."""
    flags = {str(i["data"]["addressee_no"]): bool(i["data"]["protected"])
             for i in items if i["data"].get("protected") is not None}  # fmt: skip
    t, changed = tax_registry_row.c, 0
    for value in (True, False):
        nos = sorted(no for no, f in flags.items() if f is value)
        if not nos:
            continue
        res = uow.conn.execute(
            sa.update(tax_registry_row)
            .where(t.tenant_id == uow.tenant_id, t.addressee_no.in_(nos), t.protected != value)
            .values(protected=value)
        )  # fmt: skip
        changed += res.rowcount or 0
    return changed


def load_position(uow: Any) -> Position:
    """The stored position; an empty copy starts with the snapshot."""
    c = tax_sync_cursor.c
    row = uow.conn.execute(
        sa.select(c.phase, c.cursor).where(c.tenant_id == uow.tenant_id, c.dataset == DATASET)
    ).first()
    return Position("snapshot", None) if row is None else Position(row.phase, row.cursor or None)


def _save(uow: Any, to: Position) -> None:
    c = tax_sync_cursor.c
    values = {"phase": to.phase, "cursor": to.cursor or "", "updated_at": uow.now}
    moved = uow.conn.execute(
        sa.update(tax_sync_cursor).where(c.tenant_id == uow.tenant_id, c.dataset == DATASET).values(**values)
    )
    if not moved.rowcount:
        uow.conn.execute(
            sa.insert(tax_sync_cursor), {"tenant_id": uow.tenant_id, "dataset": DATASET, **values}
        )


def store_records(uow: Any, records: list[dict[str, Any]], cursor: Position, *, source: str) -> int:
    """Store the feed records not held yet and move the cursor to ``cursor``, in the caller's unit of
    work (one transaction: the commit is theirs). ``source`` is the phase the records were read in
    (snapshot | changes). Returns how many records were new."""
    stored = _store(uow, records, source)
    _save(uow, cursor)
    return stored


def sync_in(uow: Any, *, max_pages: int | None = None) -> SyncReport:
    """Pull what is new in ``juki.residents`` inside the caller's unit of work (commit is theirs)."""
    ds = datasets.get(DATASET)
    assert ds is not None
    phase, cursor = load_position(uow)
    pages = received = stored = 0
    try:
        while max_pages is None or pages < max_pages:
            if phase == "snapshot":
                page = linkage_feed.read_snapshot(uow.conn, uow.tenant_id, ds, cursor, PAGE)
                more, source = page.has_more, "snapshot"
                phase, cursor = ("snapshot", page.next_cursor) if more else ("changes", page.changes_cursor)
            else:
                page = linkage_feed.read_changes(uow.conn, uow.tenant_id, ds, cursor, PAGE)
                more, source = page.has_more, "changes"
                cursor = page.next_cursor
            stored += store_records(uow, page.items, Position(phase, cursor), source=source)
            pages += 1
            received += len(page.items)
            if phase == "changes" and not more:
                break
    except InvalidCursor as e:
        raise Conflict(
            f"住民記録の連携データの位置が一致しません（{e.message}）。連携の管理者に連絡してください"
        ) from e
    if received:
        uow.audit("tax.registry.sync", "read", target_type="dataset", target_id=DATASET,
                  detail=f"{received} records, {stored} new, phase {phase}")  # fmt: skip
    return SyncReport(pages, received, stored, phase)


def sync_registry(db: Database, ctx: TenantContext, *, pages_per_commit: int = 20) -> SyncReport:
    """Pull everything new, committing every ``pages_per_commit`` pages (a large snapshot resumes)."""
    pages = received = stored = 0
    phase = "snapshot"
    while True:
        with db.uow(ctx) as uow:
            rep = sync_in(uow, max_pages=pages_per_commit)
            uow.commit()
        pages, received, stored, phase = (
            pages + rep.pages,
            received + rep.received,
            stored + rep.stored,
            rep.phase,
        )
        if rep.pages < pages_per_commit:
            return SyncReport(pages, received, stored, phase)


class DbRegistryReader:
    """:class:`~kikan.tax.individual_resident.taxpayers.RegistryReader` over the tax business's copy."""

    def __init__(self, uow: Any):
        self.uow = uow

    def residents_on(
        self, day: date, *, known_at: datetime, addressee_nos: list[str] | None = None
    ) -> list[RegistryPerson]:
        from kikan.adapters.db.tax_inputs import registry_rows

        rows = registry_rows(self.uow.conn, self.uow.tenant_id, known_at, keys=addressee_nos)
        pop = population(rows, day)
        return [
            RegistryPerson(r["addressee_no"], r["household_no"], r["birth_date"])
            for r in pop.iter_rows(named=True)
        ]
