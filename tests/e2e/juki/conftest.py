"""Fixtures for the registry API and screen tests: a fixed 処理日, a 個人番号 key, staff, residents."""

from __future__ import annotations

import base64
import itertools
import random
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from kikan.adapters.api.routes.juki_common import juki_today
from kikan.adapters.db.tables.core import audit_log, staff_account
from kikan.adapters.db.tables.juki import juki_history
from kikan.adapters.security import accounts, crypto
from kikan.core.identity import individual_number, resident_record_code
from kikan.core.tenancy import Actor, TenantContext
from kikan.juki.services import RecordMoveIn, build, move_in
from tests.conftest import login_client, make_staff

TODAY = date(2024, 4, 10)
TEST_KEY = "e2e:" + base64.b64encode(bytes(range(1, 33))).decode()
_rng = random.Random(4242)
_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def mynumber_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(crypto.ENV_KEY, TEST_KEY)
    crypto.reset_cipher()
    yield
    crypto.reset_cipher()


@pytest.fixture(autouse=True)
def fixed_today(app: Any) -> Iterator[date]:
    app.dependency_overrides[juki_today] = lambda: TODAY
    yield TODAY
    app.dependency_overrides.pop(juki_today, None)


def new_number() -> str:
    base = f"{_rng.randrange(10**10):010d}{next(_seq) % 10}"
    return base + individual_number.compute_check_digit(base)


def new_code() -> str:
    base = f"{_rng.randrange(10**10):010d}"
    return base + resident_record_code.compute_check_digit(base)


def person(family: str = "青木", given: str = "太郎", born: str = "1985-06-15", sex: str = "1",
           rel: str = "世帯主", **kw: Any) -> dict[str, Any]:  # fmt: skip
    return {"family_name": family, "given_name": given, "family_name_kana": kw.pop("fkana", "アオキ"),
            "given_name_kana": kw.pop("gkana", "タロウ"), "birth_date": born, "sex": sex, "relationship": rel,
            "individual_number": new_number(), "juminhyo_code": new_code(), **kw}  # fmt: skip


def move_in_body(
    *persons: dict[str, Any], address: str | dict = "東京都千代田区松町１番地", **kw: Any
) -> dict[str, Any]:
    addr = address if isinstance(address, dict) else {"address": address}
    return {"event_on": "2024-04-01", "reported_on": "2024-04-05", "previous_address": "東京都港区竹町２番地",
            "address": addr, "persons": list(persons) or [person()], **kw}  # fmt: skip


def system_ctx(tenant_id: str) -> TenantContext:
    perms = frozenset({"juki.read", "juki.write"})
    return TenantContext(tenant_id, Actor("seed", kind="staff", permissions=perms))


def seed_household(db: Any, tenant_id: str, *persons: dict[str, Any], **kw: Any) -> Any:
    """Move a household in through the service (not through the API under test)."""
    cmd = build(RecordMoveIn, move_in_body(*persons, **kw))
    with db.uow(system_ctx(tenant_id)) as uow:
        result = move_in(cmd, uow, today=TODAY)
        uow.commit()
    return result


def staff_client(app: Any, db: Any, tenant_id: str, *roles: str) -> TestClient:
    return login_client(app, make_staff(db, tenant_id, list(roles)))


def token_client(app: Any, db: Any, tenant_id: str, *roles: str) -> TestClient:
    """A client with an API token (no cookie, no CSRF) for ``roles`` in ``tenant_id``."""
    login = make_staff(db, tenant_id, list(roles))
    with db.control() as conn:
        acc = conn.execute(
            sa.select(staff_account.c.account_id).where(staff_account.c.login == login)
        ).scalar_one()
    token = accounts.issue_token(db, acc, tenant_id, "e2e")
    c = TestClient(app)
    c.headers["Authorization"] = f"Bearer {token}"
    return c


def history_count(owner_engine: sa.Engine, tenant_id: str) -> int:
    with owner_engine.connect() as c:
        return int(c.execute(sa.select(sa.func.count()).select_from(juki_history)
                             .where(juki_history.c.tenant_id == tenant_id)).scalar_one())  # fmt: skip


def audits(owner_engine: sa.Engine, tenant_id: str, function: str) -> list[Any]:
    a = audit_log.c
    with owner_engine.connect() as c:
        return list(c.execute(sa.select(audit_log).where(a.tenant_id == tenant_id, a.function == function)
                              .order_by(a.seq)).all())  # fmt: skip
