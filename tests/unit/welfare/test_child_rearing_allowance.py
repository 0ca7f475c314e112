"""児童扶養手当: income rules, rounding, limits, validation, trace, batch inputs."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

from kikan.core.errors import ValidationFailed
from kikan.welfare import month_index
from kikan.welfare.child_rearing_allowance import (
    calculate,
    calculate_batch,
    income_year,
    month_params,
    national_parameters,
    parse_case,
)
from kikan.welfare.child_rearing_allowance.income import reduction

REGIMES = [date(2024, 6, 1), date(2024, 11, 1), date(2025, 4, 1)]


def case(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "period_from": "2025-04-01",
        "period_to": "2025-04-30",
        "claim_on": "2023-01-10",
        "claimant_kind": "mother",
        "reason": "divorce",
        "children": [{"id": "a", "birth_date": "2015-05-10"}],
        "incomes": [{"income_year": 2023, "dependants": 1}],
    }
    base.update(over)
    return base


@pytest.mark.parametrize("on", REGIMES)
def test_published_minimum_is_reached_just_below_the_partial_limit(on: date) -> None:
    """The coefficients reproduce the published 一部支給 minimum at (一部限度 − 全部限度 − 1) for every regime."""
    p = month_params(national_parameters(), on)
    span = p.claimant_limit.partial_base - p.claimant_limit.full_base - 1
    for coef, top, low in (
        (p.coef_first, p.partial_max.first, p.partial_min.first),
        (p.coef_second, p.partial_max.second, p.partial_min.second),
        (p.coef_third, p.partial_max.third_plus, p.partial_min.third_plus),
    ):
        assert top - int(reduction(np.asarray([span]), coef, p.rounding_unit)[0]) == low


def test_reduction_rounds_half_up_to_ten_yen_exactly() -> None:
    coef = (Fraction("0.025").numerator, Fraction("0.025").denominator)
    # 0.025 × 200 = 5.0 → 10; × 199 = 4.975 → 0; × 600 = 15 → 20; × 580 = 14.5 → 10
    assert reduction(np.asarray([200, 199, 600, 580]), coef, 10).tolist() == [10, 0, 20, 10]


def test_income_year_is_previous_or_the_year_before() -> None:
    assert income_year(month_index(date(2025, 10, 1)), 11) == 2023
    assert income_year(month_index(date(2025, 11, 1)), 11) == 2024
    assert income_year(month_index(date(2026, 1, 1)), 11) == 2024


def test_child_support_is_floored_at_80_percent() -> None:
    r = calculate(
        parse_case(
            case(
                incomes=[{"income_year": 2023, "dependants": 1, "child_support": 999, "other_income": 80000}]
            )
        )
    )
    assert r.months[0].income == 799


def test_salary_pension_adjustment_never_negative() -> None:
    r = calculate(
        parse_case(
            case(
                incomes=[
                    {
                        "income_year": 2023,
                        "dependants": 1,
                        "salary_pension_income": 60000,
                        "other_income": 500000,
                    }
                ]
            )
        )
    )
    assert r.months[0].income == 500000 - 80000


def test_partner_care_excludes_unless_parent_disability() -> None:
    excluded = calculate(parse_case(case(cared_by_partner=True)))
    assert excluded.total == 0 and not excluded.entitled and excluded.notes
    allowed = calculate(parse_case(case(cared_by_partner=True, reason="parent_disability")))
    assert allowed.total == 46690


def test_child_in_facility_is_not_counted() -> None:
    kids = [
        {"id": "a", "birth_date": "2015-05-10"},
        {"id": "b", "birth_date": "2016-05-10", "in_facility": True},
    ]
    assert calculate(parse_case(case(children=kids))).total == 46690


def test_added_child_from_month_after_request() -> None:
    kids = [
        {"id": "a", "birth_date": "2015-05-10"},
        {"id": "b", "birth_date": "2025-04-20", "added_on": "2025-04-25"},
    ]
    r = calculate(parse_case(case(children=kids, period_to="2025-05-31")))
    assert [m.amount for m in r.months] == [46690, 57720]


def test_unable_to_claim_fifteen_days() -> None:
    base = case(
        claim_on="2025-05-10",
        unable_from="2025-02-10",
        unable_until="2025-04-30",
        period_from="2025-03-01",
        period_to="2025-05-31",
    )
    assert calculate(parse_case(base)).start_month == "2025-03"
    late = {**base, "claim_on": "2025-05-16"}
    assert calculate(parse_case(late)).start_month == "2025-06"


def test_missing_income_year_names_the_field() -> None:
    with pytest.raises(ValidationFailed) as exc:
        calculate(parse_case(case(period_to="2025-11-30")))
    assert {e.field for e in exc.value.errors} == {"incomes"}
    assert "2024" in exc.value.message
    with pytest.raises(ValidationFailed) as exc:
        calculate(parse_case(case(obligors=[{"id": "gf", "incomes": []}])))
    assert {e.field for e in exc.value.errors} == {"obligors.0.incomes"}


def test_unsupported_months_and_bad_input() -> None:
    with pytest.raises(ValidationFailed):
        calculate(parse_case(case(period_from="2026-03-01", period_to="2026-04-30")))
    with pytest.raises(ValidationFailed) as exc:
        parse_case(case(claimant_kind="aunt", unable_from="2025-01-01", children=[]))
    assert {"claimant_kind", "children"} <= {e.field for e in exc.value.errors}


def test_trace_and_unverified_parameters() -> None:
    r = calculate(parse_case(case(pension={"kind": "other", "annual_amount": 12000})))
    step = next(s for s in r.trace["steps"] if s["name"] == "month 2025-04")
    keys = {p["key"] for p in step["parameters"]}
    assert "welfare.child_rearing_allowance.partial.coefficient.first" in keys
    assert "welfare.child_rearing_allowance.partial.coefficient.second" in r.unverified_parameters
    assert r.months[0].amount == 46690 - 1000


def test_batch_validates_columns() -> None:
    cols = {
        "kind": np.asarray([0.0]),
        "child.owner": np.asarray([5]),
        "what": np.asarray([1]),
        "child.birth_date": np.asarray(["2015-01-01"], dtype="datetime64[D]"),
    }
    with pytest.raises(ValidationFailed) as exc:
        calculate_batch(cols, national_parameters(), date(2025, 4, 1))
    assert {"kind", "what"} <= {e.field for e in exc.value.errors}


def test_batch_obligor_table() -> None:
    cols = {
        "dependants": np.asarray([1, 1]),
        "child.owner": np.asarray([0, 1]),
        "child.birth_date": np.asarray(["2015-01-01", "2016-01-01"], dtype="datetime64[D]"),
        "obligor.owner": np.asarray([1]),
        "obligor.other_income": np.asarray([3_000_000]),
    }
    out = calculate_batch(cols, national_parameters(), date(2025, 4, 1))
    assert out["amount"].tolist() == [46690, 0]
    assert out["obligor_stop"].tolist() == [0, 1]
