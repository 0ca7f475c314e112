"""The datasets of the other businesses — applications.submitted, tax.assessment_status,
tax.household_status — through the same feed, snapshots, files, grants and exchange log as the
registry's: exact change feeds after a cursor, JSON Schema validity, CSV (CP932 with its report),
per-client grants, staff permissions, data minimisation (no 個人番号, no 非課税の理由 or 年税額)."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from linkage_support import client, enter, person, token, token_form

from kikan.adapters.db import applications_intake as intake
from kikan.adapters.db import applications_review as review
from kikan.adapters.db import linkage_exchange as xlog
from kikan.adapters.db import linkage_feed as feed
from kikan.adapters.db import tax_corrections, tax_published, tax_runs
from kikan.adapters.db.juki_blocks import SqlBlockStore
from kikan.applications import catalog
from kikan.applications.status import Status
from kikan.juki import block_services
from kikan.linkage import datasets
from tests.conftest import login_client, make_staff
from tests.integration.tax.tax_support import add_income, set_mynumber_key, tax_ctx

BASE = "/api/v1/linkage"
APPS, STATUS, HOUSEHOLDS = (
    datasets.REGISTRY[n] for n in ("applications.submitted", "tax.assessment_status", "tax.household_status")
)
FY = 2026
TODAY = date(2026, 5, 20)


@pytest.fixture(autouse=True)
def mynumber_key(monkeypatch: pytest.MonkeyPatch) -> None:
    set_mynumber_key(monkeypatch)


@pytest.fixture
def http(app):
    return TestClient(app)


def bearer(tok: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tok}"}


def changes(db, ctx, ds, after=None, limit=100):
    with db.uow(ctx) as uow:
        return feed.read_changes(uow.conn, uow.tenant_id, ds, after, limit)


def snapshot(db, ctx, ds, cursor=None, limit=100):
    with db.uow(ctx) as uow:
        return feed.read_snapshot(uow.conn, uow.tenant_id, ds, cursor, limit)


def drain(db, ctx, ds, after=None, limit=100) -> tuple[list[dict[str, Any]], str]:
    items: list[dict[str, Any]] = []
    while True:
        page = changes(db, ctx, ds, after, limit)
        items += page.items
        after = page.next_cursor
        if not page.has_more:
            return items, after


def snap_all(db, ctx, ds, limit=100) -> tuple[list[dict[str, Any]], str]:
    page = snapshot(db, ctx, ds, None, limit)
    items, first = list(page.items), page
    while page.has_more:
        page = snapshot(db, ctx, ds, page.next_cursor, limit)
        items += page.items
    return items, str(first.changes_cursor)


def validate(ds, items) -> None:
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    schema = datasets.json_schema(ds)
    assert items
    for i in items:
        jsonschema_rs.validate(schema, i["data"])
        assert "individual_number" not in json.dumps(i["data"])


def rows(raw: bytes, encoding: str = "utf-8") -> list[list[str]]:
    return list(csv.reader(io.StringIO(raw.decode(encoding), newline="")))


# --- applications ------------------------------------------------------------------------------------


def apply_online(db, tenant_id: str, family: str = "山田", form_id: str = "move-out") -> str:
    form = catalog().get(form_id)
    assert form is not None
    data = {"applicant": {"family_name": family, "given_name": "花子", "phone": "03-1234-5678"},
            "persons": [{"family_name": family, "given_name": "花子", "birth_date": "1990-02-03",
                         "relationship": "世帯主", "addressee_no": None}],
            "move": {"kind": "domestic", "planned_on": "2026-12-03"},
            "destination": {"address": "大阪府大阪市北区梅町３番地", "katagaki": None}}  # fmt: skip
    r = intake.submit(db, tenant_id, form, data, idempotency_key=uuid.uuid4().hex, client_addr="203.0.113.5",
                      request_id="req-1", server_secret="linkage-test")  # fmt: skip
    return r.receipt_no


def set_status(db, ctx, receipt_no: str, status: Status, note: str | None = None) -> None:
    review.change_status(db, ctx, catalog(), receipt_no, status, expected_version=None, note=note)


def keys(items) -> list[tuple[str, str]]:
    return [(i["data"]["receipt_no"], i["data"]["status"]) for i in items]


def test_applications_feed_after_a_cursor_is_exactly_the_committed_changes_in_order(db, ctx):
    a = apply_online(db, ctx.tenant_id)
    enter(db, ctx, person())  # a registry 異動 in between: not part of this dataset
    first, cursor = drain(db, ctx, APPS)
    assert keys(first) == [(a, "received")]
    b = apply_online(db, ctx.tenant_id, "佐藤")
    set_status(db, ctx, a, Status.REVIEWING)
    c = apply_online(db, ctx.tenant_id, "鈴木")
    set_status(db, ctx, a, Status.CORRECTION_REQUESTED, "転出先の方書を確認してください")
    set_status(db, ctx, b, Status.REJECTED, "重複した申請です")
    expected = [(b, "received"), (a, "reviewing"), (c, "received"), (a, "correction_requested"),
                (b, "rejected")]  # fmt: skip
    got, end = drain(db, ctx, APPS, cursor)
    assert keys(got) == expected
    paged, paged_end = drain(db, ctx, APPS, cursor, limit=2)
    assert paged == got and paged_end == end
    assert changes(db, ctx, APPS, end).items == []
    seqs = [i["seq"] for i in got]
    assert seqs == sorted(seqs) and len({i["id"] for i in got}) == len(got)
    received = got[0]["data"]
    assert received["event_type"] == "ApplicationSubmitted" and received["procedure"] == "juki.move_out"
    assert received["data"]["applicant"]["family_name"] == "佐藤" and received["status_ja"] == "受付"
    refused = got[-1]["data"]
    assert refused["data"] is None and refused["status_ja"] == "却下" and refused["form_id"] == "move-out"
    assert "重複" not in json.dumps(got, ensure_ascii=False)  # the clerk's notes are not published
    validate(APPS, first + got)
    snap, _ = snap_all(db, ctx, APPS, limit=2)
    assert [i["id"] for i in snap] == [i["id"] for i in first + got]
    validate(APPS, snap)


def test_application_items_never_carry_an_individual_number(db, ctx):
    form = catalog().get("move-out")
    assert form is not None
    data = {
        "persons": [{"family_name": "山田", "individual_number": "123456789018"}],
        "individual_number_x": "1",
    }
    intake.submit(db, ctx.tenant_id, form, data, idempotency_key=uuid.uuid4().hex, client_addr="203.0.113.5",
                  request_id="r", server_secret="s")  # fmt: skip
    (item,) = changes(db, ctx, APPS).items
    assert item["data"]["data"] == {"persons": [{"family_name": "山田"}]}


# --- grants ------------------------------------------------------------------------------------------


def test_a_client_granted_only_the_tax_status_cannot_read_applications(db, http, ctx):
    apply_online(db, ctx.tenant_id)
    cid, secret = client(db, ctx.tenant_id, ("tax.assessment_status",))
    h = bearer(token(http, cid, secret))
    assert http.get(f"{BASE}/tax.assessment_status/changes", headers=h).status_code == 200
    for path in ("changes", "snapshot", "export"):
        r = http.get(f"{BASE}/applications.submitted/{path}", headers=h)
        assert r.status_code == 403 and r.json()["error"]["code"] == "insufficient_scope", path
        assert "tax.assessment_status" in r.json()["error"]["message"]
    refused = http.post(f"{BASE}/token", data=token_form(cid, secret, scope="applications.submitted"))
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_scope"
    with db.uow(ctx) as uow:
        assert not [e for e in xlog.search(uow.conn, ctx.tenant_id, client_id=cid, limit=100)
                    if e.entry.dataset == "applications.submitted"]  # fmt: skip


def test_staff_browse_a_dataset_only_with_its_permission(db, app, ctx):
    apply_online(db, ctx.tenant_id)
    tax = login_client(app, make_staff(db, ctx.tenant_id, ["tax_clerk"]))
    assert tax.get(f"{BASE}/tax.household_status/changes").status_code == 200
    assert tax.get(f"{BASE}/applications.submitted/changes").status_code == 403
    welfare = login_client(app, make_staff(db, ctx.tenant_id, ["welfare_clerk"]))
    assert welfare.get(f"{BASE}/juki.moves/changes").status_code == 200
    assert welfare.get(f"{BASE}/tax.household_status/changes").status_code == 403


# --- 課税状況 ------------------------------------------------------------------------------------------


def assess(db, ctx):
    """Two households through the registry, 課税資料 for the head and the single person, FY2026 run in
    chunks of two; returns (family, single) 宛名番号 lists."""
    fam = enter(db, ctx, person(), person(rel="妻", sex="2"), person(rel="子", birth_date="2012-07-07"))
    single = enter(
        db, ctx, person(family_name="独居", birth_date="1948-03-03"), address="東京都千代田区梅町２番地"
    )
    tctx = tax_ctx(ctx.tenant_id)
    add_income(db, tctx, fam.addressee_nos[0], salary_revenue=5_500_000, spouse={"age": 43, "total_income": 0},
               dependants=[{"age": 13}])  # fmt: skip
    add_income(db, tctx, single.addressee_nos[0], "pension_report", payer="P01", pension_revenue=1_500_000)
    tax_runs.run_assessment(db, tctx, FY, chunk_size=2)
    return fam.addressee_nos, single.addressee_nos


def correct_single(db, ctx, no: str) -> None:
    tctx = tax_ctx(ctx.tenant_id)
    add_income(db, tctx, no, "pension_report", payer="P02", pension_revenue=1_200_000)
    with db.uow(tctx) as uow:
        tax_corrections.recompute(uow, FY, [no], reason="年金の追加")
        uow.commit()


def test_tax_status_feed_after_a_cursor_is_exactly_the_committed_versions_in_order(db, ctx):
    fam, single = assess(db, ctx)
    everyone = [*fam, *single]
    items, cursor = drain(db, ctx, STATUS, limit=3)  # pages end inside a chunk of two
    assert sorted(i["id"] for i in items) == sorted(f"{FY}-{n}-1" for n in everyone)
    assert [i["seq"] for i in items] == sorted(i["seq"] for i in items)
    assert len({i["id"] for i in items}) == len(items) == 4
    assert changes(db, ctx, STATUS, cursor).items == []
    correct_single(db, ctx, single[0])
    enter(db, ctx, person())  # a registry 異動 after the correction: not part of this dataset
    (fresh,), _ = drain(db, ctx, STATUS, cursor, limit=1)
    assert fresh["id"] == f"{FY}-{single[0]}-2" and fresh["data"]["kind"] == "correction"
    with db.uow(ctx) as uow:
        (now,) = tax_published.status_of(uow.conn, ctx.tenant_id, FY, single)
    assert fresh["data"] == {k: now[k] for k in datasets.TAX_STATUS_ITEMS}
    data = {i["data"]["addressee_no"]: i["data"] for i in items}
    head, wife = data[fam[0]], data[fam[1]]
    assert head["taxation"] == "taxed" and head["income_levy"] > 0 and head["per_capita"] > 0
    assert wife["taxation"] == "exempt" and wife["income_levy"] == wife["per_capita"] == 0
    for record in data.values():  # data minimisation: only the items other businesses use
        assert set(record) == set(datasets.TAX_STATUS_ITEMS)
        assert not {"exemption_reason", "total_tax", "forest_environment_tax", "salary_revenue"} & set(record)
    validate(STATUS, [*items, fresh])
    snap, snap_cursor = snap_all(db, ctx, STATUS, limit=2)
    assert [i["id"] for i in snap] == sorted(
        [f"{FY}-{n}-1" for n in fam] + [f"{FY}-{single[0]}-2"], key=lambda x: x.split("-")[1]
    )
    assert changes(db, ctx, STATUS, snap_cursor).items == []
    validate(STATUS, snap)


def test_household_status_is_the_state_of_the_households_a_chunk_touched(db, ctx):
    fam, single = assess(db, ctx)
    items, cursor = drain(db, ctx, HOUSEHOLDS, limit=1)
    with db.uow(ctx) as uow:
        hnos = {
            h["household_no"]
            for h in tax_published.status_of(uow.conn, ctx.tenant_id, FY, [fam[0], single[0]])
        }
        expected = tax_published.household_status(uow.conn, ctx.tenant_id, FY, sorted(hnos))
    by_no = {i["data"]["household_no"]: i["data"] for i in items}
    assert set(by_no) == hnos and len(items) >= 2
    family = next(h for h in expected if fam[0] in h["member_addressee_nos"])
    assert by_no[family["household_no"]] == {k: family[k] for k in datasets.TAX_HOUSEHOLD_ITEMS}
    assert by_no[family["household_no"]]["household_exempt"] is False
    alone = next(h for h in expected if single[0] in h["member_addressee_nos"])
    assert by_no[alone["household_no"]]["household_exempt"] is True
    assert all("total_income_sum" not in i["data"] for i in items)
    validate(HOUSEHOLDS, items)
    correct_single(db, ctx, single[0])
    (after,), _ = drain(db, ctx, HOUSEHOLDS, cursor)
    assert (
        after["data"]["household_no"] == alone["household_no"] and after["data"]["household_exempt"] is False
    )
    assert after["id"] != next(i["id"] for i in items if i["data"]["household_no"] == alone["household_no"])
    snap, _ = snap_all(db, ctx, HOUSEHOLDS, limit=1)
    assert [(i["data"]["fiscal_year"], i["data"]["household_no"]) for i in snap] == [
        (FY, n) for n in sorted(hnos)
    ]
    validate(HOUSEHOLDS, snap)


def test_support_measures_leave_the_tax_datasets_unchanged(db, ctx):
    """支援措置 is published by the registry (juki.support_measures, ``protected`` on juki.residents);
    the tax business's datasets carry the person's records unchanged and say nothing of it."""
    fam, _single = assess(db, ctx)
    before, _ = snap_all(db, ctx, STATUS)
    with db.uow(ctx) as uow:
        block_services.start_support(block_services.StartSupport(fam[1], TODAY, provisional=False),
                                     uow, today=TODAY, store=SqlBlockStore(uow))  # fmt: skip
        uow.commit()
    after, _ = snap_all(db, ctx, STATUS)
    assert after == before and fam[1] in {i["data"]["addressee_no"] for i in after}
    residents, _ = snap_all(db, ctx, datasets.REGISTRY["juki.residents"])
    assert {i["data"]["addressee_no"]: i["data"]["protected"] for i in residents}[fam[1]] is True
    assert not any("support" in json.dumps(i["data"]) for i in after)


# --- files -------------------------------------------------------------------------------------------


def test_tax_status_csv_whole_and_differential_in_cp932(db, http, ctx):
    fam, single = assess(db, ctx)
    cid, secret = client(db, ctx.tenant_id, ("tax.assessment_status", "tax.household_status"))
    h = bearer(token(http, cid, secret))
    r = http.get(
        f"{BASE}/tax.assessment_status/export", params={"encoding": "cp932", "header": "ja"}, headers=h
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv; charset=Shift_JIS")
    assert f'filename="tax.assessment_status_v2_{ctx.tenant_id}_all_' in r.headers["content-disposition"]
    table = rows(r.content, "cp932")
    assert table[0] == [f.ja for f in STATUS.csv_fields]
    cols = [f.name for f in STATUS.csv_fields]
    got = {(x[cols.index("addressee_no")], x[cols.index("version")]) for x in table[1:]}
    assert got == {(n, "1") for n in [*fam, *single]}
    line = next(x for x in table[1:] if x[cols.index("addressee_no")] == fam[0])
    assert line[cols.index("taxation")] == "taxed" and line[cols.index("declared")] == "1"
    assert line[cols.index("valid_from")].count("-") == 2 and int(line[cols.index("income_levy")]) > 0
    assert all(not c.startswith(("=", "+", "-", "@")) for x in table for c in x)
    correct_single(db, ctx, single[0])
    diff = http.get(f"{BASE}/tax.assessment_status/export", params={"after": r.headers["x-kikan-next-cursor"]},
                    headers=h)  # fmt: skip
    assert "_diff_" in diff.headers["content-disposition"]
    assert [(x[cols.index("addressee_no")], x[cols.index("version")]) for x in rows(diff.content)[1:]] == [
        (single[0], "2")
    ]
    with db.uow(ctx) as uow:
        entries = xlog.entries(uow.conn, ctx.tenant_id, diff.headers["x-kikan-exchange-id"])
    assert [e.entry.status for e in entries] == ["started", "completed"] and entries[
        1
    ].entry.record_count == 1
    hh = rows(http.get(f"{BASE}/tax.household_status/export", headers=h).content)
    assert hh[0] == [f.name for f in HOUSEHOLDS.csv_fields] and len(hh) >= 3
    members = hh[0].index("member_addressee_nos")
    assert any(x[members] == " ".join(fam) for x in hh[1:])


def test_applications_csv_carries_the_items_as_one_json_cell_degraded_for_cp932(db, http, ctx):
    receipt = apply_online(db, ctx.tenant_id, family="𠮷田")
    cid, secret = client(db, ctx.tenant_id, ("applications.submitted",))
    h = bearer(token(http, cid, secret))
    r = http.get(f"{BASE}/applications.submitted/export", params={"encoding": "cp932"}, headers=h)
    assert r.status_code == 200
    table = rows(r.content, "cp932")
    cols = [f.name for f in APPS.csv_fields]
    assert table[0] == cols and len(table) == 2
    line = table[1]
    assert line[cols.index("receipt_no")] == receipt and line[cols.index("status")] == "received"
    items = json.loads(line[cols.index("data")])
    assert items["applicant"]["family_name"] == "吉田"
    subs = http.get(f"{BASE}/applications.submitted/exports/{r.headers['x-kikan-exchange-id']}/substitutions",
                    headers=h).json()  # fmt: skip
    assert {(s["line"], s["column_name"], s["original"], s["replacement"], s["method"]) for s in subs} == {
        (2, "data", "𠮷", "吉", "mj_shrink")
    }
    assert len(subs) == 2  # applicant and person
