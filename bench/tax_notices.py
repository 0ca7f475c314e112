"""Benchmark: mass generation of the 個人住民税 notices (``kikan batch notices``), 1 and 2 workers.

Seeds an embedded (SQLite) database with N synthetic taxpayers (``bench.tax_batch.seed``: the tax
business's registry copy, 課税資料, 家屋敷 holders), runs the annual assessment, then times
:func:`kikan.adapters.db.tax_notices.generate_notices` for one kind into a fresh directory with 1
and with 2 worker processes, and once more over the finished directory (everything skipped:
the cost of idempotency). Last, the same documents rendered in-process one PDF per notice vs. 20
notices per PDF (the batched alternative that was not chosen). Prints one JSON line::

    {"bench": "tax_notices", "kind": "ordinary", "notices": ..., "workers1": {"notices_per_s": ...,
     "pages_per_s": ..., "notices_per_cpu_s": ...}, "workers2": {...}, "rerun_skip_s": ...,
     "cpu_ms_per_notice": {"one_per_pdf": ..., "batched_20": ...}, "load_avg_1m": [...], ...}

Usage: ``.venv/bin/python -m bench.tax_notices [--taxpayers 1000] [--kind ordinary]`` (about a quarter
of the synthetic taxpayers get a 納税通知書).
``notices_per_cpu_s`` divides by the CPU the render processes used (reported by the workers) (throughput per fully available
core); wall-clock figures drop when other jobs share the machine (see ``load_avg_1m``).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from bench.seed import machine
from bench.tax_batch import FY, TENANT, seed
from kikan.adapters.db.database import Database
from kikan.adapters.db.migrate import upgrade
from kikan.adapters.db.tax_notices import DocumentSource, generate_notices, targets
from kikan.adapters.db.tax_runs import run_assessment
from kikan.adapters.pdf.tax import render_notice, render_notices, warm_up
from kikan.adapters.security import accounts
from kikan.core.tenancy import SYSTEM_BATCH, TenantContext

ISSUED = date(2026, 6, 10)


def timed(db: Database, ctx: TenantContext, kind: str, out: Path, workers: int) -> dict[str, float]:
    t0 = time.perf_counter()
    rep = generate_notices(db, ctx, FY, kind, out, workers=workers, issued_on=ISSUED)
    wall, cpu = time.perf_counter() - t0, rep.render_cpu_seconds
    return {"notices": rep.written, "pages": rep.pages, "seconds": round(wall, 2), "cpu_seconds": round(cpu, 2),
            "notices_per_s": round(rep.written / wall, 2), "pages_per_s": round(rep.pages / wall, 2),
            "notices_per_cpu_s": round(rep.written / cpu, 2)}  # fmt: skip


def batched_vs_single(db: Database, ctx: TenantContext, kind: str, n: int = 40) -> dict[str, float]:
    with db.uow(ctx) as uow:
        keys = targets(uow.conn, uow.tenant_id, FY, kind)[:n]
        docs = [d for _, d in DocumentSource(uow.conn, uow.tenant_id, FY, ISSUED).documents(kind, keys)]
    warm_up()
    render_notice(docs[0])
    c = time.process_time()
    for d in docs:
        render_notice(d)
    single = time.process_time() - c
    c = time.process_time()
    for i in range(0, len(docs), 20):
        render_notices(docs[i : i + 20])
    batched = time.process_time() - c
    return {
        "one_per_pdf": round(1000 * single / len(docs), 1),
        "batched_20": round(1000 * batched / len(docs), 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--taxpayers", type=int, default=1000)
    ap.add_argument("--kind", default="ordinary", choices=["ordinary", "employee", "employer"])
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kikan_bench_notices_"))
    url = f"sqlite:///{work / 'kikan.db'}"
    upgrade(url)
    db = Database(url)
    accounts.add_tenant(db, TENANT, "千代田区")
    ctx = TenantContext(TENANT, SYSTEM_BATCH)
    seed(db, ctx, args.taxpayers, datetime.now(UTC))
    run_assessment(db, ctx, FY, sync=False)
    load0 = os.getloadavg()[0]
    one = timed(db, ctx, args.kind, work / "w1", 1)
    two = timed(db, ctx, args.kind, work / "w2", 2)
    t = time.perf_counter()
    again = generate_notices(db, ctx, FY, args.kind, work / "w2", workers=2)
    rerun = time.perf_counter() - t
    assert again.written == 0 and again.skipped == two["notices"]
    print(json.dumps({
        "bench": "tax_notices", "kind": args.kind, "taxpayers": args.taxpayers, "notices": one["notices"],
        "workers1": one, "workers2": two, "speedup_2_workers": round(two["notices_per_s"] / one["notices_per_s"], 2),
        "rerun_skip_s": round(rerun, 2), "cpu_ms_per_notice": batched_vs_single(db, ctx, args.kind),
        "load_avg_1m": [round(load0, 2), round(os.getloadavg()[0], 2)], "machine": machine(), "work_dir": str(work),
    }, ensure_ascii=False))  # fmt: skip
    db.dispose()


if __name__ == "__main__":
    main()
