"""The feed over HTTP: catalogue and schemas, pages, staff browsing, and every bad request a clear 4xx."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from linkage_support import client, counts, enter, person, token

from kikan.linkage.cursor import ChangeCursor, encode
from tests.conftest import login_client, make_staff

BASE = "/api/v1/linkage"


@pytest.fixture
def http(app):
    return TestClient(app)


def bearer(tok):
    return {"Authorization": f"Bearer {tok}"}


def _linkage_openapi() -> dict:
    """The OpenAPI of the linkage routes alone (other areas' routes are not this test's business)."""
    from fastapi import FastAPI

    from kikan.adapters.api.routes import linkage

    only = FastAPI()
    for r in linkage.routers():
        only.include_router(r)
    return only.openapi()


def test_catalogue_schemas_and_openapi(db, http, tenant_id):
    cid, secret = client(db, tenant_id, ("juki.moves",))
    h = bearer(token(http, cid, secret))
    cat = http.get(f"{BASE}/datasets", headers=h).json()
    assert [d["name"] for d in cat] == ["juki.residents", "juki.households", "juki.moves",
                                        "juki.support_measures", "applications.submitted", "tax.assessment_status", "tax.household_status"]  # fmt: skip
    assert {d["name"]: d["permission"] for d in cat}["tax.household_status"] == "tax.read"
    res = next(d for d in cat if d["name"] == "juki.residents")
    names = [i["name"] for i in res["items"]]
    assert names[:2] == ["addressee_no", "history_no"] and "family_name" in names
    assert not any(n.startswith("individual_number") for n in names)
    schema = http.get(f"{BASE}/datasets/juki.residents/schema", headers=h)
    assert schema.headers["content-type"].startswith("application/schema+json")
    s = schema.json()
    assert s["$id"] == "/api/v1/linkage/datasets/juki.residents/schema" and s["x-kikan-version"] == 2
    assert (
        s["properties"]["family_name"]["title"] == "氏" and s["properties"]["family_name"]["maxLength"] == 100
    )
    assert http.get(f"{BASE}/datasets/nope/schema", headers=h).status_code == 404
    spec = _linkage_openapi()
    ref = spec["paths"][f"{BASE}/juki.residents/changes"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]
    assert ref["schema"]["$ref"] == "#/components/schemas/JukiResidentsV2Page"
    assert "juki.residents/schema" in spec["paths"][f"{BASE}/juki.residents/changes"]["get"]["description"]


def test_records_validate_against_the_published_schema(db, http, tenant_id, ctx):
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    cid, secret = client(db, tenant_id)
    h = bearer(token(http, cid, secret))
    enter(db, ctx, person(), person(rel="妻", sex="2"))
    for ds in ("juki.residents", "juki.households", "juki.moves"):
        schema = http.get(f"{BASE}/datasets/{ds}/schema", headers=h).json()
        for kind in ("changes", "snapshot"):
            items = http.get(f"{BASE}/{ds}/{kind}", headers=h).json()["items"]
            assert items, (ds, kind)
            for i in items:
                jsonschema_rs.validate(schema, i["data"])


def test_pull_pages_over_http(db, http, tenant_id, ctx):
    cid, secret = client(db, tenant_id, ("juki.residents",))
    h = bearer(token(http, cid, secret))
    fam = enter(db, ctx, person(), person(rel="妻", sex="2"))
    p1 = http.get(f"{BASE}/juki.residents/changes", params={"limit": 1}, headers=h).json()
    assert p1["has_more"] and p1["dataset"] == "juki.residents" and p1["version"] == 2
    p2 = http.get(f"{BASE}/juki.residents/changes", params={"after": p1["next_cursor"]}, headers=h).json()
    assert not p2["has_more"]
    assert [i["data"]["addressee_no"] for i in p1["items"] + p2["items"]] == fam.addressee_nos


def test_staff_with_linkage_read_can_browse_their_tenant(db, app, tenant_id, ctx):
    enter(db, ctx, person())
    staff = login_client(app, make_staff(db, tenant_id, ["tax_clerk"]))
    r = staff.get(f"{BASE}/juki.moves/changes")
    assert r.status_code == 200 and len(r.json()["items"]) == 1
    clerk = login_client(app, make_staff(db, tenant_id, ["registry_clerk"]))
    assert clerk.get(f"{BASE}/juki.moves/changes").status_code == 403


def test_bad_feed_requests_are_clear_4xx_and_write_nothing(db, http, tenant_id, ctx):
    cid, secret = client(db, tenant_id, ("juki.residents",))
    h = bearer(token(http, cid, secret))
    enter(db, ctx, person())
    before = counts(db, tenant_id)
    cases = [
        ("no token", f"{BASE}/juki.residents/changes", {}, {}, 401, "unauthenticated"),
        ("unknown token", f"{BASE}/juki.residents/changes", {}, bearer("kls_" + "x" * 43), 401, "invalid_token"),
        ("dataset not granted", f"{BASE}/juki.moves/changes", {}, h, 403, "insufficient_scope"),
        ("malformed cursor", f"{BASE}/juki.residents/changes", {"after": "not-a-cursor"}, h, 400, "invalid_cursor"),
        ("other dataset's cursor", f"{BASE}/juki.residents/changes",
         {"after": encode(ChangeCursor("juki.moves", 0))}, h, 400, "invalid_cursor"),
        ("cursor ahead", f"{BASE}/juki.residents/changes",
         {"after": encode(ChangeCursor("juki.residents", 10**6))}, h, 400, "invalid_cursor"),
        ("oversized page", f"{BASE}/juki.residents/changes", {"limit": 5000}, h, 400, "invalid_parameter"),
        ("zero page", f"{BASE}/juki.residents/snapshot", {"limit": 0}, h, 400, "invalid_parameter"),
        ("snapshot cursor garbage", f"{BASE}/juki.residents/snapshot", {"cursor": "zz"}, h, 400, "invalid_cursor"),
        ("export bad cursor", f"{BASE}/juki.residents/export", {"after": "zz"}, h, 400, "invalid_cursor"),
    ]  # fmt: skip
    for name, url, params, headers, status, code in cases:
        r = http.get(url, params=params, headers=headers)
        assert r.status_code == status, (name, r.text)
        err = r.json()["error"]
        assert err["code"] == code and err["message"], name
        assert counts(db, tenant_id) == before, f"{name} wrote something"
    bad = http.get(f"{BASE}/juki.residents/changes", params={"after": "not-a-cursor"}, headers=h).json()
    assert "カーソル" in bad["error"]["message"] and bad["error"]["errors"][0]["field"] == "after"


def test_an_empty_poll_writes_nothing_but_a_delivery_is_logged(db, http, tenant_id, ctx):
    cid, secret = client(db, tenant_id, ("juki.moves",))
    h = bearer(token(http, cid, secret))
    before = counts(db, tenant_id)
    assert http.get(f"{BASE}/juki.moves/changes", headers=h).json()["items"] == []
    assert counts(db, tenant_id) == before
    enter(db, ctx, person())
    assert len(http.get(f"{BASE}/juki.moves/changes", headers=h).json()["items"]) == 1
    assert counts(db, tenant_id)[2] == before[2] + 1
