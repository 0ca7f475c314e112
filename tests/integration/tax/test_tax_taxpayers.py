"""Taxpayers on 1 January from the registry's PUBLISHED records (linkage feed), both backends."""

from __future__ import annotations

import sqlalchemy as sa
from tax_support import death, move_in_family, move_out_persons, person, utc

from kikan.adapters.db import tax_runs
from kikan.adapters.db.tables.tax import tax_assessment, tax_registry_row
from kikan.adapters.db.tax_registry_source import DbRegistryReader, sync_registry
from kikan.tax.individual_resident.taxpayers import base_date


def _assessed(db, tctx, fy: int = 2026) -> set[str]:
    with db.uow(tctx) as uow:
        a = tax_assessment.c
        return {x for (x,) in uow.conn.execute(sa.select(a.addressee_no).where(
            a.tenant_id == tctx.tenant_id, a.fiscal_year == fy)).all()}  # fmt: skip


def test_residents_on_1_january_are_taxed_per_the_registry_history(db, ctx, tctx) -> None:
    stay = move_in_family(db, ctx, person(), person(given="花子", sex="2", born="1982-02-02", rel="妻"))
    late = move_in_family(
        db, ctx, person(family="遅入"), event_on="2026-01-02", address="東京都千代田区竹町３番地"
    )
    leave = move_in_family(db, ctx, person(family="転出"), address="東京都千代田区梅町２番地")
    early = move_in_family(db, ctx, person(family="年内"), address="東京都千代田区桜町４番地")
    died = move_in_family(db, ctx, person(family="死亡"), address="東京都千代田区桃町５番地")
    move_out_persons(db, ctx, leave, "2026-01-02")
    move_out_persons(db, ctx, early, "2026-01-01")
    death(db, ctx, died[0], "2026-01-05")
    rep = tax_runs.run_assessment(db, tctx, 2026, chunk_size=3)
    assert rep.status == "completed" and rep.taxpayers == 4
    assert _assessed(db, tctx) == {*stay, *leave, *died}
    with db.uow(tctx) as uow:
        people = DbRegistryReader(uow).residents_on(base_date(2026), known_at=uow.now)
        assert {p.addressee_no for p in people} == {*stay, *leave, *died}
        assert len({p.household_no for p in people if p.addressee_no in stay}) == 1
        later = DbRegistryReader(uow).residents_on(base_date(2027), known_at=uow.now)
        assert {p.addressee_no for p in later} == {*stay, *late}


def test_the_pull_is_idempotent_and_remembers_when_it_received_each_record(db, ctx, tctx) -> None:
    nos = move_in_family(db, ctx, person())
    first = sync_registry(db, tctx)
    again = sync_registry(db, tctx)
    assert first.stored >= 1 and again.stored == 0 and again.phase == "changes"
    move_out_persons(db, ctx, nos, "2026-03-01")
    third = sync_registry(db, tctx)
    assert third.stored == 1
    with db.uow(tctx) as uow:
        r = tax_registry_row.c
        rows = uow.conn.execute(sa.select(r.history_no, r.source, r.event_on, r.received_at).where(
            r.tenant_id == tctx.tenant_id, r.addressee_no == nos[0]).order_by(r.history_no)).all()  # fmt: skip
        assert [x.history_no for x in rows] == [1, 2] and rows[1].event_on.isoformat() == "2026-03-01"
        people = DbRegistryReader(uow).residents_on(base_date(2026), known_at=rows[0].received_at)
        assert [p.addressee_no for p in people] == nos
        assert DbRegistryReader(uow).residents_on(base_date(2026), known_at=utc(2000, 1, 1)) == []
