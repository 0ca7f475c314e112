"""Reads of the 児童手当・児童扶養手当 staff screens and notices that the API's reads
(:mod:`kikan.adapters.db.welfare_queries`) do not cover: the names of the welfare business's own copy of
the registry's published persons, a case's tasks, one version with the one before it, a payment run
and its lines. Every read of personal data is audited in the caller's unit of work.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.tables.welfare import (
    welfare_case_child,
    welfare_case_version,
    welfare_payment_line,
    welfare_payment_run,
    welfare_person,
    welfare_task,
)
from kikan.core.errors import NotFound
from kikan.welfare import month_label
from kikan.welfare.cases.model import CaseState

FUNCTION = "welfare.case"
LINES_SHOWN = 200


def names(uow: Any, addressee_nos: Iterable[str]) -> dict[str, dict[str, str]]:
    """宛名番号 → ``{"name", "kana"}`` from ``welfare_person`` (the feed copy; names as registered)."""
    nos = sorted({n for n in addressee_nos if n})
    if not nos:
        return {}
    p = welfare_person.c
    rows = uow.conn.execute(
        sa.select(p.addressee_no, p.family_name, p.given_name, p.family_name_kana, p.given_name_kana)
        .where(p.tenant_id == uow.tenant_id, p.addressee_no.in_(nos))
    )  # fmt: skip
    out = {}
    for r in rows:
        name = "\u3000".join(x for x in (r.family_name, r.given_name) if x)
        kana = "\u3000".join(x for x in (r.family_name_kana, r.given_name_kana) if x)
        out[r.addressee_no] = {"name": name, "kana": kana}
    return out


def protected(uow: Any, addressee_nos: Iterable[str]) -> set[str]:
    """Which of ``addressee_nos`` are under a 支援措置 (``welfare_person.protected``, from the registry)."""
    nos = sorted({n for n in addressee_nos if n})
    if not nos:
        return set()
    p = welfare_person.c
    q = sa.select(p.addressee_no).where(p.tenant_id == uow.tenant_id, p.addressee_no.in_(nos), p.protected)
    return set(uow.conn.execute(q).scalars())


def protected_cases(uow: Any, rows: Iterable[dict[str, Any]]) -> set[str]:
    """The case ids among ``rows`` (``case_id``, ``version``, ``recipient``) whose recipient or a child
    of that version is under a 支援措置."""
    rows = list(rows)
    if not rows:
        return set()
    k = welfare_case_child.c
    persons = {r["case_id"]: {r["recipient"]} for r in rows}
    q = sa.select(k.case_id, k.version, k.child_id).where(
        k.tenant_id == uow.tenant_id, k.case_id.in_(sorted(persons))
    )
    versions = {r["case_id"]: r["version"] for r in rows}
    for x in uow.conn.execute(q):
        if versions[x.case_id] == x.version:
            persons[x.case_id].add(x.child_id)
    flagged = protected(uow, (n for nos in persons.values() for n in nos))
    return {c for c, nos in persons.items() if nos & flagged}


def case_tasks(uow: Any, case_id: str) -> list[dict[str, Any]]:
    t = welfare_task.c
    rows = uow.conn.execute(
        sa.select(welfare_task).where(t.tenant_id == uow.tenant_id, t.case_id == case_id).order_by(t.task_id)
    ).mappings()
    return [dict(r) for r in rows]


def version_pair(uow: Any, case_id: str, version: int) -> tuple[dict[str, Any], dict[str, Any] | None, CaseState]:
    """Version ``version`` of the case, the version before it (or None) and its state."""
    v = welfare_case_version.c
    rows = uow.conn.execute(
        sa.select(v.version, v.reason_code, v.reason, v.valid_from, v.monthly_amount, v.start_month, v.end_month,
                  v.state, v.recorded_at)
        .where(v.tenant_id == uow.tenant_id, v.case_id == case_id, v.version.in_([version - 1, version]))
        .order_by(v.version)
    ).mappings().all()  # fmt: skip
    found = [dict(r) for r in rows]
    current = next((r for r in found if r["version"] == version), None)
    if current is None:
        raise NotFound(f"受給者番号 {case_id} の第{version}版はありません", field="版")
    previous = next((r for r in found if r["version"] == version - 1), None)
    return current, previous, CaseState.model_validate(current["state"])


def run_of(uow: Any, run_id: str) -> dict[str, Any]:
    r = welfare_payment_run.c
    row = uow.conn.execute(
        sa.select(r.run_id, r.allowance, r.payment_month, r.status, r.transfer_on, r.started_at, r.completed_at,
                  r.started_by, r.known_seq, r.summary)
        .where(r.tenant_id == uow.tenant_id, r.run_id == run_id)
    ).mappings().first()  # fmt: skip
    if row is None:
        raise NotFound(f"支払処理 {run_id} はありません", field="支払処理")
    return {**dict(row), "payment_label": month_label(row["payment_month"])}


def run_lines(uow: Any, run_id: str, status: str | None = None, limit: int = LINES_SHOWN) -> list[dict[str, Any]]:
    """The first ``limit`` lines of a run (with the recipients' names); audited."""
    x = welfare_payment_line.c
    q = sa.select(x.case_id, x.recipient, x.status, x.amount, x.regular, x.arrears, x.overpaid, x.months).where(
        x.tenant_id == uow.tenant_id, x.run_id == run_id
    )
    if status:
        q = q.where(x.status == status)
    rows = [dict(r) for r in uow.conn.execute(q.order_by(x.case_id).limit(limit)).mappings()]
    who = names(uow, (r["recipient"] for r in rows))
    for r in rows:
        r["name"] = who.get(r["recipient"], {}).get("name", "")
    uow.audit("welfare.payment", "read", target_type="welfare_payment_run", target_id=run_id,
              detail=f"lines {len(rows)}")  # fmt: skip
    return rows


def payment_line(uow: Any, run_id: str, case_id: str) -> dict[str, Any]:
    x = welfare_payment_line.c
    row = uow.conn.execute(
        sa.select(welfare_payment_line).where(x.tenant_id == uow.tenant_id, x.run_id == run_id, x.case_id == case_id)
    ).mappings().first()  # fmt: skip
    if row is None:
        raise NotFound(f"支払処理 {run_id} に受給者番号 {case_id} の支払はありません", field="受給者番号")
    return dict(row)


def current_state(uow: Any, case_id: str) -> CaseState:
    v = welfare_case_version.c
    row = uow.conn.execute(
        sa.select(v.state).where(v.tenant_id == uow.tenant_id, v.case_id == case_id).order_by(v.version.desc()).limit(1)
    ).first()  # fmt: skip
    if row is None:
        raise NotFound(f"受給者番号 {case_id} の台帳はありません", field="受給者番号")
    return CaseState.model_validate(row.state)
