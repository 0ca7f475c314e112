"""Benchmark: 個人住民税 for N synthetic taxpayers with ``calculate_batch`` (一括賦課).

Builds a realistic income mix (salary earners, pensioners, sole proprietors, low/no income,
spouses and dependants, insurance premiums, medical expenses, ふるさと納税, housing loans), then
times one ``calculate_batch`` call. Prints one JSON line::

    {"bench": "tax_calc", "taxpayers": 1000000, "relatives": ..., "fiscal_year": 2026,
     "seconds": ..., "cpu_seconds": ..., "load_average_1m": ..., "taxpayers_per_s": ..., "total_tax_yen": ..., "taxable_share": ..., "machine": {...}}

Usage::

    .venv/bin/python -m bench.tax_calc --taxpayers 1000000 --fiscal-year 2026
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from bench.seed import machine
from kikan.tax.individual_resident import calculate_batch, national_parameters


def synthetic(n: int, seed: int = 7) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    kind = rng.choice(4, size=n, p=[0.55, 0.25, 0.08, 0.12])  # salary, pension, business, low/none
    age = np.where(kind == 1, rng.integers(65, 95, n), rng.integers(18, 65, n))
    salary = np.where(kind == 0, rng.lognormal(np.log(4_300_000), 0.55, n), 0)
    salary = np.where((kind == 3) & (rng.random(n) < 0.6), rng.integers(300_000, 1_500_000, n), salary)
    pension = np.where(kind == 1, rng.normal(2_000_000, 700_000, n).clip(400_000), 0)
    business = np.where(kind == 2, rng.normal(3_500_000, 2_000_000, n), 0)
    cols: dict[str, np.ndarray] = {
        "age": age,
        "salary_revenue": salary,
        "pension_revenue": pension,
        "business_income": business,
        "dividend_income": np.where(rng.random(n) < 0.05, rng.integers(0, 500_000, n), 0),
        "misc_income": np.where(rng.random(n) < 0.05, rng.integers(0, 800_000, n), 0),
        "social_insurance": (salary * 0.15 + pension * 0.08 + np.maximum(business, 0) * 0.12),
        "life_new_general": np.where(rng.random(n) < 0.4, rng.integers(0, 120_000, n), 0),
        "life_old_general": np.where(rng.random(n) < 0.2, rng.integers(0, 150_000, n), 0),
        "life_care_medical": np.where(rng.random(n) < 0.3, rng.integers(0, 80_000, n), 0),
        "earthquake_premium": np.where(rng.random(n) < 0.3, rng.integers(0, 60_000, n), 0),
        "medical_expenses": np.where(rng.random(n) < 0.1, rng.integers(0, 600_000, n), 0),
        "small_enterprise_mutual_aid": np.where(rng.random(n) < 0.08, rng.integers(0, 276_000, n), 0),
        "donation_hometown": np.where(rng.random(n) < 0.2, rng.integers(0, 150_000, n), 0),
        "one_stop": rng.random(n) < 0.5,
        "housing_loan_unabsorbed": np.where(rng.random(n) < 0.08, rng.integers(0, 200_000, n), 0),
        "income_tax_taxable_income": (salary * 0.45).astype(np.int64),
        "disability": np.where(rng.random(n) < 0.03, rng.integers(1, 3, n), 0),
        "single_parent": np.where(rng.random(n) < 0.02, rng.integers(1, 3, n), 0),
    }
    cols = {k: np.asarray(v).astype(np.int64) for k, v in cols.items()}
    has_spouse = rng.random(n) < 0.45
    children = rng.choice(4, size=n, p=[0.55, 0.2, 0.18, 0.07])
    owners_s = np.flatnonzero(has_spouse)
    owners_c = np.repeat(np.arange(n), children)
    owner = np.concatenate([owners_s, owners_c])
    m_s, m_c = len(owners_s), len(owners_c)
    cols["relative.owner"] = owner
    cols["relative.is_spouse"] = np.concatenate([np.ones(m_s), np.zeros(m_c)]).astype(np.int64)
    cols["relative.age"] = np.concatenate(
        [age[owners_s] + rng.integers(-5, 5, m_s), rng.integers(0, 24, m_c)]
    )
    cols["relative.total_income"] = np.concatenate(
        [np.where(rng.random(m_s) < 0.5, rng.integers(0, 2_000_000, m_s), 0), np.zeros(m_c, dtype=np.int64)]
    )
    cols["relative.disability"] = np.where(rng.random(m_s + m_c) < 0.02, 1, 0)
    return cols


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--taxpayers", type=int, default=1_000_000)
    ap.add_argument("--fiscal-year", type=int, default=2026)
    ap.add_argument("--designated", action="store_true")
    args = ap.parse_args()
    cols = synthetic(args.taxpayers)
    params = national_parameters()
    calculate_batch(
        {k: v[:10] for k, v in cols.items() if not k.startswith("relative.")}, params, args.fiscal_year
    )
    start, cpu = time.perf_counter(), time.process_time()
    out = calculate_batch(cols, params, args.fiscal_year, designated_city=args.designated)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    print(
        json.dumps(
            {
                "bench": "tax_calc",
                "taxpayers": args.taxpayers,
                "relatives": len(cols["relative.owner"]),
                "fiscal_year": args.fiscal_year,
                "designated_city": args.designated,
                "seconds": round(seconds, 3),
                "cpu_seconds": round(cpu_seconds, 3),
                "load_average_1m": round(os.getloadavg()[0], 2),
                "taxpayers_per_s": round(args.taxpayers / seconds),
                "total_tax_yen": int(out["total_tax"].sum()),
                "taxable_share": round(float((out["per_capita_exempt"] == 0).mean()), 4),
                "machine": machine(),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
