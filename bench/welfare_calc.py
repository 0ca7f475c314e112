"""Benchmark: 児童手当 and 児童扶養手当 for N synthetic households with the batch functions.

Builds N recipient households (1–4 children aged 0–22, some in facilities, some public servants,
incomes for the pre-reform income limit) and N 児童扶養手当 受給資格者 (incomes, 養育費, pensions,
disabled children, 扶養義務者 for some), then times one ``calculate_batch`` call per allowance and
month. Prints one JSON line::

    {"bench": "welfare_calc", "households": 1000000, "children": ..., "runs": {...}, "machine": {...}}

Usage::

    .venv/bin/python -m bench.welfare_calc --households 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import date
from typing import Any

import numpy as np

from bench.seed import machine
from kikan.welfare import month_index
from kikan.welfare.child_allowance import calculate_batch as child_allowance_batch
from kikan.welfare.child_allowance import national_parameters as child_allowance_params
from kikan.welfare.child_rearing_allowance import calculate_batch as rearing_batch
from kikan.welfare.child_rearing_allowance import national_parameters as rearing_params


def _children(rng: np.random.Generator, n: int, on: date, max_age: int) -> tuple[np.ndarray, np.ndarray]:
    counts = rng.choice([1, 2, 3, 4], size=n, p=[0.42, 0.4, 0.14, 0.04])
    owner = np.repeat(np.arange(n), counts)
    days = rng.integers(0, max_age * 365, size=len(owner))
    births = np.datetime64(on.isoformat(), "D") - days.astype("timedelta64[D]")
    return owner, births


def child_allowance_columns(n: int, on: date, seed: int = 11) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    owner, births = _children(rng, n, on, 23)
    m = len(owner)
    income = rng.lognormal(np.log(4_500_000), 0.5, n).astype(np.int64)
    return {
        "start_month": np.full(n, month_index(date(2015, 4, 1)), dtype=np.int64),
        "public_servant": (rng.random(n) < 0.03).astype(np.int64),
        "income": income,
        "deductions": np.where(rng.random(n) < 0.05, 270_000, 0),
        "dependants": rng.integers(1, 5, n),
        "child.owner": owner,
        "child.birth_date": births,
        "child.supported": (rng.random(m) < 0.8).astype(np.int64),
        "child.in_facility": (rng.random(m) < 0.005).astype(np.int64),
    }


def rearing_columns(n: int, on: date, seed: int = 13) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    owner, births = _children(rng, n, on, 19)
    m = len(owner)
    has_obligor = np.flatnonzero(rng.random(n) < 0.15)
    return {
        "start_month": np.full(n, month_index(date(2020, 4, 1)), dtype=np.int64),
        "kind": rng.choice([0, 1, 2], size=n, p=[0.88, 0.1, 0.02]),
        "salary_pension_income": rng.lognormal(np.log(1_600_000), 0.6, n).astype(np.int64),
        "child_support": np.where(rng.random(n) < 0.25, rng.integers(100_000, 1_200_000, n), 0),
        "dependants": np.bincount(owner, minlength=n),
        "pension_kind": rng.choice([0, 1, 2], size=n, p=[0.95, 0.02, 0.03]),
        "pension_annual": rng.integers(100_000, 900_000, n),
        "child.owner": owner,
        "child.birth_date": births,
        "child.disabled": (rng.random(m) < 0.02).astype(np.int64),
        "obligor.owner": has_obligor,
        "obligor.salary_pension_income": rng.lognormal(np.log(2_500_000), 0.5, len(has_obligor)).astype(
            np.int64
        ),
        "obligor.dependants": rng.integers(0, 3, len(has_obligor)),
    }


def _time(fn: Any, columns: dict[str, np.ndarray], params: Any, on: date) -> dict[str, Any]:
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn(columns, params, on)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    n = len(out["amount"])
    return {
        "month": on.isoformat()[:7],
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "households_per_s": round(n / seconds),
        "total_yen": int(out["amount"].sum()),
        "paid_share": round(float((out["amount"] > 0).mean()), 4),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=1_000_000)
    args = ap.parse_args()
    n = args.households
    runs: dict[str, Any] = {}
    ca = child_allowance_columns(n, date(2025, 6, 1))
    ca_params = child_allowance_params()
    child_allowance_batch(ca, ca_params, date(2025, 6, 1))  # warm-up (imports, parameter load)
    runs["child_allowance_2025_06"] = _time(child_allowance_batch, ca, ca_params, date(2025, 6, 1))
    runs["child_allowance_2024_09_pre_reform"] = _time(child_allowance_batch, ca, ca_params, date(2024, 9, 1))
    cr = rearing_columns(n, date(2025, 6, 1))
    cr_params = rearing_params()
    rearing_batch(cr, cr_params, date(2025, 6, 1))
    runs["child_rearing_allowance_2025_06"] = _time(rearing_batch, cr, cr_params, date(2025, 6, 1))
    print(
        json.dumps(
            {
                "bench": "welfare_calc",
                "households": n,
                "child_allowance_children": len(ca["child.owner"]),
                "child_rearing_children": len(cr["child.owner"]),
                "obligors": len(cr["obligor.owner"]),
                "runs": runs,
                "load_average_1m": round(os.getloadavg()[0], 2),
                "machine": machine(),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
