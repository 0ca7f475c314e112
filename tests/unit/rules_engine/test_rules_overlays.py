"""Tenant overlays (municipal ordinances): highest revision in force wins, refusals at construction."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from kikan.core.rules import (
    FiscalYearSpan,
    InMemoryOverlayStore,
    Overlay,
    OverlayStore,
    ParameterError,
    ParameterNotInForce,
    ParameterSet,
    TenantParameterView,
    UnknownParameter,
)

from .conftest import Brackets

NS = "tax.individual_resident"
AT = datetime(2026, 1, 15, 9, 0)


def overlay(key: str, value: Any, revision: int, **period: Any) -> Overlay:
    if not period:
        period = {"fiscal_year": 2024}
    return Overlay(
        tenant_id="131016",
        key=f"{NS}.{key}",
        value=value,
        basis="○○市市税条例第33条",
        source="https://example.lg.jp/reiki/33",
        revision=revision,
        recorded_at=AT,
        recorded_by="clerk-1",
        **period,
    )


def test_overlay_wins_over_national_and_says_tenant(national: ParameterSet) -> None:
    view = TenantParameterView(national, [overlay("income_levy.municipal_rate", "0.065", 1)])
    resolved = view.value("income_levy.municipal_rate", fiscal_year=2026)
    assert resolved.as_rate() == Decimal("0.065")
    assert (resolved.origin, resolved.revision, resolved.basis) == ("tenant", 1, "○○市市税条例第33条")
    assert resolved.effective == FiscalYearSpan(2024, None)
    # Before the overlay is in force the national value applies.
    before = view.value("income_levy.municipal_rate", fiscal_year=2023)
    assert (before.value, before.origin) == (Decimal("0.06"), "national")
    # Keys without overlays fall through to the national set.
    assert view.value("tax_base.unit", fiscal_year=2026).origin == "national"


def test_highest_revision_in_force_wins(national: ParameterSet) -> None:
    view = TenantParameterView(
        national,
        [
            overlay("per_capita_levy.municipal", 3300, 1),
            overlay("per_capita_levy.municipal", 3400, 3),
            overlay("per_capita_levy.municipal", 3200, 2),
        ],
    )
    resolved = view.value("per_capita_levy.municipal", fiscal_year=2025)
    assert (resolved.value, resolved.revision) == (3400, 3)


def test_overlay_fiscal_years_carry_forward_and_until(national: ParameterSet) -> None:
    view = TenantParameterView(
        national,
        [
            overlay("per_capita_levy.municipal", 3300, 1, fiscal_year=2024),
            overlay("per_capita_levy.municipal", 3600, 2, fiscal_year=2026, until=2027),
        ],
    )
    assert view.value("per_capita_levy.municipal", fiscal_year=2025).value == 3300
    assert view.value("per_capita_levy.municipal", fiscal_year=2025).effective == FiscalYearSpan(2024, 2025)
    assert view.value("per_capita_levy.municipal", fiscal_year=2027).value == 3600
    after = view.value("per_capita_levy.municipal", fiscal_year=2028)
    assert (after.value, after.origin) == (3000, "national")


def test_date_keyed_overlay_boundaries(national: ParameterSet) -> None:
    view = TenantParameterView(
        national,
        [
            overlay(
                "benefit.monthly", 15000, 1, effective_from=date(2025, 4, 1), effective_to=date(2025, 6, 30)
            )
        ],
    )
    assert view.value("benefit.monthly", on=date(2025, 6, 30)).value == 15000
    assert view.value("benefit.monthly", on=date(2025, 7, 1)).value == 10000
    assert view.value("benefit.monthly", on=date(2025, 7, 1)).origin == "national"


def test_tenant_only_section_keys(national: ParameterSet) -> None:
    view = TenantParameterView(national, [overlay("local.top_up", 5000, 1)])
    resolved = view.value("local.top_up", fiscal_year=2026)
    assert (resolved.value, resolved.origin, resolved.label) == (5000, "tenant", "市独自の上乗せ")
    with pytest.raises(ParameterNotInForce):
        view.value("local.other", fiscal_year=2026)
    with pytest.raises(ParameterNotInForce):
        view.value("local.top_up", fiscal_year=2023)
    with pytest.raises(UnknownParameter):
        view.value("nothing.here", fiscal_year=2026)


def test_table_overlays_use_the_registered_model(national: ParameterSet) -> None:
    rows = [{"upper": None, "rate": 0.04, "deduction": 0}]
    view = TenantParameterView(national, [overlay("brackets", rows, 1, fiscal_year=2025)])
    assert view.value("brackets", fiscal_year=2025).as_(Brackets).root[0].rate == 0.04
    with pytest.raises(ParameterError, match="does not match Brackets"):
        TenantParameterView(national, [overlay("brackets", [{"upper": None}], 1)])


def test_non_overridable_key_is_refused(national: ParameterSet) -> None:
    with pytest.raises(ParameterError) as info:
        TenantParameterView(national, [overlay("tax_base.unit", 100, 1)])
    (problem,) = info.value.problems
    assert problem.key == f"{NS}.tax_base.unit" and "not overridable" in problem.message
    assert problem.file == "overlay[tenant=131016, revision=1]" and problem.index == 0


def test_all_overlay_problems_are_reported_at_construction(national: ParameterSet) -> None:
    bad = [
        overlay("tax_base.unit", 100, 1),
        overlay("unknown.key", 1, 1),
        replace(overlay("per_capita_levy.municipal", 3300, 1), basis=" "),
        replace(overlay("per_capita_levy.municipal", 3300, 2), source=""),
        overlay("per_capita_levy.municipal", 3.5, 3),
        overlay("per_capita_levy.municipal", 3300, 4, effective_from=date(2025, 4, 1)),
        overlay("per_capita_levy.municipal", 3300, 0),
        overlay("per_capita_levy.municipal", 3300, 5, fiscal_year=2025, until=2024),
        overlay("per_capita_levy.municipal", 3300, 5),
        replace(overlay("local.x", 1, 1), tenant_id="999999"),
    ]
    with pytest.raises(ParameterError) as info:
        TenantParameterView(national, bad)
    by_index = {p.index: p.message for p in info.value.problems}
    assert "not overridable" in by_index[0]
    assert "not inside a tenant_only section" in by_index[1]
    assert "missing basis (the ordinance article)" in by_index[2]
    assert "missing source" in by_index[3]
    assert "unit yen needs an integer" in by_index[4]
    assert "keyed by date but the parameter is keyed by fiscal_year" in by_index[5]
    assert "revision not assigned" in by_index[6]
    assert "until 2024 is before fiscal_year FY2025" in by_index[7]
    assert "duplicate revision (also overlays[7])" in by_index[8]
    assert "does not match the view's tenant" in by_index[9]


def test_overlays_of_other_namespaces_are_ignored(national: ParameterSet) -> None:
    other = replace(overlay("x", 1, 1), key="benefit.child.amount")
    view = TenantParameterView(national, [other])
    assert view.value("per_capita_levy.municipal", fiscal_year=2026).origin == "national"


def test_unverified_includes_tenant_overlays(national: ParameterSet) -> None:
    flagged = replace(overlay("per_capita_levy.municipal", 3300, 1), verified=False)
    view = TenantParameterView(national, [flagged])
    keys = [(r.key, r.origin) for r in view.unverified()]
    assert keys == [(f"{NS}.brackets", "national"), (f"{NS}.per_capita_levy.municipal", "tenant")]


def test_in_memory_store_assigns_revisions_and_validates(national: ParameterSet) -> None:
    store = InMemoryOverlayStore(national)
    assert isinstance(store, OverlayStore)
    first = store.add_revision(overlay("per_capita_levy.municipal", 3300, 0))
    second = store.add_revision(overlay("per_capita_levy.municipal", 3400, 0))
    other = store.add_revision(overlay("income_levy.municipal_rate", "0.07", 0))
    assert (first.revision, second.revision, other.revision) == (1, 2, 1)
    with pytest.raises(ParameterError):
        store.add_revision(overlay("tax_base.unit", 100, 0))
    assert len(store.list_overlays("131016")) == 3
    assert store.list_overlays("999999") == ()
    view = TenantParameterView(national, store.list_overlays("131016"), tenant_id="131016")
    assert view.value("per_capita_levy.municipal", fiscal_year=2026).value == 3400
    assert view.tenant_id == "131016"
    assert [o.revision for o in view.overlays_for("per_capita_levy.municipal")] == [1, 2]
