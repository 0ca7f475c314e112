"""The regular payment run of an allowance for one 支払期月: ledger, chunks, files (resumable).

``run_payment`` is idempotent per (allowance, payment month) = ``run_id``:

1. **open** (own transaction): the run row fixes ``known_seq`` (the committed ``welfare.change``
   value), the previous run's ``known_seq``, the ledger start, the 振込依頼人 and the 振込指定日.
   A completed run is returned as stored (same bytes); a started one is resumed with its own values.
2. **compute** (in memory, vectorised: ``calculate_batch`` per month over all cases read as of
   ``known_seq``; nothing written) — the same on every attempt.
3. **write** chunk by chunk (one transaction each: chunk row + lines + settled months + tasks);
   chunks already committed by an earlier, killed attempt are skipped.
4. **finish** (one transaction): the files are built from the stored lines and stored with the
   summary; the run is completed. Killing the process anywhere and running again gives the same files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from kikan.adapters.db import welfare_columns as wc
from kikan.adapters.db import welfare_payment_files as wf
from kikan.adapters.db.database import Database
from kikan.adapters.db.tables.welfare import welfare_payment_chunk, welfare_payment_run
from kikan.adapters.db.welfare_accounts import payer
from kikan.adapters.db.welfare_payment_write import write_chunk
from kikan.adapters.db.welfare_store import committed_seq
from kikan.core.errors import Conflict, FieldError, ValidationFailed
from kikan.core.rules import ParameterLookup
from kikan.core.tenancy import TenantContext
from kikan.welfare import child_allowance as ca
from kikan.welfare import child_rearing_allowance as cra
from kikan.welfare import month_label
from kikan.welfare.cases.model import ALLOWANCES
from kikan.welfare.cases.services import WRITE, require
from kikan.welfare.payments import compute as pc
from kikan.welfare.payments.schedule import regular_months, transfer_date

FUNCTION = "welfare.payment"
ARREARS_MONTHS = 24  # 時効（児童手当法第23条・児童扶養手当法第22条: 2年）


@dataclass(frozen=True)
class RunResult:
    run_id: str
    files: dict[str, tuple[str, bytes]]
    summary: dict[str, Any]
    reused: bool
    chunks_written: int


def run_id_of(allowance: str, pay: int) -> str:
    return f"{allowance}:{month_label(pay)}"


def _run(conn: sa.Connection, tenant_id: str, run_id: str) -> dict[str, Any] | None:
    r = welfare_payment_run.c
    row = (
        conn.execute(sa.select(welfare_payment_run).where(r.tenant_id == tenant_id, r.run_id == run_id))
        .mappings()
        .first()
    )
    return dict(row) if row else None


def _open(db: Database, ctx: TenantContext, allowance: str, pay: int, today: date, transfer_on: date | None,
          newline: bool, chunk_size: int, params: ParameterLookup) -> dict[str, Any]:  # fmt: skip
    rid = run_id_of(allowance, pay)
    with db.uow(ctx) as uow:
        require(uow, WRITE)
        run = _run(uow.conn, uow.tenant_id, rid)
        if run is not None:
            return run
        r = welfare_payment_run.c
        mine = sa.and_(r.tenant_id == uow.tenant_id, r.allowance == allowance)
        if uow.conn.execute(sa.select(r.run_id).where(mine, r.status == "running")).first():
            raise Conflict(
                "完了していない支払処理があります。先にそれを再実行してください", field="payment_month"
            )
        if uow.conn.execute(sa.select(r.run_id).where(mine, r.payment_month > pay)).first():
            raise Conflict(
                "より後の支払期月の支払処理が済んでいます（支払期月の順に処理してください）",
                field="payment_month",
            )
        months = regular_months(allowance, params, pay)
        found = payer(uow.conn, uow.tenant_id, allowance)
        if found is None:
            raise ValidationFailed(
                [FieldError("payer", f"{ALLOWANCES[allowance]}の振込依頼人（支払口座）が設定されていません")]
            )
        on = transfer_on or transfer_date(pay, found[1])
        if on < today:
            raise ValidationFailed(
                [FieldError("transfer_on", "振込指定日に処理日より前の日付は指定できません")]
            )
        prev = uow.conn.execute(
            sa.select(r.known_seq, r.ledger_from).where(mine, r.status == "completed").order_by(r.payment_month.desc()).limit(1)
        ).first()  # fmt: skip
        run = {"tenant_id": uow.tenant_id, "run_id": rid, "allowance": allowance, "payment_month": pay,
               "status": "running", "known_seq": committed_seq(uow.conn, uow.tenant_id), "known_at": uow.now,
               "previous_seq": prev.known_seq if prev else None, "ledger_from": prev.ledger_from if prev else min(months),
               "transfer_on": on, "payer": found[0], "newline": newline, "chunk_size": chunk_size, "chunks_total": None,
               "started_at": uow.now, "started_by": uow.actor.actor_id, "completed_at": None, "summary": None}  # fmt: skip
        uow.conn.execute(sa.insert(welfare_payment_run), run)
        uow.audit(
            FUNCTION,
            "create",
            target_type="welfare_payment_run",
            target_id=rid,
            detail=f"known_seq {run['known_seq']}",
        )
        uow.commit()
        return run


def _compute(
    db: Database, ctx: TenantContext, run: dict[str, Any], params: ParameterLookup
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """(lines, settled rows, number of cases) — pure function of the run row and the data as of known_seq."""
    allowance, pay, known = run["allowance"], int(run["payment_month"]), int(run["known_seq"])
    regular = regular_months(allowance, params, pay)
    arrears = list(range(max(int(run["ledger_from"]), min(regular) - ARREARS_MONTHS), min(regular)))
    prev = run["previous_seq"]
    with db.uow(ctx) as uow:
        t = uow.tenant_id
        cols, obligors = wc.read_cases(uow.conn, t, allowance, known, prev, min(arrears or regular))
        incomes = (
            wc.income_reader(uow.conn, t, known, cols, obligors) if allowance != "child_allowance" else None
        )
        if incomes is not None:
            for year in pc.income_years(arrears + regular, params):
                incomes(year)  # read while the connection is open (cached)
        candidates = wc.changed_cases(t, allowance, known, prev if prev is not None else -1)
        settled = wc.settled_matrix(uow.conn, t, allowance, pay, arrears, cols, candidates)
        accounts = wc.accounts(uow.conn, t, known, prev)
    n = len(cols)
    amount, missing = pc.entitlements(allowance, cols, regular, params, incomes)
    full_amount = np.zeros((n, len(arrears) + len(regular)), dtype=np.int64)
    full_missing = np.zeros_like(full_amount, dtype=bool)
    full_amount[:, len(arrears) :], full_missing[:, len(arrears) :] = amount, missing
    if arrears and cols.changed.any():
        sub, keep, omask = pc.subset(cols, cols.changed)
        sub_inc = (lambda y: incomes(y).take(keep, omask)) if incomes is not None else None
        a_amt, a_miss = pc.entitlements(allowance, sub, arrears, params, sub_inc)
        full_amount[keep, : len(arrears)], full_missing[keep, : len(arrears)] = a_amt, a_miss
    months = arrears + regular
    prior = np.zeros_like(full_amount)
    prior[:, : len(arrears)] = settled
    st = pc.settle(full_amount, full_missing, prior, months, set(regular), cols.changed)
    return _lines(cols, st, accounts), _settled_rows(cols, st, full_amount, months), n


def _lines(cols: pc.CaseColumns, st: pc.Settlement, accounts: pl.DataFrame) -> pl.DataFrame:
    f = pl.DataFrame({
        "row": np.arange(len(cols), dtype=np.int64), "case_id": cols.case_ids.tolist(), "recipient": cols.recipients.tolist(),
        "amount": st.amount, "regular": st.regular, "arrears": st.arrears, "overpaid": st.overpaid,
        "held_income": st.held_income, "months": st.months,
    })  # fmt: skip
    f = f.filter((pl.col("amount") > 0) | (pl.col("overpaid") > 0) | pl.col("held_income"))
    f = f.join(
        accounts.rename({"addressee_no": "recipient"}), on="recipient", how="left", maintain_order="left"
    )
    status = (pl.when(pl.col("held_income")).then(pl.lit("held_income"))
              .when(pl.col("amount") == 0).then(pl.lit("overpaid"))
              .when(pl.col("account_no").is_null()).then(pl.lit("held_account"))
              .otherwise(pl.lit("transfer")))  # fmt: skip
    return f.with_columns(status.alias("status"), pl.col("new_code").fill_null("0"))


def _settled_rows(
    cols: pc.CaseColumns, st: pc.Settlement, amount: np.ndarray, months: list[int]
) -> pl.DataFrame:
    rows, js = np.nonzero(st.evaluated & (st.delta != 0))
    return pl.DataFrame({"row": rows.astype(np.int64), "case_id": cols.case_ids[rows].tolist(),
                         "month": np.asarray(months, dtype=np.int64)[js], "amount": amount[rows, js]})  # fmt: skip


def run_payment(
    db: Database,
    ctx: TenantContext,
    *,
    allowance: str,
    payment_month: int,
    today: date,
    transfer_on: date | None = None,
    newline: bool = True,
    chunk_size: int = 20_000,
    params: ParameterLookup | None = None,
    after_chunk: Callable[[int], None] | None = None,
) -> RunResult:
    """Run (or resume, or return) the regular payment of ``allowance`` in ``payment_month``."""
    if allowance not in ALLOWANCES:
        raise ValidationFailed(
            [FieldError("allowance", "child_allowance 又は child_rearing_allowance を指定してください")]
        )
    lookup = params or (
        ca.national_parameters() if allowance == "child_allowance" else cra.national_parameters()
    )
    run = _open(db, ctx, allowance, payment_month, today, transfer_on, newline, chunk_size, lookup)
    if run["status"] == "completed":
        return _result(db, ctx, run, reused=True, written=0)
    lines, settled, n = _compute(db, ctx, run, lookup)
    size = int(run["chunk_size"])
    total = max(1, -(-n // size))
    with db.uow(ctx) as uow:
        c = welfare_payment_chunk.c
        done = {
            r[0]
            for r in uow.conn.execute(
                sa.select(c.chunk_no).where(c.tenant_id == uow.tenant_id, c.run_id == run["run_id"])
            )
        }
    written = 0
    for k in range(total):
        if k in done:
            continue
        lo, hi = k * size, (k + 1) * size
        part = lines.filter((pl.col("row") >= lo) & (pl.col("row") < hi))
        sp = settled.filter((pl.col("row") >= lo) & (pl.col("row") < hi))
        try:
            with db.uow(ctx) as uow:
                write_chunk(uow, run, k, part, sp)
                uow.commit()
        except IntegrityError:  # another process wrote this chunk meanwhile
            continue
        written += 1
        if after_chunk is not None:
            after_chunk(k)
    return _finish(db, ctx, run, total, written)


def _finish(db: Database, ctx: TenantContext, run: dict[str, Any], total: int, written: int) -> RunResult:
    rid = run["run_id"]
    with db.uow(ctx) as uow:
        r = welfare_payment_run.c
        lines = wf.lines_frame(uow.conn, uow.tenant_id, rid)
        files = wf.build_outputs(run, lines)
        summary = json.loads(files["summary"])
        n = uow.conn.execute(
            sa.update(welfare_payment_run).where(r.tenant_id == uow.tenant_id, r.run_id == rid, r.status == "running")
            .values(status="completed", chunks_total=total, completed_at=uow.now, summary=summary)
        ).rowcount  # fmt: skip
        if n == 1:
            wf.store_outputs(uow.conn, uow.tenant_id, run, files)
            uow.audit(FUNCTION, "update", target_type="welfare_payment_run", target_id=rid,
                      detail=f"completed {summary['transfer']['count']} transfers {summary['transfer']['amount']}")  # fmt: skip
            uow.commit()
    done = _run_row(db, ctx, rid)
    return _result(db, ctx, done, reused=False, written=written)


def _run_row(db: Database, ctx: TenantContext, rid: str) -> dict[str, Any]:
    with db.uow(ctx) as uow:
        run = _run(uow.conn, uow.tenant_id, rid)
    assert run is not None
    return run


def _result(
    db: Database, ctx: TenantContext, run: dict[str, Any], *, reused: bool, written: int
) -> RunResult:
    with db.uow(ctx) as uow:
        files = wf.stored_outputs(uow.conn, uow.tenant_id, run["run_id"])
        uow.audit(
            FUNCTION, "read", target_type="welfare_payment_run", target_id=run["run_id"], detail="files"
        )
        uow.commit()
    return RunResult(run["run_id"], files, dict(run["summary"] or {}), reused, written)


__all__ = ["RunResult", "run_id_of", "run_payment"]
