"""Assessment results: bulk writes of result frames, reads of versions, schedules and notices data.

A result row is immutable: 当初課税 writes version 1, each 更正 appends the next version with its
``valid_from`` and ``reason`` (``tax_assessment``, append-only). Simulation runs write to
``tax_assessment_trial``. Everything needed to render a 納税通知書 or a 特別徴収税額通知書 later is
stored: all amounts, the collection split, the installments, and (in the run) the due dates.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import polars as pl
import sqlalchemy as sa

from kikan.adapters.db.tables.tax import (
    tax_assessment,
    tax_assessment_run,
    tax_assessment_trial,
    tax_income_record,
)
from kikan.adapters.db.tax_frames import write_frame
from kikan.core.errors import NotFound
from kikan.tax.individual_resident.schedule import as_lines

a = tax_assessment.c


def write_results(
    conn: sa.Connection,
    tenant_id: str,
    res: pl.DataFrame,
    *,
    trial: bool,
    fiscal_year: int,
    version: int | pl.Series,
    run_id: str,
    chunk_no: int,
    kind: str,
    reason: str,
    valid_from: date,
    known_at: datetime,
    now: datetime,
) -> int:
    """Write result rows (from :func:`~kikan.tax.individual_resident.assessment.assess`) as one version."""
    const = {
        "tenant_id": tenant_id, "fiscal_year": fiscal_year, "run_id": run_id, "chunk_no": chunk_no, "kind": kind,
        "reason": reason, "valid_from": valid_from, "known_at": known_at, "recorded_at": now,
    }  # fmt: skip
    if isinstance(version, pl.Series):
        res = res.with_columns(version=version)
    else:
        const["version"] = version
    return write_frame(conn, tax_assessment_trial if trial else tax_assessment, res, const)


def existing_keys(conn: sa.Connection, tenant_id: str, fiscal_year: int, keys: tuple[str, str]) -> set[str]:
    """宛名番号s in the range that already have a result for the year (never replaced)."""
    q = (
        sa.select(a.addressee_no)
        .where(
            a.tenant_id == tenant_id, a.fiscal_year == fiscal_year, a.addressee_no.between(keys[0], keys[1])
        )
        .distinct()
    )
    return {x for (x,) in conn.execute(q).all()}


def current(
    conn: sa.Connection, tenant_id: str, fiscal_year: int, addressee_no: str
) -> dict[str, Any] | None:
    q = (
        sa.select(tax_assessment)
        .where(a.tenant_id == tenant_id, a.fiscal_year == fiscal_year, a.addressee_no == addressee_no)
        .order_by(a.version.desc())
        .limit(1)
    )
    row = conn.execute(q).first()
    return dict(row._mapping) if row else None


def versions(
    conn: sa.Connection, tenant_id: str, fiscal_year: int, addressee_no: str
) -> list[dict[str, Any]]:
    q = (
        sa.select(tax_assessment)
        .where(a.tenant_id == tenant_id, a.fiscal_year == fiscal_year, a.addressee_no == addressee_no)
        .order_by(a.version)
    )
    return [dict(r._mapping) for r in conn.execute(q).all()]


def run(conn: sa.Connection, tenant_id: str, run_id: str) -> dict[str, Any]:
    r = tax_assessment_run.c
    row = conn.execute(
        sa.select(tax_assessment_run).where(r.tenant_id == tenant_id, r.run_id == run_id)
    ).first()
    if row is None:
        raise NotFound(f"処理 {run_id} はありません", field="run_id")
    return dict(row._mapping)


def annual_run(conn: sa.Connection, tenant_id: str, fiscal_year: int) -> dict[str, Any] | None:
    r = tax_assessment_run.c
    row = conn.execute(
        sa.select(tax_assessment_run).where(
            r.tenant_id == tenant_id, r.fiscal_year == fiscal_year, r.kind == "annual"
        )
    ).first()
    return dict(row._mapping) if row else None


def schedule_lines(conn: sa.Connection, tenant_id: str, row: dict[str, Any]) -> list[dict[str, Any]]:
    """The installments of a result row with their months and due dates (from its year's annual run)."""
    base = annual_run(conn, tenant_id, row["fiscal_year"]) or run(conn, tenant_id, row["run_id"])
    dates = base["due_dates"]
    return as_lines(row["installments"] or {}, dates["dates"], dates["months"])


def employer_notice(conn: sa.Connection, tenant_id: str, fiscal_year: int, payer_id: str) -> dict[str, Any]:
    """特別徴収税額通知書（特別徴収義務者用）の data: the employer's employees and their 12 amounts.

    地方税法第321条の4第1項・第2項 (5月31日までに特別徴収義務者及び納税義務者に通知). Current versions.
    Candidates are the persons with a 給与支払報告書 of that employer (indexed by 支払者), so the
    result table needs no second index; the result row decides (its 特別徴収義務者 may differ).
    """
    r = tax_income_record.c
    candidates = sa.select(r.addressee_no).where(
        r.tenant_id == tenant_id, r.fiscal_year == fiscal_year, r.payer_id == payer_id
    )
    n = tax_assessment.alias("newer")
    newer = sa.exists().where(
        n.c.tenant_id == a.tenant_id, n.c.fiscal_year == a.fiscal_year, n.c.addressee_no == a.addressee_no,
        n.c.version > a.version,
    )  # fmt: skip
    q = (
        sa.select(
            a.addressee_no,
            a.version,
            a.salary_amount,
            a.total_tax,
            a.municipal_tax,
            a.prefectural_tax,
            a.forest_environment_tax,
            a.installments,
        )  # fmt: skip
        .where(
            a.tenant_id == tenant_id,
            a.fiscal_year == fiscal_year,
            a.addressee_no.in_(candidates),
            a.salary_payer_id == payer_id,
            ~newer,
        )  # fmt: skip
        .order_by(a.addressee_no)
    )
    rows = [dict(r._mapping) for r in conn.execute(q).all()]
    base = annual_run(conn, tenant_id, fiscal_year)
    months = base["due_dates"]["months"]["salary"] if base else []
    due = base["due_dates"]["dates"]["salary"] if base else []
    employees = [
        {"addressee_no": r["addressee_no"], "version": r["version"], "annual_amount": r["salary_amount"],
         "municipal_tax": r["municipal_tax"], "prefectural_tax": r["prefectural_tax"],
         "forest_environment_tax": r["forest_environment_tax"], "monthly": (r["installments"] or {}).get("salary", [])}
        for r in rows
    ]  # fmt: skip
    return {
        "fiscal_year": fiscal_year, "payer_id": payer_id, "months": months, "remittance_due_on": due,
        "employees": employees, "total": sum(e["annual_amount"] for e in employees),
        "monthly_totals": [sum(e["monthly"][i] for e in employees if e["monthly"]) for i in range(len(months))],
    }  # fmt: skip


def result_frame(conn: sa.Connection, tenant_id: str, run_row: dict[str, Any]) -> pl.DataFrame:
    """Every result row a run wrote (annual and corrections: ``tax_assessment``; simulations: trial)."""
    from kikan.adapters.db.tax_frames import read_frame
    from kikan.tax.individual_resident.columns import OUTPUTS

    table = tax_assessment_trial if run_row["kind"] == "simulation" else tax_assessment
    cols = ["addressee_no", "taxpayer_kind", "household_no", "taxation", *OUTPUTS]
    q = sa.select(*[table.c[k] for k in cols]).where(
        table.c.tenant_id == tenant_id, table.c.run_id == run_row["run_id"]
    )
    schema = {k: (pl.String() if k in cols[:4] else pl.Int64()) for k in cols}
    return read_frame(conn, q.order_by(table.c.addressee_no), schema)


def diff_runs(conn: sa.Connection, tenant_id: str, run_a: str, run_b: str) -> dict[str, Any]:
    """Compare the results of two runs taxpayer by taxpayer (e.g. the annual run and its reproduction)."""
    fa, fb = (result_frame(conn, tenant_id, run(conn, tenant_id, r)) for r in (run_a, run_b))
    joined = fa.join(fb, on="addressee_no", how="full", suffix="_b", coalesce=True)
    cols = [c for c in fa.columns if c != "addressee_no"]
    differs = pl.any_horizontal([pl.col(c).ne_missing(pl.col(f"{c}_b")) for c in cols])
    bad = joined.filter(differs)["addressee_no"].to_list()
    return {"run_a": run_a, "run_b": run_b, "rows_a": fa.height, "rows_b": fb.height, "differing": len(bad),
            "examples": bad[:20]}  # fmt: skip
