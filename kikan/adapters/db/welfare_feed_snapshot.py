"""The welfare business's snapshot pass over the registry's published ``juki.residents``.

Residents loaded without events (a migrated city, a bulk-seeded one) never appear in ``juki.moves``,
so the welfare business's person copy (``welfare_person``) would not know them: their cases would
show no names and the life-event checks (which household a person is in) would miss them. This pass
reads the registry's published snapshot through the linkage layer in process —
:func:`kikan.adapters.db.linkage_feed.read_snapshot`, the function behind
``GET /api/v1/linkage/juki.residents/snapshot`` (as the tax business does) — never the ``juki_*``
tables, and fills the copy; the moves feed (:mod:`kikan.adapters.db.welfare_feed`) then continues
after the snapshot's position.

**Whose items are kept (data minimisation).** Only the persons the welfare business needs:

* every current resident of a household with a 児童 on the day of the pass — a child until the first
  31 March after reaching 18 (児童手当法第3条第1項, 児童扶養手当法第3条第1項;
  :func:`kikan.welfare.subscribers.is_child`): the possible claimants, spouses and children, and the
  households the life-event checks look at;
* persons the welfare business already deals with, wherever they live and whatever their status:
  the recipients, spouses, 扶養義務者 and children of its cases (current version), persons whose
  income it holds, and persons already in its copy (kept current).

Everybody else (households without a child: most of a city) is read and passed over, leaving
nothing behind. Households with children are found by a first, read-only pass over the snapshot
(only their 世帯番号 are held, in memory): a person's household members may be on any page, as pages
are ordered by 宛名番号.

**Exactly once.** Each page's rows, the snapshot cursor (``welfare_feed_cursor`` row
``juki.residents:snapshot``) and, on the last page, the start of the moves feed commit in ONE
transaction; an interrupted pass resumes from the stored cursor. A row is written only when the
record's 履歴番号 is newer than the one held, so a second pass writes nothing. When the moves feed
has never run, it starts at the snapshot's position (the earlier of the two passes' positions, so
a 異動 committed between them is still delivered as a move); once it has a cursor it keeps it — its
events carry life-event tasks that a snapshot cannot replace.

支援措置: ``juki.residents`` (version 2) carries ``protected`` (the state at the time of the pull), and
the pass copies it into ``welfare_person.protected`` for every person in scope — also for a person
whose 履歴番号 is already held, when the flag differs (a second pass still writes nothing). The moves
subscriber keeps it current afterwards from the ``juki.residents`` changes
(:func:`kikan.adapters.db.welfare_feed.poll_flags`); when the pass starts a fresh moves feed, that
flag feed starts at the same position.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db import linkage_feed, welfare_feed, welfare_tax_feed
from kikan.adapters.db.database import Database
from kikan.adapters.db.tables.welfare import (
    welfare_case,
    welfare_case_child,
    welfare_feed_cursor,
    welfare_person,
)
from kikan.core.errors import Conflict
from kikan.core.temporal import JST
from kikan.linkage import datasets
from kikan.linkage.cursor import ChangeCursor, decode_change, encode
from kikan.linkage.errors import InvalidCursor
from kikan.welfare.subscribers import is_child

DATASET = "juki.residents"
CURSOR = "juki.residents:snapshot"
PAGE = 1000
RESIDENT = "resident"


@dataclass(frozen=True)
class SnapshotReport:
    pages: int
    received: int
    applied: int  # rows written (new persons or newer 履歴番号)
    households: int  # households with a 児童 found by the first pass


def _dataset() -> datasets.Dataset:
    ds = datasets.get(DATASET)
    assert ds is not None
    return ds


def _conflict(e: InvalidCursor) -> Conflict:
    return Conflict(f"住民記録の連携データ（{DATASET}）の位置が一致しません（{e.message}）")


def _birth(v: Any) -> date | None:
    return date.fromisoformat(str(v)[:10]) if v else None


def _position(changes_cursor: str | None) -> int:
    return decode_change(changes_cursor, DATASET, "changes_cursor").seq


def households_with_children(db: Database, tenant_id: str) -> tuple[set[str], int]:
    """First pass (read only): the 世帯番号 of current residents who are 児童 today, and the snapshot's
    position (outbox seq) it read at."""
    ds, found, cursor, as_of = _dataset(), set[str](), None, 0
    while True:
        with db.uow(welfare_feed.context(tenant_id)) as uow:
            today = uow.now.astimezone(JST).date()
            try:
                page = linkage_feed.read_snapshot(uow.conn, uow.tenant_id, ds, cursor, PAGE)
            except InvalidCursor as e:
                raise _conflict(e) from e
            uow.commit()
        if cursor is None:
            as_of = _position(page.changes_cursor)
        for item in page.items:
            d = item["data"]
            if (
                d.get("status") == RESIDENT
                and d.get("household_no")
                and is_child(_birth(d.get("birth_date")), today)
            ):
                found.add(str(d["household_no"]))
        if not page.has_more:
            return found, as_of
        cursor = page.next_cursor


def _known(uow: Any, nos: set[str]) -> set[str]:
    """Which of ``nos`` welfare already deals with: its cases' persons (recipients, spouses, 扶養義務者,
    children of the current version), persons whose income it holds, persons in its copy."""
    if not nos:
        return set()
    t, c, k, p = uow.tenant_id, welfare_case.c, welfare_case_child.c, welfare_person.c
    found = welfare_tax_feed.in_scope(uow, nos)
    current = sa.and_(k.tenant_id == c.tenant_id, k.case_id == c.case_id, k.version == c.version)
    found |= set(uow.conn.execute(sa.select(k.child_id).select_from(welfare_case_child.join(welfare_case, current))
                                  .where(k.tenant_id == t, k.child_id.in_(nos))).scalars())  # fmt: skip
    found |= set(
        uow.conn.execute(sa.select(p.addressee_no).where(p.tenant_id == t, p.addressee_no.in_(nos))).scalars()
    )
    return found


def _wanted(uow: Any, items: list[dict[str, Any]], households: set[str]) -> list[dict[str, Any]]:
    known = _known(uow, {str(i["data"]["addressee_no"]) for i in items})
    return [
        i for i in items
        if str(i["data"]["addressee_no"]) in known
        or (i["data"].get("status") == RESIDENT and i["data"].get("household_no") in households)
    ]  # fmt: skip


def _clear(uow: Any) -> None:
    c = welfare_feed_cursor.c
    uow.conn.execute(sa.delete(welfare_feed_cursor).where(c.tenant_id == uow.tenant_id, c.dataset == CURSOR))


def snapshot(db: Database, tenant_id: str, *, page_size: int = PAGE) -> SnapshotReport:
    """The snapshot pass: fill the person copy for the persons in scope, one transaction per page
    (rows + snapshot cursor; the last page also starts a fresh moves feed at the snapshot's position)."""
    ds = _dataset()
    households, scanned_at = households_with_children(db, tenant_id)
    pages = received = applied = 0
    while True:
        with db.uow(welfare_feed.context(tenant_id)) as uow:
            cursor = welfare_feed.load_cursor(uow, CURSOR)
            try:
                page = linkage_feed.read_snapshot(uow.conn, uow.tenant_id, ds, cursor, page_size)
            except InvalidCursor as e:
                raise _conflict(e) from e
            wanted = _wanted(uow, page.items, households)
            n = sum(welfare_feed.remember_person(uow, i["data"], same_history=False) for i in wanted)
            if page.has_more:
                welfare_feed.save_cursor(uow, page.next_cursor, CURSOR)
            else:
                _clear(uow)
                if welfare_feed.load_cursor(uow, welfare_feed.DATASET) is None:
                    start = min(scanned_at, _position(page.changes_cursor))
                    welfare_feed.save_cursor(uow, encode(ChangeCursor(welfare_feed.DATASET, start, 0)))
                    if welfare_feed.load_cursor(uow, welfare_feed.FLAGS_CURSOR) is None:
                        welfare_feed.save_cursor(uow, encode(ChangeCursor(welfare_feed.FLAGS, start, 0)),
                                                 welfare_feed.FLAGS_CURSOR)  # fmt: skip
            if page.items:
                uow.audit("welfare.registry.snapshot", "read", target_type="dataset", target_id=DATASET,
                          detail=f"{len(page.items)} records, {len(wanted)} in scope, {n} applied")  # fmt: skip
            uow.commit()
        pages, received, applied = pages + 1, received + len(page.items), applied + n
        if not page.has_more:
            return SnapshotReport(pages, received, applied, len(households))


@dataclass(frozen=True)
class SyncReport:
    snapshot: SnapshotReport | None
    moves: welfare_feed.PollReport
    income: welfare_tax_feed.PollReport


def sync(db: Database, tenant_id: str, *, snapshot_first: bool = False) -> SyncReport:
    """Everything the welfare business pulls: (optionally) the registry snapshot, then ``juki.moves``,
    then ``tax.assessment_status`` — what ``kikan welfare sync`` and the API's registry-sync run."""
    snap = snapshot(db, tenant_id) if snapshot_first else None
    moves = welfare_feed.poll(db, tenant_id)
    return SyncReport(snap, moves, welfare_tax_feed.poll(db, tenant_id))
