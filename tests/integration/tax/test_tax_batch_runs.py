"""The annual run: idempotent rerun, resume after kill -9 (a real subprocess), reproduction as of a past
``known_at`` (income records and ordinance overlays recorded later are not seen)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from tax_city import build
from tax_support import add_income, tax_ctx

from kikan.adapters.db import tax_runs
from kikan.adapters.db.rules_store import add_overlay
from kikan.adapters.db.tables.core import outbox_event
from kikan.adapters.db.tables.tax import tax_assessment, tax_assessment_chunk, tax_assessment_run
from kikan.adapters.db.tax_results import diff_runs
from kikan.core.rules import Overlay
from kikan.tax.individual_resident import national_parameters
from kikan.tax.individual_resident.events import ASSESSMENT_PUBLISHED

ROOT = Path(__file__).resolve().parents[3]


def _count(db, ctx, table, *where) -> int:
    with db.uow(ctx) as uow:
        q = sa.select(sa.func.count()).select_from(table).where(table.c.tenant_id == ctx.tenant_id, *where)
        return int(uow.conn.execute(q).scalar_one())


def _events(db, ctx) -> list:
    with db.uow(ctx) as uow:
        o = outbox_event.c
        return list(uow.conn.execute(sa.select(o.aggregate_id, o.payload).where(
            o.tenant_id == ctx.tenant_id, o.event_type == ASSESSMENT_PUBLISHED)).all())  # fmt: skip


def test_rerun_replaces_nothing_and_publishes_nothing_again(db, real_tenant) -> None:
    ctx = tax_ctx(real_tenant)
    build(db, ctx, real_tenant, residents=60)
    first = tax_runs.run_assessment(db, ctx, 2026, chunk_size=20)
    rows, events = _count(db, ctx, tax_assessment), _events(db, ctx)
    assert first.status == "completed" and not first.already_completed and rows == first.taxpayers > 40
    with db.uow(ctx) as uow:
        c = tax_assessment_chunk.c
        filled = uow.conn.execute(sa.select(sa.func.count()).where(
            c.tenant_id == ctx.tenant_id, c.run_id == first.run_id, c.taxpayers > 0)).scalar()  # fmt: skip
    # one publication per chunk that wrote results (a chunk of non-taxpayers publishes nothing)
    assert 0 < filled <= first.chunks_total and len(events) == filled
    assert sum(p["count"] for _, p in events) == rows
    again = tax_runs.run_assessment(db, ctx, 2026, chunk_size=7)
    assert (
        again.already_completed and again.run_id == first.run_id and again.chunks_total == first.chunks_total
    )
    assert _count(db, ctx, tax_assessment) == rows and len(_events(db, ctx)) == len(events)


def test_kill_minus_9_then_rerun_ends_as_an_uninterrupted_run(db, real_tenant) -> None:
    ctx = tax_ctx(real_tenant)
    build(db, ctx, real_tenant, residents=60)
    env = {**os.environ, "KIKAN_DATABASE_URL": db.url, "KIKAN_TAX_BATCH_TEST_HOLD": "0.6"}
    cmd = [sys.executable, "-c", "from kikan.adapters.cli.main import app; app()", "batch", "individual-resident-tax",
           "--tenant", real_tenant, "--fiscal-year", "2026", "--chunk-size", "6"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    r = tax_assessment_run.c
    watcher = sa.create_engine(db.url)  # plain reads (no write lock on SQLite, owner role on PostgreSQL)
    try:
        deadline = time.monotonic() + 120
        done = 0
        while done < 2:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the batch did not progress"
            time.sleep(0.05)
            with watcher.connect() as conn:
                done = conn.execute(sa.select(r.chunks_done).where(r.tenant_id == real_tenant)).scalar() or 0
        time.sleep(0.3)  # inside the next chunk's transaction (it waits 0.6 s before committing)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        watcher.dispose()
    assert proc.returncode == -signal.SIGKILL
    with db.uow(ctx) as uow:
        run = uow.conn.execute(sa.select(tax_assessment_run).where(r.tenant_id == real_tenant)).one()
    assert run.status == "running" and 2 <= run.chunks_done < run.chunks_total
    partial = _count(db, ctx, tax_assessment)
    c = tax_assessment_chunk.c
    assert partial == sum(
        x for (x,) in _rows(db, ctx, sa.select(c.taxpayers).where(c.completed_at.is_not(None)))
    )
    resumed = tax_runs.run_assessment(db, ctx, 2026)
    assert resumed.status == "completed" and resumed.resumed and resumed.chunks_done == resumed.chunks_total
    twin = tax_runs.run_assessment(db, ctx, 2026, kind="simulation", known_at=run.known_at, chunk_size=1000)
    with db.uow(ctx) as uow:
        diff = diff_runs(uow.conn, real_tenant, resumed.run_id, twin.run_id)
    assert diff["differing"] == 0 and diff["rows_a"] == diff["rows_b"] == resumed.taxpayers > 40
    events = _events(db, ctx)
    assert sorted(p["chunk_no"] for _, p in events) == sorted(
        {p["chunk_no"] for _, p in events}
    )  # no duplicate
    assert sum(p["count"] for _, p in events) == resumed.taxpayers


def _rows(db, ctx, q):
    with db.uow(ctx) as uow:
        return uow.conn.execute(q.where(tax_assessment_chunk.c.tenant_id == ctx.tenant_id)).all()


def test_a_run_as_of_a_past_known_at_reproduces_the_annual_run(db, real_tenant) -> None:
    ctx = tax_ctx(real_tenant)
    city = build(db, ctx, real_tenant, residents=60)
    annual = tax_runs.run_assessment(db, ctx, 2026, chunk_size=25)
    no = sorted(city.records)[3]
    add_income(db, ctx, no, "final_return", salary_revenue=9_000_000, business_income=3_000_000)
    with db.uow(ctx) as uow:
        add_overlay(uow, national_parameters(), Overlay(
            tenant_id=real_tenant, key="tax.individual_resident.per_capita_levy.municipal", fiscal_year=2026,
            value=3_500, basis="○○市市税条例第31条", source="例規集", recorded_at=uow.now, recorded_by="t"))  # fmt: skip
        uow.commit()
    past = tax_runs.run_assessment(db, ctx, 2026, kind="simulation", known_at=annual.known_at)
    now = tax_runs.run_assessment(db, ctx, 2026, kind="simulation")
    with db.uow(ctx) as uow:
        same = diff_runs(uow.conn, real_tenant, annual.run_id, past.run_id)
        later = diff_runs(uow.conn, real_tenant, annual.run_id, now.run_id)
        params = uow.conn.execute(sa.select(tax_assessment_run.c.run_id, tax_assessment_run.c.parameters).where(
            tax_assessment_run.c.tenant_id == real_tenant)).all()  # fmt: skip
    assert same["differing"] == 0 and same["rows_a"] == same["rows_b"]
    assert no in later["examples"] or later["differing"] > 20  # the overlay changes every 均等割
    key = "tax.individual_resident.per_capita_levy.municipal"
    used = {rid: p[key] for rid, p in params}
    assert used[annual.run_id]["origin"] == "national" and used[now.run_id]["origin"] == "tenant"
    assert used[now.run_id]["revision"] == 1 and used[past.run_id] == used[annual.run_id]
