"""The tax business's registry source over HTTP, for a tax system deployed apart from the registry.

Same dataset, same order and same storage as the in-process path
(:mod:`kikan.adapters.db.tax_registry_source`): ``juki.residents`` is pulled with
:class:`kikan.linkage.client.LinkageClient` (``client_secret_jwt``) — the snapshot when the tax copy
has no position yet, then the change feed after the stored cursor — and each page is stored with
:func:`~kikan.adapters.db.tax_registry_source.store_records` in ONE transaction together with the
cursor that follows it. An interrupted sync therefore resumes after the last stored page, and a
record delivered twice is stored once (idempotent on 宛名番号 + 履歴番号).

The page loop is :class:`~kikan.linkage.client.Subscriber`'s (snapshot pages, then its
``changes_cursor``, then changes until ``has_more`` is false) with the store in the middle: the
Subscriber hands items one by one to a handler and saves the cursor afterwards, in a second
transaction, whereas the tax copy keeps records and cursor together. No unit of work is open while
a page is fetched (on one SQLite file the server writes its exchange log meanwhile).
"""

from __future__ import annotations

import httpx

from kikan.adapters.db.database import Database
from kikan.adapters.db.tax_registry_source import (
    DATASET,
    PAGE,
    Position,
    SyncReport,
    load_position,
    store_records,
)
from kikan.core.errors import Conflict, DomainError, Forbidden
from kikan.core.tenancy import TenantContext
from kikan.linkage.client import LinkageClient, LinkageHTTPError


class RegistryUnavailable(DomainError):
    """The registry's linkage API could not be reached or answered with an unexpected error."""

    status = 502
    code = "registry_unavailable"


def _refused(e: LinkageHTTPError, client: LinkageClient) -> DomainError:
    who = f"連携クライアント {client.client_id}"
    if e.code == "insufficient_scope":
        return Forbidden(
            f"{who} には住民記録の公開データ {DATASET} の取得が許可されていません。"
            f"連携の管理者に許可を依頼してください（{e.message}）"
        )
    if e.code in ("invalid_client", "invalid_scope", "unauthorized_client", "invalid_grant", "invalid_token"):
        return Forbidden(
            f"{who} で住民記録の連携APIに接続できません（{e.code}: {e.message}）。"
            "クライアントID・シークレットと許可を確認してください"
        )
    if e.code == "invalid_cursor":
        return Conflict(
            f"住民記録の連携データの位置が一致しません（{e.message}）。連携の管理者に連絡してください"
        )
    return RegistryUnavailable(f"住民記録の連携APIがエラーを返しました（{e.status} {e.code}: {e.message}）")


def sync_registry_http(
    db: Database,
    ctx: TenantContext,
    client: LinkageClient,
    *,
    limit: int = PAGE,
    max_pages: int | None = None,
) -> SyncReport:
    """Pull what is new in ``juki.residents`` over HTTP into ``ctx``'s tax copy, one transaction per page."""
    with db.uow(ctx) as uow:
        at = load_position(uow)
    pages = received = stored = 0
    try:
        client.access_token()
        if client.tenant_id != ctx.tenant_id:
            raise Conflict(
                f"連携クライアントの団体（{client.tenant_id}）と取込先の団体（{ctx.tenant_id}）が異なります",
                field="tenant",
            )
        while max_pages is None or pages < max_pages:
            if at.phase == "snapshot":
                page = client.snapshot(DATASET, at.cursor, limit)
                source = "snapshot"
                to = (
                    Position("snapshot", page.next_cursor)
                    if page.has_more
                    else Position("changes", page.changes_cursor)
                )
            else:
                page = client.changes(DATASET, at.cursor, limit)
                source = "changes"
                to = Position("changes", page.next_cursor)
            if page.items or to != at:  # a caught-up copy writes nothing
                with db.uow(ctx) as uow:
                    new = store_records(uow, page.items, to, source=source)
                    if page.items:
                        uow.audit("tax.registry.sync", "read", target_type="dataset", target_id=DATASET,
                                  detail=f"{len(page.items)} records, {new} new, phase {source}, "
                                         f"via {client.base_url}")  # fmt: skip
                    uow.commit()
                stored += new
            pages += 1
            received += len(page.items)
            at = to
            if at.phase == "changes" and not page.has_more:
                break
    except LinkageHTTPError as e:
        raise _refused(e, client) from e
    except httpx.HTTPError as e:
        raise RegistryUnavailable(
            f"住民記録の連携API（{client.base_url}）に接続できません（{type(e).__name__}: {e}）"
        ) from e
    return SyncReport(pages, received, stored, at.phase)
