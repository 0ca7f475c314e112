"""Reads for the staff API and CLI: cases, a case's versions, tasks, payment runs. Each read of
personal data is audited by the caller's unit of work (``uow.audit(..., action="read")``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.tables.welfare import (
    welfare_case,
    welfare_case_version,
    welfare_payment_run,
    welfare_task,
)
from kikan.core.errors import NotFound
from kikan.welfare import MONTH_MAX, month_label

FUNCTION = "welfare.case"


def _month(v: int | None) -> str | None:
    return None if v is None or v == MONTH_MAX else month_label(v)


def list_cases(uow: Any, *, allowance: str | None, status: str | None, recipient: str | None, limit: int,
               offset: int) -> list[dict[str, Any]]:  # fmt: skip
    p, v = welfare_case.c, welfare_case_version.c
    q = (
        sa.select(p.case_id, p.allowance, p.recipient, p.household_no, p.status, p.version, v.valid_from,
                  v.monthly_amount, v.start_month, v.end_month)
        .join(welfare_case_version, sa.and_(v.tenant_id == p.tenant_id, v.case_id == p.case_id, v.version == p.version))
        .where(p.tenant_id == uow.tenant_id)
    )  # fmt: skip
    for col, val in ((p.allowance, allowance), (p.status, status), (p.recipient, recipient)):
        if val:
            q = q.where(col == val)
    rows = uow.conn.execute(q.order_by(p.case_id).limit(limit).offset(offset)).mappings().all()
    uow.audit(FUNCTION, "read", target_type="welfare_case", target_id="list", detail=f"{len(rows)} cases")
    return [{**dict(r), "valid_from": r["valid_from"].isoformat(), "start_month": _month(r["start_month"]),
             "end_month": _month(r["end_month"])} for r in rows]  # fmt: skip


def case_detail(uow: Any, case_id: str, *, with_trace: bool = False) -> dict[str, Any]:
    v = welfare_case_version.c
    rows = uow.conn.execute(
        sa.select(welfare_case_version).where(v.tenant_id == uow.tenant_id, v.case_id == case_id).order_by(v.version)
    ).mappings().all()  # fmt: skip
    if not rows:
        raise NotFound(f"受給者番号 {case_id} の台帳はありません", field="case_id")
    uow.audit(FUNCTION, "read", target_type="welfare_case", target_id=case_id)
    versions = [
        {"version": r["version"], "status": r["status"], "valid_from": r["valid_from"].isoformat(),
         "reason_code": r["reason_code"], "reason": r["reason"], "monthly_amount": r["monthly_amount"],
         "start_month": _month(r["start_month"]), "end_month": _month(r["end_month"]),
         "recorded_at": r["recorded_at"].isoformat(), "recorded_by": r["recorded_by"],
         **({"trace": r["trace"]} if with_trace else {})}
        for r in rows
    ]  # fmt: skip
    last = rows[-1]
    return {"case_id": case_id, "allowance": last["allowance"], "status": last["status"], "version": last["version"],
            "state": last["state"], "versions": versions}  # fmt: skip


def list_tasks(uow: Any, *, status: str, kind: str | None, limit: int) -> list[dict[str, Any]]:
    t = welfare_task.c
    q = sa.select(welfare_task).where(t.tenant_id == uow.tenant_id, t.status == status)
    if kind:
        q = q.where(t.kind == kind)
    rows = uow.conn.execute(q.order_by(t.task_id).limit(limit)).mappings().all()
    uow.audit(FUNCTION, "read", target_type="welfare_task", target_id="list", detail=f"{len(rows)} tasks")
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items() if k != "tenant_id"}
            for r in rows]  # fmt: skip


def list_runs(uow: Any, allowance: str | None) -> list[dict[str, Any]]:
    r = welfare_payment_run.c
    q = sa.select(r.run_id, r.allowance, r.payment_month, r.status, r.transfer_on, r.started_at, r.completed_at,
                  r.summary).where(r.tenant_id == uow.tenant_id)  # fmt: skip
    if allowance:
        q = q.where(r.allowance == allowance)
    rows = uow.conn.execute(q.order_by(r.payment_month.desc())).mappings().all()
    return [{**dict(x), "payment_month": month_label(x["payment_month"]), "transfer_on": x["transfer_on"].isoformat(),
             "started_at": x["started_at"].isoformat(),
             "completed_at": x["completed_at"].isoformat() if x["completed_at"] else None} for x in rows]  # fmt: skip
