"""支援措置 across businesses: ``juki.support_measures`` and the ``protected`` flag of ``juki.residents`` /
``juki.households`` (住民基本台帳事務処理要領 第5-10), through the same feed, snapshots, files, grants
and JSON Schemas as every dataset. A measure's start, approval, extension, end and continuation are
each published after the cursor; the reason and the 加害者 are never published."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from linkage_support import TODAY, client, enter, person, relocate, token, token_form

from kikan.adapters.db import linkage_feed as feed
from kikan.adapters.db.juki_blocks import SqlBlockStore
from kikan.core.tenancy import Actor, TenantContext
from kikan.juki import block_services as svc
from kikan.linkage import datasets
from tests.conftest import login_client, make_staff

BASE = "/api/v1/linkage"
SUPPORT, RESIDENTS, HOUSEHOLDS = (
    datasets.REGISTRY[n] for n in ("juki.support_measures", "juki.residents", "juki.households")
)
SUPPORT_KEYS = {
    "addressee_no", "protected", "stage", "start_on", "end_on", "extended_until", "ended_on",
    "restrict_third_party_issuance", "conceal_address",
}  # fmt: skip
OFFENDER = "加害者は元配偶者の山田一郎（大阪府大阪市北区梅町３番地）"
END_REASON = "本人から終了の申出（転居先で安全を確保）"


@pytest.fixture
def http(app):
    return TestClient(app)


def bearer(tok: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tok}"}


def drain(db, ctx, ds, after=None, limit=100) -> tuple[list[dict[str, Any]], str]:
    items: list[dict[str, Any]] = []
    while True:
        with db.uow(ctx) as uow:
            page = feed.read_changes(uow.conn, uow.tenant_id, ds, after, limit)
        items += page.items
        after = page.next_cursor
        if not page.has_more:
            return items, after


def snap_all(db, ctx, ds, limit=100) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    cursor = None
    while True:
        with db.uow(ctx) as uow:
            page = feed.read_snapshot(uow.conn, uow.tenant_id, ds, cursor, limit)
        out += page.items
        cursor = page.next_cursor
        if not page.has_more:
            return out


def validate(ds, items) -> None:
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    schema = datasets.json_schema(ds)
    assert items
    for i in items:
        jsonschema_rs.validate(schema, i["data"])


def run(db, ctx, fn, cmd, today=TODAY):
    with db.uow(ctx) as uow:
        out = fn(cmd, uow, today=today, store=SqlBlockStore(uow))
        uow.commit()
    return out


def cursors(db, ctx) -> dict[str, str]:
    """Every registry dataset drained: the cursors to read what comes next."""
    return {ds.name: drain(db, ctx, ds)[1] for ds in (SUPPORT, RESIDENTS, HOUSEHOLDS)}


def test_starting_a_measure_publishes_it_and_flips_protected(db, ctx):
    fam = enter(db, ctx, person(), person(rel="妻", sex="2"))
    head, wife = fam.addressee_nos
    at = cursors(db, ctx)
    assert drain(db, ctx, SUPPORT)[0] == []  # nothing before a measure
    m = run(db, ctx, svc.start_support, svc.StartSupport(wife, TODAY, provisional=False, reason=OFFENDER))

    (rec,) = drain(db, ctx, SUPPORT, at["juki.support_measures"])[0]
    assert rec["event_type"] == "SupportMeasureStarted" and rec["occurred_on"] == TODAY.isoformat()
    assert rec["data"] == {
        "addressee_no": wife, "protected": True, "stage": "approved", "start_on": "2024-04-10",
        "end_on": "2025-04-09", "extended_until": None, "ended_on": None,
        "restrict_third_party_issuance": True, "conceal_address": True,
    }  # fmt: skip
    assert set(rec["data"]) == SUPPORT_KEYS and rec["id"].startswith(f"{wife}@")

    (res,) = drain(db, ctx, RESIDENTS, at["juki.residents"])[0]
    assert res["data"]["addressee_no"] == wife and res["data"]["protected"] is True
    assert res["data"]["history_no"] == 1 and res["id"] == f"{wife}-1#{rec['event_id']}"
    (hh,) = drain(db, ctx, HOUSEHOLDS, at["juki.households"])[0]
    assert hh["data"]["household_no"] == fam.household_no and hh["data"]["protected"] is True
    assert hh["data"]["protected_member_addressee_nos"] == [wife]
    assert hh["data"]["member_addressee_nos"] == [head, wife]
    assert hh["id"] == f"{fam.household_no}@{hh['data']['version']}#{rec['event_id']}"

    residents = {i["data"]["addressee_no"]: i for i in snap_all(db, ctx, RESIDENTS, limit=1)}
    assert (residents[head]["data"]["protected"], residents[wife]["data"]["protected"]) == (False, True)
    assert residents[wife]["id"] == f"{wife}-1"
    (household,) = [i for i in snap_all(db, ctx, HOUSEHOLDS) if i["data"]["household_no"] == fam.household_no]
    assert household["data"]["protected_member_addressee_nos"] == [wife]
    assert [i["data"] for i in snap_all(db, ctx, SUPPORT)] == [rec["data"]]

    # a later 異動 of the protected person carries the flag on its new history row
    after_move = drain(db, ctx, RESIDENTS, at["juki.residents"])[1]
    relocate(db, ctx, [head, wife], "東京都千代田区竹町２番地")
    moved = {i["data"]["addressee_no"]: i["data"] for i in drain(db, ctx, RESIDENTS, after_move)[0]}
    assert (moved[head]["protected"], moved[wife]["protected"], moved[wife]["history_no"]) == (False, True, 2)
    validate(SUPPORT, [rec])
    validate(RESIDENTS, [res, *residents.values()])
    validate(HOUSEHOLDS, [hh, household])
    assert m.reason == OFFENDER  # the registry keeps it …
    everything = [*drain(db, ctx, SUPPORT)[0], *drain(db, ctx, RESIDENTS)[0], *drain(db, ctx, HOUSEHOLDS)[0]]
    assert OFFENDER not in json.dumps(everything, ensure_ascii=False)  # … the linkage never publishes it


def test_every_transition_is_published_and_the_end_turns_the_flags_off(db, ctx):
    (wife,) = enter(db, ctx, person(rel="世帯主", sex="2")).addressee_nos
    at = cursors(db, ctx)
    prov = run(db, ctx, svc.start_support, svc.StartSupport(wife, TODAY, reason=OFFENDER))
    ok = run(db, ctx, svc.approve_support, svc.ApproveSupport(prov.block_id))
    new = run(db, ctx, svc.extend_support, svc.ExtendSupport(ok.block_id), today=date(2025, 3, 20))
    run(db, ctx, svc.end_support, svc.EndSupport(new.block_id, END_REASON), today=date(2025, 5, 1))

    items, end = drain(db, ctx, SUPPORT, at["juki.support_measures"])
    assert [i["event_type"] for i in items] == [
        "SupportMeasureStarted", "SupportMeasureApproved", "SupportMeasureExtended", "SupportMeasureEnded",
    ]  # fmt: skip
    # state semantics: every record is the state at the pull, i.e. the end, under one id
    assert len({i["id"] for i in items}) == 1
    ended = {
        "addressee_no": wife, "protected": False, "stage": "approved", "start_on": "2024-04-10",
        "end_on": "2025-04-09", "extended_until": "2026-04-09", "ended_on": "2025-05-01",
        "restrict_third_party_issuance": False, "conceal_address": False,
    }  # fmt: skip
    assert all(i["data"] == ended for i in items)
    assert all(set(i["data"]) == SUPPORT_KEYS for i in items)
    assert drain(db, ctx, SUPPORT, end)[0] == []
    assert snap_all(db, ctx, SUPPORT) == []  # a whole file lists the persons protected now

    residents = drain(db, ctx, RESIDENTS, at["juki.residents"])[0]
    assert len(residents) == 4 and all(i["data"]["protected"] is False for i in residents)
    assert len({i["id"] for i in residents}) == 4
    households = drain(db, ctx, HOUSEHOLDS, at["juki.households"])[0]
    assert households and all(i["data"]["protected_member_addressee_nos"] == [] for i in households)
    validate(SUPPORT, items)
    validate(RESIDENTS, residents)
    text = json.dumps(items + residents + households, ensure_ascii=False)
    assert OFFENDER not in text and END_REASON not in text


def test_each_state_on_the_way_as_a_consumer_polling_after_each_step_sees_it(db, ctx):
    (wife,) = enter(db, ctx, person(rel="世帯主", sex="2")).addressee_nos
    at = cursors(db, ctx)
    cur = at["juki.support_measures"]
    seen: list[dict[str, Any]] = []

    def step() -> dict[str, Any]:
        nonlocal cur
        items, cur = drain(db, ctx, SUPPORT, cur)
        (item,) = items
        seen.append(item)
        return dict(item["data"])

    prov = run(db, ctx, svc.start_support, svc.StartSupport(wife, TODAY))
    assert step() == {"addressee_no": wife, "protected": True, "stage": "provisional", "start_on": "2024-04-10",
                      "end_on": None, "extended_until": None, "ended_on": None,
                      "restrict_third_party_issuance": True, "conceal_address": True}  # fmt: skip
    ok = run(db, ctx, svc.approve_support, svc.ApproveSupport(prov.block_id, start_on=date(2024, 4, 20)))
    assert step()["stage"] == "approved" and seen[-1]["data"]["end_on"] == "2025-04-19"
    system = TenantContext(ctx.tenant_id, Actor("system:batch", kind="batch"))
    with db.uow(system) as uow:
        svc.continue_after_move_out(wife, uow, today=date(2024, 6, 1), store=SqlBlockStore(uow))
        uow.commit()
    assert step()["stage"] == "continued"
    new = run(db, ctx, svc.extend_support, svc.ExtendSupport(ok.block_id), today=date(2025, 4, 1))
    assert step()["extended_until"] == "2026-04-19" and seen[-1]["data"]["protected"] is True
    run(db, ctx, svc.end_support, svc.EndSupport(new.block_id, END_REASON), today=date(2025, 6, 1))
    last = step()
    assert (last["protected"], last["ended_on"], last["conceal_address"]) == (False, "2025-06-01", False)
    assert len({i["id"] for i in seen}) == len(seen) == 5
    validate(SUPPORT, seen)
    # a new measure later is a new state again (not mistaken for the first one)
    run(db, ctx, svc.start_support, svc.StartSupport(wife, date(2025, 7, 1), provisional=False))
    again = step()
    assert again["protected"] is True and again["start_on"] == "2025-07-01" and again["ended_on"] is None
    assert seen[-1]["id"] not in {i["id"] for i in seen[:-1]}


def test_paging_files_and_the_served_schema(db, http, ctx):
    nos = [enter(db, ctx, person()).addressee_nos[0] for _ in range(3)]
    for no in nos:
        run(db, ctx, svc.start_support, svc.StartSupport(no, TODAY, provisional=False, reason=OFFENDER))
    whole, end = drain(db, ctx, SUPPORT)
    paged, paged_end = drain(db, ctx, SUPPORT, limit=1)
    assert paged == whole and paged_end == end and [i["data"]["addressee_no"] for i in whole] == nos
    assert [i["data"]["addressee_no"] for i in snap_all(db, ctx, SUPPORT, limit=2)] == sorted(nos)

    cid, secret = client(db, ctx.tenant_id, ("juki.support_measures", "juki.residents", "juki.households"))
    h = bearer(token(http, cid, secret))
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    for ds in (SUPPORT, RESIDENTS, HOUSEHOLDS):
        schema = http.get(f"{BASE}/datasets/{ds.name}/schema", headers=h).json()
        assert schema["x-kikan-version"] == ds.version
        for kind in ("changes", "snapshot"):
            body = http.get(f"{BASE}/{ds.name}/{kind}", headers=h).json()
            assert body["items"] and body["version"] == ds.version, (ds.name, kind)
            for i in body["items"]:
                jsonschema_rs.validate(schema, i["data"])
    r = http.get(f"{BASE}/juki.support_measures/export", params={"header": "name"}, headers=h)
    assert r.status_code == 200
    lines = list(csv.reader(io.StringIO(r.content.decode("utf-8"), newline="")))
    assert lines[0] == [f.name for f in SUPPORT.csv_fields] and len(lines) == 4
    assert {ln[0] for ln in lines[1:]} == set(nos) and all(ln[1] == "1" for ln in lines[1:])
    assert OFFENDER not in r.content.decode("utf-8")
    res = http.get(f"{BASE}/juki.residents/export", headers=h).content.decode("utf-8")
    header, *rows = list(csv.reader(io.StringIO(res, newline="")))
    assert header[-1] == "protected" and rows and all(row[-1] == "1" for row in rows)


def test_a_client_without_the_grant_gets_403(db, http, ctx):
    (wife,) = enter(db, ctx, person(rel="世帯主", sex="2")).addressee_nos
    run(db, ctx, svc.start_support, svc.StartSupport(wife, TODAY, provisional=False))
    cid, secret = client(db, ctx.tenant_id, ("juki.residents",))
    h = bearer(token(http, cid, secret))
    residents = http.get(f"{BASE}/juki.residents/snapshot", headers=h)
    assert residents.status_code == 200 and residents.json()["items"][0]["data"]["protected"] is True
    for path in ("changes", "snapshot", "export"):
        r = http.get(f"{BASE}/juki.support_measures/{path}", headers=h)
        assert r.status_code == 403 and r.json()["error"]["code"] == "insufficient_scope", path
    refused = http.post(f"{BASE}/token", data=token_form(cid, secret, scope="juki.support_measures"))
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_scope"
    granted, gsecret = client(db, ctx.tenant_id, ("juki.support_measures",))
    ok = http.get(f"{BASE}/juki.support_measures/changes", headers=bearer(token(http, granted, gsecret)))
    assert ok.status_code == 200 and [i["data"]["addressee_no"] for i in ok.json()["items"]] == [wife]


def test_staff_need_the_registry_permission_to_browse_it(db, app, ctx):
    (wife,) = enter(db, ctx, person(rel="世帯主", sex="2")).addressee_nos
    run(db, ctx, svc.start_support, svc.StartSupport(wife, TODAY, provisional=False))
    assert SUPPORT.permission == "juki.block.manage" and SUPPORT.owner == "juki"
    tax = login_client(app, make_staff(db, ctx.tenant_id, ["tax_clerk"]))
    catalogue = {d["name"]: d for d in tax.get(f"{BASE}/datasets").json()}
    assert catalogue["juki.support_measures"]["permission"] == "juki.block.manage"
    assert tax.get(f"{BASE}/juki.residents/changes").status_code == 200
    r = tax.get(f"{BASE}/juki.support_measures/changes")
    assert r.status_code == 403 and "juki.block.manage" in r.json()["error"]["message"]
    both = login_client(app, make_staff(db, ctx.tenant_id, ["tax_clerk", "registry_supervisor"]))
    assert both.get(f"{BASE}/juki.support_measures/changes").status_code == 200
