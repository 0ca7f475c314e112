"""A database that is down or restarting is a 503 with ``Retry-After`` — JSON for the API, the Japanese
error page for the staff screens — never a 500 and never the driver's message; the pool recovers."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from kikan.adapters.api import errors
from kikan.adapters.api.deps import SESSION_COOKIE, signer
from kikan.adapters.db.database import Database
from kikan.adapters.db.tables.core import idempotency_key, staff_account
from kikan.adapters.db.tables.juki import juki_history
from kikan.adapters.security import accounts, crypto
from kikan.config import Settings
from tests.conftest import make_staff

SECRET = "kikan-internal-detail-7f3a"  # in the injected driver message: must never reach the client


class Outage:
    """Switchable: while on, every new connection of ``engine`` fails as the driver would."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine, self.on = engine, False
        sa.event.listen(engine, "do_connect", self._connect)

    def _connect(self, dialect: Any, conn_rec: Any, cargs: Any, cparams: Any) -> Any:
        if not self.on:
            return None
        if dialect.name == "sqlite":
            raise sqlite3.OperationalError(f"unable to open database file ({SECRET})")
        import psycopg

        raise psycopg.OperationalError(f"connection failed: server closed the connection ({SECRET})")

    def start(self) -> None:
        self.on = True
        self.engine.dispose()  # the pooled connections died with the server

    def stop(self) -> None:
        self.on = False


@pytest.fixture
def outage_app(db_url: str) -> Iterator[tuple[Any, Database, Outage]]:
    from kikan.adapters.api.app import create_app

    database = Database(db_url)
    outage = Outage(database.engine)
    app = create_app(Settings(database_url=db_url, secret_key="test-secret", log_json=True), database)
    yield app, database, outage
    database.dispose()


def _token(db: Database, tenant_id: str, *roles: str) -> str:
    login = make_staff(db, tenant_id, list(roles))
    with db.control() as conn:
        acc = conn.execute(sa.select(staff_account.c.account_id).where(staff_account.c.login == login)).scalar_one()
    return accounts.issue_token(db, acc, tenant_id, "outage")


def _assert_503_json(r: Any) -> None:
    assert r.status_code == 503, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert r.headers["retry-after"] == str(errors.DB_RETRY_AFTER)
    err = r.json()["error"]
    assert err["code"] == "database_unavailable" and "データベース" in err["message"]
    assert SECRET not in r.text and "OperationalError" not in r.text and "psycopg" not in r.text


def test_api_answers_503_json_while_the_database_is_down_and_recovers(outage_app, tenant_id):
    app, db, outage = outage_app
    token = _token(db, tenant_id, "registry_clerk")
    c = TestClient(app, raise_server_exceptions=False)
    c.headers["Authorization"] = f"Bearer {token}"
    assert c.get("/api/v1/juki/households/000000000000019").status_code == 404
    outage.start()
    try:
        _assert_503_json(c.get("/api/v1/juki/households/000000000000019"))  # fails in authentication
        _assert_503_json(c.post("/api/v1/juki/moves/move-in", json={"persons": []}))
        _assert_503_json(c.post("/api/v1/juki/moves/move-in", json={}, headers={"Idempotency-Key": "k1"}))
    finally:
        outage.stop()
    assert c.get("/api/v1/juki/households/000000000000019").status_code == 404  # the pool came back


def test_staff_screen_answers_the_japanese_error_page_with_503(outage_app, tenant_id):
    app, db, outage = outage_app
    c = TestClient(app, raise_server_exceptions=False)
    c.cookies.set(SESSION_COOKIE, signer(app.state.settings).sign(b"some-session").decode())
    outage.start()
    try:
        r = c.get("/juki", follow_redirects=False)
    finally:
        outage.stop()
    assert r.status_code == 503 and r.headers["retry-after"] == str(errors.DB_RETRY_AFTER)
    assert r.headers["content-type"].startswith("text/html")
    assert errors.DB_UNAVAILABLE_TITLE in r.text and "データベースに接続できない" in r.text
    assert SECRET not in r.text and "Traceback" not in r.text


