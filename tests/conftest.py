"""Shared fixtures.

``db`` is parametrised over the backends: SQLite always, PostgreSQL when
``KIKAN_TEST_DATABASE_URL`` is set (CI sets it). Each xdist worker gets its own database,
migrated with Alembic exactly as ``kikan db upgrade`` does. Tests isolate themselves by
working in a fresh tenant (a random valid 団体コード) instead of truncating tables.
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from kikan.adapters.db.database import Database
from kikan.adapters.db.migrate import upgrade
from kikan.adapters.security import accounts
from kikan.core.identity import compute_local_government_check_digit
from kikan.core.tenancy import Actor, TenantContext

PG_URL = os.environ.get("KIKAN_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])


def _worker(request: pytest.FixtureRequest) -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "gw0")


def _pg_admin() -> sa.Engine:
    base = sa.engine.make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    return sa.create_engine(base, isolation_level="AUTOCOMMIT")


def _pg_database(request: pytest.FixtureRequest) -> tuple[str, str]:
    """A database of this test process alone (concurrent runs never share one)."""
    base = sa.engine.make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"kikan_test_{_worker(request)}_{os.getpid()}"
    admin = _pg_admin()
    with admin.connect() as c:
        c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return name, base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(autouse=True)
def _fresh_cipher() -> Iterator[None]:
    """Each test builds the 個人番号 cipher from its own environment: a key ring set by one test's
    ``monkeypatch`` must not outlive it in the process-wide cache."""
    from kikan.adapters.security import crypto

    crypto.reset_cipher()
    yield
    crypto.reset_cipher()


@pytest.fixture(scope="session", params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "postgres":
        name, url = _pg_database(request)
    else:
        name, url = "", f"sqlite:///{tmp_path_factory.mktemp('db') / 'kikan.db'}"
    upgrade(url)
    yield url
    if name:
        admin = _pg_admin()
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def owner_engine(db_url: str) -> Iterator[sa.Engine]:
    """A connection as the schema owner (no SET ROLE): what a DBA could do behind the app."""
    from kikan.adapters.db.engine import make_engine

    e = make_engine(db_url)
    yield e
    e.dispose()


def random_tenant_code(rng: random.Random | None = None) -> str:
    rng = rng or random.Random()
    while True:
        base = f"{rng.randint(1, 47):02d}{rng.randint(100, 999):03d}"
        code = base + str(compute_local_government_check_digit(base))
        return code


@pytest.fixture
def tenant_id(db: Database) -> str:
    for _ in range(20):
        code = random_tenant_code()
        try:
            accounts.add_tenant(db, code, f"テスト市{code}")
            return code
        except accounts.AccessError:
            continue
    raise RuntimeError("could not allocate a tenant")


@pytest.fixture
def ctx(tenant_id: str) -> TenantContext:
    perms = frozenset({"juki.read", "juki.write", "juki.certificate", "juki.block.manage", "juki.stats"})
    return TenantContext(tenant_id, Actor("clerk01", client_addr="127.0.0.1", terminal="T01", permissions=perms))


# --- web / API -----------------------------------------------------------------------------

TEST_PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def app(db: Database, db_url: str):  # type: ignore[no-untyped-def]
    from kikan.adapters.api.app import create_app
    from kikan.config import Settings

    settings = Settings(database_url=db_url, secret_key="test-secret", log_json=True)
    return create_app(settings, db)


def make_staff(db: Database, tenant: str, roles: list[str], *, operator: bool = False) -> str:
    """Create an account with roles in ``tenant``; returns its login."""
    import uuid

    login = f"u{uuid.uuid4().hex[:10]}"
    acc = accounts.add_account(db, login, TEST_PASSWORD, f"職員{login[-4:]}", is_operator=operator)
    for r in roles:
        accounts.grant(db, acc.account_id, tenant, r)
    return login


def login_client(app, login: str, password: str = TEST_PASSWORD):  # type: ignore[no-untyped-def]
    """A TestClient logged in through the real login form (with its CSRF cookie)."""
    import re

    from fastapi.testclient import TestClient

    c = TestClient(app)
    page = c.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    r = c.post("/login", data={"login": login, "password": password, "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303, r.text
    home = c.get("/")
    m = re.search(r'"X-CSRF-Token": "([^"]+)"', home.text)
    c.headers["X-CSRF-Token"] = m.group(1) if m else ""
    return c
