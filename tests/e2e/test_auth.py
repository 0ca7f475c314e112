"""Login, CSRF, lock-out, session expiry, security headers, OpenAPI."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from fastapi.testclient import TestClient

from kikan.adapters.db.tables.core import staff_session
from tests.conftest import TEST_PASSWORD, login_client, make_staff


def _login_page(c):
    page = c.get("/login")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_login_page_renders_in_japanese_with_security_headers(app):
    r = TestClient(app).get("/login")
    assert r.status_code == 200 and "職員ログイン" in r.text
    h = r.headers
    assert "default-src 'self'" in h["content-security-policy"]
    assert h["x-frame-options"] == "DENY" and h["x-content-type-options"] == "nosniff"
    assert h["cache-control"] == "no-store" and h["x-request-id"]


def test_login_and_home(db, app, tenant_id):
    login = make_staff(db, tenant_id, ["registry_clerk"])
    c = login_client(app, login)
    home = c.get("/")
    assert home.status_code == 200 and "住民基本台帳" in home.text
    assert c.get("/api/v1/me").json()["tenant_id"] == tenant_id
    cookie = c.cookies.get("kikan_session")
    assert cookie and "." in cookie  # signed


def test_login_form_requires_its_csrf_cookie(db, app, tenant_id):
    login = make_staff(db, tenant_id, ["registry_clerk"])
    c = TestClient(app)
    r = c.post("/login", data={"login": login, "password": TEST_PASSWORD, "csrf_token": "forged"})
    assert r.status_code == 400 and "有効期限" in r.text


def test_unsafe_request_without_csrf_token_is_refused(db, app, tenant_id):
    login = make_staff(db, tenant_id, ["registry_clerk"])
    c = login_client(app, login)
    del c.headers["X-CSRF-Token"]
    r = c.post("/logout", follow_redirects=False)
    assert r.status_code == 403 and "CSRF" in r.text
    c.headers["X-CSRF-Token"] = "wrong"
    assert c.post("/logout", follow_redirects=False).status_code == 403
    assert c.get("/api/v1/me").status_code == 200  # still logged in


def test_lockout_after_repeated_failures(db, app, tenant_id):
    login = make_staff(db, tenant_id, ["registry_clerk"])
    c = TestClient(app)
    for _ in range(5):
        r = c.post("/login", data={"login": login, "password": "wrong-password!", "csrf_token": _login_page(c)})
        assert r.status_code == 400
    r = c.post("/login", data={"login": login, "password": TEST_PASSWORD, "csrf_token": _login_page(c)})
    assert r.status_code == 400 and "ロック" in r.text


def test_unknown_login_gets_the_same_message(app):
    c = TestClient(app)
    r = c.post("/login", data={"login": "nobody-here", "password": "x" * 12, "csrf_token": _login_page(c)})
    assert r.status_code == 400 and "ログインIDまたはパスワードが正しくありません" in r.text


def test_idle_session_expires(db, app, tenant_id):
    login = make_staff(db, tenant_id, ["registry_clerk"])
    c = login_client(app, login)
    from kikan.adapters.db.tables.core import staff_account

    with db.control() as conn:
        acc = conn.execute(sa.select(staff_account.c.account_id).where(staff_account.c.login == login)).scalar_one()
        conn.execute(
            sa.update(staff_session)
            .where(staff_session.c.account_id == acc)
            .values(last_seen_at=db.clock.now() - timedelta(hours=2))
        )
    assert c.get("/api/v1/me").status_code == 401
    assert c.get("/", follow_redirects=False).headers["location"].startswith("/login")


def test_logout_revokes_session(db, app, tenant_id):
    login = make_staff(db, tenant_id, ["registry_clerk"])
    c = login_client(app, login)
    cookie = c.cookies.get("kikan_session")
    assert c.post("/logout", follow_redirects=False).status_code == 303
    c2 = TestClient(app)
    c2.cookies.set("kikan_session", cookie)
    assert c2.get("/api/v1/me").status_code == 401


def test_permission_denied_for_wrong_role(db, app, tenant_id):
    login = make_staff(db, tenant_id, ["registry_clerk"])
    c = login_client(app, login)
    assert c.get("/api/v1/audit").status_code == 403
    assert c.get("/audit").status_code == 403


def test_operator_switches_tenant(db, app, tenant_id):
    login = make_staff(db, tenant_id, [], operator=True)
    c = login_client(app, login)
    r = c.post("/tenant", data={"tenant_id": tenant_id}, follow_redirects=False)
    assert r.status_code == 303
    assert c.get("/api/v1/me").json()["tenant_id"] == tenant_id


def test_operator_adds_tenant_via_api_with_check_digit(db, app, tenant_id):
    login = make_staff(db, tenant_id, [], operator=True)
    c = login_client(app, login)
    bad = c.post("/api/v1/tenants", json={"tenant_id": "131017", "name": "千代田区"})
    assert bad.status_code == 422 and bad.json()["error"]["errors"][0]["field"] == "tenant_id"


def test_openapi_is_valid_3_1(app):
    spec = TestClient(app).get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    assert any(p.startswith("/api/v1/") for p in spec["paths"])
    assert not any(not p.startswith("/api/v1/") for p in spec["paths"])


def test_audit_search_page_lists_reads(db, app, tenant_id):
    login = make_staff(db, tenant_id, ["auditor"])
    c = login_client(app, login)
    c.get("/api/v1/audit")
    page = c.get("/audit", params={"actor": login})
    assert page.status_code == 200 and "audit.search" in page.text
