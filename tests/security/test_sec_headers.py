"""Security headers, cookies and CSRF on every route (enumerated from the application, not listed by hand)."""

from __future__ import annotations

import re
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.e2e.test_route_permissions import all_routes
from tests.security.sec_fixtures import cookie_client, path_of

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
#: unsafe routes without a cookie session by design: the login form has its own token (a cookie
#: bound to the form), the linkage token endpoint authenticates a signed client assertion
CSRF_EXEMPT = {"/login", "/api/v1/linkage/token"}
PUBLIC_FORMS = ("/apply",)
#: character glyph images and the glyph style sheet hold no personal data: cacheable (private)
CACHEABLE = ("/chars/glyph/", "/chars/characters.css", "/static/")


def routes(app: Any) -> list[APIRoute]:
    return [r for _, r in all_routes(app.routes) if isinstance(r, APIRoute)]


def values(w: Any) -> dict[str, str]:
    return {"addressee_no": w.a_residents[0], "household_no": w.a_households[0], "tenant_id": w.a}


def assert_security_headers(r: Any, where: str, *, hsts: bool = False) -> None:
    h = r.headers
    csp = h.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, f"{where}: CSP {csp!r}"
    script = re.search(r"script-src ([^;]*)", csp)
    assert script and "unsafe" not in script.group(1), f"{where}: script-src {csp!r}"
    assert h.get("x-frame-options") == "DENY", where
    assert h.get("x-content-type-options") == "nosniff", where
    assert h.get("referrer-policy") == "no-referrer", where
    assert ("strict-transport-security" in h) is hsts, where


def test_every_get_route_answers_with_security_headers_and_no_store(app, world):
    c = cookie_client(app, world.a_login)
    problems, checked = [], 0
    for route in routes(app):
        if "GET" not in route.methods:
            continue
        path = path_of(route.path, values(world))
        r = c.get(path, follow_redirects=False)
        checked += 1
        if r.status_code >= 500:
            problems.append(f"GET {path} -> {r.status_code}")
            continue
        assert_security_headers(r, f"GET {path}")
        cache = r.headers.get("cache-control", "")
        if path.startswith(CACHEABLE):
            assert "public" not in cache, f"GET {path}: {cache}"
        elif "no-store" not in cache:
            problems.append(f"GET {path}: Cache-Control {r.headers.get('cache-control')!r}")
    assert checked >= 40 and not problems, problems


def test_pages_with_personal_data_are_not_cached(app, world):
    c = cookie_client(app, world.a_login)
    no = world.a_residents[0]
    for path in (f"/juki/residents/{no}", f"/api/v1/juki/residents/{no}", f"/api/v1/juki/households/{world.a_households[0]}",
                 "/api/v1/juki/stats/population.csv", "/juki/stats/population.csv", "/api/v1/juki/search?kana=アオキ"):  # fmt: skip
        r = c.get(path)
        assert r.status_code == 200, (path, r.status_code, r.text[:300])
        assert r.headers["cache-control"] == "no-store", path
        assert_security_headers(r, path)


def test_errors_and_static_files_carry_the_headers_too(app):
    c = TestClient(app)
    for path in (
        "/api/v1/juki/residents/1",
        "/no-such-page",
        "/static/kikan.css",
        "/login",
        "/api/v1/health",
    ):
        assert_security_headers(c.get(path, follow_redirects=False), path)


def _cookies(r: Any) -> dict[str, str]:
    return {raw.split("=", 1)[0]: raw for raw in r.headers.get_list("set-cookie")}


def test_session_cookie_is_httponly_samesite_and_not_secure_by_default(app, db, world):
    c = TestClient(app)
    page = c.get("/login")
    login_cookie = _cookies(page)["kikan_login_csrf"].lower()
    assert "httponly" in login_cookie and "samesite=strict" in login_cookie and "secure" not in login_cookie
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    from tests.conftest import TEST_PASSWORD

    r = c.post("/login", data={"login": world.a_login, "password": TEST_PASSWORD, "csrf_token": token},
               follow_redirects=False)  # fmt: skip
    session = _cookies(r)["kikan_session"].lower()
    assert "httponly" in session and "samesite=lax" in session and "path=/" in session
    assert "secure" not in session


def test_secure_mode_sends_hsts_and_secure_cookies(db, db_url, world):
    from kikan.adapters.api.app import create_app
    from kikan.config import Settings
    from tests.conftest import TEST_PASSWORD

    app = create_app(Settings(database_url=db_url, secret_key="s", secure_cookies=True), db)
    c = TestClient(app, base_url="https://testserver")
    page = c.get("/login")
    assert_security_headers(page, "/login (secure)", hsts=True)
    assert "max-age=31536000" in page.headers["strict-transport-security"]
    assert "secure" in _cookies(page)["kikan_login_csrf"].lower()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = c.post("/login", data={"login": world.a_login, "password": TEST_PASSWORD, "csrf_token": token},
               follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    session = _cookies(r)["kikan_session"].lower()
    assert "secure" in session and "httponly" in session and "samesite=lax" in session
    assert_security_headers(c.get("/api/v1/me"), "/api/v1/me (secure)", hsts=True)


def test_every_unsafe_staff_route_refuses_a_cookie_session_without_a_valid_csrf_token(app, world):
    c = cookie_client(app, world.a_login)
    good = c.headers.pop("X-CSRF-Token")
    refused, accepted, checked = [], [], 0
    for route in routes(app):
        if route.path in CSRF_EXEMPT or route.path.startswith(PUBLIC_FORMS):
            continue
        for method in sorted(route.methods & UNSAFE):
            path = path_of(route.path, values(world))
            checked += 1
            attempts = [
                c.request(method, path, json={}, follow_redirects=False),
                c.request(method, path, data={"x": "1"}, follow_redirects=False),
                c.request(
                    method, path, json={}, headers={"X-CSRF-Token": "forged" + good}, follow_redirects=False
                ),
                c.request(method, path, data={"csrf_token": "forged"}, follow_redirects=False),
            ]
            for r in attempts:
                if r.status_code != 403 or "CSRF" not in r.text:
                    accepted.append(f"{method} {path} -> {r.status_code} {r.text[:120]}")
            refused.append(f"{method} {path}")
    assert checked >= 40, checked
    assert not accepted, accepted
    assert c.get("/api/v1/me").status_code == 200  # the session survived the forged requests
    # control: with the token the same session is NOT refused for CSRF (so the test can fail)
    c.headers["X-CSRF-Token"] = good
    r = c.post("/api/v1/juki/moves/death", json={})
    assert r.status_code == 422 and "CSRF" not in r.text


def test_bearer_tokens_need_no_csrf_token(app, world):
    from tests.security.sec_fixtures import bearer

    r = bearer(app, world.a_token).post("/api/v1/juki/moves/death", json={})
    assert r.status_code == 422
