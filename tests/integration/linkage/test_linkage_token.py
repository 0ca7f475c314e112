"""The token endpoint (client_secret_jwt): a good assertion gets a token; every bad one a clear 4xx,
logged, and nothing written (no jti consumed, no token, no exchange entry)."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from linkage_support import TOKEN_URL, assertion, client, counts, token, token_form

from kikan.linkage.assertion import CLIENT_ASSERTION_TYPE
from kikan.linkage.jws import b64url, sign_hs256

URL = "/api/v1/linkage/token"


@pytest.fixture
def http(app):
    return TestClient(app)


def test_good_assertion_gets_a_short_lived_token_bound_to_tenant_and_datasets(db, http, tenant_id):
    cid, secret = client(db, tenant_id, ("juki.residents", "juki.moves"))
    r = http.post(URL, data=token_form(cid, secret))
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    body = r.json()
    assert body["token_type"] == "Bearer" and 0 < body["expires_in"] <= 600
    assert body["tenant_id"] == tenant_id and body["scope"] == "juki.moves juki.residents"
    assert body["access_token"].startswith("kls_")
    from kikan.adapters.db import audit_store
    from kikan.core.tenancy import Actor, TenantContext

    with db.uow(TenantContext(tenant_id, Actor("t"))) as uow:
        (login,) = audit_store.search(uow.conn, tenant_id, actor=cid)
    assert (login.function, login.action, login.detail) == (
        "linkage.token",
        "login",
        "juki.moves juki.residents",
    )
    narrowed = http.post(URL, data=token_form(cid, secret, scope="juki.moves")).json()
    assert narrowed["scope"] == "juki.moves"
    feed = http.get(
        "/api/v1/linkage/juki.residents/changes",
        headers={"Authorization": f"Bearer {narrowed['access_token']}"},
    )
    assert feed.status_code == 403 and feed.json()["error"]["code"] == "insufficient_scope"


def _bad(cid, secret, now):
    """(name, form, status, error, message fragment) of each bad request."""
    good = dict(grant_type="client_credentials", client_assertion_type=CLIENT_ASSERTION_TYPE)
    hs = lambda **c: assertion(cid, secret, **c)  # noqa: E731
    header = b64url(b'{"alg":"none","typ":"JWT"}')
    unsigned = header + "." + assertion(cid, secret).split(".")[1] + "."
    return [
        ("no client auth", {"grant_type": "client_credentials"}, 401, "invalid_client", "client_assertion"),
        ("not a JWT", {**good, "client_assertion": "abc"}, 401, "invalid_client", "形式"),
        ("alg none", {**good, "client_assertion": unsigned}, 401, "invalid_client", "HS256"),
        ("wrong secret", {**good, "client_assertion": assertion(cid, "x" * 43)}, 401, "invalid_client", "署名"),
        ("expired", {**good, "client_assertion": hs(iat=now - 400, exp=now - 120)}, 401, "invalid_client", "期限"),
        ("exp too far", {**good, "client_assertion": hs(exp=now + 3600)}, 401, "invalid_client", "5分"),
        ("iat in future", {**good, "client_assertion": hs(iat=now + 200, exp=now + 250)}, 401, "invalid_client", "iat"),
        ("wrong audience", {**good, "client_assertion": hs(aud="https://other.example/token")}, 401, "invalid_client", "aud"),
        ("iss != sub", {**good, "client_assertion": hs(sub="someone-else")}, 401, "invalid_client", "sub"),
        ("no jti", {**good, "client_assertion": hs(jti=None)}, 401, "invalid_client", "jti"),
        ("unknown client", {**good, "client_assertion": sign_hs256(
            {"iss": "nobody-x", "sub": "nobody-x", "aud": TOKEN_URL, "iat": now, "exp": now + 60, "jti": "j"},
            secret.encode())}, 401, "invalid_client", "登録されていない"),
        ("client_id mismatch", {**good, "client_id": "other", "client_assertion": hs()}, 401, "invalid_client", "client_id"),
        ("grant type", {**good, "grant_type": "password", "client_assertion": hs()}, 400, "unsupported_grant_type", "client_credentials"),
        ("dataset not granted", {**good, "client_assertion": hs(), "scope": "juki.households"}, 400, "invalid_scope", "juki.households"),
        ("tenant not granted", {**good, "client_assertion": hs(), "tenant_id": "011002"}, 400, "invalid_scope", "011002"),
    ]  # fmt: skip


def test_every_bad_request_is_a_clear_4xx_and_writes_nothing(db, http, tenant_id):
    cid, secret = client(db, tenant_id, ("juki.residents",))
    before = counts(db, tenant_id)
    for name, form, status, error, fragment in _bad(cid, secret, int(time.time())):
        r = http.post(URL, data=form)
        assert r.status_code == status, (name, r.text)
        body = r.json()
        assert body["error"] == error, name
        assert fragment in body["error_description"], (name, body)
        assert counts(db, tenant_id)[:2] == before[:2], f"{name} wrote something"


def test_empty_or_json_body_is_unauthenticated(http):
    assert http.post(URL).status_code == 401
    assert http.post(URL, json={"grant_type": "client_credentials"}).status_code == 401


def test_replayed_assertion_is_refused(db, http, tenant_id):
    cid, secret = client(db, tenant_id)
    form = token_form(cid, secret)
    assert http.post(URL, data=form).status_code == 200
    again = http.post(URL, data=form)
    assert again.status_code == 401 and "使用済み" in again.json()["error_description"]


def test_disabled_client_and_its_tokens_stop_at_once(db, http, tenant_id):
    from kikan.adapters.db import linkage_clients

    cid, secret = client(db, tenant_id)
    tok = token(http, cid, secret)
    linkage_clients.set_status(db, cid, "disabled")
    feed = http.get("/api/v1/linkage/juki.moves/changes", headers={"Authorization": f"Bearer {tok}"})
    assert feed.status_code == 401 and feed.json()["error"]["code"] == "invalid_token"
    assert http.post(URL, data=token_form(cid, secret)).status_code == 401


def test_a_client_granted_several_tenants_must_name_one(db, http, tenant_id):
    from kikan.adapters.db import linkage_clients
    from kikan.adapters.security import accounts
    from tests.conftest import random_tenant_code

    cid, secret = client(db, tenant_id)
    other = random_tenant_code()
    accounts.add_tenant(db, other, "他市")
    linkage_clients.grant(db, cid, other, "juki.moves", by="test")
    r = http.post(URL, data=token_form(cid, secret))
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    assert http.post(URL, data=token_form(cid, secret, tenant_id=other)).json()["tenant_id"] == other


def test_configured_audience_replaces_the_request_url(db, http, tenant_id, monkeypatch):
    cid, secret = client(db, tenant_id)
    monkeypatch.setenv("KIKAN_LINKAGE_AUDIENCE", "https://kikan.example.lg.jp/api/v1/linkage/token")
    assert http.post(URL, data=token_form(cid, secret)).status_code == 401
    form = token_form(cid, secret)
    form["client_assertion"] = assertion(cid, secret, aud="https://kikan.example.lg.jp/api/v1/linkage/token")
    assert http.post(URL, data=form).status_code == 200
