"""The welfare business's subscriber to the registry's published 異動 (dataset ``juki.moves``).

Path chosen: **in-process linkage feed** — :func:`kikan.adapters.db.linkage_feed.read_changes`, the
very function behind ``GET /api/v1/linkage/juki.moves/changes`` — so the welfare business sees
exactly what the linkage layer publishes (never the ``juki_*`` tables), and each page's effects
(tasks, automatic 消滅, the person copy), the processed item ids and the cursor commit in ONE
transaction: exactly once, across crashes and restarts, with no distributed protocol. A welfare
system deployed apart uses the same handler over HTTP (:func:`http_subscriber`, the linkage
client's ``Subscriber`` with stores in this database). Residents loaded without events reach the
person copy through the snapshot pass over ``juki.residents``
(:mod:`kikan.adapters.db.welfare_feed_snapshot`), after which this feed continues.

**支援措置 (``welfare_person.protected``).** ``juki.moves`` carries no flag (an 異動 event is immutable),
so after the moves the subscriber follows the registry's ``juki.residents`` change feed (version 2)
for the flag alone (:func:`poll_flags`): each record carries ``protected`` as it is at the time of
the pull, the 異動 that brought a person into the copy has that person's residents record too, and
the registry republishes the person's current record whenever a measure starts, is approved,
extended, continued or ends. Only the flag of persons already in the copy is written; every other
record is passed over and leaves nothing behind. That feed is read only up to the position the moves
feed has applied (``upto``), so a person a later 異動 brings into the copy is never passed over
before being copied. The residents dataset needs only ``linkage.read`` (no grant of
``juki.support_measures``, whose 宛名番号-level detail welfare does not need). The snapshot pass
(:mod:`kikan.adapters.db.welfare_feed_snapshot`) copies the flag with the persons it loads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db import linkage_feed
from kikan.adapters.db.counters import insert_ignore
from kikan.adapters.db.database import Database
from kikan.adapters.db.tables.welfare import (
    welfare_feed_cursor,
    welfare_life_event,
    welfare_person,
    welfare_processed_item,
)
from kikan.adapters.db.welfare_store import SqlCaseStore
from kikan.core.errors import Conflict, DomainError
from kikan.core.temporal import JST
from kikan.core.tenancy import Actor, TenantContext
from kikan.linkage import datasets
from kikan.linkage.cursor import decode_change
from kikan.linkage.errors import InvalidCursor
from kikan.welfare import subscribers
from kikan.welfare.cases import tasks
from kikan.welfare.cases.changes import extinguish
from kikan.welfare.cases.commands import Extinguish

DATASET = "juki.moves"
PAGE = 200
FLAGS = "juki.residents"  # read for 支援措置 (``protected``) only
FLAGS_CURSOR = "juki.residents:protected"
FLAGS_PAGE = 1000
SUBSCRIBER = Actor(
    "system:welfare-registry", kind="system", permissions=frozenset({"welfare.read", "welfare.write"})
)


def context(tenant_id: str) -> TenantContext:
    return TenantContext(tenant_id, SUBSCRIBER)


class SqlCaseView(SqlCaseStore):
    """The cases as the subscriber's decisions see them."""


def _d(v: Any) -> date | None:
    return date.fromisoformat(str(v)[:10]) if v else None


def remember_person(uow: Any, person: dict[str, Any], *, same_history: bool = True) -> bool:
    """Keep one published person's items (a ``juki.moves`` person or a ``juki.residents`` record) in
    ``welfare_person`` unless a newer 履歴番号 is held; ``same_history`` also rewrites the row when the
    held 履歴番号 is the same (the moves feed does; the snapshot pass does not, so running it again
    writes nothing). ``protected`` (支援措置; only ``juki.residents`` records carry it) is the state at
    the time of the pull, so it is written whenever it differs, whatever the 履歴番号; a person without
    it (a ``juki.moves`` person) keeps the held flag. True when a row was written."""
    t, p = uow.tenant_id, welfare_person.c
    no, hist = str(person["addressee_no"]), int(person.get("history_no") or 0)
    row = {"household_no": person.get("household_no"), "status": person.get("status"),
           "birth_date": _d(person.get("birth_date")), "family_name": person.get("family_name"),
           "given_name": person.get("given_name"), "family_name_kana": person.get("family_name_kana"),
           "given_name_kana": person.get("given_name_kana"), "relationship": person.get("relationship"),
           "history_no": hist, "received_at": uow.now}  # fmt: skip
    flag = person.get("protected")
    if flag is not None:
        row["protected"] = bool(flag)
    where = (p.tenant_id == t, p.addressee_no == no)
    have = uow.conn.execute(sa.select(p.history_no, p.protected).where(*where)).first()
    if have is None:
        uow.conn.execute(sa.insert(welfare_person), {"tenant_id": t, "addressee_no": no, **row})
        return True
    if hist > have.history_no or (same_history and hist == have.history_no):
        uow.conn.execute(sa.update(welfare_person).where(*where).values(**row))
        return True
    if flag is not None and bool(flag) != have.protected:
        uow.conn.execute(sa.update(welfare_person).where(*where).values(protected=bool(flag)))
        return True
    return False


