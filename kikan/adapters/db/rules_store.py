"""Tenant overlays (municipal ordinances) in the database, with revision history, and the
per-tenant business calendar (national holidays + closure days)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import sqlalchemy as sa

from kikan.adapters.db.database import UnitOfWork
from kikan.adapters.db.tables.core import closure_day, rule_overlay
from kikan.core.calendar import BusinessCalendar
from kikan.core.rules import Overlay, ParameterSet, TenantParameterView


class DbOverlayStore:
    """Implements :class:`kikan.core.rules.OverlayStore` inside one unit of work.

    Revisions are append-only: a correction is a new revision, the old one stays readable.
    """

    def __init__(self, uow: UnitOfWork):
        self.uow = uow

    def list_overlays(self, tenant_id: str) -> Sequence[Overlay]:
        if tenant_id != self.uow.tenant_id:
            return []
        t = rule_overlay
        rows = self.uow.conn.execute(
            sa.select(t).where(t.c.tenant_id == tenant_id).order_by(t.c.key, t.c.revision)
        ).all()
        return [
            Overlay(
                tenant_id=r.tenant_id, key=r.key, value=r.value, basis=r.basis, source=r.source,
                recorded_at=r.recorded_at, recorded_by=r.recorded_by, revision=r.revision,
                fiscal_year=r.fiscal_year, until=r.until, effective_from=r.effective_from,
                effective_to=r.effective_to, note=r.note, verified=r.verified,
            )
            for r in rows
        ]

    def add_revision(self, overlay: Overlay) -> Overlay:
        if overlay.tenant_id != self.uow.tenant_id:
            raise ValueError("overlay for another tenant")
        t = rule_overlay
        last = self.uow.conn.execute(
            sa.select(sa.func.max(t.c.revision)).where(t.c.tenant_id == overlay.tenant_id, t.c.key == overlay.key)
        ).scalar()
        rev = (last or 0) + 1
        self.uow.conn.execute(
            sa.insert(t),
            {
                "tenant_id": overlay.tenant_id, "key": overlay.key, "revision": rev,
                "fiscal_year": overlay.fiscal_year, "until": overlay.until,
                "effective_from": overlay.effective_from, "effective_to": overlay.effective_to,
                "value": overlay.value, "basis": overlay.basis, "source": overlay.source, "note": overlay.note,
                "verified": overlay.verified, "recorded_at": overlay.recorded_at, "recorded_by": overlay.recorded_by,
            },
        )
        self.uow.audit("rules.overlay.add", "create", target_type="rule_overlay", target_id=overlay.key[:60],
                       detail=f"revision {rev}")
        return replace(overlay, revision=rev)


def add_overlay(uow: UnitOfWork, national: ParameterSet, overlay: Overlay) -> Overlay:
    """Validate an overlay against the national parameters, then store it as a new revision."""
    store = DbOverlayStore(uow)
    existing = store.list_overlays(uow.tenant_id)
    candidate = replace(overlay, revision=max((o.revision for o in existing), default=0) + 1)
    TenantParameterView(national, [*existing, candidate], tenant_id=uow.tenant_id)  # raises ParameterError
    return store.add_revision(overlay)


def tenant_view(uow: UnitOfWork, national: ParameterSet) -> TenantParameterView:
    return TenantParameterView(national, DbOverlayStore(uow).list_overlays(uow.tenant_id), tenant_id=uow.tenant_id)


def tenant_calendar(uow: UnitOfWork) -> BusinessCalendar:
    """National holidays (holidays library), 12/29–1/3, and the tenant's own closure days."""
    days: list[date] = list(
        uow.conn.execute(sa.select(closure_day.c.day).where(closure_day.c.tenant_id == uow.tenant_id)).scalars()
    )
    return BusinessCalendar(closure_days=days)


def add_closure_day(uow: UnitOfWork, day: date, name: str) -> None:
    uow.conn.execute(sa.insert(closure_day), {"tenant_id": uow.tenant_id, "day": day, "name": name})
    uow.audit("calendar.closure_day.add", "create", target_type="closure_day", target_id=day.isoformat())
