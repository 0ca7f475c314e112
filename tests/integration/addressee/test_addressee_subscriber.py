"""団体内統合宛名 fed by the registry's events: idempotent, resumable, never writing back."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from addressee_helpers import by_business, counts, person, registry_move_in, registry_move_out, sync

from kikan.adapters.db import addressee_sync, juki_repo, outbox
from kikan.adapters.db.juki_repo import RowInfo
from kikan.adapters.db.tables.core import tenant_counter
from kikan.adapters.db.tables.juki import juki_history, juki_resident
from kikan.core.tenancy import Actor, TenantContext
from tests.conftest import random_tenant_code


def test_each_resident_gets_one_integrated_number_through_the_events(db, ctx):
    r = registry_move_in(db, ctx, person(), person(given="花子", sex="2", rel="妻", kana_g="ハナコ"))
    res = sync(db, ctx)
    assert (res.created, res.updated) == (2, 0)
    a = by_business(db, ctx, "juki", r.addressee_nos[0])
    b = by_business(db, ctx, "juki", r.addressee_nos[1])
    assert a.integrated_no != b.integrated_no
    assert (a.source, a.addressee_no, a.registry_addressee_no) == ("resident", r.addressee_nos[0], r.addressee_nos[0])
    assert a.attributes["family_name"] == "山田" and a.attributes["address"] == "東京都千代田区松町１番地"
    assert ("juki", r.addressee_nos[0]) in a.links


def test_running_twice_creates_nothing_new(db, ctx):
    registry_move_in(db, ctx, person())
    sync(db, ctx)
    before = counts(db, ctx)
    with db.uow(ctx) as uow:
        counter = uow.conn.execute(sa.select(tenant_counter.c.value).where(
            tenant_counter.c.tenant_id == ctx.tenant_id, tenant_counter.c.name == "integrated_addressee_no")).scalar()  # fmt: skip
    again = sync(db, ctx)
    assert (again.created, again.updated) == (0, 0)
    assert counts(db, ctx) == before
    with db.uow(ctx) as uow:
        assert uow.conn.execute(sa.select(tenant_counter.c.value).where(
            tenant_counter.c.tenant_id == ctx.tenant_id, tenant_counter.c.name == "integrated_addressee_no")).scalar() == counter  # fmt: skip


def test_resumes_from_its_cursor_batch_by_batch(db, ctx):
    for given, kana in (("一郎", "イチロウ"), ("二郎", "ジロウ"), ("三郎", "サブロウ")):
        registry_move_in(db, ctx, person(given=given, kana_g=kana))
    first = sync(db, ctx, batch=1, max_batches=1)
    assert (first.events, first.created, first.more) == (1, 1, True)
    with db.uow(ctx) as uow:
        assert addressee_sync.cursor(uow) == first.last_seq
    rest = sync(db, ctx, batch=1)
    assert rest.created == 2  # only what came after the cursor
    with db.uow(ctx) as uow:
        assert addressee_sync.cursor(uow) == outbox.last_seq(uow.conn, ctx.tenant_id)


def test_a_batch_rolled_back_repeats_nothing_and_loses_nothing(db, ctx):
    r = registry_move_in(db, ctx, person())
    with db.uow(ctx) as uow:  # a crash after applying, before commit
        assert addressee_sync.apply_batch(uow).created == 1
    with db.uow(ctx) as uow:
        assert addressee_sync.cursor(uow) == 0
    assert counts(db, ctx) == (0, 0, 0)
    assert sync(db, ctx).created == 1
    assert by_business(db, ctx, "juki", r.addressee_nos[0]).version == 1


def test_a_move_out_makes_a_former_resident_reached_at_the_destination(db, ctx):
    r = registry_move_in(db, ctx, person())
    sync(db, ctx)
    registry_move_out(db, ctx, r.addressee_nos)
    res = sync(db, ctx)
    assert (res.created, res.updated) == (0, 1)
    a = by_business(db, ctx, "juki", r.addressee_nos[0], history=True)
    assert (a.source, a.source_label, a.version) == ("former_resident", "元住民（除票）", 2)
    assert a.attributes["address"] == "大阪府大阪市北区梅町３番地"
    assert [h["attributes"]["address"] for h in a.history] == ["東京都千代田区松町１番地", "大阪府大阪市北区梅町３番地"]
    assert a.history[1]["reason"].startswith("住民記録の異動")


def test_the_registry_is_never_written(db, ctx):
    registry_move_in(db, ctx, person())

    def snapshot():
        with db.uow(ctx) as uow:
            return [uow.conn.execute(sa.select(t).where(t.c.tenant_id == ctx.tenant_id)).all()
                    for t in (juki_history, juki_resident)]  # fmt: skip

    before = snapshot()
    sync(db, ctx)
    assert snapshot() == before


def test_the_backfill_reads_published_snapshots_and_overlaps_the_events_safely(db, ctx, monkeypatch):
    r = registry_move_in(db, ctx, person())
    info = RowInfo(event_code="131", event_on=date(2024, 4, 1), processed_on=date(2024, 4, 10), move_id="migrated")
    with db.uow(ctx) as uow:  # a migrated resident: bulk-loaded, no event
        no = juki_repo.new_addressee_nos(uow)[0]
        juki_repo.write_snapshot(uow, {"addressee_no": no, "household_no": r.household_no, "status": "resident",
                                       "resident_kind": "japanese", "family_name": "移行", "given_name": "太郎",
                                       "birth_date": date(1980, 1, 1), "sex": "1"}, info)  # fmt: skip
        uow.commit()
    with db.uow(ctx) as uow:
        assert addressee_sync.backfill_numbers(uow, [no, r.addressee_nos[0]]) == (2, 0)
        uow.commit()
    assert sync(db, ctx).created == 0  # the event of the 転入 finds the person already there
    assert by_business(db, ctx, "juki", no).attributes["family_name"] == "移行"

    def page(uow, after, limit):  # stands in for the registry's published paging (asked for)
        return list(juki_repo.current_many(uow, [n for n in sorted([no, *r.addressee_nos]) if n > after][:limit]).values())

    monkeypatch.setattr(juki_repo, "current_page", page, raising=False)
    total = addressee_sync.backfill(db, ctx, page=1)
    assert (total.events, total.created, total.updated) == (2, 0, 0)


def test_another_tenants_events_are_not_applied(db, ctx):
    registry_move_in(db, ctx, person())
    from kikan.adapters.security import accounts

    other = random_tenant_code()
    try:
        accounts.add_tenant(db, other, "別テスト市")
    except accounts.AccessError:
        return
    octx = TenantContext(other, Actor("clerk02", permissions=ctx.actor.permissions))
    assert sync(db, octx).created == 0
    assert counts(db, octx) == (0, 0, 0)
