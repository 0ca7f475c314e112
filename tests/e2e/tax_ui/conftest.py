"""Fixtures for the 個人住民税 screens: the app with the /tax routers, a small assessed town (with one
更正 version), a tax clerk's logged-in client, a fixed 処理日."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from kikan.adapters.db.tables.tax import tax_assessment, tax_correction_notice
from kikan.adapters.web.tax.common import tax_today
from tests.conftest import login_client, make_staff
from tests.integration.tax_notices.notice_seed import FY, Town, seed_town

TODAY = date(2026, 6, 10)


@pytest.fixture(scope="session")
def tax_app(app: Any) -> Any:
    """The app with the /tax screens (included here until the lead wires ``routes/tax_ui.py``)."""
    if not any(getattr(r, "path", "").startswith("/tax/") for r in app.routes):
        from kikan.adapters.api.routes import tax_ui

        for router in tax_ui.routers():
            app.include_router(router)
    return app


@pytest.fixture(autouse=True)
def fixed_today(tax_app: Any) -> Iterator[date]:
    tax_app.dependency_overrides[tax_today] = lambda: TODAY
    yield TODAY
    tax_app.dependency_overrides.pop(tax_today, None)


def add_correction(db: Any, town: Town) -> dict[str, Any]:
    """A 更正 of the 普通徴収 taxpayer as the correction service stores it: version 2 + its notice data."""
    no = town.nos["ordinary"]
    a = tax_assessment.c
    with db.uow(town.ctx) as uow:
        v1 = dict(uow.conn.execute(sa.select(tax_assessment).where(
            a.tenant_id == uow.tenant_id, a.fiscal_year == FY, a.addressee_no == no)).one()._mapping)  # fmt: skip
        v2 = {**v1, "version": 2, "kind": "correction", "reason": "扶養控除の申告による更正",
              "valid_from": date(2026, 7, 15), "recorded_at": v1["recorded_at"] + timedelta(days=40),
              "income_levy_municipal": v1["income_levy_municipal"] - 1200, "municipal_tax": v1["municipal_tax"] - 1200,
              "income_levy_prefectural": v1["income_levy_prefectural"] - 800, "prefectural_tax": v1["prefectural_tax"] - 800,
              "total_tax": v1["total_tax"] - 2000, "ordinary_amount": v1["ordinary_amount"] - 2000,
              "installments": {"ordinary": [11_500, 11_000, 10_000, 10_000]}}  # fmt: skip
        uow.conn.execute(sa.insert(tax_assessment), v2)
        uow.conn.execute(sa.insert(tax_correction_notice), {
            "tenant_id": uow.tenant_id, "fiscal_year": FY, "addressee_no": no, "version": 2, "previous_version": 1,
            "valid_from": date(2026, 7, 15), "reason": "扶養控除の申告による更正", "direction": "decrease",
            "difference": -2000, "overpaid": 0, "salary_payer_id": None, "recorded_at": v2["recorded_at"],
            "lines": [{"method": "ordinary", "method_label": "普通徴収", "no": 3, "before": 11_000, "after": 10_000,
                       "difference": -1000},
                      {"method": "ordinary", "method_label": "普通徴収", "no": 4, "before": 11_000, "after": 10_000,
                       "difference": -1000}],
        })  # fmt: skip
        uow.commit()
    return v2


@pytest.fixture(scope="module")
def town(db: Any) -> Town:
    t = seed_town(db)
    add_correction(db, t)
    return t


@pytest.fixture
def clerk(tax_app: Any, db: Any, town: Town) -> Any:
    return login_client(tax_app, make_staff(db, town.tenant_id, ["tax_clerk"]))
