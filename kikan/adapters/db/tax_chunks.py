"""One chunk of an assessment run: read (set-based) → compute (vector code) → write (one transaction).

On PostgreSQL the three stages overlap in a pipeline: while chunk *k* is computed, chunk *k+1* is
read on another connection and chunk *k−1* is being written and committed on a third — the
database works while Python computes (the machine has two cores). Reads need no transaction of
their own beyond a consistent view: ``known_at`` fixes every row they may see. The write
transaction locks the chunk's ledger row and skips a chunk another process completed meanwhile,
so two processes can never write the same chunk twice. On SQLite (one writer) it runs in sequence.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import polars as pl
import sqlalchemy as sa

from kikan.adapters.db.database import Database
from kikan.adapters.db.tables.tax import tax_assessment_chunk, tax_assessment_run
from kikan.adapters.db.tax_inputs import chunk_input
from kikan.adapters.db.tax_results import existing_keys, write_results
from kikan.core.temporal import JST
from kikan.core.tenancy import TenantContext
from kikan.tax.individual_resident.assessment import ChunkInput, Setting, assess
from kikan.tax.individual_resident.events import assessment_published

HOLD_ENV = "KIKAN_TAX_BATCH_TEST_HOLD"  # test hook: seconds to wait inside each chunk's transaction
Progress = Callable[[int, int, int], None]  # chunks done, chunks total, taxpayers in the chunk
run_t, chunk_t = tax_assessment_run.c, tax_assessment_chunk.c


@dataclass(frozen=True)
class Chunk:
    chunk_no: int
    first_key: str
    last_key: str


class Timer:
    """Seconds spent per stage (stages overlap in the pipeline, so they add up to more than the wall time)."""

    def __init__(self, stats: dict[str, float] | None):
        self.stats = stats

    def add(self, stage: str, since: float) -> float:
        now = time.perf_counter()
        if self.stats is not None:
            self.stats[stage] = self.stats.get(stage, 0.0) + now - since
        return now


def pending(uow: Any, run_id: str) -> list[Chunk]:
    rows = uow.conn.execute(
        sa.select(chunk_t.chunk_no, chunk_t.first_key, chunk_t.last_key)
        .where(chunk_t.tenant_id == uow.tenant_id, chunk_t.run_id == run_id, chunk_t.completed_at.is_(None))
        .order_by(chunk_t.chunk_no)
    ).all()
    return [Chunk(r.chunk_no, r.first_key, r.last_key) for r in rows]


def read(db: Database, ctx: TenantContext, run: dict[str, Any], ch: Chunk, timer: Timer) -> ChunkInput:
    t = time.perf_counter()
    with db.uow(ctx) as uow:
        inp = chunk_input(
            uow.conn, uow.tenant_id, run["fiscal_year"], run["known_at"], (ch.first_key, ch.last_key)
        )
    timer.add("read", t)
    return inp


def commit(
    db: Database, ctx: TenantContext, run: dict[str, Any], ch: Chunk, res: pl.DataFrame, timer: Timer
) -> int | None:
    """Write one chunk's results, mark it done, publish it; ``None`` if it was already done."""
    trial = run["kind"] == "simulation"
    t = time.perf_counter()
    with db.uow(ctx) as uow:
        q = sa.select(chunk_t.completed_at).where(
            chunk_t.tenant_id == uow.tenant_id,
            chunk_t.run_id == run["run_id"],
            chunk_t.chunk_no == ch.chunk_no,
        )
        row = uow.conn.execute(q.with_for_update()).first()
        if row is None or row.completed_at is not None:
            return None
        keys = (ch.first_key, ch.last_key)
        if not trial:  # results already final are never replaced
            done = existing_keys(uow.conn, uow.tenant_id, run["fiscal_year"], keys)
            if done:
                res = res.filter(~pl.col("addressee_no").is_in(list(done)))
        valid_from = run["started_at"].astimezone(JST).date()
        write_results(uow.conn, uow.tenant_id, res, trial=trial, fiscal_year=run["fiscal_year"], version=1,
                      run_id=run["run_id"], chunk_no=ch.chunk_no, kind="annual", reason="当初課税",
                      valid_from=valid_from, known_at=run["known_at"], now=uow.now)  # fmt: skip
        n = res.height
        uow.conn.execute(sa.update(tax_assessment_chunk).where(
            chunk_t.tenant_id == uow.tenant_id, chunk_t.run_id == run["run_id"], chunk_t.chunk_no == ch.chunk_no
        ).values(taxpayers=n, completed_at=uow.now))  # fmt: skip
        uow.conn.execute(sa.update(tax_assessment_run).where(
            run_t.tenant_id == uow.tenant_id, run_t.run_id == run["run_id"]
        ).values(chunks_done=run_t.chunks_done + 1, taxpayers=run_t.taxpayers + n))  # fmt: skip
        if not trial and n:
            uow.emit(assessment_published(
                fiscal_year=run["fiscal_year"], run_id=run["run_id"], chunk_no=ch.chunk_no, kind="annual", count=n,
                first_key=keys[0], last_key=keys[1], valid_from=valid_from.isoformat(),
            ))  # fmt: skip
        span = f"chunk {ch.chunk_no} ({keys[0]}–{keys[1]})"
        uow.audit("tax.assessment.batch", "read", target_type="tax_taxpayer", target_id=f"{keys[0]}-{keys[1]}"[:60],
                  detail=f"{span}: registry copy, income records, last year's results")  # fmt: skip
        uow.audit("tax.assessment.batch", "create", target_type="tax_assessment_run", target_id=run["run_id"],
                  detail=f"{span}: {n} taxpayers")  # fmt: skip
        hold = float(os.environ.get(HOLD_ENV, "0") or 0)
        if hold:
            time.sleep(hold)
        uow.commit()
    timer.add("write", t)
    return n


def process(
    db: Database,
    ctx: TenantContext,
    run: dict[str, Any],
    setting: Setting,
    chunks: list[Chunk],
    *,
    progress: Progress | None = None,
    stats: dict[str, float] | None = None,
) -> int:
    """Run every chunk to its commit; returns how many this process committed."""
    timer = Timer(stats)
    done = run["chunks_done"]
    committed = 0

    def finished(n: int | None) -> None:
        nonlocal done, committed
        if n is not None:
            done, committed = done + 1, committed + 1
            if progress:
                progress(done, run["chunks_total"], n)

    def compute(inp: ChunkInput) -> pl.DataFrame:
        t = time.perf_counter()
        res = assess(inp, setting)
        timer.add("compute", t)
        return res

    if db.dialect != "postgresql" or len(chunks) < 2:
        for ch in chunks:
            finished(commit(db, ctx, run, ch, compute(read(db, ctx, run, ch, timer)), timer))
        return committed
    with ThreadPoolExecutor(1, "tax-read") as readers, ThreadPoolExecutor(1, "tax-write") as writers:
        nxt: Future[ChunkInput] = readers.submit(read, db, ctx, run, chunks[0], timer)
        writing: Future[int | None] | None = None
        for i, ch in enumerate(chunks):
            inp = nxt.result()
            if i + 1 < len(chunks):
                nxt = readers.submit(read, db, ctx, run, chunks[i + 1], timer)
            res = compute(inp)
            if writing is not None:
                finished(writing.result())
            writing = writers.submit(commit, db, ctx, run, ch, res, timer)
        assert writing is not None
        finished(writing.result())
    return committed
