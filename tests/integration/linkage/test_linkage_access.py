"""Access rights per (client, dataset, tenant): tenant isolation, revocation, secret rotation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from linkage_support import assertion, client, enter, person, token, token_form

from kikan.adapters.db import linkage_clients, linkage_tokens
from kikan.adapters.db.database import Database
from kikan.adapters.security import accounts
from kikan.core.temporal import FixedClock
from kikan.core.tenancy import Actor, TenantContext
from kikan.linkage.errors import OAuthError
from tests.conftest import random_tenant_code

BASE = "/api/v1/linkage"


@pytest.fixture
def http(app):
    return TestClient(app)


@pytest.fixture
def other_tenant(db):
    while True:
        code = random_tenant_code()
        if accounts.get_tenant(db, code) is None:
            accounts.add_tenant(db, code, "他市")
            return TenantContext(code, Actor("b-clerk", permissions=frozenset({"juki.write"})))


def test_a_client_of_tenant_a_never_sees_tenant_b(db, http, ctx, other_tenant):
    mine = enter(db, ctx, person())
    # numbers are per-tenant sequences (both tenants have 宛名番号 …1): tell B's data by its name and address
    theirs = enter(db, other_tenant, person(family_name="他市民"), person(rel="妻", sex="2", family_name="他市民"),
                   address="大阪府大阪市北区他町１番地")  # fmt: skip
    cid, secret = client(db, ctx.tenant_id)
    h = {"Authorization": f"Bearer {token(http, cid, secret)}"}
    for ds in ("juki.residents", "juki.households", "juki.moves"):
        for kind in ("changes", "snapshot"):
            items = http.get(f"{BASE}/{ds}/{kind}", headers=h).json()["items"]
            text = str(items)
            assert items and "他" not in text and theirs.event_id not in text, (ds, kind)
    ids = [
        i["data"]["addressee_no"]
        for i in http.get(f"{BASE}/juki.residents/snapshot", headers=h).json()["items"]
    ]
    assert ids == mine.addressee_nos
    refused = http.post(f"{BASE}/token", data=token_form(cid, secret, tenant_id=other_tenant.tenant_id))
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_scope"
    csv = http.get(f"{BASE}/juki.residents/export", headers=h).text
    assert "青木" in csv and "他市民" not in csv


def test_revoking_a_grant_takes_effect_at_once(db, http, ctx):
    cid, secret = client(db, ctx.tenant_id, ("juki.moves", "juki.residents"))
    h = {"Authorization": f"Bearer {token(http, cid, secret)}"}
    assert http.get(f"{BASE}/juki.moves/changes", headers=h).status_code == 200
    assert linkage_clients.revoke(db, cid, ctx.tenant_id, "juki.moves")
    assert http.get(f"{BASE}/juki.moves/changes", headers=h).status_code == 403
    assert http.get(f"{BASE}/juki.residents/changes", headers=h).status_code == 200


def test_rotation_without_grace_invalidates_old_secret_and_tokens_at_once(db, http, ctx):
    cid, old = client(db, ctx.tenant_id)
    tok = token(http, cid, old)
    new = linkage_clients.rotate(db, cid)
    assert new != old
    assert http.post(f"{BASE}/token", data=token_form(cid, old)).status_code == 401
    assert (
        http.get(f"{BASE}/juki.moves/changes", headers={"Authorization": f"Bearer {tok}"}).status_code == 401
    )
    assert token(http, cid, new)


def test_rotation_with_grace_accepts_the_old_secret_until_it_ends(db_url, db, ctx):
    clock = FixedClock(datetime.now(UTC))
    timed = Database(db_url, clock=clock)
    try:
        cid, old = client(timed, ctx.tenant_id)
        new = linkage_clients.rotate(timed, cid, grace_seconds=600)
        aud = ["http://testserver/api/v1/linkage/token"]

        def form(secret: str) -> dict[str, str]:
            now = int(clock.at.timestamp())
            return {
                **token_form(cid, secret),
                "client_assertion": assertion(cid, secret, iat=now, exp=now + 60),
            }

        assert linkage_tokens.issue(timed, form(old), audiences=aud).client_id == cid
        assert linkage_tokens.issue(timed, form(new), audiences=aud).client_id == cid
        clock.advance(seconds=601)
        with pytest.raises(OAuthError) as e:
            linkage_tokens.issue(timed, form(old), audiences=aud)
        assert e.value.status == 401 and "署名" in e.value.description
        assert linkage_tokens.issue(timed, form(new), audiences=aud).client_id == cid
    finally:
        timed.dispose()


def test_access_tokens_expire(db_url, db, ctx):
    clock = FixedClock(datetime.now(UTC))
    timed = Database(db_url, clock=clock)
    try:
        cid, secret = client(timed, ctx.tenant_id)
        issued = linkage_tokens.issue(
            timed, token_form(cid, secret), audiences=["http://testserver/api/v1/linkage/token"]
        )
        assert issued.expires_in <= 600 and linkage_tokens.load(timed, issued.access_token) is not None
        clock.advance(seconds=issued.expires_in)
        assert linkage_tokens.load(timed, issued.access_token) is None
    finally:
        timed.dispose()


def test_secrets_are_stored_encrypted_bound_to_their_client(db, ctx):
    import sqlalchemy as sa

    from kikan.adapters.db.tables.linkage import linkage_client

    cid, secret = client(db, ctx.tenant_id)
    other, _ = client(db, ctx.tenant_id)
    with db.control() as conn:
        enc = conn.execute(
            sa.select(linkage_client.c.secret_enc).where(linkage_client.c.client_id == cid)
        ).scalar_one()
        assert secret not in enc
        conn.execute(
            sa.update(linkage_client).where(linkage_client.c.client_id == other).values(secret_enc=enc)
        )
    from kikan.adapters.security.crypto import CipherError

    with pytest.raises(CipherError), db.control() as conn:
        linkage_clients.secrets_for(conn, other, datetime.now(UTC))
