"""The outputs of a payment run, built from its stored lines only (so a rerun builds the same
bytes): the 全銀 総合振込 file, the payment list (CSV, UTF-8 with BOM, CRLF) and the summary (JSON)."""

from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import date
from typing import Any

import polars as pl
import sqlalchemy as sa

from kikan.adapters.db.tables.welfare import welfare_payment_file, welfare_payment_line
from kikan.adapters.db.tax_frames import read_frame
from kikan.core.spreadsheet import FORMULA_PREFIXES
from kikan.welfare import month_label, month_start, zengin
from kikan.welfare.cases.model import ALLOWANCE_CODES, ALLOWANCES
from kikan.welfare.payments.compute import customer_code2

STATUS_LABELS = {
    "transfer": "振込",
    "held_account": "保留（口座未登録）",
    "held_income": "保留（所得未登録）",
    "overpaid": "過払い（返納等の確認）",
}
LIST_COLUMNS = {
    "case_id": "受給者番号", "recipient": "受給者（宛名番号）", "status": "状態", "amount": "支払額",
    "regular": "定時払", "arrears": "追給", "overpaid": "過払い", "months": "対象月", "bank_code": "金融機関コード",
    "branch_code": "支店コード", "account_type": "預金種目", "account_no": "口座番号", "holder": "口座名義",
}  # fmt: skip
I64 = pl.Int64


def lines_frame(conn: sa.Connection, tenant_id: str, run_id: str) -> pl.DataFrame:
    c = welfare_payment_line.c
    q = sa.select(c.case_id, c.recipient, c.status, c.amount, c.regular, c.arrears, c.overpaid, c.months, c.bank_code,
                  c.bank_name, c.branch_code, c.branch_name, c.account_type, c.account_no, c.holder, c.new_code).where(
        c.tenant_id == tenant_id, c.run_id == run_id).order_by(c.case_id)  # fmt: skip
    schema: dict[str, Any] = {"case_id": pl.Utf8, "recipient": pl.Utf8, "status": pl.Utf8, "amount": I64, "regular": I64,
                              "arrears": I64, "overpaid": I64, "months": pl.Utf8, "bank_code": pl.Utf8,
                              "bank_name": pl.Utf8, "branch_code": pl.Utf8, "branch_name": pl.Utf8, "account_type": I64,
                              "account_no": pl.Utf8, "holder": pl.Utf8, "new_code": pl.Utf8}  # fmt: skip
    return read_frame(conn, q, schema).sort("case_id").with_columns(pl.col("months").fill_null(""))


def file_names(allowance: str, pay: int) -> dict[str, str]:
    tag = f"{ALLOWANCE_CODES[allowance]}_{month_start(pay):%Y%m}"
    return {
        "zengin": f"zengin_{tag}.txt",
        "list": f"payment_list_{tag}.csv",
        "summary": f"summary_{tag}.json",
    }


_FORMULA_START = "^([" + "".join(re.escape(c) for c in FORMULA_PREFIXES) + "])"


def safe_text_columns(df: pl.DataFrame) -> pl.DataFrame:
    """A text cell a spreadsheet would read as a formula gets a leading ``'`` — the rule of
    :mod:`kikan.core.spreadsheet`, applied column-wise; numbers are left alone."""
    return df.with_columns(
        pl.col(c).str.replace(_FORMULA_START, "'${1}") for c, t in df.schema.items() if t == pl.String
    )


def build_outputs(run: dict[str, Any], lines: pl.DataFrame) -> dict[str, bytes]:
    allowance, pay = run["allowance"], int(run["payment_month"])
    t = lines.filter(pl.col("status") == "transfer")
    columns = {
        "bank_code": t["bank_code"].to_list(), "bank_name": t["bank_name"].fill_null("").to_list(),
        "branch_code": t["branch_code"].to_list(), "branch_name": t["branch_name"].fill_null("").to_list(),
        "account_type": t["account_type"].to_list(), "account_no": t["account_no"].to_list(),
        "holder": t["holder"].to_list(), "amount": t["amount"].to_list(), "new_code": t["new_code"].to_list(),
        "customer1": t["case_id"].to_list(),
        "customer2": [customer_code2(ALLOWANCE_CODES[allowance], pay)] * t.height,
    }  # fmt: skip
    transfer_on = (
        run["transfer_on"]
        if isinstance(run["transfer_on"], date)
        else date.fromisoformat(str(run["transfer_on"]))
    )
    bank = zengin.build(zengin.Requester.of(run["payer"]), transfer_on, columns, newline=bool(run["newline"]))
    listing = lines.with_columns(pl.col("status").replace_strict(STATUS_LABELS)).select(
        [pl.col(k).alias(v) for k, v in LIST_COLUMNS.items()])  # fmt: skip
    listing = safe_text_columns(listing)
    buf = io.BytesIO()
    listing.write_csv(buf, line_terminator="\r\n")
    csv = b"\xef\xbb\xbf" + buf.getvalue()

    def agg(status: str, col: str = "amount") -> dict[str, int]:
        f = lines.filter(pl.col("status") == status)
        return {"count": f.height, "amount": int(f[col].sum() or 0)}

    summary = {
        "run_id": run["run_id"], "allowance": allowance, "allowance_name": ALLOWANCES[allowance],
        "payment_month": month_label(pay), "transfer_on": transfer_on.isoformat(), "known_seq": int(run["known_seq"]),
        "ledger_from": month_label(int(run["ledger_from"])), "lines": lines.height,
        "transfer": agg("transfer"), "held_account": agg("held_account"), "held_income": agg("held_income"),
        "overpaid": {"count": int((lines["overpaid"] > 0).sum()), "amount": int(lines["overpaid"].sum() or 0)},
        "regular_total": int(lines["regular"].sum() or 0), "arrears_total": int(lines["arrears"].sum() or 0),
        "zengin_sha256": hashlib.sha256(bank).hexdigest(), "list_sha256": hashlib.sha256(csv).hexdigest(),
    }  # fmt: skip
    text = json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
    return {"zengin": bank, "list": csv, "summary": text}


def store_outputs(conn: sa.Connection, tenant_id: str, run: dict[str, Any], files: dict[str, bytes]) -> None:
    names = file_names(run["allowance"], int(run["payment_month"]))
    conn.execute(sa.insert(welfare_payment_file), [
        {"tenant_id": tenant_id, "run_id": run["run_id"], "kind": k, "file_name": names[k], "content": v,
         "sha256": hashlib.sha256(v).hexdigest()}
        for k, v in files.items()
    ])  # fmt: skip


def stored_outputs(conn: sa.Connection, tenant_id: str, run_id: str) -> dict[str, tuple[str, bytes]]:
    f = welfare_payment_file.c
    rows = conn.execute(
        sa.select(f.kind, f.file_name, f.content).where(f.tenant_id == tenant_id, f.run_id == run_id)
    )
    return {r.kind: (r.file_name, bytes(r.content)) for r in rows}
