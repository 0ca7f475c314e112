"""Helpers of the EUC integration tests: residents recorded through the registry's own code."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db import juki_repo
from kikan.adapters.db.juki_repo import RowInfo
from kikan.adapters.db.tables.core import audit_log
from kikan.juki.services import RecordMoveIn, RecordMoveOut, build, move_in, move_out

TODAY = date(2024, 4, 10)


def person(family: str, given: str = "太郎", born: str = "1970-04-01", sex: str = "1", rel: str = "世帯主",
           **kw: Any) -> dict[str, Any]:  # fmt: skip
    return {"family_name": family, "given_name": given, "birth_date": born, "sex": sex, "relationship": rel, **kw}


def registry_move_in(db: Any, ctx: Any, *persons: dict[str, Any], address: str = "東京都千代田区松町１番地") -> Any:
    cmd = build(RecordMoveIn, {"event_on": "2024-04-01", "reported_on": "2024-04-01",
                               "previous_address": "東京都港区竹町２番地", "address": {"address": address},
                               "persons": list(persons)})  # fmt: skip
    with db.uow(ctx) as uow:
        r = move_in(cmd, uow, today=TODAY)
        uow.commit()
    return r


def registry_move_out(db: Any, ctx: Any, nos: list[str]) -> Any:
    cmd = build(RecordMoveOut, {"addressee_nos": nos, "event_on": "2024-04-08", "reported_on": "2024-04-08",
                                "destination": "大阪府大阪市北区梅町３番地"})  # fmt: skip
    with db.uow(ctx) as uow:
        r = move_out(cmd, uow, today=TODAY)
        uow.commit()
    return r


def many_residents(db: Any, ctx: Any, n: int, household_no: str) -> list[str]:
    """``n`` migrated residents written straight through the registry's repository (fast, no events)."""
    info = RowInfo(event_code="131", event_on=date(2024, 4, 1), processed_on=TODAY, move_id="bulk")
    with db.uow(ctx) as uow:
        nos = juki_repo.new_addressee_nos(uow, n)
        for i, no in enumerate(nos):
            juki_repo.write_snapshot(uow, {"addressee_no": no, "household_no": household_no, "status": "resident",
                                           "resident_kind": "japanese", "family_name": "多数", "given_name": f"{i:03d}",
                                           "birth_date": date(2000, 1, 1), "sex": "2"}, info)  # fmt: skip
        uow.commit()
    return nos


def audits(db: Any, ctx: Any, function: str) -> list[Any]:
    with db.uow(ctx) as uow:
        q = (sa.select(audit_log).where(audit_log.c.tenant_id == ctx.tenant_id, audit_log.c.function == function)
             .order_by(audit_log.c.seq))  # fmt: skip
        return list(uow.conn.execute(q).all())
