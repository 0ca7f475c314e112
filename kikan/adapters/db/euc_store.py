"""Saved EUC definitions: per tenant, versioned (a change or a deletion is a new version)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from kikan.adapters.db import counters
from kikan.adapters.db.tables.addressee import euc_definition
from kikan.core.errors import Conflict

d = euc_definition.c
COUNTER = "euc_definition"
CONFLICT_MESSAGE = "他の職員が同じ抽出定義を更新しました。画面を再表示してください"


def new_id(uow: Any) -> int:
    last, _ = counters.advance(uow.conn, uow.tenant_id, COUNTER, 1)
    return int(last)


def insert(uow: Any, definition_id: int, version: int, *, name: str, description: str, spec: dict[str, Any],
           deleted: bool = False) -> dict[str, Any]:  # fmt: skip
    row = {"tenant_id": uow.tenant_id, "definition_id": definition_id, "version": version, "name": name,
           "description": description, "spec": spec, "deleted": deleted, "recorded_at": uow.now,
           "recorded_by": uow.actor.actor_id}  # fmt: skip
    try:
        uow.conn.execute(sa.insert(euc_definition), row)
    except sa.exc.IntegrityError as exc:  # another clerk wrote this version first
        raise Conflict(CONFLICT_MESSAGE) from exc
    return row


def current(uow: Any, definition_id: int) -> dict[str, Any] | None:
    q = (
        sa.select(euc_definition)
        .where(d.tenant_id == uow.tenant_id, d.definition_id == definition_id)
        .order_by(d.version.desc())
        .limit(1)
    )
    row = uow.conn.execute(q).first()
    return dict(row._mapping) if row else None


def versions(uow: Any, definition_id: int) -> list[dict[str, Any]]:
    q = (
        sa.select(euc_definition)
        .where(d.tenant_id == uow.tenant_id, d.definition_id == definition_id)
        .order_by(d.version)
    )
    return [dict(x._mapping) for x in uow.conn.execute(q).all()]


def list_current(uow: Any) -> list[dict[str, Any]]:
    """The newest version of each definition of the tenant, deleted ones left out."""
    latest = (
        sa.select(d.definition_id, sa.func.max(d.version).label("version"))
        .where(d.tenant_id == uow.tenant_id)
        .group_by(d.definition_id)
        .subquery()
    )
    q = (
        sa.select(euc_definition)
        .join(latest, sa.and_(d.definition_id == latest.c.definition_id, d.version == latest.c.version))
        .where(d.tenant_id == uow.tenant_id, d.deleted.is_(False))
        .order_by(d.definition_id)
    )
    return [dict(x._mapping) for x in uow.conn.execute(q).all()]
