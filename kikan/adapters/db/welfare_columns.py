"""Set-based reads of the cases as batch columns (as of a ``known_seq``): the input of the payment
run and the month-boundary job. Each read is one SQL statement into a polars frame (PostgreSQL:
``COPY … TO STDOUT``), no query per case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl
import sqlalchemy as sa

from kikan.adapters.db.tables.welfare import (
    INCOME_ITEMS,
    welfare_bank_account,
    welfare_case,
    welfare_case_child,
    welfare_case_version,
    welfare_income,
    welfare_settled_month,
)
from kikan.adapters.db.tax_frames import read_frame
from kikan.adapters.db.welfare_income import income_frame
from kikan.welfare import MONTH_MAX
from kikan.welfare.payments.compute import CaseColumns, YearIncomes

I64: Any = pl.Int64
STR: Any = pl.Utf8
DATE: Any = pl.Date


def _int(col: Any) -> Any:
    return sa.cast(col, sa.Integer).label(col.name)


def _latest(tenant_id: str, allowance: str, known_seq: int) -> Any:
    """(case_id, version, recipient) of each case as of ``known_seq``: the pointer's version when it
    is not newer (nearly always), else the last version up to ``known_seq`` (correlated, rare)."""
    p, v2 = welfare_case.c, welfare_case_version.alias("v2").c
    older = (
        sa.select(sa.func.max(v2.version))
        .where(v2.tenant_id == p.tenant_id, v2.case_id == p.case_id, v2.change_seq <= known_seq)
        .scalar_subquery()
    )
    version = sa.case((p.change_seq <= known_seq, p.version), else_=older)
    return (
        sa.select(p.case_id, version.label("version"), p.recipient)
        .where(p.tenant_id == tenant_id, p.allowance == allowance)
        .subquery()
    )


def changed_cases(tenant_id: str, allowance: str, known_seq: int, previous_seq: int) -> Any:
    """Case ids with a version, or an income of the recipient, in (previous_seq, known_seq]."""
    v, p, i = welfare_case_version.c, welfare_case.c, welfare_income.c
    by_version = sa.select(v.case_id).where(
        v.tenant_id == tenant_id,
        v.allowance == allowance,
        v.change_seq > previous_seq,
        v.change_seq <= known_seq,
    )
    people = sa.select(i.addressee_no).where(
        i.tenant_id == tenant_id, i.change_seq > previous_seq, i.change_seq <= known_seq
    )
    by_income = sa.select(p.case_id).where(
        p.tenant_id == tenant_id, p.allowance == allowance, p.recipient.in_(people)
    )
    return sa.union(by_version, by_income)


def read_cases(
    conn: sa.Connection,
    tenant_id: str,
    allowance: str,
    known_seq: int,
    previous_seq: int | None,
    lo_month: int,
    statuses: tuple[str, ...] = ("certified", "extinguished"),
) -> tuple[CaseColumns, pl.DataFrame]:
    """The cases paying in or after ``lo_month``, ordered by case id, and their (case_id, obligors) frame."""
    if conn.dialect.name == "postgresql":  # short scans: compiling them (JIT) costs more than it saves
        conn.exec_driver_sql("SET LOCAL jit = off")
    v, k = welfare_case_version.c, welfare_case_child.c
    latest = _latest(tenant_id, allowance, known_seq)
    q = (
        sa.select(v.case_id, latest.c.recipient, v.version, v.change_seq, v.start_month, sa.func.coalesce(v.end_month, MONTH_MAX),
                  _int(v.public_servant), v.claimant_kind, v.pension_kind, v.pension_annual, _int(v.has_suspension),
                  v.obligors)
        .join(latest, sa.and_(latest.c.case_id == v.case_id, latest.c.version == v.version))
        .where(v.tenant_id == tenant_id, v.status.in_(statuses), sa.func.coalesce(v.end_month, MONTH_MAX) >= lo_month)
        .order_by(v.case_id)
    )  # fmt: skip
    cases = read_frame(conn, q, {"case_id": STR, "recipient": STR, "version": I64, "change_seq": I64,
                                 "start_month": I64, "end_month": I64, "public_servant": I64,
                                 "claimant_kind": I64, "pension_kind": I64, "pension_annual": I64,
                                 "has_suspension": I64, "obligors": STR})  # fmt: skip
    cases = cases.with_row_index("owner").with_columns(
        pl.col("owner").cast(I64), pl.col("obligors").fill_null("")
    )
    kq = (
        sa.select(
            k.case_id,
            k.birth_date,
            _int(k.supported),
            _int(k.in_facility),
            _int(k.disabled),
            k.from_month,
            k.until_month,
        )
        .join(latest, sa.and_(latest.c.case_id == k.case_id, latest.c.version == k.version))
        .where(k.tenant_id == tenant_id)
    )
    kids = read_frame(conn, kq, {"case_id": STR, "birth_date": DATE, "supported": I64, "in_facility": I64,
                                 "disabled": I64, "from_month": I64, "until_month": I64})  # fmt: skip
    kids = kids.join(cases.select("case_id", "owner"), on="case_id", how="inner").sort("owner")
    susp = _suspensions(conn, tenant_id, cases)
    changed = np.ones(cases.height, dtype=bool)
    if previous_seq is not None:
        ids = {r[0] for r in conn.execute(changed_cases(tenant_id, allowance, known_seq, previous_seq))}
        changed = cases["case_id"].is_in(list(ids)).to_numpy()
    obl = (cases.filter(pl.col("obligors") != "").select("owner", pl.col("obligors").str.split(" ").alias("obligor"))
           .explode("obligor"))  # fmt: skip
    cols = CaseColumns(
        case_ids=cases["case_id"].to_numpy().astype(str), recipients=cases["recipient"].to_numpy().astype(str),
        start_month=cases["start_month"].to_numpy(), end_month=cases["end_month"].to_numpy(),
        public_servant=cases["public_servant"].to_numpy(), changed=changed,
        child_owner=kids["owner"].to_numpy(), child_birth=kids["birth_date"].to_numpy().astype("datetime64[D]"),
        child_supported=kids["supported"].to_numpy(), child_in_facility=kids["in_facility"].to_numpy(),
        child_disabled=kids["disabled"].to_numpy(), child_from=kids["from_month"].to_numpy(),
        child_until=kids["until_month"].to_numpy(), susp_owner=susp[0], susp_from=susp[1], susp_until=susp[2],
        claimant_kind=cases["claimant_kind"].to_numpy(), pension_kind=cases["pension_kind"].to_numpy(),
        pension_annual=cases["pension_annual"].to_numpy(), obligor_owner=obl["owner"].to_numpy(),
    )  # fmt: skip
    return cols, obl


def _suspensions(
    conn: sa.Connection, tenant_id: str, cases: pl.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    v = welfare_case_version.c
    rows = cases.filter(pl.col("has_suspension") > 0).select("case_id", "version", "owner").rows()
    owner, lo, hi = [], [], []
    for case_id, version, idx in rows:  # only the (few) suspended cases
        data = conn.execute(sa.select(v.suspensions).where(v.tenant_id == tenant_id, v.case_id == case_id,
                                                           v.version == version)).scalar_one()  # fmt: skip
        for a, b in data:
            owner.append(idx)
            lo.append(a)
            hi.append(MONTH_MAX if b is None else b)
    return (np.asarray(owner, dtype=np.int64), np.asarray(lo, dtype=np.int64), np.asarray(hi, dtype=np.int64))


def income_reader(
    conn: sa.Connection, tenant_id: str, known_seq: int, cols: CaseColumns, obligors: pl.DataFrame
) -> Callable[[int], YearIncomes]:
    """Income columns per year, aligned with the case rows and the obligor rows (cached per year)."""
    cache: dict[int, YearIncomes] = {}
    people = [*cols.recipients.tolist(), *obligors["obligor"].to_list()]

    def for_year(year: int) -> YearIncomes:
        if year not in cache:
            f = income_frame(conn, tenant_id, year, known_seq, people).with_columns(pl.lit(True).alias("has"))
            c = pl.DataFrame({"addressee_no": cols.recipients.tolist()}).join(
                f, on="addressee_no", how="left", maintain_order="left"
            )
            o = obligors.rename({"obligor": "addressee_no"}).join(
                f, on="addressee_no", how="left", maintain_order="left"
            )
            cache[year] = YearIncomes(
                claimant={k: c[k].fill_null(0).to_numpy() for k in INCOME_ITEMS},
                claimant_has=c["has"].fill_null(False).to_numpy(),
                obligor={k: o[k].fill_null(0).to_numpy() for k in INCOME_ITEMS},
                obligor_has=o["has"].fill_null(False).to_numpy(),
            )
        return cache[year]

    return for_year


def settled_matrix(
    conn: sa.Connection,
    tenant_id: str,
    allowance: str,
    pay: int,
    months: list[int],
    cases: CaseColumns,
    candidates: Any,
) -> np.ndarray:
    """The amount each (case, month) was last settled at by an earlier run (0 = never), for the
    candidate cases (a subquery of case ids) only."""
    s = welfare_settled_month.c
    out = np.zeros((len(cases), len(months)), dtype=np.int64)
    if not months or not len(cases):
        return out
    q = sa.select(s.case_id, s.month, s.payment_month, s.amount).where(
        s.tenant_id == tenant_id, s.allowance == allowance, s.payment_month < pay, s.month >= min(months),
        s.month <= max(months), s.case_id.in_(candidates),
    )  # fmt: skip
    f = read_frame(conn, q, {"case_id": STR, "month": I64, "payment_month": I64, "amount": I64})
    if f.is_empty():
        return out
    last = f.sort("payment_month").group_by(["case_id", "month"]).last()
    idx = pl.DataFrame({"case_id": cases.case_ids.tolist()}).with_row_index("row")
    last = last.join(idx, on="case_id", how="inner")
    col = {m: j for j, m in enumerate(months)}
    out[last["row"].to_numpy(), np.asarray([col[m] for m in last["month"].to_list()], dtype=np.int64)] = last[
        "amount"
    ].to_numpy()
    return out


def accounts(conn: sa.Connection, tenant_id: str, known_seq: int, previous_seq: int | None) -> pl.DataFrame:
    """Each recipient's account as of ``known_seq`` with its 新規コード (1 new, 2 changed, 0 other)."""
    a = welfare_bank_account.c
    latest = (
        sa.select(a.addressee_no, sa.func.max(a.version).label("version"))
        .where(a.tenant_id == tenant_id, a.change_seq <= known_seq).group_by(a.addressee_no).subquery()
    )  # fmt: skip
    q = sa.select(a.addressee_no, a.version, a.change_seq, a.bank_code, a.bank_name, a.branch_code, a.branch_name,
                  a.account_type, a.account_no, a.holder_zengin, _int(a.closed)).join(
        latest, sa.and_(latest.c.addressee_no == a.addressee_no, latest.c.version == a.version)
    ).where(a.tenant_id == tenant_id)  # fmt: skip
    f = read_frame(conn, q, {"addressee_no": STR, "version": I64, "change_seq": I64, "bank_code": STR,
                             "bank_name": STR, "branch_code": STR, "branch_name": STR, "account_type": I64,
                             "account_no": STR, "holder": STR, "closed": I64})  # fmt: skip
    fresh = pl.col("change_seq") > (previous_seq if previous_seq is not None else -1)
    code = (
        pl.when(fresh & (pl.col("version") == 1))
        .then(pl.lit("1"))
        .when(fresh)
        .then(pl.lit("2"))
        .otherwise(pl.lit("0"))
    )
    f = f.with_columns(
        code.alias("new_code"), pl.col("bank_name").fill_null(""), pl.col("branch_name").fill_null("")
    )
    return f.filter(pl.col("closed") == 0)
