"""SQL storage of the welfare cases (the :class:`~kikan.welfare.cases.ports.CaseStore` port).

Every write of a case version, an account or an income takes ONE value of the tenant counter
``welfare.change`` per unit of work (gap-free, commit-ordered: the counter row stays locked until
commit), so "the data as of ``known_seq``" is exact and a payment run that is resumed reads the
same rows as before. All queries filter ``tenant_id`` (PostgreSQL row-level security is the backstop).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db import counters
from kikan.adapters.db.tables.welfare import (
    welfare_case,
    welfare_case_child,
    welfare_case_version,
    welfare_life_event,
    welfare_person,
    welfare_task,
)
from kikan.adapters.db.welfare_income import SqlIncomeSource
from kikan.core.errors import Conflict
from kikan.welfare.cases.model import CLAIMANT_KINDS, PENSION_KINDS, CaseState
from kikan.welfare.cases.ports import CaseRecord, LifeEvent, NewTask, NewVersion

CHANGE = "welfare.change"
OPEN = ("claimed", "certified")


def change_seq(uow: Any) -> int:
    """The unit of work's value of ``welfare.change`` (taken once, on its first write)."""
    seq = getattr(uow, "_welfare_seq", None)
    if seq is None:
        seq = counters.advance(uow.conn, uow.tenant_id, CHANGE)[0]
        uow._welfare_seq = seq
    return int(seq)


def committed_seq(conn: sa.Connection, tenant_id: str) -> int:
    return int(counters.peek(conn, tenant_id, CHANGE)[0])


