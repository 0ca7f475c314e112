"""Helpers of the 団体内統合宛名 integration tests: registry 異動 through the registry's own services."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db import addressee_sync
from kikan.adapters.db.tables.addressee import addressee_link, addressee_record, addressee_version
from kikan.addressee import commands, services
from kikan.juki.services import RecordMoveIn, RecordMoveOut, build, move_in, move_out

TODAY = date(2024, 4, 10)


def person(family: str = "山田", given: str = "太郎", born: str = "1970-04-01", sex: str = "1",
           rel: str = "世帯主", **kw: Any) -> dict[str, Any]:  # fmt: skip
    return {"family_name": family, "given_name": given, "birth_date": born, "sex": sex, "relationship": rel,
            "family_name_kana": kw.pop("kana_f", "ヤマダ"), "given_name_kana": kw.pop("kana_g", "タロウ"), **kw}  # fmt: skip


def registry_move_in(db: Any, ctx: Any, *persons: dict[str, Any], address: str = "東京都千代田区松町１番地") -> Any:
    cmd = build(RecordMoveIn, {"event_on": "2024-04-01", "reported_on": "2024-04-01",
                               "previous_address": "東京都港区竹町２番地", "address": {"address": address},
                               "persons": list(persons)})  # fmt: skip
    with db.uow(ctx) as uow:
        r = move_in(cmd, uow, today=TODAY)
        uow.commit()
    return r


def registry_move_out(db: Any, ctx: Any, nos: list[str], destination: str = "大阪府大阪市北区梅町３番地") -> Any:
    cmd = build(RecordMoveOut, {"addressee_nos": nos, "event_on": "2024-04-08", "reported_on": "2024-04-08",
                                "destination": destination})  # fmt: skip
    with db.uow(ctx) as uow:
        r = move_out(cmd, uow, today=TODAY)
        uow.commit()
    return r


def sync(db: Any, ctx: Any, **kw: Any) -> addressee_sync.SyncResult:
    return addressee_sync.catch_up(db, ctx, **kw)


def call(db: Any, ctx: Any, fn: Any, *args: Any, **kw: Any) -> Any:
    with db.uow(ctx) as uow:
        out = fn(*args, uow, **kw)
        uow.commit()
    return out


def inquire(db: Any, ctx: Any, **data: Any) -> services.InquiryResult:
    return call(db, ctx, services.inquire, commands.build(commands.Inquiry, data), today=TODAY)


def number(db: Any, ctx: Any, **data: Any) -> services.NumberingResult:
    return call(db, ctx, services.number, commands.build(commands.NumberRequest, data), today=TODAY)


def by_business(db: Any, ctx: Any, business: str, no: str, history: bool = False) -> Any:
    with db.uow(ctx) as uow:
        return services.get_by_business(uow, business, no, history=history)


def counts(db: Any, ctx: Any) -> tuple[int, int, int]:
    with db.uow(ctx) as uow:
        return tuple(  # type: ignore[return-value]
            uow.conn.execute(sa.select(sa.func.count()).select_from(t).where(t.c.tenant_id == ctx.tenant_id)).scalar()
            for t in (addressee_record, addressee_version, addressee_link)
        )


LAND_OWNER = {"family_name": "佐藤", "given_name": "花子", "family_name_kana": "サトウ", "given_name_kana": "ハナコ",
              "birth_date": "1955-06-15", "sex": "2", "address": "北海道札幌市中央区北一条西２丁目"}  # fmt: skip