def apply_flags(uow: Any, items: list[dict[str, Any]]) -> int:
    """Set ``protected`` of the persons in the copy from ``juki.residents`` records (the last record of a
    person wins; records without the item are ignored), in the caller's unit of work. Persons not in
    the copy are passed over. Returns how many persons' flag changed."""
    flags = {str(i["data"]["addressee_no"]): bool(i["data"]["protected"])
             for i in items if i["data"].get("protected") is not None}  # fmt: skip
    if not flags:
        return 0
    t, p = uow.tenant_id, welfare_person.c
    held = uow.conn.execute(
        sa.select(p.addressee_no, p.protected).where(p.tenant_id == t, p.addressee_no.in_(sorted(flags)))
    )
    changed = {x.addressee_no: flags[x.addressee_no] for x in held if x.protected != flags[x.addressee_no]}  # fmt: skip
    for value in (True, False):
        nos = sorted(no for no, f in changed.items() if f is value)
        if nos:
            uow.conn.execute(sa.update(welfare_person).where(p.tenant_id == t, p.addressee_no.in_(nos))
                             .values(protected=value))  # fmt: skip
    return len(changed)


def _remember(uow: Any, item: dict[str, Any]) -> None:
    """The persons' items and the life event (the welfare business's own copy of what was published)."""
    d, t = item["data"], uow.tenant_id
    for person in d.get("persons") or []:
        no = str(person["addressee_no"])
        remember_person(uow, person)
        insert_ignore(uow.conn, welfare_life_event, {
            "tenant_id": t, "event_id": str(d["event_id"]), "addressee_no": no, "event_type": d["event_type"],
            "event_code": d.get("event_code"), "event_on": _d(d.get("event_on")), "household_no": person.get("household_no"),
            "received_at": uow.now,
        })  # fmt: skip


def _seen(uow: Any, item_id: str) -> bool:
    i = welfare_processed_item.c
    q = sa.select(i.item_id).where(i.tenant_id == uow.tenant_id, i.dataset == DATASET, i.item_id == item_id)
    return uow.conn.execute(q).first() is not None


def apply_item(uow: Any, item: dict[str, Any]) -> bool:
    """Apply one feed item in the caller's unit of work; False when it was applied before."""
    if _seen(uow, item["id"]):
        return False
    today = uow.now.astimezone(JST).date()
    _remember(uow, item)
    view = SqlCaseView(uow)
    actions = subscribers.decide(item, view)
    for recipient, hh in actions.households:
        view.set_household(recipient, hh)
    src = f"registry:{item['data']['event_id']}"
    for case_id, ended_on, reason in actions.extinguish:
        try:
            with uow.conn.begin_nested():
                extinguish(Extinguish(case_id=case_id, ended_on=ended_on, end_reason=reason),  # type: ignore[arg-type]
                           uow, today=today, store=view, source=src)  # fmt: skip
        except DomainError as e:  # e.g. an event dated before the claim: a person must look at it
            view.open_task(tasks.task("move_out_extinguish", key=case_id, source=src, case_id=case_id,
                                      detail=f"自動で消滅できませんでした: {e.message}"))  # fmt: skip
    for t in actions.tasks:
        view.open_task(t)
    uow.conn.execute(sa.insert(welfare_processed_item),
                     {"tenant_id": uow.tenant_id, "dataset": DATASET, "item_id": item["id"], "processed_at": uow.now})  # fmt: skip
    return True


def load_cursor(uow: Any, key: str = DATASET) -> str | None:
    c = welfare_feed_cursor.c
    return uow.conn.execute(  # type: ignore[no-any-return]
        sa.select(c.cursor).where(c.tenant_id == uow.tenant_id, c.dataset == key)
    ).scalar()


