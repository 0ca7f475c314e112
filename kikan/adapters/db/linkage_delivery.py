"""Delivering dataset pages to a caller: read, audit and log the exchange in one transaction.

Every delivery of records is written to the access log (住民記録標準仕様書 10.2: who read which data)
and to the exchange log (which client received which records) in the transaction of the read: a
page the client receives is always logged. Polls that find nothing new write nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from kikan.adapters.db import linkage_exchange as xlog
from kikan.adapters.db import linkage_feed as feed
from kikan.adapters.db.database import Database, UnitOfWork
from kikan.core.tenancy import Actor, TenantContext
from kikan.linkage.chain import Exchange, keys_digest, listed_keys
from kikan.linkage.datasets import Dataset


@dataclass(frozen=True)
class Caller:
    """Who pulls: a system client (``kc-…``), a staff member (``staff:<login>``) or the CLI (``cli:<user>``)."""

    tenant_id: str
    client_id: str
    kind: str = "system"  # system | staff | batch
    client_addr: str = ""
    request_id: str = ""
    terminal: str = ""

    @property
    def ctx(self) -> TenantContext:
        actor = Actor(self.client_id, kind=self.kind, client_addr=self.client_addr, terminal=self.terminal,
                      request_id=self.request_id)  # fmt: skip
        return TenantContext(self.tenant_id, actor)


def entry(caller: Caller, ds: Dataset, operation: str, status: str, **kw: object) -> Exchange:
    return Exchange(
        exchange_id=str(kw.pop("exchange_id", None) or uuid.uuid4()), client_id=caller.client_id, dataset=ds.name,
        operation=operation, status=status, request_id=caller.request_id[:64], client_addr=caller.client_addr[:64],
        **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def record(uow: UnitOfWork, caller: Caller, ds: Dataset, operation: str, page: feed.Page, detail: str) -> str:
    """Audit + exchange log of one served page (call before commit); returns the exchange id."""
    e = entry(
        caller, ds, operation, "served", cursor_from=page.cursor_from, cursor_to=page.next_cursor,
        record_count=len(page.items), keys_digest=keys_digest(page.ids), keys=listed_keys(page.ids), detail=detail,
    )  # fmt: skip
    xlog.append(uow.conn, uow.tenant_id, uow.now, e)
    uow.audit(
        f"linkage.{operation}", "read", target_type="dataset", target_id=ds.name,
        detail=f"client={caller.client_id} n={len(page.items)} exchange={e.exchange_id}",
    )  # fmt: skip
    return e.exchange_id


def serve_changes(db: Database, caller: Caller, ds: Dataset, after: str | None, limit: int) -> feed.Page:
    with db.uow(caller.ctx) as uow:
        page = feed.read_changes(uow.conn, uow.tenant_id, ds, after, limit)
        if page.items:
            record(uow, caller, ds, "changes", page, f"limit={limit} has_more={page.has_more}")
            uow.commit()
    return page


def serve_snapshot(db: Database, caller: Caller, ds: Dataset, cursor: str | None, limit: int) -> feed.Page:
    with db.uow(caller.ctx) as uow:
        page = feed.read_snapshot(uow.conn, uow.tenant_id, ds, cursor, limit)
        if page.items:
            record(
                uow,
                caller,
                ds,
                "snapshot",
                page,
                f"limit={limit} has_more={page.has_more} as_of={page.changes_cursor}",
            )
            uow.commit()
    return page
