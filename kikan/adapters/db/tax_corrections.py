"""更正: recompute taxpayers whose data changed after their assessment, as new result versions.

The same set-based reads and vector code as the annual batch, on the taxpayers concerned (one row
for a clerk's correction, a few thousand for the nightly ``kikan batch tax-corrections``). Each
correction keeps the previous version, stores the next one with ``valid_from`` and ``reason``,
the re-spread installments (:mod:`kikan.tax.individual_resident.correction`) and a notice record
(``tax_correction_notice``: before/after/difference per installment, 増額/減額), and publishes
one ``TaxAssessmentPublished`` per group. Nothing changes when the recomputed tax is the same.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
import sqlalchemy as sa

from kikan.adapters.db.rules_store import tenant_calendar
from kikan.adapters.db.tables.tax import (
    tax_assessment,
    tax_assessment_run,
    tax_correction_notice,
    tax_income_record,
    tax_non_resident_holder,
    tax_registry_row,
)
from kikan.adapters.db.tax_inputs import chunk_input
from kikan.adapters.db.tax_params import run_setting
from kikan.adapters.db.tax_registry_source import sync_registry
from kikan.adapters.db.tax_results import annual_run, write_results
from kikan.core.errors import Conflict, FieldError, ValidationFailed
from kikan.core.temporal import JST
from kikan.tax.individual_resident.assessment import assess, manifest
from kikan.tax.individual_resident.columns import OUTPUTS
from kikan.tax.individual_resident.correction import correct
from kikan.tax.individual_resident.events import assessment_published

a = tax_assessment.c
COMPARED = (
    *OUTPUTS,
    "taxpayer_kind",
    "household_no",
    "salary_payer_id",
    "declared",
    "salary_revenue",
    "pension_revenue",
)


@dataclass(frozen=True)
class CorrectionResult:
    addressee_no: str
    changed: bool
    version: int | None
    kind: str
    direction: str
    difference: int


def _current(
    conn: sa.Connection, tenant_id: str, fiscal_year: int, keys: list[str]
) -> dict[str, dict[str, Any]]:
    n = tax_assessment.alias("newer")
    newer = sa.exists().where(n.c.tenant_id == a.tenant_id, n.c.fiscal_year == a.fiscal_year,
                              n.c.addressee_no == a.addressee_no, n.c.version > a.version)  # fmt: skip
    q = sa.select(tax_assessment).where(
        a.tenant_id == tenant_id, a.fiscal_year == fiscal_year, a.addressee_no.in_(keys), ~newer
    )
    return {r.addressee_no: dict(r._mapping) for r in conn.execute(q).all()}


def pending(uow: Any, fiscal_year: int) -> list[str]:
    """Taxpayers whose 課税資料, registry record or 家屋敷 entry arrived after their assessment's known_at."""
    base = annual_run(uow.conn, uow.tenant_id, fiscal_year)
    if base is None or base["status"] != "completed":
        return []
    t, since = uow.tenant_id, base["known_at"]
    r, h, rr = tax_income_record.c, tax_non_resident_holder.c, tax_registry_row.c
    changed = sa.union(
        sa.select(r.addressee_no, r.received_at).where(
            r.tenant_id == t, r.fiscal_year == fiscal_year, r.received_at > since
        ),
        sa.select(h.addressee_no, h.received_at).where(
            h.tenant_id == t, h.fiscal_year == fiscal_year, h.received_at > since
        ),
        sa.select(rr.addressee_no, rr.received_at).where(rr.tenant_id == t, rr.received_at > since),
    ).subquery()
    latest = (
        sa.select(changed.c.addressee_no, sa.func.max(changed.c.received_at).label("at"))
        .group_by(changed.c.addressee_no)
        .subquery()
    )
    rows = uow.conn.execute(sa.select(latest.c.addressee_no, latest.c.at)).all()
    if not rows:
        return []
    current = _current(uow.conn, t, fiscal_year, [x.addressee_no for x in rows])
    out = [
        x.addressee_no
        for x in rows
        if x.addressee_no not in current or current[x.addressee_no]["known_at"] < x.at
    ]
    return sorted(out)


def _same(prev: dict[str, Any], row: dict[str, Any]) -> bool:
    return all(prev.get(k) == row.get(k) for k in COMPARED)


