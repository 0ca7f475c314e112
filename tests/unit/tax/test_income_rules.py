"""所得の計算（地方税法第313条第2項・所得税法の例）: 公表された表・計算例の値で検証する。"""

from __future__ import annotations

import numpy as np

from kikan.tax.individual_resident.rules import income

from .conftest import arr, fy


def test_salary_fy2025_table_rows_yamatokoriyama_and_asakura() -> None:
    p = fy(2025)
    revenue = arr(
        550_999,
        551_000,
        1_618_999,
        1_619_500,
        1_621_000,
        1_623_000,
        1_627_999,
        1_628_000,
        5_812_500,
        6_600_000,
        8_500_000,
        10_000_000,
    )
    expected = arr(
        0,
        1_000,
        1_068_999,
        1_069_000,
        1_070_000,
        1_072_000,
        1_074_000,
        1_076_800,
        4_209_600,
        4_840_000,
        6_550_000,
        8_050_000,
    )
    assert income.salary_income(revenue, p.salary).tolist() == expected.tolist()


def test_salary_fy2026_minimum_650000() -> None:
    p = fy(2026)
    revenue = arr(650_999, 651_000, 1_100_000, 1_900_999, 1_904_000, 5_000_000, 6_650_000)
    expected = arr(0, 1_000, 450_000, 1_250_999, 1_252_800, 3_560_000, 4_885_000)
    assert income.salary_income(revenue, p.salary).tolist() == expected.tolist()


def test_salary_fy2026_known_dip_at_1901000_is_the_published_table() -> None:
    """The published FY2026 table (651,000〜1,900,999円: 収入−65万円; from 1,901,000円 in 4,000円 steps)
    makes 給与所得 fall by 999円 at 1,901,000円; the only place the table is not monotone."""
    p = fy(2026)
    revenue = np.arange(0, 7_000_000, 500, dtype=np.int64)
    revenue = np.union1d(revenue, arr(1_900_999, 1_901_000))
    salary = income.salary_income(revenue, p.salary)
    drops = revenue[1:][np.diff(salary) < 0]
    assert drops.tolist() == [1_901_000]
    for year in (2025,):
        s = income.salary_income(revenue, fy(year).salary)
        assert (np.diff(s) >= 0).all()


def test_pension_table_kaizuka() -> None:
    p = fy(2025).pension
    rev = arr(1_100_000, 1_100_001, 3_300_000, 3_500_000, 4_100_000, 7_700_000, 10_000_000, 12_000_000)
    age = np.full(len(rev), 70)
    other = np.zeros(len(rev), dtype=np.int64)
    assert income.pension_income(rev, age, other, p).tolist() == [
        0,
        1,
        2_200_000,
        2_350_000,
        2_800_000,
        5_860_000,
        8_045_000,
        10_045_000,
    ]
    young = income.pension_income(
        arr(600_000, 1_300_000, 3_000_000), np.full(3, 60), np.zeros(3, np.int64), p
    )
    assert young.tolist() == [0, 700_000, 1_975_000]


def test_pension_reduced_deduction_by_other_income() -> None:
    p = fy(2026).pension
    rev = arr(3_000_000, 3_000_000, 3_000_000)
    other = arr(10_000_000, 10_000_001, 20_000_001)
    assert income.pension_income(rev, np.full(3, 70), other, p).tolist() == [1_900_000, 2_000_000, 2_100_000]


def test_child_care_adjustment_hiroshima_example() -> None:
    p = fy(2025).child_care
    out = income.child_care_adjustment(
        arr(9_000_000, 9_000_000, 12_000_000), np.array([True, False, True]), p
    )
    assert out.tolist() == [50_000, 0, 150_000]


def test_pension_and_salary_adjustment() -> None:
    out = income.pension_salary_adjustment(arr(80_000, 500_000, 0), arr(50_000, 900_000, 900_000), 100_000)
    assert out.tolist() == [30_000, 100_000, 0]


def test_aggregate_income_half_taxation_and_loss_offset() -> None:
    p = fy(2025)
    total, transfer, occasional = income.aggregate_income(
        arr(3_000_000, -1_000_000),
        arr(0, 0),
        arr(1_500_000, 0),
        arr(700_000, 1_600_000),
        transfer_special=p.transfer_special,
        occasional_special=p.occasional_special,
        half_rate=p.half_rate,
    )
    # 長期譲渡 150万−50万 = 100万、一時 70万−50万 = 20万 → (100万+20万)/2 = 60万
    assert total.tolist() == [3_600_000, 50_000]
    assert transfer.tolist() == [1_000_000, 0]
    assert occasional.tolist() == [200_000, 100_000]
