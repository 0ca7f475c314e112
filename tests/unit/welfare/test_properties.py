"""Property tests (hypothesis) of both allowances.

* Amounts are never negative (and 児童扶養手当 never exceeds its 全部支給 amount).
* 児童扶養手当 is non-increasing in the 受給資格者's income, other inputs fixed.
* The batch (one month, many households stacked) equals the one-case calculation.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kikan.welfare import MONTH_MAX, MONTH_MIN, month_index
from kikan.welfare.child_allowance import calculate as ca_calculate
from kikan.welfare.child_allowance import calculate_batch as ca_batch
from kikan.welfare.child_allowance import national_parameters as ca_params
from kikan.welfare.child_allowance import parse_case as ca_parse
from kikan.welfare.child_rearing_allowance import calculate as cr_calculate
from kikan.welfare.child_rearing_allowance import calculate_batch as cr_batch
from kikan.welfare.child_rearing_allowance import income_year
from kikan.welfare.child_rearing_allowance import national_parameters as cr_params
from kikan.welfare.child_rearing_allowance import parse_case as cr_parse

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CLAIM = date(2012, 7, 1)
births = st.dates(min_value=date(1998, 1, 1), max_value=date(2026, 6, 30))
months_ca = st.dates(min_value=date(2012, 7, 1), max_value=date(2026, 12, 1)).map(lambda d: d.replace(day=1))
months_cr = st.dates(min_value=date(2024, 4, 1), max_value=date(2026, 3, 1)).map(lambda d: d.replace(day=1))


@st.composite
def ca_cases(draw: st.DrawFn, month: date) -> dict[str, Any]:
    kids = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "birth_date": births,
                    "supported": st.booleans(),
                    "in_facility": st.sampled_from([False] * 5 + [True]),
                }
            ),
            min_size=1,
            max_size=5,
        )
    )
    income = draw(st.integers(0, 12_000_000))
    deps = draw(st.integers(0, 6))
    limit = [{"income_year": y, "income": income, "dependants": deps} for y in range(2010, 2027)]
    return {
        "period_from": month.isoformat(),
        "period_to": month.isoformat(),
        "claim_on": CLAIM.isoformat(),
        "guardians": [
            {"id": "p", "income": income, "public_servant": draw(st.booleans()), "limit_incomes": limit}
        ],
        "children": [
            {"id": f"c{i}", **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in c.items()}}
            for i, c in enumerate(kids)
        ],
    }


def _ca_columns(cases: list[dict[str, Any]], month: date) -> dict[str, np.ndarray]:
    cols: dict[str, list[Any]] = {
        k: []
        for k in (
            "start_month",
            "public_servant",
            "income",
            "dependants",
            "child.owner",
            "child.birth_date",
            "child.supported",
            "child.in_facility",
            "child.from_month",
        )
    }
    for i, c in enumerate(cases):
        g = c["guardians"][0]
        cols["start_month"].append(month_index(CLAIM) + 1)
        cols["public_servant"].append(int(g["public_servant"]))
        cols["income"].append(g["income"])
        cols["dependants"].append(g["limit_incomes"][0]["dependants"])
        for k in c["children"]:
            cols["child.owner"].append(i)
            cols["child.birth_date"].append(k["birth_date"])
            cols["child.supported"].append(int(k["supported"]))
            cols["child.in_facility"].append(int(k["in_facility"]))
            cols["child.from_month"].append(
                MONTH_MIN if date.fromisoformat(k["birth_date"]) <= CLAIM else MONTH_MAX
            )
    out = {k: np.asarray(v, dtype=np.int64) for k, v in cols.items() if k != "child.birth_date"}
    out["child.birth_date"] = np.asarray(cols["child.birth_date"], dtype="datetime64[D]")
    return out


@SETTINGS
@given(st.data(), months_ca)
def test_child_allowance_batch_equals_one_case(data: st.DataObject, month: date) -> None:
    cases = data.draw(st.lists(ca_cases(month), min_size=1, max_size=6))
    one = [ca_calculate(ca_parse(c)) for c in cases]
    out = ca_batch(_ca_columns(cases, month), ca_params(), month)
    assert out["amount"].tolist() == [r.months[0].amount for r in one]
    assert out["facility_amount"].tolist() == [r.months[0].facility_amount for r in one]
    assert all(r.months[0].amount >= 0 and r.total >= 0 for r in one)
    assert out["payer_employer"].tolist() == [int(r.payer == "employer") for r in one]


person = st.fixed_dictionaries(
    {
        "salary_pension_income": st.integers(0, 4_000_000),
        "other_income": st.integers(0, 3_000_000),
        "deductions": st.integers(0, 300_000),
        "disabled_persons": st.integers(0, 2),
        "widow": st.booleans(),
        "dependants": st.integers(0, 5),
        "elderly_dependants": st.integers(0, 2),
    }
)


@st.composite
def cr_cases(draw: st.DrawFn, month: date) -> dict[str, Any]:
    year = income_year(month_index(month), 11)
    kids = draw(
        st.lists(
            st.fixed_dictionaries({"birth_date": births, "disabled": st.booleans()}), min_size=1, max_size=4
        )
    )
    own = {
        **draw(person),
        "income_year": year,
        "child_support": draw(st.integers(0, 1_200_000)),
        "specified_dependants": draw(st.integers(0, 2)),
    }
    obligors = [
        {"id": f"o{i}", "incomes": [{**draw(person), "income_year": year}]}
        for i in range(draw(st.integers(0, 2)))
    ]
    return {
        "period_from": month.isoformat(),
        "period_to": month.isoformat(),
        "claim_on": "2020-01-10",
        "claimant_kind": draw(st.sampled_from(["mother", "father", "caretaker"])),
        "reason": "divorce",
        "children": [
            {"id": f"c{i}", "birth_date": str(k["birth_date"]), "disabled": k["disabled"]}
            for i, k in enumerate(kids)
        ],
        "incomes": [own],
        "obligors": obligors,
        "pension": {
            "kind": draw(st.sampled_from(["none", "disability_basic", "other"])),
            "annual_amount": draw(st.integers(0, 700_000)),
        },
    }


def _cr_columns(cases: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    kinds = {"mother": 0, "father": 1, "caretaker": 2}
    pensions = {"none": 0, "disability_basic": 1, "other": 2}
    cols: dict[str, list[Any]] = {
        "kind": [],
        "pension_kind": [],
        "pension_annual": [],
        "start_month": [],
        "child.owner": [],
        "child.birth_date": [],
        "child.disabled": [],
        "child.from_month": [],
        "obligor.owner": [],
    }
    claim = date(2020, 1, 10)
    for i, c in enumerate(cases):
        cols["kind"].append(kinds[c["claimant_kind"]])
        cols["pension_kind"].append(pensions[c["pension"]["kind"]])
        cols["pension_annual"].append(c["pension"]["annual_amount"])
        cols["start_month"].append(month_index(claim) + 1)
        for key, v in c["incomes"][0].items():
            if key != "income_year":
                cols.setdefault(key, []).append(int(v))
        for k in c["children"]:
            cols["child.owner"].append(i)
            cols["child.birth_date"].append(k["birth_date"])
            cols["child.disabled"].append(int(k["disabled"]))
            cols["child.from_month"].append(
                MONTH_MIN if date.fromisoformat(k["birth_date"]) <= claim else MONTH_MAX
            )
        for ob in c["obligors"]:
            cols["obligor.owner"].append(i)
            for key, v in ob["incomes"][0].items():
                if key != "income_year":
                    cols.setdefault(f"obligor.{key}", []).append(int(v))
    out = {k: np.asarray(v, dtype=np.int64) for k, v in cols.items() if k != "child.birth_date"}
    out["child.birth_date"] = np.asarray(cols["child.birth_date"], dtype="datetime64[D]")
    return out


@SETTINGS
@given(st.data(), months_cr)
def test_child_rearing_batch_equals_one_case(data: st.DataObject, month: date) -> None:
    cases = data.draw(st.lists(cr_cases(month), min_size=1, max_size=6))
    one = [cr_calculate(cr_parse(c)).months[0] for c in cases]
    cols = _cr_columns(cases)
    if not len(cols["obligor.owner"]):
        cols = {k: v for k, v in cols.items() if not k.startswith("obligor.")}
    out = cr_batch(cols, cr_params(), month)
    for name in ("amount", "income", "allowance", "full_limit", "eligible_children"):
        assert out[name].tolist() == [getattr(r, name) for r in one], name


@SETTINGS
@given(st.data(), months_cr, st.integers(0, 4_000_000), st.integers(0, 4_000_000))
def test_child_rearing_non_increasing_in_income(data: st.DataObject, month: date, a: int, b: int) -> None:
    case = data.draw(cr_cases(month))
    low, high = sorted((a, b))
    amounts = []
    for other in (low, high):
        c = {**case, "incomes": [{**case["incomes"][0], "other_income": other}]}
        row = cr_calculate(cr_parse(c)).months[0]
        amounts.append((row.amount, row.allowance, row.first_amount))
        assert 0 <= row.amount <= row.allowance
    assert (
        amounts[0][0] >= amounts[1][0] and amounts[0][1] >= amounts[1][1] and amounts[0][2] >= amounts[1][2]
    )
    full = cr_calculate(
        cr_parse(
            {
                **case,
                "incomes": [
                    {**case["incomes"][0], "other_income": 0, "salary_pension_income": 0, "child_support": 0}
                ],
            }
        )
    )
    assert amounts[0][1] <= full.months[0].allowance