def test_a_connection_lost_in_the_middle_of_a_move_is_503_and_writes_nothing(
    outage_app, tenant_id, owner_engine, monkeypatch
):
    """The 異動 service hits a dropped connection: 503, the transaction rolled back, the idempotency
    key given back (the clerk's retry with the same key runs the 異動)."""
    from kikan.adapters.api.routes import juki_catalog
    from tests.e2e.juki.conftest import TEST_KEY, move_in_body, person

    monkeypatch.setenv(crypto.ENV_KEY, TEST_KEY)
    crypto.reset_cipher()
    app, db, _ = outage_app
    c = TestClient(app, raise_server_exceptions=False)
    c.headers["Authorization"] = f"Bearer {_token(db, tenant_id, 'registry_clerk')}"
    kind = next(k for k in juki_catalog.KINDS if k.slug == "move-in")
    real = kind.service

    def dropped(cmd: Any, uow: Any, **kw: Any) -> Any:
        real(cmd, uow, **kw)  # the writes happen, then the server goes away
        raise sa.exc.OperationalError("INSERT …", {}, Exception(f"server closed the connection unexpectedly {SECRET}"))

    body = move_in_body(person(), event_on="2024-04-01", reported_on="2024-04-05")
    object.__setattr__(kind, "service", dropped)  # MoveKind is frozen; the route calls kind.service
    try:
        r = c.post("/api/v1/juki/moves/move-in", json=body, headers={"Idempotency-Key": "lost-1"})
    finally:
        object.__setattr__(kind, "service", real)
    _assert_503_json(r)
    with owner_engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(juki_history)
                            .where(juki_history.c.tenant_id == tenant_id)).scalar_one() == 0  # fmt: skip
        assert conn.execute(sa.select(sa.func.count()).select_from(idempotency_key)
                            .where(idempotency_key.c.tenant_id == tenant_id)).scalar_one() == 0  # fmt: skip


def test_an_unreachable_server_is_503_quickly(db_url, tmp_path):
    """A Database pointing at a closed port (PostgreSQL) or at a file that cannot be opened (SQLite)."""
    import time

    from kikan.adapters.api.app import create_app

    if db_url.startswith("postgresql"):
        url = sa.engine.make_url(db_url).set(host="127.0.0.1", port=1).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path}"  # a directory: "unable to open database file"
    database = Database(url)
    app = create_app(Settings(database_url=url, secret_key="test-secret", log_json=True), database)
    c = TestClient(app, raise_server_exceptions=False)
    t0 = time.monotonic()
    try:
        r = c.get("/api/v1/juki/households/000000000000019", headers={"Authorization": "Bearer anything"})
    finally:
        database.dispose()
    assert time.monotonic() - t0 < 15
    _assert_503_json(r)
    assert "127.0.0.1" not in r.text and str(tmp_path) not in r.text


def test_a_bug_is_not_disguised_as_an_outage():
    """Only "not now" errors become 503: a missing table or a constraint stays a 5xx/its own handler."""
    assert errors.database_unavailable(sa.exc.OperationalError("x", {}, sqlite3.OperationalError("database is locked")))
    assert not errors.database_unavailable(sa.exc.OperationalError("x", {}, sqlite3.OperationalError("no such table: t")))
    assert not errors.database_unavailable(sa.exc.IntegrityError("x", {}, sqlite3.IntegrityError("UNIQUE")))
    assert not errors.database_unavailable(ValueError("x"))
    import psycopg

    assert errors.database_unavailable(sa.exc.OperationalError("x", {}, psycopg.OperationalError("gone")))
    assert errors.database_unavailable(sa.exc.InterfaceError("x", {}, psycopg.InterfaceError("closed")))
    assert errors.database_unavailable(sa.exc.TimeoutError("QueuePool limit reached"))
    assert errors.database_unavailable(psycopg.OperationalError("raw, outside SQLAlchemy"))
    invalidated = sa.exc.DBAPIError("x", {}, psycopg.errors.AdminShutdown("terminating connection"),
                                    connection_invalidated=True)  # fmt: skip
    assert errors.database_unavailable(invalidated)
