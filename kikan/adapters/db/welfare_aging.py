"""Month boundary: automatic 額改定（減額） when a child ages (3歳到達月の翌月, 18歳年度末, 第3子の
数え方の変化) and 消滅 when no 児童 remains — no claim needed (児童手当法第9条第3項・第8条第2項,
児童扶養手当法第8条第3項・第7条第1項).

Which cases change is decided for the whole city at once: ``calculate_batch`` for the month before
and the month itself over every case (as of now). Only the cases that change get a new version,
each computed by the one-case core so it carries its trace, plus a task to send the notice.
Idempotent: a case whose current version already applies from the month is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from kikan.adapters.db import welfare_columns as wc
from kikan.adapters.db.database import Database
from kikan.adapters.db.welfare_feed import context
from kikan.adapters.db.welfare_store import SqlCaseStore, committed_seq
from kikan.core.errors import DomainError
from kikan.welfare import child_allowance as ca
from kikan.welfare import child_rearing_allowance as cra
from kikan.welfare import month_label, month_start
from kikan.welfare.cases import tasks
from kikan.welfare.cases.amounts import compute
from kikan.welfare.cases.changes import end_case
from kikan.welfare.cases.commands import Extinguish
from kikan.welfare.cases.services import version_of, write
from kikan.welfare.payments.compute import CaseColumns

STATUS_ALLOWANCE, CA_NO_CHILD = 1, 4
PER_TRANSACTION = 200


@dataclass(frozen=True)
class AgingReport:
    cases: int
    decreased: int
    extinguished: int
    skipped: int


def _outputs(allowance: str, c: CaseColumns, month: int) -> dict[str, np.ndarray]:
    base = {"start_month": c.start_month, "end_month": c.end_month, "child.owner": c.child_owner,
            "child.birth_date": c.child_birth, "child.in_facility": c.child_in_facility,
            "child.from_month": c.child_from, "child.until_month": c.child_until}  # fmt: skip
    if allowance == "child_allowance":
        return ca.calculate_batch(
            {**base, "child.supported": c.child_supported}, ca.national_parameters(), month_start(month)
        )
    return cra.calculate_batch(
        {**base, "child.disabled": c.child_disabled}, cra.national_parameters(), month_start(month)
    )


def decide(allowance: str, c: CaseColumns, month: int) -> tuple[np.ndarray, np.ndarray]:
    """(decrease, extinguish) masks over the case rows for the boundary into ``month``."""
    before, now = _outputs(allowance, c, month - 1), _outputs(allowance, c, month)
    running = (c.start_month <= month - 1) & (month <= c.end_month)
    if allowance == "child_allowance":
        was = before["status"] == STATUS_ALLOWANCE
        gone = was & (now["status"] == CA_NO_CHILD)
        lower = was & (now["status"] == STATUS_ALLOWANCE) & (now["amount"] < before["amount"])
    else:
        gone = (before["eligible_children"] > 0) & (now["eligible_children"] == 0)
        lower = (now["eligible_children"] > 0) & (now["eligible_children"] < before["eligible_children"])
    return lower & running, gone & running


def month_boundary(db: Database, tenant_id: str, *, allowance: str, month: int) -> AgingReport:
    """Record the age-driven changes of ``month`` (run on or after its first day; rerun-safe)."""
    ctx = context(tenant_id)
    with db.uow(ctx) as uow:
        known = committed_seq(uow.conn, tenant_id)
        cols, _ = wc.read_cases(uow.conn, tenant_id, allowance, known, None, month, statuses=("certified",))
    lower, gone = decide(allowance, cols, month)
    todo = [(str(cid), bool(g)) for cid, g, hit in zip(cols.case_ids, gone, lower | gone, strict=True) if hit]
    dec = ext = skipped = 0
    first = month_start(month)
    for i in range(0, len(todo), PER_TRANSACTION):
        with db.uow(ctx) as uow:
            store = SqlCaseStore(uow)
            for case_id, is_gone in todo[i : i + PER_TRANSACTION]:
                rec = store.get(case_id)
                if rec is None or rec.state.status != "certified" or rec.valid_from >= first:
                    skipped += 1
                    continue
                try:
                    with uow.conn.begin_nested():
                        if is_gone:
                            last = date.fromordinal(first.toordinal() - 1)
                            end_case(Extinguish(case_id=case_id, ended_on=last, end_reason="no_child",
                                                   note="年齢到達"), uow, store, rec, rec.state, source="batch:aging")  # fmt: skip
                            ext += 1
                        else:
                            comp = compute(rec.state, month, store.incomes)
                            t = tasks.task("aging_notice", key=f"{case_id}:{month_label(month)}", source="batch:aging",
                                           case_id=case_id, addressee_no=rec.state.recipient,
                                           detail=f"{month_label(month)}分から {rec.monthly_amount:,}円 → {comp.monthly_amount:,}円")  # fmt: skip
                            write(uow, store, rec, version_of(rec.state, comp, "aging_decrease"), tasks=(t,))
                            dec += 1
                except DomainError as e:
                    skipped += 1
                    store.open_task(tasks.task("aging_notice", key=f"{case_id}:{month_label(month)}", source="batch:aging",
                                               case_id=case_id, detail=f"自動の額改定ができませんでした: {e.message}"))  # fmt: skip
            uow.commit()
    return AgingReport(len(cols), dec, ext, skipped)


__all__ = ["AgingReport", "decide", "month_boundary"]
