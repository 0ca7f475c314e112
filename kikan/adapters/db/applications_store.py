"""Storage of 申請管理: applications, their status history and the clerks' corrections.

Every query filters ``tenant_id == uow.tenant_id`` (on PostgreSQL row-level security is the
backstop). Updates are optimistic: :func:`update` changes a row only at the version the clerk
saw, else :class:`Conflict` (another clerk was faster).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.tables.applications import application, application_correction, application_status
from kikan.applications.corrections import Change
from kikan.core.errors import Conflict

CONFLICT_MESSAGE = "他の職員が先にこの申請を更新しました。画面を開き直してください"
a = application.c


@dataclass(frozen=True)
class Filters:
    status: str | None = None
    form_ids: Sequence[str] = ()
    since: date | None = None
    until: date | None = None
    receipt_no: str | None = None


def find_by_key(uow: Any, idempotency_key: str) -> dict[str, Any] | None:
    row = uow.conn.execute(
        sa.select(application).where(a.tenant_id == uow.tenant_id, a.idempotency_key == idempotency_key)
    ).first()
    return dict(row._mapping) if row else None


def get(uow: Any, receipt_no: str) -> dict[str, Any] | None:
    row = uow.conn.execute(
        sa.select(application).where(a.tenant_id == uow.tenant_id, a.receipt_no == receipt_no)
    ).first()
    return dict(row._mapping) if row else None


def insert(uow: Any, values: dict[str, Any], *, actor: str) -> None:
    uow.conn.execute(sa.insert(application).values(tenant_id=uow.tenant_id, **values))
    add_status(uow, values["receipt_no"], values["status"], actor=actor, at=values["submitted_at"])


def search(uow: Any, f: Filters, *, limit: int = 100, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
    """Applications matching ``f``, newest first, and the total count (the queue)."""
    conds: list[sa.ColumnElement[bool]] = [a.tenant_id == uow.tenant_id, a.form_id.in_(list(f.form_ids))]
    if f.status:
        conds.append(a.status == f.status)
    if f.since:
        conds.append(a.submitted_on >= f.since)
    if f.until:
        conds.append(a.submitted_on <= f.until)
    if f.receipt_no:
        conds.append(a.receipt_no == f.receipt_no)
    cols = [a.receipt_no, a.form_id, a.form_version, a.procedure, a.status, a.submitted_at, a.updated_at,
            a.updated_by, a.result_ref, a.last_error, a.data]  # fmt: skip
    rows = uow.conn.execute(
        sa.select(*cols).where(*conds).order_by(a.submitted_at.desc(), a.receipt_no.desc()).limit(limit).offset(offset)
    ).all()
    total = uow.conn.execute(sa.select(sa.func.count()).select_from(application).where(*conds)).scalar_one()
    return [dict(r._mapping) for r in rows], int(total)


def update(uow: Any, receipt_no: str, expected_version: int | None, *, bump: bool = True, **values: Any) -> None:
    """Update the application at ``expected_version`` (None: whatever version; used for notes)."""
    conds = [a.tenant_id == uow.tenant_id, a.receipt_no == receipt_no]
    if expected_version is not None:
        conds.append(a.version == expected_version)
    extra: dict[str, Any] = {"version": a.version + 1} if bump else {}
    result = uow.conn.execute(sa.update(application).where(*conds).values(**values, **extra))
    if result.rowcount != 1:
        raise Conflict(CONFLICT_MESSAGE, field="版")


def statuses(uow: Any, receipt_no: str) -> list[dict[str, Any]]:
    s = application_status.c
    rows = uow.conn.execute(
        sa.select(application_status).where(s.tenant_id == uow.tenant_id, s.receipt_no == receipt_no).order_by(s.seq)
    ).all()
    return [dict(r._mapping) for r in rows]


def add_status(uow: Any, receipt_no: str, status: str, *, actor: str, at: datetime, note: str | None = None) -> None:
    s = application_status.c
    last = uow.conn.execute(
        sa.select(sa.func.max(s.seq)).where(s.tenant_id == uow.tenant_id, s.receipt_no == receipt_no)
    ).scalar_one()
    uow.conn.execute(sa.insert(application_status).values(
        tenant_id=uow.tenant_id, receipt_no=receipt_no, seq=(last or 0) + 1, status=status, at=at, actor=actor,
        note=note,
    ))  # fmt: skip


def corrections(uow: Any, receipt_no: str) -> list[dict[str, Any]]:
    c = application_correction.c
    rows = uow.conn.execute(
        sa.select(application_correction)
        .where(c.tenant_id == uow.tenant_id, c.receipt_no == receipt_no)
        .order_by(c.seq)
    ).all()
    return [dict(r._mapping) for r in rows]


def add_corrections(
    uow: Any, receipt_no: str, changes: Sequence[Change], *, actor: str, at: datetime, reason: str | None
) -> None:
    if not changes:
        return
    c = application_correction.c
    last = uow.conn.execute(
        sa.select(sa.func.max(c.seq)).where(c.tenant_id == uow.tenant_id, c.receipt_no == receipt_no)
    ).scalar_one()
    uow.conn.execute(sa.insert(application_correction), [
        {"tenant_id": uow.tenant_id, "receipt_no": receipt_no, "seq": (last or 0) + i, "path": ch.path,
         "label": ch.label[:200], "before": ch.before, "after": ch.after, "reason": reason, "at": at, "actor": actor}
        for i, ch in enumerate(changes, start=1)
    ])  # fmt: skip
