"""The token endpoint's logic (OAuth 2.0 client credentials + ``client_secret_jwt``) and access tokens.

RFC 6749 §4.4 (client credentials), RFC 7523 §2.2 (JWT client authentication), OIDC Core §9
(``client_secret_jwt``), 共通機能標準仕様書「庁内データ連携」 (JWT by client_secret_jwt; access-token
validity §2.2.5). Order of checks: client authentication (assertion type, JWS, signature with the
current secret — or the previous one in a rotation grace period —, claims), grant type, tenant
and scope against the grants, then the single use of ``jti``. A refused request writes nothing.

Access tokens are opaque (``kls_`` + 256 random bits), valid :data:`ACCESS_TOKEN_TTL` seconds,
bound to (client, tenant, datasets), and stored as SHA-256 only. Grants are re-checked on every
request, so revoking a grant or disabling a client takes effect at once.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import structlog
from sqlalchemy.dialects import postgresql, sqlite

from kikan.adapters.db import linkage_clients
from kikan.adapters.db.database import Database
from kikan.adapters.db.tables.linkage import linkage_client, linkage_jti, linkage_token
from kikan.core.tenancy import Actor, TenantContext
from kikan.linkage import jws
from kikan.linkage.assertion import (
    CLIENT_ASSERTION_TYPE,
    CLOCK_SKEW,
    AssertionInvalid,
    check_claims,
    client_id_of,
)
from kikan.linkage.errors import OAuthError

log = structlog.get_logger("kikan.linkage.token")

ACCESS_TOKEN_TTL = 300
TOKEN_PREFIX = "kls_"


@dataclass(frozen=True)
class IssuedToken:
    access_token: str
    expires_in: int
    client_id: str
    tenant_id: str
    datasets: tuple[str, ...]


@dataclass(frozen=True)
class SystemCaller:
    client_id: str
    tenant_id: str
    datasets: frozenset[str]
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _refuse(
    reason: str, message: str, client_id: str = "", status: int = 401, error: str = "invalid_client"
) -> OAuthError:
    log.warning("linkage.token.refused", reason=reason, client_id=client_id, error=error)
    return OAuthError(error, message, status)


def _authenticate(
    conn: sa.Connection, form: Mapping[str, str], audiences: Collection[str], now: datetime
) -> tuple[str, int]:
    if form.get("client_assertion_type") != CLIENT_ASSERTION_TYPE or not form.get("client_assertion"):
        raise _refuse(
            "no_client_auth",
            f"クライアント認証がありません。client_assertion_type={CLIENT_ASSERTION_TYPE} と client_assertion を指定してください",
        )
    assertion = form["client_assertion"]
    try:
        client_id = client_id_of(jws.split(assertion)[1])
    except jws.JWSError as e:
        raise _refuse("malformed", f"client_assertion: {e}") from None
    except AssertionInvalid as e:
        raise _refuse(e.reason, f"client_assertion: {e.message}") from None
    if form.get("client_id") and form["client_id"] != client_id:
        raise _refuse("client_id_mismatch", "client_id がアサーションの iss と一致しません", client_id)
    keys = linkage_clients.secrets_for(conn, client_id, now)
    if keys is None:
        raise _refuse(
            "unknown_client", f"クライアント {client_id} は登録されていないか、停止されています", client_id
        )
    try:
        claims, _ = jws.verify_hs256(assertion, keys)
        valid = check_claims(claims, audiences=audiences, now=now.timestamp())
    except jws.JWSError as e:
        raise _refuse("bad_signature", f"client_assertion: {e}", client_id) from None
    except AssertionInvalid as e:
        raise _refuse(e.reason, f"client_assertion: {e.message}", client_id) from None
    return client_id, valid.exp


def _scope(conn: sa.Connection, client_id: str, form: Mapping[str, str]) -> tuple[str, tuple[str, ...]]:
    grants = linkage_clients.granted(conn, client_id)
    tenants = sorted({g.tenant_id for g in grants})
    tenant_id = form.get("tenant_id", "").strip()
    if not tenants:
        raise _refuse(
            "no_grants", "このクライアントにはデータ連携が許可されていません", client_id, 400, "invalid_scope"
        )
    if not tenant_id:
        if len(tenants) > 1:
            raise _refuse(
                "tenant_required",
                "複数の団体が許可されています。tenant_id を指定してください",
                client_id,
                400,
                "invalid_request",
            )
        tenant_id = tenants[0]
    allowed = {g.dataset for g in grants if g.tenant_id == tenant_id}
    if not allowed:
        raise _refuse(
            "tenant_not_granted",
            f"団体 {tenant_id} のデータ連携は許可されていません",
            client_id,
            400,
            "invalid_scope",
        )
    asked = form.get("scope", "").split()
    refused = [d for d in asked if d not in allowed]
    if refused:
        raise _refuse(
            "dataset_not_granted", f"データセット {' '.join(refused)} は団体 {tenant_id} について許可されていません",
            client_id, 400, "invalid_scope",
        )  # fmt: skip
    return tenant_id, tuple(sorted(set(asked) if asked else allowed))


def _use_jti(conn: sa.Connection, client_id: str, jti: str, exp: int, now: datetime) -> bool:
    """Record the jti until its assertion can no longer be valid; False when it was used before."""
    conn.execute(sa.delete(linkage_jti).where(linkage_jti.c.expires_at < now))
    row = {"client_id": client_id, "jti": jti, "expires_at": datetime.fromtimestamp(exp + CLOCK_SKEW, tz=UTC)}
    insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt = insert(linkage_jti).values(row).on_conflict_do_nothing().returning(linkage_jti.c.jti)
    return conn.execute(stmt).first() is not None  # (rowcount is -1 for this statement on psycopg)


def issue(
    db: Database,
    form: Mapping[str, str],
    *,
    audiences: Collection[str],
    client_addr: str = "",
    request_id: str = "",
) -> IssuedToken:
    """Answer a token request; :class:`OAuthError` (logged, nothing written) when refused.

    An issued token is also an authentication event of the tenant's access log (住民記録標準仕様書
    10.2 認証ログ): ``linkage.token`` / ``login`` by the client.
    """
    now = db.clock.now()
    with db.control() as conn:
        client_id, exp = _authenticate(conn, form, audiences, now)
        if form.get("grant_type") != "client_credentials":
            raise _refuse(
                "grant_type",
                "grant_type は client_credentials を指定してください",
                client_id,
                400,
                "unsupported_grant_type",
            )
        tenant_id, names = _scope(conn, client_id, form)
        jti = jws.split(form["client_assertion"])[1]["jti"]
        if not _use_jti(conn, client_id, jti, exp, now):
            raise _refuse(
                "replay",
                "このクライアントアサーション（jti）は使用済みです。毎回新しい jti で作成してください",
                client_id,
            )
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        conn.execute(
            sa.delete(linkage_token).where(
                linkage_token.c.client_id == client_id, linkage_token.c.expires_at < now
            )
        )
        conn.execute(
            sa.insert(linkage_token),
            {"token_hash": token_hash(token), "client_id": client_id, "tenant_id": tenant_id,
             "datasets": " ".join(names), "issued_at": now, "expires_at": now + timedelta(seconds=ACCESS_TOKEN_TTL)},
        )  # fmt: skip
    log.info("linkage.token.issued", client_id=client_id, tenant_id=tenant_id, datasets=list(names))
    actor = Actor(client_id, kind="system", client_addr=client_addr[:64], request_id=request_id[:64])
    with db.uow(TenantContext(tenant_id, actor)) as uow:
        uow.audit("linkage.token", "login", target_type="client", target_id=client_id, detail=" ".join(names))
        uow.commit()
    return IssuedToken(token, ACCESS_TOKEN_TTL, client_id, tenant_id, names)


def load(db: Database, token: str) -> SystemCaller | None:
    """The caller behind a live access token, its datasets narrowed to the grants in force now."""
    now = db.clock.now()
    t, c = linkage_token.c, linkage_client.c
    with db.control() as conn:
        row = conn.execute(
            sa.select(t.client_id, t.tenant_id, t.datasets, t.expires_at)
            .join(linkage_client, c.client_id == t.client_id)
            .where(t.token_hash == token_hash(token), c.status == "active")
        ).first()
        if row is None or row.expires_at <= now:
            return None
        in_force = {g.dataset for g in linkage_clients.granted(conn, row.client_id, row.tenant_id)}
    return SystemCaller(
        row.client_id, row.tenant_id, frozenset(set(row.datasets.split()) & in_force), row.expires_at
    )
