"""Helpers for the linkage tests (integration and e2e): clients, assertions, 異動 through the registry."""

from __future__ import annotations

import base64
import itertools
import time
import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db import linkage_clients, linkage_keys
from kikan.adapters.db.tables.linkage import linkage_exchange, linkage_jti, linkage_token
from kikan.juki.services import RecordMoveIn, RecordMoveWithin, build, move_in, move_within
from kikan.linkage.assertion import CLIENT_ASSERTION_TYPE
from kikan.linkage.jws import sign_hs256

TEST_LINKAGE_KEY = "lt1:" + base64.b64encode(bytes(range(32, 64))).decode()
TODAY = date(2024, 4, 10)
TOKEN_URL = "http://testserver/api/v1/linkage/token"
ALL = ("juki.residents", "juki.households", "juki.moves")
_n = itertools.count(1)


def set_key(monkeypatch: Any) -> None:
    monkeypatch.setenv(linkage_keys.ENV_KEY, TEST_LINKAGE_KEY)
    monkeypatch.delenv("KIKAN_LINKAGE_AUDIENCE", raising=False)
    linkage_keys.reset()


def client(db: Any, tenant_id: str, datasets: tuple[str, ...] = ALL) -> tuple[str, str]:
    cid, secret = linkage_clients.register(
        db, "テスト連携先", client_id=f"t-{uuid.uuid4().hex[:12]}", by="test"
    )
    for d in datasets:
        linkage_clients.grant(db, cid, tenant_id, d, by="test")
    return cid, secret


def assertion(client_id: str, secret: str, aud: str = TOKEN_URL, **claims: Any) -> str:
    now = int(time.time())
    body = {
        "iss": client_id,
        "sub": client_id,
        "aud": aud,
        "iat": now,
        "exp": now + 60,
        "jti": uuid.uuid4().hex,
    }
    body.update(claims)
    for k in [k for k, v in body.items() if v is None]:
        del body[k]
    return sign_hs256(body, secret.encode())


def token_form(client_id: str, secret: str, **extra: Any) -> dict[str, str]:
    form = {"grant_type": "client_credentials", "client_assertion_type": CLIENT_ASSERTION_TYPE,
            "client_assertion": assertion(client_id, secret)}  # fmt: skip
    form.update(extra)
    return form


def token(http: Any, client_id: str, secret: str, **extra: Any) -> str:
    r = http.post("/api/v1/linkage/token", data=token_form(client_id, secret, **extra))
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def person(i: int | None = None, rel: str = "世帯主", **kw: Any) -> dict[str, Any]:
    i = i or next(_n)
    return {"family_name": "青木", "given_name": f"太郎{i}", "birth_date": "1980-01-01", "sex": "1",
            "relationship": rel, **kw}  # fmt: skip


def enter(db: Any, ctx: Any, *persons: dict[str, Any], address: str = "東京都千代田区松町１番地") -> Any:
    """A 転入 of one new household (one 異動 = one event listing every person)."""
    cmd = build(RecordMoveIn, {"event_on": "2024-04-01", "reported_on": "2024-04-01", "previous_address": "大阪府",
                               "persons": list(persons) or [person()], "address": {"address": address}})  # fmt: skip
    with db.uow(ctx) as uow:
        result = move_in(cmd, uow, today=TODAY)
        uow.commit()
    return result


def relocate(db: Any, ctx: Any, addressee_nos: list[str], address: str) -> Any:
    cmd = build(RecordMoveWithin, {"event_on": "2024-04-05", "reported_on": "2024-04-05",
                                   "addressee_nos": addressee_nos, "address": {"address": address}})  # fmt: skip
    with db.uow(ctx) as uow:
        result = move_within(cmd, uow, today=TODAY)
        uow.commit()
    return result


def counts(db: Any, tenant_id: str) -> tuple[int, int, int]:
    """(jti rows, live tokens, exchange entries of the tenant): to show a refusal wrote nothing."""
    with db.control() as conn:
        jti = conn.execute(sa.select(sa.func.count()).select_from(linkage_jti)).scalar_one()
        tok = conn.execute(sa.select(sa.func.count()).select_from(linkage_token)).scalar_one()
    from kikan.core.tenancy import Actor, TenantContext

    with db.uow(TenantContext(tenant_id, Actor("t"))) as uow:
        x = uow.conn.execute(
            sa.select(sa.func.count())
            .select_from(linkage_exchange)
            .where(linkage_exchange.c.tenant_id == tenant_id)
        ).scalar_one()
    return int(jti), int(tok), int(x)
