"""Import and export of the businesses' records: 課税資料 (``tax_income``) and 受給者台帳 (``welfare_cases``).

The same machinery as the registry's import (``migration_import``): a run record, the dry run's report
(per row and field, Japanese), the 外字 collected for 同定, batches in the ledger ``migration_batch``
keyed by the import's digest (a rerun skips the committed batches; a killed batch left nothing), one
transaction per batch with its ledger row, audit row and ``MigrationBatchImported`` event.  What differs
is what a batch writes — through each business's own entry points, never its tables:

- 課税資料: the tax business's bulk store ``tax_income_store.import_frames`` (the path of its own CSV
  import: versioned records, relatives, audit), after the tax business has pulled the registry's
  published residents (``tax_registry_source.sync_registry``) so that the migrated persons are known
  to it.  Each record's 理由 says it was migrated.
- 受給者台帳: per case the welfare services ``register_account`` (振込口座) and ``migrate_certified``
  (認定済みの台帳 as one version with the reason ``migrated``; amount and months from the calculation
  core); the case number counter is moved past the legacy 受給者番号.

Checks that need the database are added to the dry run's report: every 宛名番号 must be a resident of the
tenant (住民記録; 課税資料 also a 住登外者 the tax business holds), records already in the tenant (other than
this import's committed batches) are errors, and every 受給者台帳 goes once through the services in a
transaction that is rolled back (what they refuse — a recipient who is not the 生計維持者, a missing 所得
of a 児童扶養手当 …), with the amount the core gives compared with the legacy 支給月額 (a warning).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db import characters_gaiji_queries as gq
from kikan.adapters.db import linkage_sources, tax_income_store
from kikan.adapters.db import migration_import as mi
from kikan.adapters.db import migration_runs as runs
from kikan.adapters.db.database import Database, UnitOfWork
from kikan.adapters.db.tables.juki import juki_resident
from kikan.adapters.db.tables.tax import tax_income_record, tax_income_relative, tax_non_resident_holder
from kikan.adapters.db.tables.welfare import welfare_case, welfare_case_version
from kikan.adapters.db.tax_registry_source import sync_registry
from kikan.adapters.db.welfare_accounts import SqlSupportStore, current_account
from kikan.adapters.db.welfare_store import SqlCaseStore
from kikan.core.errors import Conflict, DomainError, ValidationFailed
from kikan.core.tenancy import TenantContext
from kikan.migration.business_targets import BUSINESSES, KEYS, TAX_INCOME
from kikan.migration.export import Exporter, ExportReport
from kikan.migration.layout import Layout
from kikan.migration.parse import Row
from kikan.migration.records import (
    RecordBatch,
    RecordSet,
    key_of,
    plan_record_batches,
    tax_frames,
    tax_row,
    validate_records,
    welfare_inputs,
    welfare_row,
)
from kikan.migration.report import IssueKind
from kikan.migration.validate import Progress, digest_of
from kikan.welfare import cases as wc
from kikan.welfare.cases.commands import parse

BATCH_RECORDS = 1_000
REHEARSAL_CHUNK = 500
Write = Callable[[bytes], Any]


def _error_text(e: DomainError) -> str:
    if isinstance(e, ValidationFailed) and e.errors:
        return "、".join(f"{x.field}: {x.message}" for x in e.errors[:5])
    return e.message


# --- checks that need the database --------------------------------------------------------------
def _known(db: Database, ctx: TenantContext, business: str) -> set[str]:
    r = juki_resident.c
    with db.uow(ctx) as uow:
        known = set(uow.conn.execute(sa.select(r.addressee_no).where(r.tenant_id == uow.tenant_id)).scalars())
        if business == TAX_INCOME:
            h = tax_non_resident_holder.c
            known |= set(
                uow.conn.execute(sa.select(h.addressee_no).where(h.tenant_id == uow.tenant_id)).scalars()
            )
        uow.audit("migration.precheck", "read", target_type="juki_resident", detail=f"{len(known)}件と照合")
        uow.commit()
    return known


def _latest_tax(uow: UnitOfWork, years: list[int] | None = None) -> Iterator[dict[str, Any]]:
    """The latest version of each 課税資料 of the tenant (withdrawn ones left out), in key order."""
    t = tax_income_record
    n = t.alias("newer")
    newer = sa.exists().where(n.c.tenant_id == t.c.tenant_id, n.c.record_id == t.c.record_id,
                              n.c.version > t.c.version)  # fmt: skip
    q = sa.select(t).where(t.c.tenant_id == uow.tenant_id, ~newer, t.c.retracted.is_(False))
    if years is not None:
        q = q.where(t.c.fiscal_year.in_(years))
    q = q.order_by(t.c.fiscal_year, t.c.addressee_no, t.c.source_kind, t.c.payer_id, t.c.record_id)
    for row in uow.conn.execute(q):
        yield dict(row._mapping)


def _check_existing(
    db: Database, ctx: TenantContext, rs: RecordSet, completed: set[tuple[str, ...]]
) -> set[tuple[str, ...]]:
    """Unknown persons and records already in the tenant; returns the keys found bad."""
    bad: set[tuple[str, ...]] = set()
    known = _known(db, ctx, rs.business)
    for key, row in rs.rows.items():
        for target, no in rs.persons(row):
            if no not in known:
                rs.error(row, target, IssueKind.UNKNOWN_PERSON,
                         f"宛名番号 {no} の住民はこの団体に登録されていません（住民記録を先に移行してください）", no)  # fmt: skip
                bad.add(key)
    with db.uow(ctx) as uow:
        if rs.business == TAX_INCOME:
            years = sorted({int(k[0]) for k in rs.rows})
            there = {key_of(rs.layout, r) for r in _latest_tax(uow, years)}
            for key, row in rs.rows.items():
                if key in there and key not in completed:
                    rs.error(row, KEYS[rs.business][-1], IssueKind.EXISTING,
                             "この課税資料（課税年度・宛名番号・資料区分・支払者が同じもの）は既にこの団体に登録されています")  # fmt: skip
                    bad.add(key)
        else:
            c = welfare_case.c
            cases = uow.conn.execute(sa.select(c.case_id, c.allowance, c.recipient, c.status)
                                     .where(c.tenant_id == uow.tenant_id)).all()  # fmt: skip
            ids = {x.case_id for x in cases}
            open_ = {(x.allowance, x.recipient) for x in cases if x.status in ("claimed", "certified")}
            for key, row in rs.rows.items():
                if key in completed:
                    continue
                if key[0] in ids:
                    rs.error(
                        row,
                        "case_id",
                        IssueKind.EXISTING,
                        f"受給者番号 {key[0]} の台帳は既にこの団体に登録されています",
                    )
                    bad.add(key)
                elif (rs.get(row, "allowance"), rs.get(row, "recipient")) in open_:
                    rs.error(
                        row,
                        "recipient",
                        IssueKind.EXISTING,
                        "この受給者には認定請求中又は受給中の同じ手当の台帳が既にあります",
                    )
                    bad.add(key)
        uow.commit()
    return bad


def _households(db: Database, ctx: TenantContext, nos: list[str]) -> dict[str, str | None]:
    """The recipients' current 世帯番号 (the registry's, as the case records it)."""
    out: dict[str, str | None] = {}
    with db.uow(ctx) as uow:
        for i in range(0, len(nos), 5000):
            out.update(linkage_sources.household_of(uow.conn, uow.tenant_id, nos[i : i + 5000]))
        uow.commit()
    return out


def _welfare_case(
    uow: UnitOfWork, rs: RecordSet, row: Row, household: str | None, today: dt.date
) -> wc.CaseRecord:
    """One 受給者台帳 through the welfare services (account first: its names are checked for 全銀)."""
    case, account = welfare_inputs(rs, row, household)
    if account is not None:
        wc.register_account(parse(wc.RegisterAccount, account), uow, today=today, store=SqlSupportStore(uow))
    return wc.migrate_certified(
        parse(wc.MigrateCertifiedCase, case), uow, today=today, store=SqlCaseStore(uow)
    )


def _rehearse(
    db: Database, ctx: TenantContext, rs: RecordSet, skip: set[tuple[str, ...]], today: dt.date
) -> None:
    """Every case once through the services, rolled back: what they refuse is reported per row."""
    keys = [k for k in rs.rows if k not in skip]
    households = _households(db, ctx, [str(rs.get(rs.rows[k], "recipient")) for k in keys])
    for i in range(0, len(keys), REHEARSAL_CHUNK):
        with db.uow(ctx) as uow:  # never committed
            for key in keys[i : i + REHEARSAL_CHUNK]:
                row = rs.rows[key]
                try:
                    rec = _welfare_case(uow, rs, row, households.get(str(rs.get(row, "recipient"))), today)
                except DomainError as e:
                    rs.error(row, "case_id", IssueKind.BUSINESS, f"台帳を作成できません: {_error_text(e)}")
                    continue
                legacy = rs.get(row, "monthly_amount")
                if legacy is not None and legacy != rec.monthly_amount:
                    rs.error(row, "monthly_amount", IssueKind.AMOUNT,
                             f"旧システムの支給月額 {legacy:,}円と計算した月額 {rec.monthly_amount:,}円（{rec.valid_from:%Y年%m月}分）が違います。"
                             "移行後は計算した額で支給します", legacy, warning=True)  # fmt: skip
            uow.rollback()


# --- dry run and import -------------------------------------------------------------------------
def dry_run(
    db: Database, ctx: TenantContext, layout: Layout, files: mi.Files, *, today: dt.date,
    progress: Progress | None = None, kind: str = "dry_run", batch_size: int = BATCH_RECORDS,
) -> tuple[RecordSet, str, dict[int, runs.Committed], int]:  # fmt: skip
    """Validate the files of a business layout; returns (records, run id, committed batches, batch size)."""
    digest = digest_of(layout, files)
    done, first = mi.resume_state(db, ctx, digest)
    size = int(first.get("households_per_batch") or batch_size) if done else batch_size
    as_of = next(iter(done.values())).gaiji_as_of_seq if done else None
    with db.uow(ctx) as uow:
        mapper = gq.load_mapper(uow, layout.gaiji_system, as_of_seq=as_of)
    run_id = runs.start_run(db, ctx, kind=kind, layout=layout.name, digest=digest, files=runs.file_info(files),
                            gaiji_as_of_seq=mapper.as_of_seq, summary={"households_per_batch": size,
                                                                       "business": layout.business})  # fmt: skip
    rs = validate_records(files, layout, mapper, today=today, progress=progress, digest=digest)
    completed = {k for b in plan_record_batches(rs, size) if b.no in done for k in b.keys}
    bad = _check_existing(db, ctx, rs, completed)
    if layout.business != TAX_INCOME:
        _rehearse(db, ctx, rs, bad | completed, today)
    mi.collect_gaiji(db, ctx, rs, mapper.collected, run_id)
    if kind == "dry_run":
        runs.finish_run(db, ctx, run_id, status="completed",
                        summary=mi.summary_of(rs, households_per_batch=size, business=layout.business))  # fmt: skip
    return rs, run_id, done, size


def _tax_batch(db: Database, ctx: TenantContext, rs: RecordSet, batch: RecordBatch, *, run_id: str,
               as_of_seq: int | None) -> tuple[int, int, int]:  # fmt: skip
    rows = [rs.rows[k] for k in batch.keys]
    records, relatives = tax_frames(rs, rows)
    with db.uow(ctx) as uow:
        try:
            n = tax_income_store.import_frames(uow, records, relatives)
        except ValidationFailed as e:
            raise Conflict(f"バッチ {batch.no} の課税資料を登録できません: {_error_text(e)}") from e
        persons = len({k[1] for k in batch.keys})
        mi.commit_batch(uow, rs.digest, batch.no, run_id, households=0, persons=persons, rows=n, as_of_seq=as_of_seq,
                        first=batch.keys[0][1] if batch.keys else None, business=rs.business,
                        detail=f"移行データ 課税資料{n}件 {persons}人 親族{relatives.height}人")  # fmt: skip
    return 0, persons, n


def _welfare_batch(db: Database, ctx: TenantContext, rs: RecordSet, batch: RecordBatch, households: dict[str, str | None],
                   *, run_id: str, as_of_seq: int | None, today: dt.date) -> tuple[int, int, int]:  # fmt: skip
    with db.uow(ctx) as uow:
        for key in batch.keys:
            row = rs.rows[key]
            try:
                _welfare_case(uow, rs, row, households.get(str(rs.get(row, "recipient"))), today)
            except DomainError as e:
                raise Conflict(
                    f"バッチ {batch.no}（{row.file} {row.row}行目）の台帳を作成できません: {_error_text(e)}"
                ) from e
        floor = max((int(k[0]) for k in batch.keys), default=0)
        mi.raise_counter(uow.conn, uow.tenant_id, "welfare.case_no", floor)
        persons = len({rs.get(rs.rows[k], "recipient") for k in batch.keys})
        mi.commit_batch(uow, rs.digest, batch.no, run_id, households=0, persons=persons, rows=len(batch.keys),
                        as_of_seq=as_of_seq, first=batch.keys[0][0] if batch.keys else None, business=rs.business,
                        detail=f"移行データ 受給者台帳{len(batch.keys)}件")  # fmt: skip
    return 0, persons, len(batch.keys)


def run_import(
    db: Database, ctx: TenantContext, layout: Layout, files: mi.Files, *, today: dt.date,
    batch_size: int = BATCH_RECORDS, pause: float = 0.0, progress: Progress | None = None,
    on_batch: mi.OnBatch | None = None,
) -> mi.ImportResult:  # fmt: skip
    """Import the files of a business layout: refused when the validation finds any error, then the
    batches not committed yet, each in one transaction (see the module docstring)."""
    started = time.perf_counter()
    rs, run_id, done, size = dry_run(db, ctx, layout, files, today=today, progress=progress, kind="import",
                                     batch_size=batch_size)  # fmt: skip
    extra = {"households_per_batch": size, "business": layout.business}
    if not rs.ok:
        runs.finish_run(db, ctx, run_id, status="refused", summary=mi.summary_of(rs, **extra))
        return mi.ImportResult(
            rs, run_id, "refused", message="検証でエラーがあるため取り込みません（何も登録していません）"
        )
    batches = plan_record_batches(rs, size)
    result = mi.ImportResult(rs, run_id, "completed", batches=len(batches))
    as_of = rs.gaiji_as_of_seq
    households: dict[str, str | None] = {}
    if layout.business == TAX_INCOME:
        sync_registry(db, ctx)  # the tax business learns the migrated residents from the published dataset
    else:
        households = _households(db, ctx, sorted({str(rs.get(r, "recipient")) for r in rs.rows.values()}))

    def write(b: RecordBatch) -> tuple[int, int, int]:
        if layout.business == TAX_INCOME:
            return _tax_batch(db, ctx, rs, b, run_id=run_id, as_of_seq=as_of)
        return _welfare_batch(db, ctx, rs, b, households, run_id=run_id, as_of_seq=as_of, today=today)

    mi.drive_batches(batches, done, write, result, pause=pause, on_batch=on_batch)
    result.seconds = time.perf_counter() - started
    runs.finish_run(db, ctx, run_id, status=result.status, summary=mi.summary_of(
        rs, **extra, batches=len(batches), written=len(result.written), skipped=len(result.skipped),
        message=result.message,
    ))  # fmt: skip
    return result


# --- export -------------------------------------------------------------------------------------
def _tax_rows(uow: UnitOfWork) -> Iterator[dict[str, Any]]:
    rel = tax_income_relative.c
    for rec in _latest_tax(uow):
        relatives = uow.conn.execute(sa.select(tax_income_relative).where(
            rel.tenant_id == uow.tenant_id, rel.record_id == rec["record_id"], rel.version == rec["version"],
        )).mappings().all()  # fmt: skip
        yield tax_row(rec, [dict(r) for r in relatives])


def _welfare_rows(uow: UnitOfWork) -> Iterator[dict[str, Any]]:
    p, v = welfare_case.c, welfare_case_version.c
    q = (
        sa.select(p.case_id, v.state, v.monthly_amount)
        .join(welfare_case_version, sa.and_(v.tenant_id == p.tenant_id, v.case_id == p.case_id, v.version == p.version))
        .where(p.tenant_id == uow.tenant_id, p.status == "certified")
        .order_by(p.case_id)
    )  # fmt: skip
    for r in uow.conn.execute(q).all():
        account = current_account(uow.conn, uow.tenant_id, r.state["recipient"])
        yield welfare_row(r.case_id, r.state, int(r.monthly_amount), account)


def export_records(
    db: Database, ctx: TenantContext, layout: Layout, write: Write, *, out_name: str = "",
    progress: Callable[[int], None] | None = None,
) -> ExportReport:  # fmt: skip
    """Every 課税資料 (latest version, withdrawn ones left out) or every 受給中の台帳 of the tenant, in key
    order, through ``write`` (header first) — the file imports again into the same records."""
    exporter = Exporter(layout)
    run_id = runs.start_run(db, ctx, kind="export", layout=layout.name, files=[{"name": out_name}])
    write(exporter.header())
    n = 0
    with db.uow(ctx) as uow:
        rows = _tax_rows(uow) if layout.business == TAX_INCOME else _welfare_rows(uow)
        for values in rows:
            write(exporter.record(values))
            n += 1
            if progress is not None and n % 1000 == 0:
                progress(1000)
        if progress is not None:
            progress(n % 1000)
        uow.audit("migration.export", "read", target_type=layout.business, target_id=run_id,
                  detail=f"移行出力 {BUSINESSES[layout.business]} {layout.name} {n}件")  # fmt: skip
        uow.commit()
    report = exporter.report
    runs.finish_run(db, ctx, run_id, status="completed", summary={
        "rows": n, "changes": len(report.changes), "lossy": report.lossy, "errors": len(report.errors),
        "business": layout.business,
    })  # fmt: skip
    return report