class SqlCaseStore:
    def __init__(self, uow: Any):
        self.uow = uow
        self.incomes = SqlIncomeSource(uow)

    @property
    def _t(self) -> str:
        return str(self.uow.tenant_id)

    def new_case_id(self) -> str:
        return f"{counters.advance(self.uow.conn, self._t, 'welfare.case_no')[0]:010d}"

    def _records(self, where: Any) -> list[CaseRecord]:
        p, v = welfare_case.c, welfare_case_version.c
        q = (
            sa.select(p.case_id, p.version, v.state, v.valid_from, v.monthly_amount)
            .join(welfare_case_version, sa.and_(v.tenant_id == p.tenant_id, v.case_id == p.case_id, v.version == p.version))
            .where(p.tenant_id == self._t, where)
            .order_by(p.case_id)
        )  # fmt: skip
        return [CaseRecord(r.case_id, r.version, CaseState.model_validate(r.state), r.valid_from, int(r.monthly_amount))
                for r in self.uow.conn.execute(q)]  # fmt: skip

    def get(self, case_id: str) -> CaseRecord | None:
        found = self._records(welfare_case.c.case_id == case_id)
        return found[0] if found else None

    def open_cases_of(self, allowance: str, recipient: str) -> list[CaseRecord]:
        p = welfare_case.c
        return self._records(sa.and_(p.allowance == allowance, p.recipient == recipient, p.status.in_(OPEN)))

    def cases_of_recipient(self, recipient: str) -> list[CaseRecord]:
        p = welfare_case.c
        return self._records(sa.and_(p.recipient == recipient, p.status.in_(OPEN)))

    def cases_in_household(self, household_no: str) -> list[CaseRecord]:
        p = welfare_case.c
        return self._records(sa.and_(p.household_no == household_no, p.status.in_(OPEN)))

    def cases_with_child(self, child_id: str) -> list[CaseRecord]:
        p, k = welfare_case.c, welfare_case_child.c
        ids = sa.select(k.case_id).where(k.tenant_id == self._t, k.child_id == child_id, k.version == p.version,
                                         k.case_id == p.case_id)  # fmt: skip
        return self._records(sa.and_(p.status == "certified", sa.exists(ids)))

    def _insert(self, case_id: str, version: int, nv: NewVersion, seq: int) -> None:
        s, a = nv.state, self.uow.actor
        conn = self.uow.conn
        conn.execute(sa.insert(welfare_case_version), {
            "tenant_id": self._t, "case_id": case_id, "version": version, "change_seq": seq,
            "allowance": s.allowance, "status": s.status, "valid_from": nv.valid_from, "reason_code": nv.reason_code,
            "reason": nv.reason[:200], "recorded_at": self.uow.now, "recorded_by": a.actor_id,
            "request_id": a.request_id or "", "start_month": nv.start_month, "end_month": nv.end_month,
            "public_servant": s.public_servant, "claimant_kind": CLAIMANT_KINDS[s.claimant_kind],
            "pension_kind": PENSION_KINDS[s.pension_kind], "pension_annual": s.pension_annual,
            "has_suspension": bool(s.suspensions), "obligors": " ".join(s.obligors),
            "suspensions": [[x.from_month, x.until_month] for x in s.suspensions],
            "monthly_amount": nv.monthly_amount, "state": s.model_dump(mode="json"), "trace": nv.trace,
        })  # fmt: skip
        if s.children:
            conn.execute(sa.insert(welfare_case_child), [
                {"tenant_id": self._t, "case_id": case_id, "version": version, "seq": i, "child_id": c.child_id,
                 "birth_date": c.birth_date, "supported": c.supported, "in_facility": c.in_facility,
                 "disabled": c.disabled, "from_month": fm, "until_month": um}
                for i, (c, (fm, um)) in enumerate(zip(s.children, nv.children, strict=True))
            ])  # fmt: skip

    def add(self, case_id: str, nv: NewVersion) -> int:
        seq = change_seq(self.uow)
        self.uow.conn.execute(sa.insert(welfare_case), {
            "tenant_id": self._t, "case_id": case_id, "allowance": nv.state.allowance, "recipient": nv.state.recipient,
            "household_no": nv.state.household_no, "status": nv.state.status, "version": 1, "change_seq": seq,
            "updated_at": self.uow.now,
        })  # fmt: skip
        self._insert(case_id, 1, nv, seq)
        return 1

    def append(self, record: CaseRecord, nv: NewVersion) -> int:
        seq = change_seq(self.uow)
        p = welfare_case.c
        n = self.uow.conn.execute(
            sa.update(welfare_case)
            .where(p.tenant_id == self._t, p.case_id == record.case_id, p.version == record.version)
            .values(
                version=record.version + 1, status=nv.state.status, change_seq=seq, updated_at=self.uow.now
            )
        ).rowcount
        if n != 1:
            raise Conflict("台帳が他の処理で更新されました。再表示してください", field="case_id")
        self._insert(record.case_id, record.version + 1, nv, seq)
        return record.version + 1

    def set_household(self, recipient: str, household_no: str | None) -> None:
        p = welfare_case.c
        self.uow.conn.execute(
            sa.update(welfare_case)
            .where(p.tenant_id == self._t, p.recipient == recipient)
            .values(household_no=household_no)
        )

    def open_task(self, task: NewTask) -> str | None:
        t = welfare_task.c
        conn = self.uow.conn
        if conn.execute(
            sa.select(t.task_id).where(t.tenant_id == self._t, t.dedupe_key == task.dedupe_key)
        ).first():
            return None
        task_id = f"T{counters.advance(conn, self._t, 'welfare.task')[0]:010d}"
        conn.execute(sa.insert(welfare_task), {
            "tenant_id": self._t, "task_id": task_id, "dedupe_key": task.dedupe_key[:200], "kind": task.kind,
            "title": task.title, "detail": task.detail, "case_id": task.case_id, "addressee_no": task.addressee_no,
            "source": task.source[:80], "due_on": task.due_on, "status": "open", "created_at": self.uow.now,
            "created_by": self.uow.actor.actor_id, "done_at": None, "done_by": None, "note": "",
        })  # fmt: skip
        return task_id

    def household_of(self, addressee_no: str) -> str | None:
        p = welfare_person.c
        return self.uow.conn.execute(  # type: ignore[no-any-return]
            sa.select(p.household_no).where(p.tenant_id == self._t, p.addressee_no == addressee_no)
        ).scalar()

    def life_events(self, addressee_nos: Iterable[str], since: date) -> list[LifeEvent]:
        e = welfare_life_event.c
        q = sa.select(e.event_id, e.event_type, e.event_on).where(
            e.tenant_id == self._t, e.addressee_no.in_(list(addressee_nos)), e.event_on >= since
        )
        return [LifeEvent(r.event_id, r.event_type, r.event_on) for r in self.uow.conn.execute(q)]
