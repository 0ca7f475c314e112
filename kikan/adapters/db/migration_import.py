"""Legacy registry import: dry run (validation report) and the real run in batches (移行データの取込み).

- ``dry_run`` validates everything (``kikan.migration.validate``), checks the numbers against what the
  tenant already holds, and records every unmapped 外字 with the records using it
  (``characters_gaiji.record_unmapped``) so staff can 同定 them in the 外字 screen.  Registry data is not
  touched.
- ``run_import`` does the same validation and refuses (writes nothing) when any error remains; then it
  writes batches of whole households, each in ONE unit of work (bulk ``COPY`` on PostgreSQL, so
  row-level security applies) together with its ledger row: all-or-nothing per batch, idempotent (a
  committed batch is skipped) and resumable after a crash (an uncommitted batch left nothing).  A
  resumed import reuses the batch size and the 外字 decisions (``gaiji_as_of_seq``) of its first run, so
  every batch of one import is built the same way.

Layouts of the businesses that read the registry (課税資料 ``tax_income``, 受給者台帳 ``welfare_cases``)
go through :mod:`kikan.adapters.db.migration_business` with the same run records, ledger, batch loop,
report and resume rules (``dry_run`` / ``run_import`` hand them over).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa

from kikan.adapters.db import characters_gaiji, counters
from kikan.adapters.db import characters_gaiji_queries as gq
from kikan.adapters.db import migration_runs as runs
from kikan.adapters.db.bulk import insert_rows
from kikan.adapters.db.database import Database, UnitOfWork
from kikan.adapters.db.tables.juki import juki_history, juki_household, juki_resident
from kikan.adapters.security.crypto import get_cipher
from kikan.core.errors import Conflict
from kikan.core.events import DomainEvent
from kikan.core.tenancy import TenantContext
from kikan.migration.business_targets import JUKI
from kikan.migration.layout import Layout
from kikan.migration.plan import (
    HISTORY_COLUMNS,
    HOUSEHOLD_COLUMNS,
    RESIDENT_COLUMNS,
    Batch,
    RowBuilder,
    counter_floor,
    plan_batches,
)
from kikan.migration.records import RecordSet
from kikan.migration.report import IssueKind, Report
from kikan.migration.validate import Dataset, Progress, digest_of, validate_files

BATCH_HOUSEHOLDS = 10_000
Files = list[tuple[str, bytes]]
OnBatch = Callable[[Any, int, int], None]  # (batch, batches done, batches in all)


class Numbered(Protocol):
    @property
    def no(self) -> int: ...


B = TypeVar("B", bound=Numbered)


@dataclass
class ImportResult:
    dataset: Dataset | RecordSet
    run_id: str
    status: str  # completed | refused | failed
    batches: int = 0
    written: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    households: int = 0
    persons: int = 0
    rows: int = 0
    seconds: float = 0.0
    message: str = ""


def resume_state(
    db: Database, ctx: TenantContext, digest: str
) -> tuple[dict[int, runs.Committed], dict[str, Any]]:
    with db.uow(ctx) as uow:
        done = runs.committed(uow, digest)
        first = runs.run(uow, next(iter(done.values())).run_id) if done else None
    return done, (first or {}).get("summary") or {}


def _check_existing(db: Database, ctx: TenantContext, ds: Dataset, completed: set[str]) -> None:
    """Persons already in the tenant (other than from this import's committed batches) are errors."""
    r = juki_resident.c
    p = ds.persons
    with db.uow(ctx) as uow:
        rows = uow.conn.execute(sa.select(r.addressee_no, r.juminhyo_code, r.individual_number_hash)
                                .where(r.tenant_id == uow.tenant_id)).all()  # fmt: skip
        uow.audit("migration.precheck", "read", target_type="juki_resident", detail=f"{len(rows)}件と照合")
        uow.commit()
    others = [x for x in rows if x.addressee_no not in completed]
    if not others:
        return
    numbers = {x.addressee_no for x in others}
    codes = {x.juminhyo_code for x in others if x.juminhyo_code}
    hashes = {x.individual_number_hash for x in others if x.individual_number_hash}
    cipher = get_cipher() if hashes else None
    for no, row in p.current().items():
        if no in completed:
            continue
        problem = ""
        if no in numbers:
            problem = f"宛名番号 {no} は既にこの団体に登録されています"
        elif p.get(row, "juminhyo_code") in codes:
            problem = "この住民票コードは既に他の住民に記録されています"
        elif cipher and (n := p.get(row, "individual_number")) and cipher.lookup_hash(n) in hashes:
            problem = "この個人番号は既に他の住民に記録されています"
        if problem:
            ds.report.error(IssueKind.EXISTING, row.file, row.row, "宛名番号", problem, addressee_no=no)


def collect_gaiji(db: Database, ctx: TenantContext, ds: Dataset | RecordSet, mapper_collected: list[Any], run_id: str) -> None:
    with db.uow(ctx) as uow:
        characters_gaiji.record_unmapped(uow, mapper_collected, batch_id=run_id)
        uow.commit()


def summary_of(ds: Dataset | RecordSet, **extra: Any) -> dict[str, Any]:
    rep: Report = ds.report
    return {"rows": rep.rows, "persons": rep.persons, "households": rep.households, "errors": rep.error_count,
            "warnings": rep.warning_count, "refused_files": rep.refused_files, **extra}  # fmt: skip


def dry_run(
    db: Database, ctx: TenantContext, layout: Layout, files: Files, *, today: dt.date,
    progress: Progress | None = None, kind: str = "dry_run", households_per_batch: int = BATCH_HOUSEHOLDS,
) -> tuple[Dataset | RecordSet, str, dict[int, runs.Committed], int]:  # fmt: skip
    """Validate ``files``; returns (dataset, run id, committed batches of this import, batch size)."""
    if layout.business != JUKI:
        from kikan.adapters.db import migration_business as mb

        return mb.dry_run(db, ctx, layout, files, today=today, progress=progress, kind=kind,
                          batch_size=households_per_batch)  # fmt: skip
    digest = digest_of(layout, files)
    done, first = resume_state(db, ctx, digest)
    size = int(first.get("households_per_batch") or households_per_batch) if done else households_per_batch
    as_of = next(iter(done.values())).gaiji_as_of_seq if done else None
    with db.uow(ctx) as uow:
        mapper = gq.load_mapper(uow, layout.gaiji_system, as_of_seq=as_of)
    run_id = runs.start_run(db, ctx, kind=kind, layout=layout.name, digest=digest, files=runs.file_info(files),
                            gaiji_as_of_seq=mapper.as_of_seq, summary={"households_per_batch": size})  # fmt: skip
    ds = validate_files(files, layout, mapper, today=today, progress=progress, digest=digest)
    completed: set[str] = set()
    if done:
        for b in plan_batches(ds.persons, size):
            if b.no in done:
                completed.update(b.persons)
    _check_existing(db, ctx, ds, completed)
    collect_gaiji(db, ctx, ds, mapper.collected, run_id)
    if kind == "dry_run":
        runs.finish_run(db, ctx, run_id, status="completed", summary=summary_of(ds, households_per_batch=size))
    return ds, run_id, done, size


def raise_counter(conn: sa.Connection, tenant_id: str, name: str, floor: int) -> None:
    """Move the counter past ``floor`` so newly assigned numbers never equal a legacy one."""
    current, _ = counters.peek(conn, tenant_id, name)
    if floor > current:
        counters.advance(conn, tenant_id, name, floor - current)


def _write_batch(db: Database, ctx: TenantContext, ds: Dataset, batch: Batch, builder: RowBuilder, *,
                 run_id: str, as_of_seq: int | None) -> tuple[int, int, int]:  # fmt: skip
    """One batch in one transaction: rows, pointers, households, counters, ledger, audit, event."""
    with db.uow(ctx) as uow:
        builder.recorded_at = uow.now
        history, residents, households = builder.batch(batch)
        try:
            insert_rows(uow.conn, juki_history, HISTORY_COLUMNS, history)
            insert_rows(uow.conn, juki_resident, RESIDENT_COLUMNS, residents)
            insert_rows(uow.conn, juki_household, HOUSEHOLD_COLUMNS, households)
        except sa.exc.IntegrityError as e:
            raise Conflict(
                f"バッチ {batch.no} の住民が既に登録されています（他の取込みと重なっています）"
            ) from e
        i_no, i_hh = HISTORY_COLUMNS.index("addressee_no"), HISTORY_COLUMNS.index("household_no")
        raise_counter(uow.conn, uow.tenant_id, "addressee_no", counter_floor(r[1] for r in residents))
        raise_counter(uow.conn, uow.tenant_id, "household_no", counter_floor(h[i_hh] for h in history))
        commit_batch(uow, ds.digest, batch.no, run_id, households=len(households), persons=len(residents),
                     rows=len(history), as_of_seq=as_of_seq, first=history[0][i_no] if history else None,
                     detail=f"移行データ 世帯{len(households)} 住民{len(residents)} 履歴{len(history)}行")  # fmt: skip
    return len(households), len(residents), len(history)


def commit_batch(
    uow: UnitOfWork, digest: str, batch_no: int, run_id: str, *, households: int, persons: int, rows: int,
    as_of_seq: int | None, first: str | None, detail: str, business: str = JUKI,
) -> None:  # fmt: skip
    """The end of every batch of every layout: ledger row, audit row, ``MigrationBatchImported`` event
    (counts only), commit — in the batch's own transaction, so the batch and its ledger row commit together."""
    runs.record_batch(uow, digest, batch_no, run_id, households=households, persons=persons, rows=rows,
                      gaiji_as_of_seq=as_of_seq)  # fmt: skip
    uow.audit("migration.import", "create", target_type="migration_batch", target_id=f"{digest[:16]}#{batch_no}",
              detail=detail)  # fmt: skip
    uow.emit(DomainEvent("MigrationBatchImported", "migration", f"{digest[:16]}#{batch_no}", {
        "digest": digest, "batch_no": batch_no, "business": business, "households": households, "persons": persons,
        "rows": rows, "first_addressee_no": first,
    }))  # fmt: skip
    uow.commit()


def drive_batches(
    batches: Sequence[B], done: dict[int, runs.Committed], write: Callable[[B], tuple[int, int, int]],
    result: ImportResult, *, pause: float = 0.0, on_batch: OnBatch | None = None,
) -> None:  # fmt: skip
    """Write the batches not committed yet, in order (each ``write`` is one transaction); stops at the
    first batch that conflicts (``result.status = "failed"``), the ones before it stay committed."""
    for k, batch in enumerate(batches, start=1):
        if batch.no in done:
            result.skipped.append(batch.no)
        else:
            try:
                hh, persons, rows = write(batch)
            except Conflict as e:
                result.status, result.message = "failed", e.message
                break
            result.written.append(batch.no)
            result.households += hh
            result.persons += persons
            result.rows += rows
            if pause:
                time.sleep(pause)
        if on_batch is not None:
            on_batch(batch, k, len(batches))


def run_import(
    db: Database, ctx: TenantContext, layout: Layout, files: Files, *, today: dt.date,
    households_per_batch: int = BATCH_HOUSEHOLDS, pause: float = 0.0, progress: Progress | None = None,
    on_batch: OnBatch | None = None,
) -> ImportResult:  # fmt: skip
    """Import ``files`` (see the module docstring). Refuses when the validation finds any error."""
    if layout.business != JUKI:
        from kikan.adapters.db import migration_business as mb

        return mb.run_import(db, ctx, layout, files, today=today, batch_size=households_per_batch, pause=pause,
                             progress=progress, on_batch=on_batch)  # fmt: skip
    started = time.perf_counter()
    found, run_id, done, size = dry_run(db, ctx, layout, files, today=today, progress=progress, kind="import",
                                        households_per_batch=households_per_batch)  # fmt: skip
    assert isinstance(found, Dataset)
    ds = found
    as_of = ds.gaiji_as_of_seq
    if not ds.ok:
        runs.finish_run(db, ctx, run_id, status="refused", summary=summary_of(ds, households_per_batch=size))
        return ImportResult(
            ds, run_id, "refused", message="検証でエラーがあるため取り込みません（何も登録していません）"
        )
    batches = plan_batches(ds.persons, size)
    cipher = get_cipher()
    builder = RowBuilder(ds.persons, tenant_id=ctx.tenant_id, protect=lambda n: (cipher.encrypt(n), cipher.lookup_hash(n)),
                         recorded_at=dt.datetime.now(dt.UTC), recorded_by=ctx.actor.actor_id, request_id=f"migration:{run_id}")  # fmt: skip
    result = ImportResult(ds, run_id, "completed", batches=len(batches))
    drive_batches(batches, done, lambda b: _write_batch(db, ctx, ds, b, builder, run_id=run_id, as_of_seq=as_of),
                  result, pause=pause, on_batch=on_batch)  # fmt: skip
    result.seconds = time.perf_counter() - started
    runs.finish_run(db, ctx, run_id, status=result.status, summary=summary_of(
        ds, households_per_batch=size, batches=len(batches), written=len(result.written), skipped=len(result.skipped),
        message=result.message,
    ))  # fmt: skip
    return result
