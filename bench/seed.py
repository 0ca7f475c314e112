"""Benchmark: seeding a synthetic municipality (``kikan.synthetic.seed_tenant``).

Creates a fresh database (PostgreSQL: ``kikan_bench`` on the server of ``--admin-url``; SQLite:
``--sqlite-path``), migrates it, registers the tenant and seeds N residents. Prints one JSON line::

    {"bench": "seed", "backend": "postgresql", "residents": 1000000, "rows": ..., "seconds": ...,
     "residents_per_s": ..., "client_cpu_seconds": ..., "load_avg_1m": [before, after],
     "machine": {"cores": 2, "ram_gb": 23.4, ...}}

``client_cpu_seconds`` is this process's CPU time (generation + COPY formatting); the rest of
the wall time is the database's work or waiting for a shared machine (see ``load_avg_1m``).

Usage::

    .venv/bin/python -m bench.seed --residents 1000000 --db postgres
    .venv/bin/python -m bench.seed --residents 100000 --db sqlite

``--keep`` reuses the database (and appends when the tenant already has residents), e.g. to
seed a second tenant next to the first one for the search benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

import sqlalchemy as sa

ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BENCH_DB = "kikan_bench"
SQLITE_PATH = "/tmp/kikan_bench.db"


def machine() -> dict[str, object]:
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        pass
    return {"cores": os.cpu_count(), "ram_gb": round(ram, 1), "cpu": cpu, "python": platform.python_version()}


def pg_url(admin_url: str, *, fresh: bool, database: str = BENCH_DB) -> str:
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        exists = c.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).first()
        if fresh and exists:
            c.exec_driver_sql(f'DROP DATABASE "{database}" WITH (FORCE)')
        if fresh or not exists:
            c.exec_driver_sql(f'CREATE DATABASE "{database}"')
    admin.dispose()
    return sa.engine.make_url(admin_url).set(database=database).render_as_string(hide_password=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--residents", type=int, default=100_000)
    ap.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    ap.add_argument("--admin-url", default=ADMIN_URL)
    ap.add_argument("--database", default=BENCH_DB, help="PostgreSQL database to (re)create")
    ap.add_argument("--sqlite-path", default=SQLITE_PATH)
    ap.add_argument("--tenant", default="131041", help="団体コード (default 131041 新宿区)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", action="store_true", help="reuse the database, append to the tenant")
    ap.add_argument("--quiet", action="store_true", help="no progress bar")
    args = ap.parse_args(argv)

    from kikan.adapters.db.database import Database
    from kikan.adapters.db.migrate import upgrade
    from kikan.adapters.security import accounts
    from kikan.synthetic import seed_tenant
    from kikan.synthetic.progress import progress_bar

    if args.db == "postgres":
        url = pg_url(args.admin_url, fresh=not args.keep, database=args.database)
    else:
        if not args.keep and os.path.exists(args.sqlite_path):
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(args.sqlite_path + suffix):
                    os.remove(args.sqlite_path + suffix)
        url = f"sqlite:///{args.sqlite_path}"
    upgrade(url)
    db = Database(url)
    if not any(t.tenant_id == args.tenant for t in accounts.list_tenants(db)):
        accounts.add_tenant(db, args.tenant, f"ベンチ{args.tenant}")
    load_before, cpu_before = os.getloadavg()[0], time.process_time()
    if args.quiet:
        report = seed_tenant(db, args.tenant, args.residents, args.seed, append=args.keep)
    else:
        with progress_bar() as cb:
            report = seed_tenant(db, args.tenant, args.residents, args.seed, progress=cb, append=args.keep)
    db.dispose()
    cpu = time.process_time() - cpu_before
    rows = report.history_rows + report.residents + report.removed + report.households
    print(json.dumps({
        "bench": "seed", "backend": report.backend, "tenant": report.tenant_id, "residents": report.residents,
        "removed": report.removed, "households": report.households, "history_rows": report.history_rows,
        "rows": rows, "seconds": round(report.seconds, 1), "residents_per_s": round(report.residents_per_second),
        "rows_per_s": round(rows / report.seconds), "client_cpu_seconds": round(cpu, 1),
        "load_avg_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)], "machine": machine(),
    }, ensure_ascii=False))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
