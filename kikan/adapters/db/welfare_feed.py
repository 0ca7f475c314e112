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
"""

from __future__ import annotations

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
from kikan.linkage.errors import InvalidCursor
from kikan.welfare import subscribers
from kikan.welfare.cases import tasks
from kikan.welfare.cases.changes import extinguish
from kikan.welfare.cases.commands import Extinguish

DATASET = "juki.moves"
PAGE = 200
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
    writes nothing). True when a row was written."""
    t, p = uow.tenant_id, welfare_person.c
    no, hist = str(person["addressee_no"]), int(person.get("history_no") or 0)
    row = {"household_no": person.get("household_no"), "status": person.get("status"),
           "birth_date": _d(person.get("birth_date")), "family_name": person.get("family_name"),
           "given_name": person.get("given_name"), "family_name_kana": person.get("family_name_kana"),
           "given_name_kana": person.get("given_name_kana"), "relationship": person.get("relationship"),
           "history_no": hist, "received_at": uow.now}  # fmt: skip
    have = uow.conn.execute(sa.select(p.history_no).where(p.tenant_id == t, p.addressee_no == no)).scalar()
    if have is None:
        uow.conn.execute(sa.insert(welfare_person), {"tenant_id": t, "addressee_no": no, **row})
        return True
    if hist > have or (same_history and hist == have):
        uow.conn.execute(
            sa.update(welfare_person).where(p.tenant_id == t, p.addressee_no == no).values(**row)
        )
        return True
    return False


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


def poll(db: Database, tenant_id: str, *, max_pages: int | None = None, page_size: int = PAGE) -> PollReport:
    """Apply everything new in ``juki.moves``; one transaction per page (effects + ids + cursor)."""
    ds = datasets.get(DATASET)
    assert ds is not None
    pages = received = applied = 0
    while max_pages is None or pages < max_pages:
        with db.uow(context(tenant_id)) as uow:
            cursor = load_cursor(uow)
            try:
                page = linkage_feed.read_changes(uow.conn, uow.tenant_id, ds, cursor, page_size)
            except InvalidCursor as e:
                raise Conflict(f"住民記録の連携データの位置が一致しません（{e.message}）") from e
            n = sum(apply_item(uow, item) for item in page.items)
            if page.next_cursor != cursor:
                save_cursor(uow, page.next_cursor)
            if page.items:
                uow.audit("welfare.registry.sync", "read", target_type="dataset", target_id=DATASET,
                          detail=f"{len(page.items)} records, {n} applied")  # fmt: skip
            uow.commit()
        pages, received, applied = pages + 1, received + len(page.items), applied + n
        if not page.has_more:
            break
    return PollReport(pages, received, applied)
