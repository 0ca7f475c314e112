"""The parameters and tenant attributes of a run, as they were at ``known_at``.

Ordinance overlays are revisions with a ``recorded_at``; a run as of ``known_at`` sees only the
revisions recorded by then, so a rerun reproduces it even after the ordinance changed. National
values come from the code's YAML files; the run ledger stores a digest of every value used, and a
resumed run refuses to continue when the digests differ (a release changed them meanwhile).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.rules_store import DbOverlayStore, tenant_calendar
from kikan.adapters.db.tables.core import tenant as tenant_table
from kikan.core.rules import TenantParameterView
from kikan.tax.individual_resident import national_parameters
from kikan.tax.individual_resident.assessment import Setting, setting
from kikan.tax.individual_resident.schedule import due_dates, periods


def tenant_lookup(uow: Any, known_at: datetime) -> TenantParameterView:
    overlays = [o for o in DbOverlayStore(uow).list_overlays(uow.tenant_id) if o.recorded_at <= known_at]
    return TenantParameterView(national_parameters(), overlays, tenant_id=uow.tenant_id)


def designated_city(uow: Any) -> bool:
    t = tenant_table.c
    found = uow.conn.execute(sa.select(t.designated_city).where(t.tenant_id == uow.tenant_id)).scalar()
    return bool(found)


def run_setting(uow: Any, fiscal_year: int, known_at: datetime) -> Setting:
    """Parameters (national + overlays recorded by ``known_at``) and tenant attributes of a run."""
    return setting(tenant_lookup(uow, known_at), fiscal_year, designated_city=designated_city(uow))


def schedule_document(uow: Any, s: Setting) -> dict[str, Any]:
    """Due dates (shifted by the tenant's business calendar) and months of every installment."""
    dates = due_dates(s.fiscal_year, s.collection, tenant_calendar(uow))
    return {
        "dates": {k: [d.isoformat() for d in v] for k, v in dates.items()},
        "months": periods(s.fiscal_year, s.collection),
    }
