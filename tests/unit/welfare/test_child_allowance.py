"""児童手当: validation, recipient and timing rules, trace, batch inputs."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest

from kikan.core.errors import ValidationFailed
from kikan.welfare import MONTH_MAX, month_index
from kikan.welfare.child_allowance import (
    calculate,
    calculate_batch,
    choose_recipient,
    month_params,
    national_parameters,
    parse_case,
    start_month,
)


def case(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "period_from": "2025-04-01",
        "period_to": "2025-06-30",
        "claim_on": "2020-01-10",
        "guardians": [{"id": "parent", "income": 3000000}],
        "children": [{"id": "a", "birth_date": "2019-04-10"}],
    }
    base.update(over)
    return base


def fields(exc: pytest.ExceptionInfo[ValidationFailed]) -> set[str]:
    return {e.field for e in exc.value.errors}


def test_bad_input_names_the_fields() -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_case(case(claim_on="2025-13-01", children=[], extra=1, guardians=[{"id": "x", "income": -1}]))
    assert {"claim_on", "children", "extra", "guardians.0.income"} <= fields(exc)
    assert all(e.message for e in exc.value.errors)


def test_inconsistent_case_is_refused() -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_case(case(period_to="2025-01-01", main_guardian="nobody"))
    assert "期間" in exc.value.message or "period_to" in exc.value.message


def test_pre_reform_month_needs_the_income_of_the_right_year() -> None:
    data = case(
        period_from="2024-05-01",
        period_to="2024-06-30",
        guardians=[{"id": "p", "limit_incomes": [{"income_year": 2023, "income": 1}]}],
    )
    with pytest.raises(ValidationFailed) as exc:
        calculate(parse_case(data))
    assert fields(exc) == {"guardians.0.limit_incomes"}
    assert "2022" in exc.value.message  # May 2024 is judged on 2022 income (前々年)


def test_months_before_june_2012_are_refused() -> None:
    with pytest.raises(ValidationFailed) as exc:
        calculate(parse_case(case(period_from="2012-05-01", claim_on="2012-01-10")))
    assert {"claim_on", "period"} & fields(exc)


def test_separated_parents_without_the_children_are_refused() -> None:
    data = case(
        separated=True,
        guardians=[{"id": "f", "lives_with_children": False}, {"id": "m", "lives_with_children": False}],
    )
    with pytest.raises(ValidationFailed):
        calculate(parse_case(data))


def test_choose_recipient_vectorised() -> None:
    chosen, reason = choose_recipient(
        np.asarray([5, 5, 5, 5, 5]),
        np.asarray([1, 9, 1, 1, 5]),
        np.asarray([True, True, True, False, True]),
        np.asarray([False, False, True, False, False]),
        np.asarray([True, True, False, True, True]),
        np.asarray([True, True, True, True, True]),
        np.asarray([-1, -1, -1, -1, 1]),
    )
    assert chosen.tolist() == [0, 1, 1, 0, 1]
    assert reason.tolist() == [2, 2, 1, 0, 3]


def test_fifteen_day_rule_vectorised() -> None:
    event = date(2025, 4, 30).toordinal()
    days = [date(2025, 5, 15), date(2025, 5, 16), date(2025, 4, 30), date(2025, 4, 20)]
    got = start_month(
        np.asarray([d.toordinal() for d in days]),
        np.asarray([month_index(d) for d in days]),
        np.asarray([event, event, event, -1]),
        np.full(4, month_index(date(2025, 4, 30))),
        15,
    )
    assert got.tolist() == [
        month_index(date(2025, 5, 1)),
        month_index(date(2025, 6, 1)),
        month_index(date(2025, 5, 1)),
        month_index(date(2025, 5, 1)),
    ]


def test_end_of_entitlement_pays_through_the_event_month() -> None:
    r = calculate(parse_case(case(ended_on="2025-05-20", end_reason="moved_out")))
    assert [m.amount for m in r.months] == [10000, 10000, 0]
    assert r.end_month == "2025-05"
    assert any("ただし書" in n for n in r.notes)


def test_child_leaving_custody_decreases_from_next_month() -> None:
    kids = [
        {"id": "a", "birth_date": "2019-04-10"},
        {"id": "b", "birth_date": "2016-04-10", "left_on": "2025-05-31"},
    ]
    r = calculate(parse_case(case(children=kids)))
    assert [m.amount for m in r.months] == [20000, 20000, 10000]


def test_child_born_after_claim_without_revision_is_not_added() -> None:
    kids = [{"id": "a", "birth_date": "2019-04-10"}, {"id": "b", "birth_date": "2025-04-20"}]
    r = calculate(parse_case(case(children=kids)))
    assert [m.amount for m in r.months] == [10000, 10000, 10000]
    assert any("額改定請求" in n for n in r.notes)


def test_transition_of_the_2024_reform() -> None:
    teen = [{"id": "h", "birth_date": "2008-06-01"}]
    base = case(period_from="2024-10-01", period_to="2024-12-31", claim_on="2025-02-10", children=teen)
    assert [m.amount for m in calculate(parse_case(base)).months] == [0, 0, 0]
    retro = calculate(parse_case({**base, "newly_eligible_by_reform": True}))
    assert [m.amount for m in retro.months] == [10000, 10000, 10000]
    assert "welfare.child_allowance.transition.reform_2024" in retro.unverified_parameters
    late = calculate(parse_case({**base, "claim_on": "2025-04-01", "newly_eligible_by_reform": True}))
    assert late.start_month == "2025-05"


def test_trace_cites_parameters_with_basis() -> None:
    r = calculate(parse_case(case()))
    steps = {s["name"]: s for s in r.trace["steps"]}
    month = steps["month 2025-04"]
    assert month["value"] == 10000
    keys = {p["key"]: p for p in month["parameters"]}
    assert "第6条" in keys["welfare.child_allowance.amount.monthly"]["basis"]
    assert keys["welfare.child_allowance.amount.monthly"]["source"].startswith("http")
    assert steps["start_month"]["value"] == "2020-02"
    assert "payment 2025-06" in steps


def test_schema_has_japanese_descriptions() -> None:
    from kikan.welfare.child_allowance import ChildAllowanceCase

    schema = ChildAllowanceCase.model_json_schema()
    assert "認定請求日" in schema["properties"]["claim_on"]["description"]


def test_month_params_regimes_differ_across_the_reform() -> None:
    ps = national_parameters()
    before, after = month_params(ps, date(2024, 9, 1)), month_params(ps, date(2024, 10, 1))
    assert before.regime != after.regime
    assert before.limit_in_force and not after.limit_in_force
    assert (before.count_until_age, after.count_until_age) == (18, 22)
    assert after.payment_months == (2, 4, 6, 8, 10, 12)


def test_batch_validates_all_columns() -> None:
    cols = {
        "start_month": np.asarray([0.5]),
        "child.owner": np.asarray([3]),
        "bogus": np.asarray([1]),
        "child.birth_date": np.asarray(["2020-01-01"], dtype="datetime64[D]"),
    }
    with pytest.raises(ValidationFailed) as exc:
        calculate_batch(cols, national_parameters(), date(2025, 4, 1))
    assert {"start_month", "bogus"} <= fields(exc)


def test_batch_requires_birth_dates() -> None:
    with pytest.raises(ValidationFailed) as exc:
        calculate_batch({"start_month": np.asarray([0])}, national_parameters(), date(2025, 4, 1))
    assert "child.birth_date" in fields(exc)


def test_batch_children_out_and_payer() -> None:
    cols = {
        "public_servant": np.asarray([0, 1]),
        "end_month": np.asarray([MONTH_MAX, MONTH_MAX]),
        "child.owner": np.asarray([0, 1, 1]),
        "child.birth_date": np.asarray(["2024-01-01", "2010-01-01", "2012-01-01"], dtype="datetime64[D]"),
    }
    out = calculate_batch(cols, national_parameters(), date(2025, 4, 1), children_out=True)
    assert out["amount"].tolist() == [15000, 20000]
    assert out["payer_employer"].tolist() == [0, 1]
    assert out["child.birth_order"].tolist() == [1, 1, 2]