def recompute(
    uow: Any,
    fiscal_year: int,
    keys: list[str],
    *,
    reason: str,
    valid_from: date | None = None,
    chunk_no: int = 0,
    run_id: str | None = None,
) -> list[CorrectionResult]:
    """Recompute ``keys`` as known now; store a new version for each whose tax changed."""
    if not reason.strip():
        raise ValidationFailed([FieldError("reason", "更正の理由を入力してください")])
    base = annual_run(uow.conn, uow.tenant_id, fiscal_year)
    if base is None or base["status"] != "completed":
        raise Conflict(f"{fiscal_year}年度の当初課税が完了していないため更正できません", field="fiscal_year")
    on = valid_from or uow.now.astimezone(JST).date()
    known_at = uow.now
    setting = run_setting(uow, fiscal_year, known_at)
    res = assess(chunk_input(uow.conn, uow.tenant_id, fiscal_year, known_at, keys), setting, only=keys)
    prev = _current(uow.conn, uow.tenant_id, fiscal_year, keys)
    schedule = base["due_dates"]
    cp = setting.collection
    units = {"ordinary": cp.ordinary_unit, "salary": cp.salary_unit, "pension": cp.pension_unit}
    shift = tenant_calendar(uow).shift_due_date
    rid = run_id or _ledger(uow, fiscal_year, known_at, setting)
    out: list[CorrectionResult] = []
    for i, row in enumerate(res.iter_rows(named=True)):
        no, old = row["addressee_no"], prev.get(row["addressee_no"])
        if old is None and row["taxpayer_kind"] == "none":
            out.append(CorrectionResult(no, False, None, "none", "none", 0))
            continue
        if old is not None and _same(old, row):
            out.append(CorrectionResult(no, False, old["version"], old["kind"], "none", 0))
            continue
        kind = (
            "additional"
            if old is None
            else ("cancellation" if row["taxpayer_kind"] == "none" else "correction")
        )
        fixed = correct(
            old["installments"] if old else {}, _json(row["installments"]), schedule, on, units, shift=shift
        )
        version = (old["version"] if old else 0) + 1
        row.update(installments=_dumps(fixed.installments), **_amounts(fixed.installments))
        one = res.slice(i, 1).with_columns(
            **{
                k: pl.lit(row[k])
                for k in ("installments", "ordinary_amount", "salary_amount", "pension_amount")
            }
        )
        write_results(uow.conn, uow.tenant_id, one, trial=False, fiscal_year=fiscal_year, version=version, run_id=rid,
                      chunk_no=chunk_no, kind=kind, reason=reason[:200], valid_from=on, known_at=known_at,
                      now=uow.now)  # fmt: skip
        uow.conn.execute(sa.insert(tax_correction_notice), {
            "tenant_id": uow.tenant_id, "fiscal_year": fiscal_year, "addressee_no": no, "version": version,
            "previous_version": old["version"] if old else None, "valid_from": on, "reason": reason[:200],
            "direction": fixed.direction, "difference": fixed.difference, "overpaid": fixed.overpaid,
            "salary_payer_id": row["salary_payer_id"] or (old or {}).get("salary_payer_id"),
            "lines": fixed.lines, "recorded_at": uow.now,
        })  # fmt: skip
        uow.audit("tax.assessment.correct", "update" if old else "create", target_type="tax_assessment",
                  target_id=no, detail=f"fiscal_year={fiscal_year} version={version} {kind} {fixed.difference:+d}")  # fmt: skip
        out.append(CorrectionResult(no, True, version, kind, fixed.direction, fixed.difference))
    changed = [r for r in out if r.changed]
    if changed:
        uow.emit(assessment_published(
            fiscal_year=fiscal_year, run_id=rid, chunk_no=chunk_no, kind="correction", count=len(changed),
            first_key=changed[0].addressee_no, last_key=changed[-1].addressee_no, valid_from=on.isoformat(),
        ))  # fmt: skip
    return out


def _json(text: str) -> dict[str, Any]:
    return dict(json.loads(text))


def _dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def _amounts(doc: dict[str, Any]) -> dict[str, int]:
    extra = sum(int(x["amount"]) for x in doc.get("extra") or [])
    return {
        "ordinary_amount": sum(doc.get("ordinary") or []) + extra,
        "salary_amount": sum(doc.get("salary") or []),
        "pension_amount": sum(doc.get("pension") or []),
    }


def _ledger(uow: Any, fiscal_year: int, known_at: Any, setting: Any) -> str:
    used, fingerprint = manifest(setting)
    rid = str(uuid.uuid4())
    uow.conn.execute(sa.insert(tax_assessment_run), {
        "tenant_id": uow.tenant_id, "run_id": rid, "fiscal_year": fiscal_year, "kind": "correction",
        "status": "completed", "known_at": known_at, "started_at": uow.now, "finished_at": uow.now,
        "started_by": uow.actor.actor_id, "chunk_size": 0, "chunks_total": 0, "chunks_done": 0, "taxpayers": 0,
        "designated_city": setting.designated_city, "grade": setting.grade, "parameters": used,
        "parameter_fingerprint": fingerprint, "due_dates": {}, "note": "",
    })  # fmt: skip
    return rid


def correct_pending(
    db: Any,
    ctx: Any,
    fiscal_year: int,
    *,
    reason: str,
    valid_from: date | None = None,
    group: int = 1000,
    progress: Any = None,
) -> list[CorrectionResult]:
    """The nightly 更正 batch: pull the registry's changes, then every pending taxpayer, ``group`` per
    transaction (one run ledger row)."""
    sync_registry(db, ctx)
    with db.uow(ctx) as uow:
        keys = pending(uow, fiscal_year)
    out: list[CorrectionResult] = []
    rid: str | None = None
    for no, start in enumerate(range(0, len(keys), group)):
        with db.uow(ctx) as uow:
            if rid is None:
                rid = _ledger(uow, fiscal_year, uow.now, run_setting(uow, fiscal_year, uow.now))
            out += recompute(uow, fiscal_year, keys[start : start + group], reason=reason, valid_from=valid_from,
                             chunk_no=no, run_id=rid)  # fmt: skip
            uow.commit()
        if progress:
            progress(min(start + group, len(keys)), len(keys))
    return out
