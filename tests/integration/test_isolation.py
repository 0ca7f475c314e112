"""Tenant A can neither read nor write tenant B's rows: repositories, raw SQL (RLS) and API."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kikan.adapters.db import audit_store, outbox
from kikan.adapters.db.tables.core import audit_log, outbox_event
from kikan.core.events import DomainEvent
from kikan.core.tenancy import Actor, TenantContext
from tests.conftest import login_client, make_staff


@pytest.fixture
def two_tenants(db, tenant_id):
    from kikan.adapters.security import accounts
    from tests.conftest import random_tenant_code

    while True:
        other = random_tenant_code()
        if accounts.get_tenant(db, other) is None:
            accounts.add_tenant(db, other, "他市")
            break
    a = TenantContext(tenant_id, Actor("a-clerk"))
    b = TenantContext(other, Actor("b-clerk"))
    for ctx in (a, b):
        with db.uow(ctx) as uow:
            uow.audit("juki.resident.view", "read", target_id=f"secret-of-{ctx.tenant_id}")
            uow.emit(DomainEvent("Thing", "thing", ctx.tenant_id, {"owner": ctx.tenant_id}))
            uow.commit()
    return a, b


def test_repositories_scope_by_tenant(db, two_tenants):
    a, b = two_tenants
    with db.uow(a) as uow:
        rows = audit_store.search(uow.conn, a.tenant_id)
        assert rows and all(r.tenant_id == a.tenant_id for r in rows)
        assert all(e.payload["owner"] == a.tenant_id for e in outbox.read_after(uow.conn, a.tenant_id, 0, 100))


def test_postgres_rls_hides_and_refuses_other_tenant_rows(db, two_tenants):
    if db.dialect != "postgresql":
        pytest.skip("row-level security is PostgreSQL's; SQLite relies on the repository filter")
    a, b = two_tenants
    with db.uow(a) as uow:
        # a query that forgets the tenant filter still sees only tenant A
        owners = set(uow.conn.execute(sa.select(audit_log.c.tenant_id)).scalars())
        assert owners == {a.tenant_id}
        assert set(uow.conn.execute(sa.select(outbox_event.c.tenant_id)).scalars()) == {a.tenant_id}
    with pytest.raises(sa.exc.ProgrammingError, match="row-level security"), db.uow(a) as uow:
        uow.conn.execute(
            sa.insert(outbox_event),
            {"tenant_id": b.tenant_id, "seq": 999, "event_id": "x" * 36, "event_type": "Evil",
             "aggregate_type": "x", "aggregate_id": "x", "schema_version": 1, "payload": {},
             "recorded_at": uow.now},
        )
    with db.uow(a) as uow:  # updates of B's rows touch nothing
        from kikan.adapters.db.tables.core import tenant_counter

        n = uow.conn.execute(
            sa.update(tenant_counter).where(tenant_counter.c.tenant_id == b.tenant_id).values(value=0)
        ).rowcount
        assert n == 0


def test_api_user_of_a_cannot_reach_b(db, app, two_tenants):
    a, b = two_tenants
    login = make_staff(db, a.tenant_id, ["auditor", "tax_clerk"])
    c = login_client(app, login)
    rows = c.get("/api/v1/audit").json()
    assert rows and all(not r["target_id"].endswith(b.tenant_id) for r in rows)
    evs = c.get("/api/v1/events").json()["events"]
    assert evs and all(e["payload"]["owner"] == a.tenant_id for e in evs)
    # switching to B is refused
    r = c.post("/tenant", data={"tenant_id": b.tenant_id}, follow_redirects=False)
    assert r.status_code == 403
    assert c.get("/api/v1/me").json()["tenant_id"] == a.tenant_id


def test_api_token_is_bound_to_its_tenant(db, app, two_tenants):
    from fastapi.testclient import TestClient

    from kikan.adapters.security import accounts

    a, b = two_tenants
    login = make_staff(db, a.tenant_id, ["auditor"])
    acc_id = _account_id(db, login)
    token = accounts.issue_token(db, acc_id, a.tenant_id, "tool")
    c = TestClient(app)
    rows = c.get("/api/v1/audit", headers={"Authorization": f"Bearer {token}"}).json()
    assert rows and all(not r["target_id"].endswith(b.tenant_id) for r in rows)
    # a token for a tenant where the account holds no role has no permissions there
    token_b = accounts.issue_token(db, acc_id, b.tenant_id, "tool")
    assert c.get("/api/v1/audit", headers={"Authorization": f"Bearer {token_b}"}).status_code == 403


def _account_id(db, login):
    from kikan.adapters.db.tables.core import staff_account

    with db.control() as conn:
        return conn.execute(sa.select(staff_account.c.account_id).where(staff_account.c.login == login)).scalar_one()
