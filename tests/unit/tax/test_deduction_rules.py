"""所得控除（地方税法第314条の2）と非課税限度額の表。値は計算例（佐賀市・尼崎市・相模原市・粕屋町）による。"""

from __future__ import annotations

import numpy as np

from kikan.tax.individual_resident.rules import deductions

from .conftest import arr, fy


def test_life_insurance_worked_examples() -> None:
    p = fy(2025).life
    z = arr(0)
    saga = deductions.life_insurance(z, arr(25_000), arr(18_000), z, z, p)
    amagasaki = deductions.life_insurance(z, arr(30_000), z, z, z, p)
    sagamihara = deductions.life_insurance(z, arr(120_000), arr(60_000), arr(70_000), z, p)
    kasuya = deductions.life_insurance(arr(30_000), arr(30_000), arr(80_000), z, arr(110_000), p)
    assert [saga[0], amagasaki[0], sagamihara[0], kasuya[0]] == [35_000, 22_500, 70_000, 70_000]


def test_life_insurance_new_and_old_in_one_category() -> None:
    p = fy(2025).life
    z = arr(0, 0)
    # 旧のみ 35,000 が新旧合計の上限 28,000 より有利なら旧のみ
    out = deductions.life_insurance(arr(10_000, 50_000), arr(100_000, 10_000), z, z, z, p)
    assert out.tolist() == [35_000, 28_000]


def test_earthquake_half_with_cap() -> None:
    p = fy(2025).earthquake
    assert deductions.earthquake(arr(20_000, 50_001, 0), arr(0, 0, 20_000), p).tolist() == [
        10_000,
        25_000,
        10_000,
    ]


def test_medical_floor_is_min_of_100000_and_5_percent() -> None:
    p = fy(2025)
    out = deductions.medical(
        arr(200_000, 200_000, 3_000_000, 0),
        arr(0, 0, 0, 50_000),
        np.array([False, False, False, True]),
        arr(2_100_000, 1_000_000, 9_000_000, 0),
        p.medical,
        p.self_medication,
    )
    assert out.tolist() == [100_000, 150_000, 2_000_000, 38_000]


def test_basic_deduction_taper() -> None:
    p = fy(2026)
    out = deductions.basic(arr(24_000_000, 24_000_001, 24_500_001, 25_000_001), p.basic)
    assert out.tolist() == [430_000, 290_000, 150_000, 0]


def test_personal_status_limits() -> None:
    p = fy(2026)
    dis, wid, parent, student = deductions.personal_status(
        arr(2, 0, 0, 0),
        np.array([False, True, True, False]),
        arr(0, 0, 1, 0),
        np.array([False, False, False, True]),
        arr(1_000_000, 5_000_001, 5_000_000, 850_000),
        arr(0, 0, 0, 100_000),
        p.status,
        100_000,
    )
    assert dis.tolist() == [300_000, 0, 0, 0]
    assert wid.tolist() == [0, 0, 0, 0]
    assert parent.tolist() == [0, 0, 300_000, 0]
    assert student.tolist() == [0, 0, 0, 260_000]
    _, _, _, student25 = deductions.personal_status(
        arr(0), np.array([False]), arr(0), np.array([True]), arr(850_000), arr(0), fy(2025).status, 100_000
    )
    assert student25.tolist() == [0]
