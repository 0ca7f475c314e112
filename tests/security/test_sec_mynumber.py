"""個人番号 is masked everywhere by default; shown only to ``mynumber.view`` on request; every display audited.

番号法第12条・第19条; 標準仕様書 10.2 (アクセスログ: 個人番号の表示の有無).
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.routing import APIRoute

from kikan.adapters.db.tables.core import audit_log
from kikan.adapters.db.tables.juki import juki_history
from kikan.adapters.security.crypto import MASK
from tests.conftest import make_staff
from tests.e2e.test_route_permissions import all_routes
from tests.security.sec_fixtures import bearer, cookie_client, path_of, token_for


def secrets_of(owner_engine: sa.Engine, w: Any) -> list[str]:
    """A's clear numbers, their ciphertexts and lookup hashes: none may appear unasked."""
    h = juki_history.c
    with owner_engine.connect() as c:
        stored = c.execute(sa.select(h.individual_number_enc, h.individual_number_hash)
                           .where(h.tenant_id == w.a, h.individual_number_enc.is_not(None))).all()  # fmt: skip
    return [*w.a_numbers, *(x for row in stored for x in row)]


def shown_audits(owner_engine: sa.Engine, tenant: str) -> list[Any]:
    a = audit_log.c
    with owner_engine.connect() as c:
        return list(c.execute(sa.select(audit_log).where(a.tenant_id == tenant, a.mynumber_shown.is_(True)).order_by(a.seq)))


def test_no_page_or_api_answer_reveals_a_number_by_default(app, world, owner_engine):
    """Swept over every GET route, for a supervisor who MAY see numbers but did not ask."""
    c = cookie_client(
        app, make_staff(app.state.db, world.a, ["registry_supervisor", "tenant_admin", "auditor"])
    )
    secrets = secrets_of(owner_engine, world)
    before = len(shown_audits(owner_engine, world.a))
    leaks, swept = [], 0
    for _, route in all_routes(app.routes):
        if not isinstance(route, APIRoute) or "GET" not in route.methods:
            continue
        for no in world.a_residents[:2]:
            path = path_of(route.path, {"addressee_no": no, "household_no": world.a_households[0]})
            text = c.get(path, follow_redirects=False).text
            swept += 1
            leaks += [f"GET {path}: {s[:8]}…" for s in secrets if s in text]
    assert swept > 60 and not leaks, leaks
    assert len(shown_audits(owner_engine, world.a)) == before


def test_api_shows_the_number_only_to_mynumber_view_on_request_and_audits_it(app, db, world, owner_engine):
    no, number = world.a_residents[0], world.a_numbers[0]
    clerk = bearer(app, token_for(db, world.a, ["registry_clerk"])[1])
    boss = bearer(app, token_for(db, world.a, ["registry_supervisor"])[1])
    url = f"/api/v1/juki/residents/{no}"
    before = len(shown_audits(owner_engine, world.a))
    for client, params in ((clerk, {}), (clerk, {"show_individual_number": "true"}), (boss, {})):
        r = client.get(url, params=params)
        assert r.status_code == 200 and r.json()["individual_number"] == MASK and number not in r.text
    assert len(shown_audits(owner_engine, world.a)) == before
    r = boss.get(url, params={"show_individual_number": "true"})
    assert r.json()["individual_number"] == number and r.json()["individual_number_shown"] is True
    rows = shown_audits(owner_engine, world.a)
    assert len(rows) == before + 1 and rows[-1].target_id == no and rows[-1].function == "juki.resident"
    assert number not in rows[-1].detail


def test_resident_page_shows_the_number_only_when_asked_by_mynumber_view(app, db, world, owner_engine):
    no, number = world.a_residents[0], world.a_numbers[0]
    clerk = cookie_client(app, make_staff(db, world.a, ["registry_clerk"]))
    boss = cookie_client(app, make_staff(db, world.a, ["registry_supervisor"]))
    before = len(shown_audits(owner_engine, world.a))
    assert number not in clerk.get(f"/juki/residents/{no}", params={"show_individual_number": "true"}).text
    page = boss.get(f"/juki/residents/{no}")
    assert page.status_code == 200 and number not in page.text
    assert len(shown_audits(owner_engine, world.a)) == before
    shown = boss.get(f"/juki/residents/{no}", params={"show_individual_number": "true"})
    assert number in shown.text and shown.headers["cache-control"] == "no-store"
    assert len(shown_audits(owner_engine, world.a)) == before + 1


def test_search_by_number_never_echoes_or_logs_it(app, db, world, owner_engine):
    boss = bearer(app, token_for(db, world.a, ["registry_supervisor"])[1])
    number = world.a_numbers[1]
    r = boss.post("/api/v1/juki/search", json={"individual_number": number})
    assert r.status_code == 200 and r.json()["items"] and number not in r.text
    a = audit_log.c
    with owner_engine.connect() as c:
        details = [d for (d,) in c.execute(sa.select(a.detail).where(a.tenant_id == world.a))]
    assert details and not [d for d in details if any(n in d for n in world.a_numbers)]


def test_certificate_with_the_number_needs_mynumber_view_and_is_audited(app, db, world, owner_engine):
    no = world.a_residents[0]
    body = {"addressee_nos": [no], "options": {"show_mynumber": True}, "requester": "本人", "purpose": "確認"}
    clerk = bearer(app, token_for(db, world.a, ["registry_clerk"])[1])
    before = len(shown_audits(owner_engine, world.a))
    assert clerk.post("/api/v1/juki/certificates", json=body).status_code == 403
    plain = clerk.post("/api/v1/juki/certificates", json={**body, "options": {}})
    assert plain.status_code == 200 and plain.headers["content-type"].startswith("application/pdf")
    assert len(shown_audits(owner_engine, world.a)) == before
    boss = bearer(app, token_for(db, world.a, ["registry_supervisor"])[1])
    r = boss.post("/api/v1/juki/certificates", json=body)
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    rows = shown_audits(owner_engine, world.a)
    assert len(rows) == before + 1 and rows[-1].target_id == no and rows[-1].action == "print"


@pytest.mark.parametrize("path", ["/api/v1/juki/residents/{no}/history", "/api/v1/juki/households/{hh}"])
def test_history_and_household_answers_never_carry_the_number(app, db, world, owner_engine, path):
    boss = bearer(app, token_for(db, world.a, ["registry_supervisor"])[1])
    url = path.format(no=world.a_residents[0], hh=world.a_households[0])
    r = boss.get(url, params={"show_individual_number": "true"})
    assert r.status_code == 200
    assert not [s for s in secrets_of(owner_engine, world) if s in r.text]
