"""外国税額控除 (地方税法第37条の3・第314条の8、同法施行令第9条の7・第48条の9の2), computed by hand.

kikan takes the credit as precomputed 市・県 amounts (the limit needs the 所得税 computation, which is out
of scope: README「簡略化」). These tests compute the amounts by hand from the statutory limit and check
that they flow into the 所得割 — after the other credits, before the 100円 rounding, each levy on its
own — and that the credit never exceeds the levy left.

The limit (施行令第9条の7・第48条の9の2; wording of 大津市・滑川町 「外国税額控除」 pages):
  所得税の控除限度額 (A) = 所得税額 × 国外所得総額 / 所得総額
  道府県民税の控除限度額 = A × 12%,  市町村民税の控除限度額 = A × 18%
The foreign tax is credited in the order 所得税 → 復興特別所得税 → 道府県民税 → 市町村民税, each up to its
limit. (指定都市の按分 is not checked here; the case is an ordinary 市.)
"""

from __future__ import annotations

from typing import Any

from kikan.tax.individual_resident import calculate, parse_case


def foreign_credit_limits(income_tax: int, foreign_income: int, total_income: int) -> tuple[int, int, int]:
    """(所得税, 道府県民税, 市町村民税) 控除限度額 of 施行令第9条の7・第48条の9の2 (yen, exact here)."""
    a = income_tax * foreign_income // total_income
    return a, a * 12 // 100, a * 18 // 100


def case(total: int, *, municipal: int, prefectural: int) -> dict[str, Any]:
    return {
        "fiscal_year": 2026,
        "taxpayer": {"age": 45},
        "intermediates": {"total_income": total, "aggregate_income": total, "income_deductions": 430_000},
        "foreign_tax_credit": {"municipal": municipal, "prefectural": prefectural},
    }


def test_hand_computed_limits_flow_into_the_income_levy():
    # 所得税額 213,000円, 国外所得 100万円 / 所得総額 500万円 → A = 42,600円
    a, pref_limit, muni_limit = foreign_credit_limits(213_000, 1_000_000, 5_000_000)
    assert (a, pref_limit, muni_limit) == (42_600, 5_112, 7_668)
    # 外国の所得税 100,000円 exceeds 所得税 (42,600) + 復興特別所得税 (≤ 42,600 × 2.1%) + 5,112 + 7,668:
    # both local limits bind.
    res = calculate(parse_case(case(5_000_000, municipal=muni_limit, prefectural=pref_limit)))
    x = res.amounts
    # 課税総所得金額 500万 − 43万 = 457万; 算出所得割 6% 274,200 / 4% 182,800
    assert x["taxable_income"] == 4_570_000
    assert (x["income_levy_gross_municipal"], x["income_levy_gross_prefectural"]) == (274_200, 182_800)
    # 調整控除 (第314条の6): 課税 200万超 → max(5万 − (457万 − 200万), 5万) × 3% / 2% = 1,500 / 1,000
    assert (x["adjustment_credit_municipal"], x["adjustment_credit_prefectural"]) == (1_500, 1_000)
    assert (x["foreign_tax_credit_municipal"], x["foreign_tax_credit_prefectural"]) == (7_668, 5_112)
    # 市 272,700 − 7,668 = 265,032 → 265,000;  県 181,800 − 5,112 = 176,688 → 176,600 (第20条の4の2第3項)
    assert (x["income_levy_municipal"], x["income_levy_prefectural"]) == (265_000, 176_600)
    # + 均等割 3,000 + 1,000 + 森林環境税 1,000
    assert res.total_tax == 265_000 + 176_600 + 5_000 == 446_600
    without = calculate(parse_case(case(5_000_000, municipal=0, prefectural=0)))
    assert without.total_tax - res.total_tax == (272_700 - 265_000) + (181_800 - 176_600) == 12_900


def test_the_credit_is_limited_to_the_levy_left():
    # 合計所得 150万 − 43万 = 107万 → 64,200 / 42,800; 調整控除 5万 × 3% / 2% → 62,700 / 41,800 left
    res = calculate(parse_case(case(1_500_000, municipal=100_000, prefectural=10_000)))
    x = res.amounts
    assert (x["foreign_tax_credit_municipal"], x["foreign_tax_credit_prefectural"]) == (62_700, 10_000)
    assert (x["income_levy_municipal"], x["income_levy_prefectural"]) == (0, 31_800)
    assert res.total_tax == 31_800 + 5_000  # 均等割 and 森林環境税 are not reduced by a credit
