"""SQL storage of accounts, the 振込依頼人, incomes and task completion (the ``SupportStore`` port)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.tables.welfare import welfare_bank_account, welfare_payer, welfare_task
from kikan.adapters.db.welfare_income import write_income
from kikan.adapters.db.welfare_store import change_seq


class SqlSupportStore:
    def __init__(self, uow: Any):
        self.uow = uow

    def add_income(self, addressee_no: str, year: int, total: int, items: dict[str, int], source: str) -> int:
        return write_income(self.uow, change_seq(self.uow), addressee_no=addressee_no, year=year, total=total,
                            items=items, source=source)  # fmt: skip

    def add_account(self, addressee_no: str, fields: dict[str, Any]) -> int:
        a = welfare_bank_account.c
        last = self.uow.conn.execute(
            sa.select(sa.func.max(a.version)).where(
                a.tenant_id == self.uow.tenant_id, a.addressee_no == addressee_no
            )
        ).scalar()
        version = int(last or 0) + 1
        self.uow.conn.execute(sa.insert(welfare_bank_account), {
            "tenant_id": self.uow.tenant_id, "addressee_no": addressee_no, "version": version,
            "change_seq": change_seq(self.uow), "recorded_at": self.uow.now, "recorded_by": self.uow.actor.actor_id,
            **fields,
        })  # fmt: skip
        return version

    def set_payer(self, allowance: str, data: dict[str, Any], pay_day: int) -> None:
        p = welfare_payer.c
        values = {
            "data": data,
            "pay_day": pay_day,
            "updated_at": self.uow.now,
            "updated_by": self.uow.actor.actor_id,
        }
        n = self.uow.conn.execute(
            sa.update(welfare_payer)
            .where(p.tenant_id == self.uow.tenant_id, p.allowance == allowance)
            .values(**values)
        ).rowcount
        if not n:
            self.uow.conn.execute(
                sa.insert(welfare_payer), {"tenant_id": self.uow.tenant_id, "allowance": allowance, **values}
            )

    def complete_task(self, task_id: str, note: str) -> bool:
        t = welfare_task.c
        n = self.uow.conn.execute(
            sa.update(welfare_task)
            .where(t.tenant_id == self.uow.tenant_id, t.task_id == task_id, t.status == "open")
            .values(status="done", done_at=self.uow.now, done_by=self.uow.actor.actor_id, note=note)
        ).rowcount
        return bool(n)


def payer(conn: sa.Connection, tenant_id: str, allowance: str) -> tuple[dict[str, Any], int] | None:
    p = welfare_payer.c
    row = conn.execute(
        sa.select(p.data, p.pay_day).where(p.tenant_id == tenant_id, p.allowance == allowance)
    ).first()
    return None if row is None else (dict(row.data), int(row.pay_day))


def current_account(conn: sa.Connection, tenant_id: str, addressee_no: str) -> dict[str, Any] | None:
    a = welfare_bank_account.c
    row = conn.execute(
        sa.select(welfare_bank_account).where(a.tenant_id == tenant_id, a.addressee_no == addressee_no)
        .order_by(a.version.desc()).limit(1)
    ).mappings().first()  # fmt: skip
    return dict(row) if row else None
