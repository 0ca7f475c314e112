"""Benchmark: importing a synthetic legacy registry (CP932 fixed width) into PostgreSQL.

Generates the legacy file set (``tests/fixtures/legacy/generate.py``; not timed), creates a fresh
database ``kikan_bench_mig`` on the server of ``--admin-url``, migrates it, registers a tenant,
identifies the vendor 外字 (外字表 + confirmations), then times ``kikan.adapters.db.migration_import
.run_import`` — the full validation (dry run) and the batched writes.  Prints one JSON line::

    {"bench": "migration_import", "residents": 1000000, "rows": ..., "seconds": ..., "rows_per_s": ...,
     "residents_per_s": ..., "validate_seconds": ..., "write_seconds": ..., "peak_rss_mb": ..., ...}

Usage::

    .venv/bin/python -m bench.migration_import --residents 100000
    .venv/bin/python -m bench.migration_import --million          # 1,000,000 residents
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import resource
import sys
import time
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BENCH_DB = "kikan_bench_mig"
ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 4, 1)


def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("legacy_gen", ROOT / "tests/fixtures/legacy/generate.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["legacy_gen"] = mod
    spec.loader.exec_module(mod)
    return mod


def fresh_database(admin_url: str) -> str:
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        c.exec_driver_sql(f'CREATE DATABASE "{BENCH_DB}"')
    admin.dispose()
    return sa.engine.make_url(admin_url).set(database=BENCH_DB).render_as_string(hide_password=False)


def main() -> None:
    ap = argparse.ArgumentParser(description="migration import benchmark")
    ap.add_argument("--residents", type=int, default=100_000)
    ap.add_argument("--million", action="store_true", help="1,000,000 residents")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--admin-url", default=ADMIN_URL)
    ap.add_argument("--batch-households", type=int, default=10_000)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/kikan_bench_mig"))
    ap.add_argument("--reuse", action="store_true", help="reuse the legacy files already in --workdir")
    a = ap.parse_args()
    residents = 1_000_000 if a.million else a.residents

    from kikan.adapters.db import migration_import as mi
    from kikan.adapters.db.database import Database
    from kikan.adapters.db.migrate import upgrade
    from kikan.adapters.security import accounts
    from kikan.core.tenancy import Actor, TenantContext

    gen = generator()
    t0 = time.perf_counter()
    if a.reuse and (a.workdir / "truth.json").exists():
        from kikan.migration import load_layout

        truth = json.loads((a.workdir / "truth.json").read_text(encoding="utf-8"))
        legacy = gen.LegacySet(a.workdir, load_layout(gen.LAYOUT), [a.workdir / "JUKI01.DAT"],
                               a.workdir / "GAIJI.CSV", truth["gaiji"], [])  # fmt: skip
    else:
        legacy = gen.generate_legacy_set(a.workdir, residents=residents, seed=a.seed, keep_truth=False)
    generate_seconds = time.perf_counter() - t0
    files = [(p.name, p.read_bytes()) for p in legacy.files]

    url = fresh_database(a.admin_url)
    upgrade(url)
    db = Database(url)
    tenant = "131016"
    accounts.add_tenant(db, tenant, "千代田区")
    ctx = TenantContext(tenant, Actor("bench:migration", kind="batch"))
    from kikan.adapters.db import characters_gaiji as gaiji

    with db.uow(ctx) as uow:
        gaiji.import_code_table(
            uow, "cp932", legacy.gaiji_table.read_text(encoding="utf-8"), source="GAIJI.CSV"
        )
        for code, text in legacy.gaiji_truth.items():
            gaiji.confirm(uow, "cp932", code, text)
        uow.commit()

    phases: dict[str, float] = {}
    validate = mi.validate_files

    def timed_validate(*args, **kw):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return validate(*args, **kw)
        finally:
            phases["validate"] = time.perf_counter() - t

    mi.validate_files = timed_validate  # type: ignore[assignment]
    load_before = os.getloadavg()[0]
    cpu0 = time.process_time()
    t1 = time.perf_counter()
    result = mi.run_import(
        db, ctx, legacy.layout, files, today=TODAY, households_per_batch=a.batch_households
    )
    seconds = time.perf_counter() - t1
    assert result.status == "completed", (result.message, result.dataset.report.summary())
    rows = result.rows
    print(json.dumps({
        "bench": "migration_import", "backend": "postgresql", "residents": residents, "persons": result.persons,
        "households": result.households, "rows": rows, "batches": result.batches,
        "file_mb": round(sum(len(d) for _, d in files) / 2**20, 1), "seconds": round(seconds, 1),
        "rows_per_s": round(rows / seconds), "residents_per_s": round(result.persons / seconds),
        "validate_seconds": round(phases.get("validate", 0.0), 1),
        "write_seconds": round(seconds - phases.get("validate", 0.0), 1),
        "client_cpu_seconds": round(time.process_time() - cpu0, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "generate_seconds": round(generate_seconds, 1), "load_avg_1m": [load_before, os.getloadavg()[0]],
        "cores": os.cpu_count(),
    }, ensure_ascii=False))  # fmt: skip
    db.dispose()


if __name__ == "__main__":
    main()
