"""Benchmark: one regular 児童手当 payment run (read, compute, write the 全銀 file) on PostgreSQL.

Seeds its own database ``kikan_bench_welfare`` (dropped and created) with one tenant: a synthetic
city of 1M residents, i.e. about 120k households with children, seeded directly into the welfare
tables (no registry): certified cases (start months 2015–2025, 2% ending in April/May 2025, 0.1%
with a 支給停止), their children (1–4 per case, incl. 大学生年代 counted only for the 第3子 rule;
3% added by a recent 額改定), accounts for 98% of the recipients and the 振込依頼人. The case
``state`` JSON is abbreviated (the run reads the columns, never the JSON). Then it times
``run_payment`` for June 2025 (April + May) end to end, a rerun of the completed run, and the
read + compute phase alone. Prints one JSON line::

    {"bench": "welfare_payment_run", "cases": 120000, "children": ..., "seconds": ..., "read_compute_s": ...,
     "write_finish_s": ..., "rerun_s": ..., "transfers": ..., "amount": ..., "file_bytes": ..., "machine": {...}}

Usage::

    .venv/bin/python -m bench.welfare_payment_run [--cases 120000] [--chunk-size 20000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, date, datetime

import numpy as np
import polars as pl
import sqlalchemy as sa

from bench.seed import machine
from kikan.adapters.db import counters
from kikan.adapters.db.database import Database
from kikan.adapters.db.migrate import upgrade
from kikan.adapters.db.tables.welfare import (
    welfare_bank_account,
    welfare_case,
    welfare_case_child,
    welfare_case_version,
    welfare_payer,
)
from kikan.adapters.db.tax_frames import write_frame
from kikan.adapters.db.welfare_payment_runs import _compute, _run, run_id_of, run_payment
from kikan.adapters.security import accounts
from kikan.core.tenancy import Actor, TenantContext
from kikan.welfare import MONTH_MAX, child_allowance, month_index

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BENCH_DB = "kikan_bench_welfare"
TENANT = "131016"
PAY = month_index(date(2025, 6, 1))
NAMES = ["ﾔﾏﾀﾞ ﾊﾅｺ", "ｻﾄｳ ｲﾁﾛｳ", "ｽｽﾞｷ ﾖｳｺ", "ﾀｶﾊｼ ｹﾝ", "ﾀﾅｶ ﾐﾕｷ", "ｲﾄｳ ｼﾖｳﾀ", "ﾜﾀﾅﾍﾞ ｱｲ", "ﾅｶﾑﾗ ﾕｳﾄ"]
SLICE = 100_000


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
    rng = np.random.default_rng(2025)
    with db.uow(ctx) as uow:
        seq = counters.advance(uow.conn, TENANT, "welfare.change")[0]
        counters.advance(uow.conn, TENANT, "welfare.case_no", n)
        uow.conn.execute(sa.insert(welfare_payer), {"tenant_id": TENANT, "allowance": "child_allowance", "pay_day": 10,
            "data": {"code": "1310160001", "name": "ﾁﾖﾀﾞｸ ｺﾄﾞﾓｶ", "bank_code": "0001", "bank_name": "ﾐｽﾞﾎ",
                     "branch_code": "012", "branch_name": "ﾁﾖﾀﾞ", "account_type": 1, "account_no": "0123456"},
            "updated_at": now, "updated_by": "bench"})  # fmt: skip
        uow.commit()
    ids = pl.int_range(1, n + 1, eager=True)
    case_id = ids.cast(pl.Utf8).str.pad_start(10, "0")
    recipient = (ids + 10**13).cast(pl.Utf8).str.pad_start(15, "0")
    start = rng.integers(month_index(date(2015, 4, 1)), month_index(date(2025, 4, 1)), n)
    end = np.where(
        rng.random(n) < 0.02,
        rng.integers(month_index(date(2025, 4, 1)), month_index(date(2025, 6, 1)), n),
        -1,
    )
    status = np.where(end >= 0, "extinguished", "certified")
    suspended = rng.random(n) < 0.001
    base = pl.DataFrame({"tenant_id": TENANT, "case_id": case_id, "allowance": "child_allowance", "recipient": recipient,
                         "status": status, "version": 1, "change_seq": seq})  # fmt: skip
    _write(
        db, ctx, welfare_case, base.with_columns(household_no=pl.lit(None, pl.Utf8), updated_at=pl.lit(now))
    )
    state = pl.concat_str([pl.lit('{"allowance":"child_allowance","claim_on":"2015-04-01","recipient":"'),
                           pl.col("recipient"), pl.lit('","status":"'), pl.col("status"), pl.lit('"}')])  # fmt: skip
    versions = base.with_columns(
        valid_from=pl.lit(date(2015, 4, 1)), reason_code=pl.lit("certify"), reason=pl.lit("認定（bench）"),
        recorded_at=pl.lit(now), recorded_by=pl.lit("bench"), request_id=pl.lit("bench"), start_month=pl.Series(start),
        end_month=pl.Series([int(x) if x >= 0 else None for x in end], dtype=pl.Int64), public_servant=pl.lit(False),
        claimant_kind=pl.lit(0), pension_kind=pl.lit(0), pension_annual=pl.lit(0), has_suspension=pl.Series(suspended),
        suspensions=pl.when(pl.Series(suspended)).then(pl.lit(f"[[{PAY - 2}, {PAY - 2}]]")).otherwise(pl.lit("[]")),
        obligors=pl.lit(None, pl.Utf8), monthly_amount=pl.lit(10000), state=state, trace=pl.lit("{}"),
    ).drop("recipient")  # fmt: skip
    _write(db, ctx, welfare_case_version, versions)
    kids_per = rng.choice([1, 2, 3, 4], size=n, p=[0.45, 0.40, 0.12, 0.03])
    owner = np.repeat(np.arange(n), kids_per)
    m = len(owner)
    birth = np.datetime64("2003-04-02") + rng.integers(0, (date(2025, 5, 31) - date(2003, 4, 2)).days, m)
    recent = rng.random(m) < 0.03
    children = pl.DataFrame({
        "tenant_id": TENANT, "case_id": case_id.gather(owner), "version": 1,
        "seq": pl.Series(np.arange(m) - np.repeat(np.cumsum(kids_per) - kids_per, kids_per)),
        "child_id": (pl.Series(np.arange(m)) + 2 * 10**13).cast(pl.Utf8).str.pad_start(15, "0"),
        "birth_date": pl.Series(birth.astype("datetime64[D]")), "supported": True, "in_facility": False, "disabled": False,
        "from_month": np.where(recent, month_index(date(2025, 5, 1)), 0), "until_month": MONTH_MAX,
    })  # fmt: skip
    _write(db, ctx, welfare_case_child, children)
    has = rng.random(n) < 0.98
    acc = pl.DataFrame({
        "tenant_id": TENANT, "addressee_no": recipient.filter(pl.Series(has)), "version": 1, "change_seq": seq,
        "bank_code": "0005", "bank_name": "ﾐﾂﾋﾞｼUFJ", "branch_code": pl.Series(rng.integers(1, 999, int(has.sum()))).cast(pl.Utf8).str.pad_start(3, "0"),
        "branch_name": "ｼﾃﾝ", "account_type": 1, "account_no": pl.Series(rng.integers(1, 9_999_999, int(has.sum()))).cast(pl.Utf8).str.pad_start(7, "0"),
        "holder_kana": "", "holder_zengin": pl.Series(rng.choice(NAMES, int(has.sum()))), "closed": False,
        "recorded_at": now, "recorded_by": "bench",
    })  # fmt: skip
    _write(db, ctx, welfare_bank_account, acc.with_columns(holder_kana=pl.col("holder_zengin")))
    login = sa.create_engine(db.url)  # the login role owns the tables (the app role cannot ANALYZE)
    with login.begin() as c:  # fresh planner statistics, as after the nightly autovacuum
        for t in ("welfare_case", "welfare_case_version", "welfare_case_child", "welfare_bank_account"):
            c.exec_driver_sql(f'ANALYZE "{t}"')
    login.dispose()
    return {"cases": n, "children": m, "accounts": acc.height}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=120_000)
    ap.add_argument("--chunk-size", type=int, default=20_000)
    ap.add_argument("--admin-url", default=ADMIN_URL)
    a = ap.parse_args()
    url = fresh_database(a.admin_url)
    upgrade(url)
    db = Database(url)
    accounts.add_tenant(db, TENANT, "千代田区")
    ctx = TenantContext(
        TENANT, Actor("bench", kind="batch", permissions=frozenset({"welfare.read", "welfare.write"}))
    )
    now = datetime(2025, 5, 20, tzinfo=UTC)
    t = time.perf_counter()
    seeded = seed(db, ctx, a.cases, now)
    seed_s = time.perf_counter() - t
    print(f"seeded {seeded} in {seed_s:.1f}s", file=sys.stderr)
    marks: list[float] = []
    t = time.perf_counter()
    res = run_payment(db, ctx, allowance="child_allowance", payment_month=PAY, today=date(2025, 6, 1),
                      chunk_size=a.chunk_size, after_chunk=lambda _k: marks.append(time.perf_counter()))  # fmt: skip
    total = time.perf_counter() - t
    t = time.perf_counter()
    again = run_payment(db, ctx, allowance="child_allowance", payment_month=PAY, today=date(2025, 6, 1))
    rerun = time.perf_counter() - t
    assert again.files == res.files and again.reused
    with db.uow(ctx) as uow:
        run = _run(uow.conn, TENANT, run_id_of("child_allowance", PAY))
    assert run is not None
    t = time.perf_counter()
    _compute(db, ctx, run, child_allowance.national_parameters())
    read_compute = time.perf_counter() - t
    s = res.summary
    print(json.dumps({
        "bench": "welfare_payment_run", "backend": "postgresql", **seeded, "seconds": round(total, 2),
        "read_compute_s": round(read_compute, 2), "write_finish_s": round(total - read_compute, 2),
        "chunks": len(marks), "rerun_s": round(rerun, 2), "transfers": s["transfer"]["count"],
        "amount": s["transfer"]["amount"], "held": s["held_account"]["count"], "file_bytes": len(res.files["zengin"][1]),
        "seed_seconds": round(seed_s, 1), "machine": machine(),
    }, ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    main()
