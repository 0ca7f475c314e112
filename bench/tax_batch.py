"""Benchmark: the annual 個人住民税 assessment batch (当初課税) on PostgreSQL.

Seeds its own database ``kikan_bench_tax`` (dropped and created) with one tenant: N residents in
the tax business's copy of the registry's published records (as the linkage pull stores them),
income records (給与支払報告書 — 10% with a second employer —, 公的年金等支払報告書, 確定申告書;
about 12% without any: 未申告) with spouses and dependants, and 1% 家屋敷 holders. The income mix
is ``bench.tax_calc.synthetic``. Then it times one full annual run (``kikan batch
individual-resident-tax`` without the registry pull): read (set-based SQL → polars) + compute
(``calculate_batch``, schedules) + write (COPY), with the split per phase. Prints one JSON line::

    {"bench": "tax_batch", "taxpayers": 1000000, "seconds": ..., "read_s": ..., "compute_s": ...,
     "write_s": ..., "commit_s": ..., "taxpayers_per_s": ..., "seed_seconds": ..., "machine": {...}}

Usage::

    .venv/bin/python -m bench.tax_batch --taxpayers 1000000 [--chunk-size 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import UTC, date, datetime, timedelta

import numpy as np
import polars as pl
import sqlalchemy as sa

from bench.seed import machine
from bench.tax_calc import synthetic
from kikan.adapters.db.database import Database
from kikan.adapters.db.migrate import upgrade
from kikan.adapters.db.tables.tax import (
    tax_income_record,
    tax_income_relative,
    tax_non_resident_holder,
    tax_registry_row,
)
from kikan.adapters.db.tax_frames import write_frame
from kikan.adapters.db.tax_runs import run_assessment
from kikan.adapters.security import accounts
from kikan.core.identity import make_addressee_number, make_household_number
from kikan.core.tenancy import SYSTEM_BATCH, TenantContext
from kikan.tax.individual_resident.income_records import RECORD_INPUTS

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BENCH_DB = "kikan_bench_tax"
TENANT = "131016"
FY = 2026
SLICE = 200_000


def fresh_database(admin_url: str) -> str:
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        c.exec_driver_sql(f'CREATE DATABASE "{BENCH_DB}"')
    admin.dispose()
    return sa.engine.make_url(admin_url).set(database=BENCH_DB).render_as_string(hide_password=False)


def _write(db: Database, ctx: TenantContext, table: sa.Table, df: pl.DataFrame) -> None:
    for start in range(0, df.height, SLICE):
        with db.uow(ctx) as uow:
            write_frame(uow.conn, table, df.slice(start, SLICE))
            uow.commit()


def seed(db: Database, ctx: TenantContext, n: int, now: datetime) -> dict[str, int]:
    rng = np.random.default_rng(11)
    cols = synthetic(n)
    nos = [make_addressee_number(i + 1) for i in range(n)]
    households = [make_household_number(i // 2 + 1) for i in range(n)]
    age = cols["age"]
    birth = [date(FY - 1 - int(a), 1 + int(m), 1 + int(d)) for a, m, d in
             zip(age, rng.integers(0, 12, n), rng.integers(1, 28, n), strict=True)]  # fmt: skip
    registry = pl.DataFrame({
        "tenant_id": TENANT, "addressee_no": nos, "history_no": 1, "event_code": "101", "status": "resident",
        "household_no": households, "birth_date": birth, "became_resident_on": date(2000, 4, 1),
        "family_name": "税田", "given_name": "太郎", "address": "東京都千代田区松町１番地",
        "received_at": now, "source": "snapshot",
    })  # fmt: skip
    _write(db, ctx, tax_registry_row, registry)
    salary, pension = cols["salary_revenue"], cols["pension_revenue"]
    kind = np.where(cols["business_income"] != 0, "final_return",
                    np.where(salary > 0, "salary_report", np.where(pension > 0, "pension_report", "")))  # fmt: skip
    main = {k: cols[k] for k in RECORD_INPUTS if k in cols}
    rec = pl.DataFrame({"addressee_no": nos, "source_kind": kind, **main}).with_row_index("i")
    rec = rec.filter(pl.col("source_kind") != "")
    side = rec.filter((pl.col("source_kind") == "salary_report") & (pl.col("i") % 10 == 3)).select(
        "i",
        "addressee_no",
        pl.lit("salary_report").alias("source_kind"),
        pl.lit(600_000, dtype=pl.Int64).alias("salary_revenue"),
    )
    records = pl.concat([rec, side], how="diagonal").with_columns(
        [pl.col(k).fill_null(0) for k in main if k in rec.columns]
    )
    m = records.height
    records = records.with_columns(
        record_id=pl.format("r{}-{}", pl.col("i"), pl.int_range(0, m)), version=pl.lit(1), tenant_id=pl.lit(TENANT),
        fiscal_year=pl.lit(FY),
        payer_id=pl.when(pl.col("source_kind") == "salary_report").then(pl.format("E{}", pl.col("i") % 20_000))
        .when(pl.col("source_kind") == "pension_report").then(pl.lit("P001")).otherwise(None),
        special_collection=pl.col("source_kind").is_in(["salary_report", "pension_report"]),
        received_at=pl.lit(now - timedelta(days=100)), recorded_by=pl.lit("bench"), retracted=pl.lit(False),
        reason=pl.lit(""), data=pl.lit('{"source":"bench"}'),
    )  # fmt: skip
    _write(db, ctx, tax_income_record, records.drop("i"))
    owner = cols["relative.owner"]
    first = records.unique("i", keep="first").select("i", "record_id", "fiscal_year", "addressee_no")
    rel = pl.DataFrame({"i": owner.astype(np.uint32), "is_spouse": cols["relative.is_spouse"],
                        "age": cols["relative.age"], "total_income": cols["relative.total_income"],
                        "disability": cols["relative.disability"]})  # fmt: skip
    rel = (
        rel.join(first, on="i")
        .with_columns(
            tenant_id=pl.lit(TENANT),
            version=pl.lit(1),
            seq=pl.int_range(0, pl.len()).over("i"),
            cohabiting_ascendant=pl.lit(0),
            cohabiting=pl.lit(1),
        )
        .drop("i")
    )
    _write(db, ctx, tax_income_relative, rel)
    k = max(n // 100, 1)
    holders = pl.DataFrame({
        "tenant_id": TENANT, "fiscal_year": FY, "addressee_no": [make_addressee_number(9 * 10**13 + i + 1) for i in range(k)],
        "version": 1, "kind": "house", "name": "家屋敷　保有者", "address": "大阪府大阪市北区梅町３番地",
        "property_address": "東京都千代田区松町１番地", "retracted": False, "reason": "", "received_at": now,
        "recorded_by": "bench",
    })  # fmt: skip
    _write(db, ctx, tax_non_resident_holder, holders)
    return {"residents": n, "records": m, "relatives": rel.height, "holders": k}


def time_registry_sync(db: Database, n: int) -> dict[str, float]:
    """The first pull of ``juki.residents`` (snapshot through the linkage layer) for N seeded residents."""
    from kikan.adapters.db.tax_registry_source import sync_registry
    from kikan.adapters.security.crypto import MyNumberCipher, generate_key
    from kikan.synthetic import seed_tenant

    tenant = "011011"  # 札幌市中央区 (the seed needs a real municipality's towns)
    accounts.add_tenant(db, tenant, "札幌市中央区")
    cipher = MyNumberCipher.from_text(generate_key())
    seed_tenant(
        db, tenant, n, 1, as_of=date(2026, 4, 1), protect=lambda x: (cipher.encrypt(x), cipher.lookup_hash(x))
    )
    start = time.perf_counter()
    rep = sync_registry(db, TenantContext(tenant, SYSTEM_BATCH))
    s = time.perf_counter() - start
    return {
        "registry_sync_records": rep.received,
        "registry_sync_s": round(s, 1),
        "registry_sync_per_s": round(rep.received / s),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--taxpayers", type=int, default=1_000_000)
    ap.add_argument("--chunk-size", type=int, default=100_000)
    ap.add_argument("--admin-url", default=ADMIN_URL)
    ap.add_argument(
        "--registry-sync", type=int, default=0, help="also time the first pull of N seeded residents"
    )
    args = ap.parse_args()
    url = fresh_database(args.admin_url)
    upgrade(url)
    db = Database(url)
    accounts.add_tenant(db, TENANT, "千代田区")
    ctx = TenantContext(TENANT, SYSTEM_BATCH)
    now = datetime.now(UTC)
    t0 = time.perf_counter()
    counts = seed(db, ctx, args.taxpayers, now)
    seed_s = time.perf_counter() - t0
    owner = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with owner.connect() as c:
        c.exec_driver_sql("VACUUM ANALYZE")
    owner.dispose()
    stats: dict[str, float] = {}
    load0 = os.getloadavg()[0]
    start, cpu = time.perf_counter(), time.process_time()
    report = run_assessment(db, ctx, FY, chunk_size=args.chunk_size, sync=False, stats=stats)
    seconds, cpu_s = time.perf_counter() - start, time.process_time() - cpu
    sync = time_registry_sync(db, args.registry_sync) if args.registry_sync else {}
    print(json.dumps({
        "bench": "tax_batch", "backend": "postgresql", **counts, "taxpayers": report.taxpayers,
        "chunks": report.chunks_total, "chunk_size": args.chunk_size, "seconds": round(seconds, 2),
        **{f"{k}_s": round(v, 2) for k, v in stats.items()}, "client_cpu_seconds": round(cpu_s, 2),
        "taxpayers_per_s": round(report.taxpayers / seconds), "seed_seconds": round(seed_s, 1),
        **sync, "load_avg_1m": [round(load0, 2), round(os.getloadavg()[0], 2)], "machine": machine(),
    }, ensure_ascii=False))  # fmt: skip
    db.dispose()


if __name__ == "__main__":
    main()
