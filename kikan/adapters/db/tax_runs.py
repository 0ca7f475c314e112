"""The annual assessment batch (当初課税) and simulation runs: run ledger, chunks, resume.

* A run fixes ``known_at`` (default: its start, after pulling the registry's published changes),
  the parameters (digests in the ledger) and its chunk plan (宛名番号 ranges) when it starts.
* Each chunk is ONE transaction: read its inputs set-based, compute them with the vector code,
  bulk-write the results, mark the chunk done, emit one ``TaxAssessmentPublished`` and an audit row.
  A crash (even ``kill -9``) loses at most the chunk in flight, which rolled back; rerunning the
  command resumes at the first chunk not done and ends with the results of an uninterrupted run.
* The annual run of a year is unique (``run_id = annual-<year>``): a second start resumes it if it
  is unfinished and does nothing once it completed — results already final are never replaced
  (later changes go through corrections). Simulation runs (試算) can be started any number of times,
  e.g. as of a past ``known_at`` to reproduce the annual run, and are never published.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.database import Database
from kikan.adapters.db.tables.tax import tax_assessment_chunk, tax_assessment_run
from kikan.adapters.db.tax_chunks import Progress, pending, process
from kikan.adapters.db.tax_inputs import all_keys
from kikan.adapters.db.tax_params import run_setting, schedule_document
from kikan.adapters.db.tax_registry_source import sync_registry
from kikan.core.errors import Conflict, FieldError, ValidationFailed
from kikan.core.temporal import JST
from kikan.core.tenancy import TenantContext
from kikan.tax.individual_resident.assessment import manifest

run_t, chunk_t = tax_assessment_run.c, tax_assessment_chunk.c


@dataclass(frozen=True)
class RunReport:
    run_id: str
    fiscal_year: int
    kind: str
    status: str
    known_at: datetime
    chunks_total: int
    chunks_done: int
    taxpayers: int
    resumed: bool
    already_completed: bool


def _report(row: dict[str, Any], *, resumed: bool = False, done_before: bool = False) -> RunReport:
    return RunReport(row["run_id"], row["fiscal_year"], row["kind"], row["status"], row["known_at"],
                     row["chunks_total"], row["chunks_done"], row["taxpayers"], resumed, done_before)  # fmt: skip


def _load(conn: sa.Connection, tenant_id: str, run_id: str) -> dict[str, Any] | None:
    row = conn.execute(
        sa.select(tax_assessment_run).where(run_t.tenant_id == tenant_id, run_t.run_id == run_id)
    ).first()
    return dict(row._mapping) if row else None


def _plan(keys: list[str], size: int) -> list[tuple[str, str]]:
    return [(keys[i], keys[min(i + size, len(keys)) - 1]) for i in range(0, len(keys), size)]


def _create(
    uow: Any, run_id: str, fiscal_year: int, kind: str, known_at: datetime, chunk_size: int
) -> dict[str, Any]:
    s = run_setting(uow, fiscal_year, known_at)
    used, fingerprint = manifest(s)
    chunks = _plan(all_keys(uow.conn, uow.tenant_id, fiscal_year, known_at), chunk_size)
    row = {
        "tenant_id": uow.tenant_id, "run_id": run_id, "fiscal_year": fiscal_year, "kind": kind, "status": "running",
        "known_at": known_at, "started_at": uow.now, "finished_at": None, "started_by": uow.actor.actor_id,
        "chunk_size": chunk_size, "chunks_total": len(chunks), "chunks_done": 0, "taxpayers": 0,
        "designated_city": s.designated_city, "grade": s.grade, "parameters": used,
        "parameter_fingerprint": fingerprint, "due_dates": schedule_document(uow, s), "note": "",
    }  # fmt: skip
    uow.conn.execute(sa.insert(tax_assessment_run), row)
    if chunks:
        uow.conn.execute(sa.insert(tax_assessment_chunk), [
            {"tenant_id": uow.tenant_id, "run_id": run_id, "chunk_no": i, "first_key": f, "last_key": last}
            for i, (f, last) in enumerate(chunks)
        ])  # fmt: skip
    uow.audit("tax.assessment.run", "create", target_type="tax_assessment_run", target_id=run_id,
              detail=f"fiscal_year={fiscal_year} kind={kind} chunks={len(chunks)}")  # fmt: skip
    return row


def start(
    db: Database,
    ctx: TenantContext,
    fiscal_year: int,
    *,
    kind: str = "annual",
    known_at: datetime | None = None,
    chunk_size: int = 50_000,
    sync: bool = True,
    run_id: str | None = None,
) -> tuple[RunReport, bool]:
    """Create (or find) the run; returns its report and whether there is work to do."""
    if chunk_size < 1:
        raise ValidationFailed([FieldError("chunk_size", "1以上で指定してください")])
    if known_at is not None and known_at.tzinfo is None:
        raise ValidationFailed([FieldError("known_at", "タイムゾーン付きの日時で指定してください")])
    if sync and known_at is None:
        sync_registry(db, ctx)
    rid = run_id or (f"annual-{fiscal_year}" if kind == "annual" else str(uuid.uuid4()))
    with db.uow(ctx) as uow:
        found = _load(uow.conn, uow.tenant_id, rid)
        if found is None:
            if run_id is not None:
                raise ValidationFailed([FieldError("run_id", f"処理 {run_id} はありません")])
            try:
                row = _create(uow, rid, fiscal_year, kind, known_at or uow.now, chunk_size)
                uow.commit()
                return _report(row), True
            except sa.exc.IntegrityError:  # another process created it first: resume theirs
                uow.rollback()
    if found is None:
        with db.uow(ctx) as uow:
            found = _load(uow.conn, uow.tenant_id, rid)
        assert found is not None
    return _existing(found, rid, fiscal_year, kind, known_at)


def _existing(
    found: dict[str, Any], rid: str, fiscal_year: int, kind: str, known_at: datetime | None
) -> tuple[RunReport, bool]:
    if found["kind"] != kind or found["fiscal_year"] != fiscal_year:
        raise Conflict(f"処理 {rid} は{found['fiscal_year']}年度の{found['kind']}です", field="run_id")
    if known_at is not None and found["known_at"] != known_at:
        when = found["known_at"].astimezone(JST)
        raise Conflict(f"処理 {rid} は基準日時 {when:%Y-%m-%d %H:%M:%S} で開始済みです", field="known_at")
    running = found["status"] != "completed"
    return _report(found, resumed=running, done_before=not running), running


def execute(
    db: Database,
    ctx: TenantContext,
    run_id: str,
    *,
    progress: Progress | None = None,
    stats: dict[str, float] | None = None,
) -> RunReport:
    """Process every chunk not done yet, then mark the run completed."""
    with db.uow(ctx) as uow:
        run = _load(uow.conn, uow.tenant_id, run_id)
        if run is None:
            raise ValidationFailed([FieldError("run_id", f"処理 {run_id} はありません")])
        setting = run_setting(uow, run["fiscal_year"], run["known_at"])
        if manifest(setting)[1] != run["parameter_fingerprint"]:
            raise Conflict(
                "開始時とパラメータが異なるため再開できません（法令・条例パラメータの変更）", field="run_id"
            )
        chunks = pending(uow, run_id)
    process(db, ctx, run, setting, chunks, progress=progress, stats=stats)
    with db.uow(ctx) as uow:
        uow.conn.execute(sa.update(tax_assessment_run).where(
            run_t.tenant_id == uow.tenant_id, run_t.run_id == run_id, run_t.status == "running",
            ~sa.exists().where(chunk_t.tenant_id == uow.tenant_id, chunk_t.run_id == run_id, chunk_t.completed_at.is_(None)),
        ).values(status="completed", finished_at=uow.now))  # fmt: skip
        uow.commit()
    with db.uow(ctx) as uow:
        final = _load(uow.conn, uow.tenant_id, run_id)
    assert final is not None
    return _report(final)


def run_assessment(
    db: Database,
    ctx: TenantContext,
    fiscal_year: int,
    *,
    kind: str = "annual",
    known_at: datetime | None = None,
    chunk_size: int = 50_000,
    sync: bool = True,
    run_id: str | None = None,
    progress: Progress | None = None,
    stats: dict[str, float] | None = None,
) -> RunReport:
    """Start or resume a run and process it to the end (the ``kikan batch individual-resident-tax`` command)."""
    report, work = start(db, ctx, fiscal_year, kind=kind, known_at=known_at, chunk_size=chunk_size, sync=sync,
                         run_id=run_id)  # fmt: skip
    if not work:
        return report
    final = execute(db, ctx, report.run_id, progress=progress, stats=stats)
    return RunReport(**{**final.__dict__, "resumed": report.resumed})
