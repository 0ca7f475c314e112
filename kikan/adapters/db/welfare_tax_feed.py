"""The welfare business's subscriber to the tax business's published 課税状況 (``tax.assessment_status``).

Like the registry subscriber (:mod:`kikan.adapters.db.welfare_feed`), it reads only what the linkage
layer publishes — in process through :func:`kikan.adapters.db.linkage_feed.read_changes` /
``read_snapshot`` (the functions behind ``GET /api/v1/linkage/tax.assessment_status/…``), or over
HTTP with the linkage client (:func:`http_subscriber`) — never the ``tax_*`` tables. Each page's
effects (``welfare_income`` versions with ``source="tax"``, tasks), the processed record ids and the
cursor commit in ONE transaction: exactly once, across crashes and restarts.

**Whose income is kept (data minimisation).** Only persons the welfare business already deals with:
the recipients, spouses and 扶養義務者 of its cases (current version of every case) and persons whose
income it already holds (entered by staff, e.g. for a claim being prepared). Every other record is
passed over and leaves nothing behind — not even its id. A person who becomes relevant later (a
claim filed after the tax record was published) is caught up by a snapshot pass
(:func:`backfill`, ``kikan welfare sync-income --snapshot``), which applies the current version of
every in-scope person and skips what is already held.

**Versions.** A record is one immutable version of one person's result for one 課税年度 (id
``年度-宛名番号-版``); the income is that of the previous year. A version is applied once, and a
version lower than one already applied is stale (a snapshot and the changes after its ``as_of`` can
overlap): the held versions are the processed ids ``年度-宛名番号-版`` of this dataset. A usable
version writes a new ``welfare_income`` version only when the income facts change; the items the
dataset lacks are carried over from the person's latest version (:mod:`kikan.welfare.cases.tax_income`).

**Precedence.** The latest version in ``welfare_income`` is in force, whoever wrote it: a staff entry
after the tax version wins until the tax business publishes a newer version (更正), which then wins —
the staff entry stays in the history, and a task (``income_tax_update``) tells staff that their
figures were replaced. Re-delivering the same tax version never overrides a later staff entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db import linkage_feed
from kikan.adapters.db.database import Database
from kikan.adapters.db.tables.welfare import (
    welfare_case,
    welfare_case_version,
    welfare_income,
    welfare_processed_item,
)
from kikan.adapters.db.welfare_feed import PollReport, poll_changes
from kikan.adapters.db.welfare_feed_http import DbCursorStore, DbProcessedStore
from kikan.adapters.db.welfare_income import latest_income, write_income
from kikan.adapters.db.welfare_store import SqlCaseStore, change_seq
from kikan.core.tenancy import Actor, TenantContext
from kikan.linkage import datasets
from kikan.linkage.client import LinkageClient, Subscriber
from kikan.welfare.cases import tasks
from kikan.welfare.cases import tax_income as ti

DATASET = "tax.assessment_status"
SOURCE = "tax"
PAGE = 500
#: How far above a delivered version the held versions are looked up (a person-year's results
#: rarely get more than a few 更正; each lookup is one indexed ``IN`` on the processed ids).
VERSION_WINDOW = 64
SUBSCRIBER = Actor(
    "system:welfare-tax", kind="system", permissions=frozenset({"welfare.read", "welfare.write"})
)


def context(tenant_id: str) -> TenantContext:
    return TenantContext(tenant_id, SUBSCRIBER)


def in_scope(uow: Any, nos: Iterable[str]) -> set[str]:
    """Which of ``nos`` the welfare business deals with: its cases' recipients, spouses and 扶養義務者,
    and persons whose income it already holds."""
    want = set(nos)
    if not want:
        return set()
    t, c, v, i = uow.tenant_id, welfare_case.c, welfare_case_version.c, welfare_income.c
    conn = uow.conn
    found = set(conn.execute(sa.select(c.recipient).where(c.tenant_id == t, c.recipient.in_(want))).scalars())
    found |= set(conn.execute(sa.select(i.addressee_no).where(i.tenant_id == t, i.addressee_no.in_(want))
                              .distinct()).scalars())  # fmt: skip
    spouse = v.state["spouse"].as_string()
    current = sa.and_(v.tenant_id == c.tenant_id, v.case_id == c.case_id, v.version == c.version)
    q = sa.select(spouse, v.obligors).select_from(welfare_case.join(welfare_case_version, current)).where(
        c.tenant_id == t, sa.or_(spouse.in_(want), v.obligors.is_not(None))
    )  # fmt: skip
    for sp, obligors in conn.execute(q):
        found |= {x for x in [sp, *(obligors or "").split()] if x in want}
    return found


def _held(uow: Any, record: dict[str, Any]) -> tuple[bool, bool]:
    """(this version was applied, a newer one was) for the record's person and year."""
    y, no, ver = record["fiscal_year"], record["addressee_no"], int(record["version"])
    ids = {f"{y}-{no}-{k}": k for k in range(ver, ver + VERSION_WINDOW + 1)}
    p = welfare_processed_item.c
    got = uow.conn.execute(sa.select(p.item_id).where(
        p.tenant_id == uow.tenant_id, p.dataset == DATASET, p.item_id.in_(list(ids)))).scalars()  # fmt: skip
    versions = {ids[x] for x in got}
    return ver in versions, any(k > ver for k in versions)


