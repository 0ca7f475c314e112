"""Two tenants with residents and staff, shared by the security tests (import the fixtures by name).

Tenant B's residents carry names that appear nowhere in tenant A, and B's 宛名番号 counter starts
far from A's, so any of B's names, numbers or its 団体コード in a tenant-A answer is a leak.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from kikan.adapters.api.routes.juki_common import juki_today
from kikan.adapters.db import counters
from kikan.adapters.db.tables.core import staff_account
from kikan.adapters.security import accounts, crypto
from tests.conftest import login_client, make_staff, random_tenant_code
from tests.e2e.juki.conftest import TODAY, person, seed_household, system_ctx

KEY = "sec:" + base64.b64encode(bytes(range(100, 132))).decode()
#: every permission but the cross-tenant ``operator`` one
BROAD_ROLES = ["registry_supervisor", "tenant_admin", "auditor", "tax_clerk", "welfare_clerk"]
B_NAMES = ("鬼瓦", "権蔵", "オニガワラ", "ゴンゾウ", "秘密町")


@dataclass
class World:
    a: str
    b: str
    a_login: str
    a_token: str
    b_token: str
    a_residents: list[str] = field(default_factory=list)
    a_households: list[str] = field(default_factory=list)
    a_numbers: list[str] = field(default_factory=list)  # 個人番号 of A's residents (clear)
    b_residents: list[str] = field(default_factory=list)
    b_households: list[str] = field(default_factory=list)

    def b_markers(self) -> list[str]:
        return [self.b, *B_NAMES, *self.b_residents, *self.b_households]


def _tenant(db: Any) -> str:
    while True:
        code = random_tenant_code()
        try:
            accounts.add_tenant(db, code, f"セキュリティ{code}")
            return code
        except accounts.AccessError:
            continue


def token_for(db: Any, tenant: str, roles: list[str]) -> tuple[str, str]:
    login = make_staff(db, tenant, roles)
    with db.control() as conn:
        acc = conn.execute(
            sa.select(staff_account.c.account_id).where(staff_account.c.login == login)
        ).scalar_one()
    return login, accounts.issue_token(db, acc, tenant, "security-tests")


@pytest.fixture(scope="module")
def mynumber_env() -> Iterator[None]:
    old = os.environ.get(crypto.ENV_KEY)
    os.environ[crypto.ENV_KEY] = KEY
    crypto.reset_cipher()
    yield
    if old is None:
        os.environ.pop(crypto.ENV_KEY, None)
    else:
        os.environ[crypto.ENV_KEY] = old
    crypto.reset_cipher()


@pytest.fixture(scope="module")
def world(db: Any, app: Any, mynumber_env: None) -> Iterator[World]:
    app.dependency_overrides[juki_today] = lambda: TODAY
    a, b = _tenant(db), _tenant(db)
    with db.uow(system_ctx(b)) as uow:  # B's 宛名番号 far from A's: a B number in A's answer is a leak
        counters.advance(uow.conn, b, "addressee_no", 500_000)
        counters.advance(uow.conn, b, "household_no", 500_000)
        uow.commit()
    a_login, a_token = token_for(db, a, BROAD_ROLES)
    w = World(a, b, a_login, a_token, token_for(db, b, BROAD_ROLES)[1])
    for given, gkana in (("太郎", "タロウ"), ("次郎", "ジロウ")):
        p = person(given=given, gkana=gkana)
        r = seed_household(db, a, p, person(given="花子", gkana="ハナコ", sex="2", rel="妻"))
        w.a_residents += r.addressee_nos
        w.a_households.append(r.household_no)
        w.a_numbers.append(p["individual_number"])
    r = seed_household(db, b, person(family="鬼瓦", given="権蔵", fkana="オニガワラ", gkana="ゴンゾウ"),
                       address="東京都千代田区秘密町９番地")  # fmt: skip
    w.b_residents, w.b_households = list(r.addressee_nos), [r.household_no]
    yield w
    app.dependency_overrides.pop(juki_today, None)


def bearer(app: Any, token: str) -> TestClient:
    c = TestClient(app)
    c.headers["Authorization"] = f"Bearer {token}"
    return c


def cookie_client(app: Any, login: str) -> TestClient:
    """Logged in through the login form; carries the CSRF header (remove it to test refusal)."""
    c = login_client(app, login)
    assert c.headers.get("X-CSRF-Token"), "home page did not expose the CSRF token"
    return c


def path_of(template: str, values: dict[str, str]) -> str:
    """Fill ``{name}`` / ``{name:path}`` placeholders; unknown names get a harmless value."""
    return re.sub(r"\{([^}:]+)(:[^}]*)?\}", lambda m: values.get(m.group(1), "1"), template)


def today() -> date:
    return TODAY
