"""Rate limits: the sliding-window limiter, the reusable dependency, and the login form (429 + Retry-After)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from kikan.adapters.security.ratelimit import (
    LoginLimits,
    RateLimit,
    SlidingWindowLimiter,
    client_key,
    install,
    wait_text,
)
from tests.conftest import TEST_PASSWORD, make_staff


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_sliding_window_allows_limit_hits_then_refuses_with_the_exact_wait():
    clock = FakeClock()
    lim = SlidingWindowLimiter(3, 60, clock=clock)
    for _ in range(3):
        assert lim.hit("a").allowed
        clock.t += 10  # hits at 0, 10, 20
    d = lim.hit("a")  # t = 30
    assert not d.allowed and d.retry_after == 30 and d.remaining == 0
    assert lim.hit("b").allowed  # other keys are independent
    clock.t = 1000.0 + 59.5
    assert lim.hit("a").retry_after == 1  # rounded up, never 0 while refused
    clock.t = 1000.0 + 60
    assert lim.hit("a").allowed  # the first hit slid out of the window
    assert not lim.hit("a").allowed  # 10, 20, 60 are inside


def test_refused_hits_do_not_extend_the_wait_and_check_records_nothing():
    clock = FakeClock()
    lim = SlidingWindowLimiter(1, 60, clock=clock)
    assert lim.check("a").allowed and lim.check("a").allowed
    assert lim.hit("a").allowed
    for _ in range(10):
        clock.t += 5
        assert not lim.hit("a").allowed
    clock.t = 1000.0 + 60
    assert lim.hit("a").allowed


def test_memory_is_bounded_by_max_keys():
    clock = FakeClock()
    lim = SlidingWindowLimiter(5, 60, max_keys=100, clock=clock)
    for i in range(10_000):
        lim.hit(f"login-{i}")
    assert len(lim) <= 100
    assert lim.hit("login-9999").remaining == 3  # the most recent keys are kept


def test_wait_text_in_japanese():
    assert wait_text(45) == "45秒" and wait_text(61) == "2分" and wait_text(60) == "1分"


def _mini_app() -> FastAPI:
    from fastapi.templating import Jinja2Templates

    from kikan.adapters.api.app import WEB

    app = FastAPI()
    app.state.templates = Jinja2Templates(directory=str(WEB / "templates"))
    install(app)
    limit = RateLimit(client_key, 2, 60, scope="form")

    @app.post("/api/v1/thing", dependencies=[Depends(limit)])
    def api_thing() -> dict:
        return {"ok": True}

    @app.get("/apply/form", dependencies=[Depends(limit)])
    @app.post("/apply/form", dependencies=[Depends(limit)])
    def form() -> dict:
        return {"ok": True}

    return app


def test_dependency_answers_429_with_retry_after_json_for_the_api_and_a_page_for_forms():
    c = TestClient(_mini_app())
    assert [c.post("/api/v1/thing").status_code for _ in range(2)] == [200, 200]
    r = c.post("/api/v1/thing")
    assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 60
    assert r.json()["error"]["code"] == "rate_limited"
    assert "一時的に受け付けを制限しています" in r.json()["error"]["message"]
    assert all(c.get("/apply/form").status_code == 200 for _ in range(5))  # showing a form is free
    c.post("/apply/form")
    c.post("/apply/form")
    page = c.post("/apply/form")
    assert page.status_code == 429 and "text/html" in page.headers["content-type"]
    assert "一時的に受け付けを制限しています" in page.text and page.headers["retry-after"]


# --- the login form ---------------------------------------------------------------------------


@pytest.fixture
def limited_app(db, db_url) -> Iterator[tuple[FastAPI, FakeClock]]:  # type: ignore[no-untyped-def]
    """An app of its own (the shared one must not inherit these counts), with a frozen clock."""
    from kikan.adapters.api.app import create_app
    from kikan.config import Settings

    app = create_app(Settings(database_url=db_url, secret_key="rl-secret", log_json=True), db)
    clock = FakeClock()
    app.state.login_limits = LoginLimits(SlidingWindowLimiter(3, 60, clock=clock),
                                         SlidingWindowLimiter(5, 60, clock=clock))  # fmt: skip
    yield app, clock


def _attempt(c: TestClient, login: str, password: str):  # type: ignore[no-untyped-def]
    page = c.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    return c.post("/login", data={"login": login, "password": password, "csrf_token": token},
                  follow_redirects=False)  # fmt: skip


def test_login_is_limited_per_login_name_even_with_the_right_password(db, tenant_id, limited_app):
    app, clock = limited_app
    login = make_staff(db, tenant_id, ["registry_clerk"])
    c = TestClient(app)
    assert _attempt(c, login, "wrong-password-1").status_code == 400
    assert _attempt(c, login, "wrong-password-2").status_code == 400
    assert _attempt(c, login, TEST_PASSWORD).status_code == 303
    r = _attempt(c, login, TEST_PASSWORD)
    assert r.status_code == 429 and int(r.headers["retry-after"]) == 60
    assert "一時的に受け付けを制限しています" in r.text and "1分後" in r.text
    assert r.headers["x-frame-options"] == "DENY"
    assert _attempt(c, login.upper(), TEST_PASSWORD).status_code == 429  # same name, other case
    clock.t += 60
    assert _attempt(c, login, TEST_PASSWORD).status_code == 303


def test_login_failures_are_limited_per_client_address_across_login_names(db, tenant_id, limited_app):
    app, clock = limited_app
    c = TestClient(app)
    for i in range(5):  # password spraying: one guess on many names
        assert _attempt(c, f"someone{i}", "Spring2024!!").status_code == 400
    victim = make_staff(db, tenant_id, ["registry_clerk"])
    r = _attempt(c, victim, TEST_PASSWORD)
    assert r.status_code == 429 and r.headers["retry-after"]
    clock.t += 61
    assert _attempt(c, victim, TEST_PASSWORD).status_code == 303


def test_successful_logins_from_one_address_are_not_limited(db, tenant_id, limited_app):
    """A whole town hall behind one proxy logs in at 8:30."""
    app, _ = limited_app
    logins = [make_staff(db, tenant_id, ["registry_clerk"]) for _ in range(6)]  # > 5 failures allowed
    c = TestClient(app)
    assert [_attempt(c, x, TEST_PASSWORD).status_code for x in logins] == [303] * 6


def test_the_lock_out_still_applies_below_the_rate_limit(db, tenant_id, limited_app):
    app, clock = limited_app
    login = make_staff(db, tenant_id, ["registry_clerk"])
    c = TestClient(app)
    for _ in range(5):  # 5 failures lock the account (login_max_failures), 3 a minute allowed
        assert _attempt(c, login, "wrong-password!").status_code == 400
        clock.t += 30
    r = _attempt(c, login, TEST_PASSWORD)
    assert r.status_code == 400 and "ロック" in r.text
