"""Rules engine wiring: parameter files load at start, ordinance overlays in the DB with revisions,
tenant business calendar."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kikan.adapters.db.rules_store import (
    DbOverlayStore,
    add_closure_day,
    add_overlay,
    tenant_calendar,
    tenant_view,
)
from kikan.core.rules import Overlay, ParameterError, load_parameter_dir
from kikan.rules_catalog import catalog, load_all

NATIONAL = """
namespace: tax.demo
parameters:
  per_capita.municipal:
    label: 均等割（市町村民税）
    unit: yen
    overridable: true
    values:
      - fiscal_year: FY2024
        value: 3000
        basis: 地方税法第310条
        source: https://laws.e-gov.go.jp/law/325AC0000000226
"""


def _national(tmp_path: Path):
    d = tmp_path / "parameters"
    d.mkdir()
    (d / "demo.yaml").write_text(NATIONAL, encoding="utf-8")
    return load_parameter_dir(d)


def test_shipped_parameters_load_and_name_their_basis():
    cat = catalog()
    ps = cat["juki"]
    v = ps.value("juki.notification_period_days", on=date(2026, 4, 1))
    assert v.value == 14 and "第22条" in v.basis


def test_a_broken_parameter_file_fails_at_start(tmp_path: Path):
    d = tmp_path / "biz" / "parameters"
    d.mkdir(parents=True)
    (d / "bad.yaml").write_text(NATIONAL.replace("fiscal_year: FY2024", "fiscal_year: 2024-04-01"), encoding="utf-8")
    with pytest.raises(ParameterError, match="bad.yaml"):
        load_all(tmp_path)


def test_overlay_revisions_in_db(db, ctx, tmp_path):
    national = _national(tmp_path)

    def overlay(value: int) -> Overlay:
        return Overlay(
            tenant_id=ctx.tenant_id, key="tax.demo.per_capita.municipal", value=value,
            basis="○○市市税条例第24条", source="条例", recorded_at=db.clock.now(), recorded_by="admin",
            fiscal_year=2026,
        )

    with db.uow(ctx) as uow:
        assert add_overlay(uow, national, overlay(3500)).revision == 1
        assert add_overlay(uow, national, overlay(3600)).revision == 2
        uow.commit()
    with db.uow(ctx) as uow:
        view = tenant_view(uow, national)
        r = view.value("tax.demo.per_capita.municipal", fiscal_year=2026)
        assert (r.value, r.origin, r.revision) == (3600, "tenant", 2)
        assert view.value("tax.demo.per_capita.municipal", fiscal_year=2025).origin == "national"
        assert len(DbOverlayStore(uow).list_overlays(ctx.tenant_id)) == 2  # history kept


def test_invalid_overlay_is_refused_and_not_stored(db, ctx, tmp_path):
    national = _national(tmp_path)
    bad = Overlay(
        tenant_id=ctx.tenant_id, key="tax.demo.per_capita.municipal", value=3500, basis="",
        source="条例", recorded_at=db.clock.now(), recorded_by="admin", fiscal_year=2026,
    )
    with db.uow(ctx) as uow, pytest.raises(ParameterError):
        add_overlay(uow, national, bad)
    with db.uow(ctx) as uow:
        assert DbOverlayStore(uow).list_overlays(ctx.tenant_id) == []


def test_tenant_calendar_includes_local_closure_days(db, ctx):
    with db.uow(ctx) as uow:
        add_closure_day(uow, date(2026, 6, 1), "市制記念日")
        uow.commit()
    with db.uow(ctx) as uow:
        cal = tenant_calendar(uow)
    assert not cal.is_business_day(date(2026, 6, 1))
    assert cal.shift_due_date(date(2026, 6, 1)) == date(2026, 6, 2)
    assert not cal.is_business_day(date(2026, 12, 30))
