"""One-case API: validation (Japanese messages naming the field), trace, overlays, JSON schema."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from kikan.core.errors import ValidationFailed
from kikan.core.rules import Overlay, TenantParameterView
from kikan.core.rules.rounding import BASIS_TAX_AMOUNT, BASIS_TAX_BASE
from kikan.tax.individual_resident import OUTPUTS, TaxpayerCase, calculate, national_parameters, parse_case

BASE: dict[str, Any] = {
    "fiscal_year": 2026,
    "taxpayer": {"age": 45},
    "incomes": {"salary_revenue": 5_000_000},
    "deductions": {"social_insurance": 500_000},
}


def test_result_keeps_every_intermediate_and_totals_add_up() -> None:
    r = calculate(parse_case(BASE))
    assert set(r.amounts) == set(OUTPUTS)
    a = r.amounts
    assert r.total_tax == a["municipal_tax"] + a["prefectural_tax"] + a["forest_environment_tax"]
    assert a["municipal_tax"] == a["income_levy_municipal"] + a["per_capita_municipal"]
    assert a["income_levy_municipal"] % 100 == 0 and a["taxable_income"] % 1000 == 0


def test_trace_names_every_parameter_and_rounding_article() -> None:
    r = calculate(parse_case(BASE))
    steps = {s["name"]: s for s in r.trace["steps"]}
    assert steps["taxable_income"]["rounding"]["basis"] == BASIS_TAX_BASE
    assert steps["taxable_income"]["rounding"]["unit"] == 1000
    assert steps["income_levy_municipal"]["rounding"]["basis"] == BASIS_TAX_AMOUNT
    rate = steps["income_levy_gross_municipal"]["parameters"]
    assert [p["key"] for p in rate] == ["tax.individual_resident.income_levy.rate.municipal"]
    assert rate[0]["basis"].startswith("地方税法第314条の3") and rate[0]["effective"].startswith("FY")
    cited = {p["key"] for s in r.trace["steps"] for p in s.get("parameters", [])}
    assert "tax.individual_resident.salary_income.table" in cited
    assert "tax.individual_resident.calculation.supported" in cited
    for step in r.trace["steps"]:
        for p in step.get("parameters", []):
            assert p["basis"] and p["source"]


def test_unverified_parameters_are_reported() -> None:
    r = calculate(parse_case(BASE))
    assert "tax.individual_resident.adjustment_credit.personal_difference" in r.unverified_parameters
    assert "tax.individual_resident.spouse_special_deduction.table" not in r.unverified_parameters
    assert "tax.individual_resident.salary_income.table" not in r.unverified_parameters


def test_birth_date_gives_age_at_december_31_of_income_year() -> None:
    by_age = calculate(parse_case({**BASE, "spouse": {"age": 70}}))
    by_date = calculate(parse_case({**BASE, "spouse": {"birth_date": "1955-12-31"}}))
    younger = calculate(parse_case({**BASE, "spouse": {"birth_date": "1956-01-02"}}))
    assert by_age.amounts["spouse_deduction"] == by_date.amounts["spouse_deduction"] == 380_000
    assert younger.amounts["spouse_deduction"] == 330_000
    assert isinstance(
        TaxpayerCase.model_validate({**BASE, "spouse": {"birth_date": date(1950, 1, 1)}}), TaxpayerCase
    )


@pytest.mark.parametrize(
    ("patch", "field", "fragment"),
    [
        ({"incomes": {"salary_revenue": -1}}, "incomes.salary_revenue", "0 以上"),
        ({"taxpayer": {}}, "taxpayer", "年齢"),
        ({"incomes": {"salary": 1}}, "incomes.salary", "不明な項目"),
        ({"tenant": {"grade": 4}}, "tenant.grade", ""),
    ],
)
def test_bad_input_is_validation_failed_naming_the_field(
    patch: dict[str, Any], field: str, fragment: str
) -> None:
    with pytest.raises(ValidationFailed) as info:
        parse_case({**BASE, **patch})
    errors = {e.field: e.message for e in info.value.errors}
    assert field in errors and fragment in errors[field]


def test_unsupported_fiscal_year_is_refused() -> None:
    for year in (2024, 2027):
        with pytest.raises(ValidationFailed) as info:
            calculate(parse_case({**BASE, "fiscal_year": year}))
        assert info.value.errors[0].field == "fiscal_year"


def test_tenant_overlay_is_applied_and_traced() -> None:
    overlay = Overlay(
        tenant_id="141003",
        key="tax.individual_resident.per_capita_levy.municipal",
        value=3900,
        basis="横浜市市税条例（横浜みどり税）",
        source="https://www.city.yokohama.lg.jp/",
        fiscal_year=2025,
        revision=1,
        recorded_at=datetime(2025, 1, 1, tzinfo=UTC),
        recorded_by="test",
    )
    view = TenantParameterView(national_parameters(), [overlay], tenant_id="141003")
    r = calculate(parse_case({**BASE, "tenant": {"designated_city": True}}), view)
    assert r.amounts["per_capita_municipal"] == 3900
    step = next(s for s in r.trace["steps"] if s["name"] == "per_capita_municipal")
    assert step["parameters"][0]["origin"] == "tenant" and step["parameters"][0]["revision"] == 1


def test_json_schema_has_japanese_descriptions() -> None:
    schema = TaxpayerCase.model_json_schema()
    assert "課税年度" in schema["properties"]["fiscal_year"]["description"]
    assert "給与" in schema["$defs"]["Incomes"]["properties"]["salary_revenue"]["description"]


def test_intermediates_replace_raw_incomes() -> None:
    r = calculate(
        parse_case(
            {
                "fiscal_year": 2025,
                "taxpayer": {"age": 40},
                "intermediates": {
                    "total_income": 3_000_000,
                    "aggregate_income": 3_000_000,
                    "income_deductions": 1_000_000,
                },
            }
        )
    )
    assert r.amounts["taxable_income"] == 2_000_000
    assert r.amounts["income_levy_gross_municipal"] == 120_000


def test_public_assistance_is_exempt_with_reason() -> None:
    r = calculate(parse_case({**BASE, "taxpayer": {"age": 45, "public_assistance": True}}))
    assert r.total_tax == 0 and r.exemption.reason_code == 1 and "生活扶助" in r.exemption.reason
