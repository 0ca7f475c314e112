"""個人番号 never travels in a URL: number searches are POST (API and staff screen); a GET carrying a
number is refused before the search runs; the request log holds neither the query nor the body.

番号法第12条 (安全管理措置); a query string lands in proxy access logs and browser history.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from kikan.adapters.api import middleware
from kikan.adapters.db.tables.core import audit_log
from tests.conftest import make_staff
from tests.security.sec_fixtures import bearer, cookie_client, token_for

URL = "/api/v1/juki/search"


def search_audits(owner_engine: sa.Engine, tenant: str) -> list[Any]:
    a = audit_log.c
    with owner_engine.connect() as c:
        return list(c.execute(sa.select(audit_log).where(a.tenant_id == tenant, a.function == "juki.search").order_by(a.seq)))


class Recorder:
    """Stands in for the request logger: keeps every event with its fields."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def info(self, event: str, **kw: Any) -> None:
        self.events.append((event, kw))

    warning = error = debug = info


@pytest.mark.parametrize("name", ["individual_number", "my_number", "MyNumber"])
def test_get_with_a_number_in_the_query_is_refused_and_says_to_post(app, db, world, owner_engine, name):
    boss = bearer(app, token_for(db, world.a, ["registry_supervisor"])[1])
    number = world.a_numbers[0]
    before = len(search_audits(owner_engine, world.a))
    for params in ({name: number}, {name: number, "kana": "アオキ"}, {name: ""}):
        r = boss.get(URL, params=params)
        assert r.status_code == 400, r.text
        err = r.json()["error"]
        assert err["code"] == "individual_number_in_query" and "POST" in err["message"]
        assert number not in r.text
    assert len(search_audits(owner_engine, world.a)) == before  # refused before the search ran


def test_post_finds_by_number_without_echoing_or_auditing_it(app, db, world, owner_engine):
    boss = bearer(app, token_for(db, world.a, ["registry_supervisor"])[1])
    number = world.a_numbers[1]
    r = boss.post(URL, json={"individual_number": number})
    assert r.status_code == 200, r.text
    assert [x["addressee_no"] for x in r.json()["items"]] == [world.a_residents[2]]
    assert number not in r.text
    a = audit_log.c
    with owner_engine.connect() as c:
        details = [d for (d,) in c.execute(sa.select(a.detail).where(a.tenant_id == world.a))]
    assert details and not [d for d in details if any(n in d for n in world.a_numbers)]
    # the other conditions work in the body too, and a mistyped name is refused rather than ignored
    both = boss.post(URL, json={"individual_number": number, "kana": "アオキ", "limit": 5})
    assert both.status_code == 200 and len(both.json()["items"]) == 1
    assert boss.post(URL, json={"my_number": number}).status_code == 422
    assert boss.post(URL, json={"individual_number": "123456789012"}).status_code == 422  # check digit


def test_post_search_is_no_wider_than_get(app, db, world):
    """The body carries the same permission as the query: no read role, no search."""
    tax = bearer(app, token_for(db, world.a, ["tax_clerk"])[1])
    assert tax.post(URL, json={"individual_number": world.a_numbers[0]}).status_code == 403
    other = bearer(app, world.b_token)
    r = other.post(URL, json={"individual_number": world.a_numbers[0], "include_removed": True})
    assert r.status_code == 200 and r.json()["items"] == []


def test_the_openapi_offers_no_number_query_parameter(app):
    spec = app.openapi()
    op = spec["paths"][URL]
    names = {p["name"] for p in op["get"].get("parameters", [])}
    assert not names & {"individual_number", "my_number"} and "kana" in names
    assert "post" in op and "requestBody" in op["post"]


def test_request_log_holds_neither_query_nor_body(app, db, world, monkeypatch, caplog, capfd):
    rec = Recorder()
    monkeypatch.setattr(middleware, "log", rec)
    boss = bearer(app, token_for(db, world.a, ["registry_supervisor"])[1])
    number = world.a_numbers[0]
    assert boss.post(URL, json={"individual_number": number}).status_code == 200
    assert boss.get(URL, params={"individual_number": number}).status_code == 400
    staff = cookie_client(app, make_staff(db, world.a, ["registry_supervisor"]))
    assert staff.post("/juki", data={"individual_number": number}).status_code == 200
    requests = [kw for event, kw in rec.events if event == "request"]
    assert len(requests) >= 3
    assert all(set(kw) <= {"request_id", "method", "path", "status", "ms"} for kw in requests), requests
    assert {kw["path"] for kw in requests} >= {URL, "/juki"}
    out, err = capfd.readouterr()
    assert number not in repr(rec.events) + caplog.text + out + err


def test_search_screen_sends_the_number_by_post_only(app, db, world, owner_engine):
    staff = cookie_client(app, make_staff(db, world.a, ["registry_supervisor"]))
    number = world.a_numbers[1]
    page = staff.get("/juki").text
    get_form = re.search(r'<form method="get" action="/juki".*?</form>', page, re.S)
    post_form = re.search(r'<form method="post" action="/juki".*?</form>', page, re.S)
    assert get_form and post_form
    assert 'name="individual_number"' not in get_form.group(0)
    assert 'name="individual_number"' in post_form.group(0) and 'name="csrf_token"' in post_form.group(0)
    found = staff.post("/juki", data={"individual_number": number})
    assert found.status_code == 200 and "検索結果 1件" in found.text
    assert f"/juki/residents/{world.a_residents[2]}" in found.text and number not in found.text
    empty = staff.post("/juki", data={"individual_number": ""})
    assert empty.status_code == 422 and "個人番号を入力してください" in empty.text
    before = len(search_audits(owner_engine, world.a))
    refused = staff.get("/juki", params={"searched": "1", "individual_number": number})
    assert refused.status_code == 400 and "個人番号で検索" in refused.text and number not in refused.text
    assert len(search_audits(owner_engine, world.a)) == before
    # a stale bookmark with the old empty field still searches
    assert staff.get("/juki", params={"searched": "1", "kana": "アオキ", "individual_number": ""}).status_code == 200


def test_search_screen_post_needs_the_csrf_token(app, db, world):
    staff = cookie_client(app, make_staff(db, world.a, ["registry_supervisor"]))
    del staff.headers["X-CSRF-Token"]
    assert staff.post("/juki", data={"individual_number": world.a_numbers[0]}).status_code == 403