def _apply(uow: Any, item: dict[str, Any]) -> bool:
    d = item["data"]
    done, stale = _held(uow, d)
    if done or stale:
        return False
    uow.conn.execute(sa.insert(welfare_processed_item),
                     {"tenant_id": uow.tenant_id, "dataset": DATASET, "item_id": item["id"], "processed_at": uow.now})  # fmt: skip
    no, year = str(d["addressee_no"]), ti.income_year(d)
    src = f"tax:{item['id']}"
    reason = ti.unusable(d)
    if reason is not None:
        SqlCaseStore(uow).open_task(tasks.task(
            "income_unknown", key=item["id"], source=src, addressee_no=no,
            detail=f"{year}年の所得（{d['fiscal_year']}年度 課税状況 版{d['version']}）: {reason}"))  # fmt: skip
        return True
    held = latest_income(uow, no, year)
    previous = held[1] if held is not None else None
    facts = ti.facts_from_tax(d, previous)
    if held is not None and held[0] == SOURCE and previous == facts:
        return True  # a version that changes nothing welfare uses (e.g. only the 均等割)
    write_income(uow, change_seq(uow), addressee_no=no, year=year, total=facts.total_income, items=facts.items,
                 source=SOURCE)  # fmt: skip
    if previous is not None and held and held[0] != SOURCE and ti.tax_part(previous) != ti.tax_part(facts):
        SqlCaseStore(uow).open_task(tasks.task(
            "income_tax_update", key=item["id"], source=src, addressee_no=no,
            detail=(f"{year}年の所得: 職員が登録した合計所得金額 {previous.total_income:,}円 を課税状況"
                    f"（{d['fiscal_year']}年度 版{d['version']}・{d.get('kind') or ''}）の {facts.total_income:,}円 で置き換えました")))  # fmt: skip
    return True


def apply_items(uow: Any, items: Sequence[dict[str, Any]]) -> int:
    """Apply a page of records in the caller's unit of work; the number applied (not passed over)."""
    scope = in_scope(uow, (str(i["data"]["addressee_no"]) for i in items))
    return sum(_apply(uow, i) for i in items if str(i["data"]["addressee_no"]) in scope)


def apply_item(uow: Any, item: dict[str, Any]) -> bool:
    """Apply one record in the caller's unit of work; False when passed over or applied before."""
    return apply_items(uow, [item]) == 1


def _audit(uow: Any, received: int, applied: int, what: str = "records") -> None:
    uow.audit("welfare.tax.sync", "read", target_type="dataset", target_id=DATASET,
              detail=f"{received} {what}, {applied} applied")  # fmt: skip


def poll(db: Database, tenant_id: str, *, max_pages: int | None = None, page_size: int = PAGE) -> PollReport:
    """Apply everything new in ``tax.assessment_status``; one transaction per page (effects + ids + cursor)."""
    return poll_changes(db, tenant_id, DATASET, apply_items, function="welfare.tax.sync",
                        source_label="税務の課税状況", max_pages=max_pages, page_size=page_size,
                        ctx=context)  # fmt: skip


def backfill(db: Database, tenant_id: str, *, page_size: int = PAGE) -> PollReport:
    """One pass over the snapshot (every person's current version of every year), applying it to the
    persons in scope that lack it — for persons who became relevant after their record was published,
    and for results loaded without events. Idempotent; the change cursor is not moved."""
    ds = datasets.get(DATASET)
    assert ds is not None
    pages = received = applied = 0
    cursor: str | None = None
    while True:
        with db.uow(context(tenant_id)) as uow:
            page = linkage_feed.read_snapshot(uow.conn, uow.tenant_id, ds, cursor, page_size)
            n = apply_items(uow, page.items)
            if page.items:
                _audit(uow, len(page.items), n, "snapshot records")
            uow.commit()
        pages, received, applied = pages + 1, received + len(page.items), applied + n
        if not page.has_more:
            return PollReport(pages, received, applied)
        cursor = page.next_cursor


# --- over HTTP (a welfare system deployed apart from the tax system) -------------------------


def http_subscriber(db: Database, tenant_id: str, client: LinkageClient, *, limit: int = PAGE) -> Subscriber:
    """A linkage-client ``Subscriber`` of ``tax.assessment_status`` whose effects land here exactly once:
    each record is applied with its processed id in one transaction; the cursor is kept in
    ``welfare_feed_cursor`` under ``http:<tenant>/tax.assessment_status``."""

    def handle(item: dict[str, Any]) -> None:
        with db.uow(context(tenant_id)) as uow:
            if apply_item(uow, item):
                _audit(uow, 1, 1)
            uow.commit()

    cursors = DbCursorStore(db, tenant_id, context)
    return Subscriber(
        client, DATASET, handle, cursors, DbProcessedStore(db, tenant_id, DATASET, context), limit=limit
    )


def http_backfill(db: Database, tenant_id: str, client: LinkageClient, *, limit: int = PAGE) -> PollReport:
    """:func:`backfill` over HTTP: the snapshot pages of the linkage API, one transaction per page."""
    pages = received = applied = 0
    cursor: str | None = None
    while True:
        page = client.snapshot(DATASET, cursor, limit)
        with db.uow(context(tenant_id)) as uow:
            n = apply_items(uow, page.items)
            if page.items:
                _audit(uow, len(page.items), n, "snapshot records")
            uow.commit()
        pages, received, applied = pages + 1, received + len(page.items), applied + n
        if not page.has_more:
            return PollReport(pages, received, applied)
        cursor = page.next_cursor
