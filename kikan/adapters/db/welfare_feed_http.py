"""The same subscriber over HTTP, for a welfare system deployed apart from the registry.

:class:`kikan.linkage.client.Subscriber` pulls ``juki.moves`` with a ``client_secret_jwt`` client;
the handler applies each item in its own unit of work — effects and the processed item id in ONE
transaction (:func:`kikan.adapters.db.welfare_feed.apply_item`), so ``mark`` has nothing left to do
and a crash between handling and saving the cursor never applies an item twice. The cursor is kept
in ``welfare_feed_cursor`` under ``http:<key>``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.database import Database
from kikan.adapters.db.tables.welfare import welfare_processed_item
from kikan.adapters.db.welfare_feed import DATASET, apply_item, context, load_cursor, save_cursor
from kikan.core.tenancy import TenantContext
from kikan.linkage.client import LinkageClient, Subscriber

Context = Callable[[str], TenantContext]


class DbCursorStore:
    """Cursors of any dataset (the client's key names it) under ``http:<key>``."""

    def __init__(self, db: Database, tenant_id: str, ctx: Context = context):
        self.db, self.tenant_id, self.ctx = db, tenant_id, ctx

    def load(self, key: str) -> str | None:
        with self.db.uow(self.ctx(self.tenant_id)) as uow:
            return load_cursor(uow, f"http:{key}")

    def save(self, key: str, cursor: str) -> None:
        with self.db.uow(self.ctx(self.tenant_id)) as uow:
            save_cursor(uow, cursor, f"http:{key}")
            uow.commit()


class DbProcessedStore:
    """``seen`` reads the ids the handler marked in its own transaction; ``mark`` is a no-op."""

    def __init__(self, db: Database, tenant_id: str, dataset: str = DATASET, ctx: Context = context):
        self.db, self.tenant_id, self.dataset, self.ctx = db, tenant_id, dataset, ctx

    def seen(self, item_id: str) -> bool:
        i = welfare_processed_item.c
        with self.db.uow(self.ctx(self.tenant_id)) as uow:
            q = sa.select(i.item_id).where(
                i.tenant_id == self.tenant_id, i.dataset == self.dataset, i.item_id == item_id
            )
            return uow.conn.execute(q).first() is not None

    def mark(self, item_id: str) -> None:
        return None


def http_subscriber(db: Database, tenant_id: str, client: LinkageClient, *, limit: int = 500) -> Subscriber:
    """A :class:`Subscriber` of ``juki.moves`` whose effects land in this database exactly once."""

    def handle(item: dict[str, Any]) -> None:
        with db.uow(context(tenant_id)) as uow:
            if apply_item(uow, item):
                uow.audit(
                    "welfare.registry.sync",
                    "read",
                    target_type="dataset",
                    target_id=DATASET,
                    detail=item["id"],
                )
            uow.commit()

    return Subscriber(
        client, DATASET, handle, DbCursorStore(db, tenant_id), DbProcessedStore(db, tenant_id), limit=limit
    )
