"""Benchmark: ``kikan backup`` / ``kikan restore`` (+ integrity checks) against the RTO/RPO standard.

Seeds N residents (``kikan.synthetic.seed_tenant``) into its own PostgreSQL database
``kikan_bench_backup`` (or a SQLite file), backs it up, restores into a fresh database
``kikan_bench_backup_restore`` and runs the checks. Prints one JSON line::

    {"bench": "backup_restore", "backend": "postgresql", "residents": 100000, "rows": ...,
     "dump_bytes": ..., "backup_s": ..., "restore_s": ..., "check_s": ..., "per_million": {...},
     "rto_h": 12, "rto_used_pct": ..., "load_avg_1m": [...], "machine": {...}}

``per_million`` extrapolates linearly by rows when N < 1,000,000 (dump, COPY and index builds
are linear in rows; say so when you quote it). Standard: 地方公共団体情報システム非機能要件の標準
— RTO 12時間, RPO 前営業日 (A.1.3.1/A.1.3.2; ``docs/operations.md``).

Usage::

    .venv/bin/python -m bench.backup_restore --residents 100000
    .venv/bin/python -m bench.backup_restore --million            # 1,000,000 residents
    .venv/bin/python -m bench.backup_restore --residents 20000 --db sqlite
    .venv/bin/python -m bench.backup_restore --keep               # reuse the seeded database
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from rich.console import Console

from bench.seed import ADMIN_URL, machine, pg_url

SOURCE_DB, TARGET_DB = "kikan_bench_backup", "kikan_bench_backup_restore"
RTO_SECONDS = 12 * 3600


def _rows(manifest: dict) -> int:
    return sum(sum(t.values()) for t in manifest["tables"].values()) + sum(manifest["control_plane"].values())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--residents", type=int, default=100_000)
    ap.add_argument("--million", action="store_true", help="1,000,000 residents")
    ap.add_argument("--db", choices=("postgres", "sqlite"), default="postgres")
    ap.add_argument("--admin-url", default=ADMIN_URL)
    ap.add_argument("--tenant", default="131041")
    ap.add_argument("--out", default="/tmp/kikan_bench_backup.dump")
    ap.add_argument("--keep", action="store_true", help="reuse the seeded source database")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    residents = 1_000_000 if args.million else args.residents

    from kikan.adapters.db import backup as bk
    from kikan.adapters.db.database import Database
    from kikan.adapters.db.engine import make_engine
    from kikan.adapters.db.migrate import upgrade
    from kikan.adapters.security import accounts
    from kikan.synthetic import seed_tenant
    from kikan.synthetic.progress import progress_bar

    if args.db == "postgres":
        source = pg_url(args.admin_url, fresh=not args.keep, database=SOURCE_DB)
        target = pg_url(args.admin_url, fresh=True, database=TARGET_DB)
    else:
        src_path, dst_path = Path("/tmp/kikan_bench_backup.db"), Path("/tmp/kikan_bench_backup_restore.db")
        if not args.keep:
            for p in (src_path, Path(f"{src_path}-wal"), Path(f"{src_path}-shm")):
                p.unlink(missing_ok=True)
        for p in (dst_path, Path(f"{dst_path}-wal"), Path(f"{dst_path}-shm")):
            p.unlink(missing_ok=True)
        source, target = f"sqlite:///{src_path}", f"sqlite:///{dst_path}"
    load = [round(os.getloadavg()[0], 2)]
    seed_s = 0.0
    if not args.keep:
        upgrade(source)
        db = Database(source)
        accounts.add_tenant(db, args.tenant, "ベンチ市")
        started = time.perf_counter()
        if args.quiet:
            seed_tenant(db, args.tenant, residents)
        else:
            with progress_bar(Console(stderr=True)) as bar:
                seed_tenant(db, args.tenant, residents, progress=bar)
        seed_s = time.perf_counter() - started
        db.dispose()
    out = Path(args.out)
    started = time.perf_counter()
    manifest = bk.backup(source, out, overwrite=True)
    backup_s = time.perf_counter() - started
    started = time.perf_counter()
    report = bk.restore(target, out, force=True)
    restore_s = time.perf_counter() - started
    engine = make_engine(target)
    started = time.perf_counter()
    with engine.connect() as conn:
        again = bk.check(conn, manifest)
    check_s = time.perf_counter() - started
    engine.dispose()
    load.append(round(os.getloadavg()[0], 2))
    rows = _rows(manifest)
    present = manifest["tables"].get("juki_resident", {}).get(args.tenant, 0)
    scale = 1_000_000 / residents if residents < 1_000_000 else 1.0
    per_million = {"backup_s": round(backup_s * scale, 1), "restore_and_check_s": round(restore_s * scale, 1),
                   "dump_bytes": int(manifest["bytes"] * scale), "extrapolated": scale != 1.0}  # fmt: skip
    figures = {
        "bench": "backup_restore", "backend": sa.engine.make_url(source).get_backend_name(),
        "residents": residents, "pointer_rows": present, "rows": rows, "dump_bytes": manifest["bytes"],
        "seed_s": round(seed_s, 1), "backup_s": round(backup_s, 1), "restore_s": round(restore_s, 1),
        "check_s": round(check_s, 1), "checks_ok": report.ok and again.ok, "problems": report.problems[:5],
        "per_million": per_million, "rto_h": 12,
        "rto_used_pct": round(100 * per_million["restore_and_check_s"] / RTO_SECONDS, 2),
        "rpo": "前営業日: a nightly `kikan backup` (backup_s) copied off-site meets it",
        "load_avg_1m": load, "machine": machine(),
    }  # fmt: skip
    print(json.dumps(figures, ensure_ascii=False))
    return 0 if figures["checks_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
