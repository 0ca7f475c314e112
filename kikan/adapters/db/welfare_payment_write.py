"""One chunk of a payment run in one transaction: the chunk row (first: a second writer of the
same chunk fails on its primary key), the payment lines, the settled months and the 過払い tasks."""

from __future__ import annotations

from typing import Any

import polars as pl
import sqlalchemy as sa

from kikan.adapters.db.tables.welfare import (
    welfare_payment_chunk,
    welfare_payment_line,
    welfare_settled_month,
)
from kikan.adapters.db.tax_frames import write_frame
from kikan.adapters.db.welfare_store import SqlCaseStore
from kikan.welfare import month_label
from kikan.welfare.cases import tasks

LINE_COLUMNS = ("case_id", "recipient", "status", "amount", "regular", "arrears", "overpaid", "months", "bank_code",
                "bank_name", "branch_code", "branch_name", "account_type", "account_no", "holder", "new_code")  # fmt: skip


def write_chunk(
    uow: Any, run: dict[str, Any], chunk_no: int, lines: pl.DataFrame, settled: pl.DataFrame
) -> None:
    t, rid = uow.tenant_id, run["run_id"]
    uow.conn.execute(sa.insert(welfare_payment_chunk), {"tenant_id": t, "run_id": rid, "chunk_no": chunk_no,
                                                        "lines": lines.height, "completed_at": uow.now})  # fmt: skip
    write_frame(uow.conn, welfare_payment_line, lines.select(LINE_COLUMNS),
                {"tenant_id": t, "run_id": rid, "chunk_no": chunk_no})  # fmt: skip
    write_frame(uow.conn, welfare_settled_month, settled.select("case_id", "month", "amount"),
                {"tenant_id": t, "allowance": run["allowance"], "payment_month": int(run["payment_month"])})  # fmt: skip
    store = SqlCaseStore(uow)
    pay = month_label(int(run["payment_month"]))
    for case_id, recipient, overpaid in (
        lines.filter(pl.col("overpaid") > 0).select("case_id", "recipient", "overpaid").rows()
    ):
        store.open_task(tasks.task("overpaid", key=f"{rid}:{case_id}", source=f"payment:{rid}", case_id=case_id,
                                   addressee_no=recipient, detail=f"{pay} 支払処理: 過払い {overpaid:,}円"))  # fmt: skip