def save_cursor(uow: Any, cursor: str, key: str = DATASET) -> None:
    c = welfare_feed_cursor.c
    n = uow.conn.execute(sa.update(welfare_feed_cursor).where(c.tenant_id == uow.tenant_id, c.dataset == key)
                         .values(cursor=cursor, updated_at=uow.now)).rowcount  # fmt: skip
    if not n:
        uow.conn.execute(sa.insert(welfare_feed_cursor), {"tenant_id": uow.tenant_id, "dataset": key, "cursor": cursor,
                                                         "updated_at": uow.now})  # fmt: skip


@dataclass(frozen=True)
class PollReport:
    pages: int
    received: int
    applied: int


def poll_changes(
    db: Database,
    tenant_id: str,
    dataset: str,
    apply_page: Callable[[Any, list[dict[str, Any]]], int],
    *,
    function: str,
    source_label: str,
    max_pages: int | None = None,
    page_size: int = PAGE,
    ctx: Callable[[str], TenantContext] | None = None,
) -> PollReport:
    """Apply everything new in a published dataset after welfare's cursor for it: one transaction per
    page holding the effects (``apply_page`` → how many were applied), the processed ids and the cursor;
    each page with records is audited under ``function``, as the actor of ``ctx`` (default: the
    registry subscriber's)."""
    ds = datasets.get(dataset)
    assert ds is not None
    pages = received = applied = 0
    actor = ctx or context
    while max_pages is None or pages < max_pages:
        with db.uow(actor(tenant_id)) as uow:
            cursor = load_cursor(uow, dataset)
            try:
                page = linkage_feed.read_changes(uow.conn, uow.tenant_id, ds, cursor, page_size)
            except InvalidCursor as e:
                raise Conflict(f"{source_label}の連携データの位置が一致しません（{e.message}）") from e
            n = apply_page(uow, page.items)
            if page.next_cursor != cursor:
                save_cursor(uow, page.next_cursor, dataset)
            if page.items:
                uow.audit(function, "read", target_type="dataset", target_id=dataset,
                          detail=f"{len(page.items)} records, {n} applied")  # fmt: skip
            uow.commit()
        pages, received, applied = pages + 1, received + len(page.items), applied + n
        if not page.has_more:
            break
    return PollReport(pages, received, applied)


def poll(db: Database, tenant_id: str, *, max_pages: int | None = None, page_size: int = PAGE) -> PollReport:
    """Apply everything new in ``juki.moves`` (then the 支援措置 flags up to that position)."""
    report = poll_changes(db, tenant_id, DATASET, lambda uow, items: sum(apply_item(uow, i) for i in items),
                          function="welfare.registry.sync", source_label="住民記録",
                          max_pages=max_pages, page_size=page_size)  # fmt: skip
    poll_flags(db, tenant_id)
    return report


def poll_flags(db: Database, tenant_id: str, *, page_size: int = FLAGS_PAGE) -> PollReport:
    """Keep ``welfare_person.protected`` current from ``juki.residents`` changes, up to the position the
    moves feed has applied; one transaction per page (flags + cursor). ``applied`` = flags changed."""
    ds = datasets.get(FLAGS)
    assert ds is not None
    pages = received = applied = 0
    while True:
        with db.uow(context(tenant_id)) as uow:
            moves, cursor = load_cursor(uow), load_cursor(uow, FLAGS_CURSOR)
            try:
                upto = decode_change(moves, DATASET).seq if moves else 0
                if not upto or decode_change(cursor, FLAGS).seq >= upto:
                    break  # nothing the moves feed has applied is left to read
                page = linkage_feed.read_changes(uow.conn, uow.tenant_id, ds, cursor, page_size, upto=upto)
            except InvalidCursor as e:
                raise Conflict(f"住民記録の連携データ（{FLAGS}）の位置が一致しません（{e.message}）") from e
            n = apply_flags(uow, page.items)
            if page.next_cursor != cursor:
                save_cursor(uow, page.next_cursor, FLAGS_CURSOR)
            if page.items:
                uow.audit("welfare.registry.protected", "read", target_type="dataset", target_id=FLAGS,
                          detail=f"{len(page.items)} records, {n} flags changed")  # fmt: skip
            uow.commit()
        pages, received, applied = pages + 1, received + len(page.items), applied + n
        if not page.has_more:
            break
    return PollReport(pages, received, applied)
