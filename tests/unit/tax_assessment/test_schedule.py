"""Collection schedules: 普通徴収 (第320条), 給与特徴 (第321条の5), 年金特徴 (第321条の7の2〜), due dates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np

from kikan.core.calendar import BusinessCalendar
from kikan.core.rules import Overlay, TenantParameterView
from kikan.core.temporal import JST
from kikan.tax.individual_resident import national_parameters
from kikan.tax.individual_resident.schedule import (
    Allocation,
    allocate,
    collection_params,
    due_dates,
    installments,
)

CP = collection_params(national_parameters(), 2026)


def arr(*v: int) -> np.ndarray:
    return np.asarray(v, dtype=np.int64)


def plan(ordinary: int = 0, salary: int = 0, pension: int = 0, *, prev: int = 0, feb: int = 0, first: bool = False,
         cp=CP) -> dict[str, Any]:  # fmt: skip
    a = Allocation(arr(ordinary), arr(salary), arr(pension), np.asarray([first]))
    out = installments(a, arr(prev), arr(feb), cp)
    return {k: v[0].tolist() if v.ndim == 2 else int(v[0]) for k, v in out.items()}


def test_ordinary_four_installments_fractions_below_1000_to_the_first() -> None:
    assert plan(45_600)["ordinary"] == [12_600, 11_000, 11_000, 11_000]
    assert plan(3_500)["ordinary"] == [3_500, 0, 0, 0]  # every installment would be under 1,000円
    assert plan(5_000)["ordinary"] == [2_000, 1_000, 1_000, 1_000]


def test_an_ordinance_may_use_100_yen_units() -> None:
    o = Overlay(tenant_id="131016", key="tax.individual_resident.collection.ordinary.unit", fiscal_year=2025,
                value=100, basis="○○市市税条例第50条", source="例規集", revision=1,
                recorded_at=__import__("datetime").datetime(2025, 3, 1, tzinfo=JST), recorded_by="t")  # fmt: skip
    cp = collection_params(TenantParameterView(national_parameters(), [o], tenant_id="131016"), 2026)
    assert cp.ordinary_unit == 100 and cp.resolved["collection.ordinary.unit"].origin == "tenant"
    assert plan(45_650, cp=cp)["ordinary"] == [11_450, 11_400, 11_400, 11_400]


def test_salary_twelve_months_june_takes_the_fraction_below_100() -> None:
    got = plan(salary=282_500)["salary"]
    assert len(got) == 12 and got[0] == 24_000 and set(got[1:]) == {23_500} and sum(got) == 282_500
    assert plan(salary=1_250)["salary"] == [150] + [100] * 11
    assert plan(salary=1_150)["salary"] == [1_150] + [0] * 11  # each month would be under 100円


def test_pension_provisional_is_half_of_last_years_part_in_three() -> None:
    got = plan(pension=60_000, prev=36_000)  # 富加町の例: 36,000 → 仮徴収 6,000 × 3, 本徴収 14,000 × 3
    assert got["pension"] == [6_000, 6_000, 6_000, 14_000, 14_000, 14_000] and got["overpaid"] == 0
    assert plan(pension=36_000, prev=60_000)["pension"] == [10_000, 10_000, 10_000, 2_000, 2_000, 2_000]
    over = plan(pension=20_000, prev=60_000)
    assert over["pension"][3:] == [0, 0, 0] and over["overpaid"] == 10_000


def test_pension_first_year_half_ordinary_in_the_first_two_then_three_deductions() -> None:
    got = plan(pension=149_500, first=True)
    assert got["ordinary"] == [37_800, 37_000, 0, 0]
    assert got["pension"] == [0, 0, 0, 24_900, 24_900, 24_900]


def test_the_pre_2016_rule_is_selectable() -> None:
    cp = replace(CP, pension_provisional_rule="previous_february")
    assert plan(pension=60_000, prev=36_000, feb=2_000, cp=cp)["pension"] == [2_000] * 3 + [18_000] * 3


def test_due_dates_2026_shift_past_weekends_and_holidays() -> None:
    d = due_dates(2026, CP, BusinessCalendar())
    iso = {k: [x.isoformat() for x in v] for k, v in d.items()}
    assert iso["ordinary"] == ["2026-06-30", "2026-08-31", "2026-11-02", "2027-02-01"]  # 10/31 土, 1/31 日
    assert iso["salary"][3] == "2026-10-13"  # 10/10 土, 10/11 日, 10/12 スポーツの日
    assert iso["salary"][6] == "2027-01-12"  # 1/10 日, 1/11 成人の日
    assert iso["salary"][9:] == ["2027-04-12", "2027-05-10", "2027-06-10"]  # May's amount is remitted in June
    assert iso["pension"] == [
        "2026-05-11",
        "2026-07-10",
        "2026-09-10",
        "2026-11-10",
        "2027-01-12",
        "2027-03-10",
    ]
    closed = due_dates(2026, CP, BusinessCalendar(closure_days=[date(2026, 6, 30)]))
    assert closed["ordinary"][0] == date(2026, 7, 1)


def test_allocation_pension_part_salary_part_and_ordinary() -> None:
    out = {k: arr(v, v, v) for k, v in {"income_levy_municipal": 60_000, "income_levy_prefectural": 40_000,
           "per_capita_municipal": 3_000, "per_capita_prefectural": 1_000, "forest_environment_tax": 1_000,
           "aggregate_income": 2_000_000, "pension_income": 1_000_000}.items()}  # fmt: skip
    out["total_tax"] = arr(105_000, 105_000, 105_000)
    a = allocate(out, salary_special=np.array([True, False, False]), pension_target=np.array([True, True, False]),
                 age_april1=arr(70, 70, 70), pension_revenue=arr(2_000_000, 2_000_000, 2_000_000),
                 previous_pension=arr(0, 10_000, 0), cp=CP)  # fmt: skip
    assert a.pension.tolist() == [
        50_000,
        55_000,
        0,
    ]  # 所得割 × 年金所得 / 総所得金額等 (+ 均等割 without 給与特徴)
    assert a.salary.tolist() == [55_000, 0, 0]
    assert a.ordinary.tolist() == [0, 50_000, 105_000]
    assert a.first_year_pension.tolist() == [True, False, False]
