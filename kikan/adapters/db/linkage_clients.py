"""System clients of the linkage API (control plane): registration, grants, secret rotation.

共通機能標準仕様書「庁内データ連携」: other systems (another vendor's, or kikan's own tax and welfare
businesses) are OAuth 2.0 clients authenticating with ``client_secret_jwt``. An operator registers
a client, grants it datasets per tenant (access right = client × dataset × tenant), rotates its
secret and can disable it. The secret is shown once and stored encrypted (``linkage_keys``).

Rotation: the new secret is valid at once. The old one stops working at once (``grace_seconds=0``,
the default, for a leaked secret — the client's outstanding access tokens are revoked too) or
after a grace period (planned rotation: the partner switches within it; tokens stay valid).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import structlog

from kikan.adapters.db import linkage_keys
from kikan.adapters.db.database import Database
from kikan.adapters.db.tables.core import tenant
from kikan.adapters.db.tables.linkage import linkage_client, linkage_grant, linkage_token
from kikan.core.errors import Conflict, FieldError, NotFound, ValidationFailed
from kikan.linkage import datasets

log = structlog.get_logger("kikan.linkage.clients")

CLIENT_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
MAX_GRACE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Grant:
    tenant_id: str
    dataset: str


@dataclass(frozen=True)
class ClientInfo:
    client_id: str
    name: str
    status: str
    created_at: datetime
    rotated_at: datetime | None
    previous_valid_until: datetime | None
    grants: tuple[Grant, ...]


def _get(conn: sa.Connection, client_id: str) -> sa.Row:
    row = conn.execute(sa.select(linkage_client).where(linkage_client.c.client_id == client_id)).first()
    if row is None:
        raise NotFound(f"クライアントID {client_id} は登録されていません", field="client_id")
    return row


def register(db: Database, name: str, *, client_id: str | None = None, by: str) -> tuple[str, str]:
    """Register a client; returns (client_id, client_secret). The secret is not shown again."""
    name = name.strip()
    cid = client_id or f"kc-{secrets.token_hex(8)}"
    errors = []
    if not name or len(name) > 100:
        errors.append(FieldError("name", "クライアント名を100文字以内で入力してください"))
    if not CLIENT_ID.match(cid):
        errors.append(
            FieldError("client_id", "クライアントIDは英小文字・数字・._- の3〜64文字にしてください")
        )
    if errors:
        raise ValidationFailed(errors)
    secret = linkage_keys.new_secret()
    with db.control() as conn:
        if conn.execute(
            sa.select(linkage_client.c.client_id).where(linkage_client.c.client_id == cid)
        ).first():
            raise Conflict(f"クライアントID {cid} は登録済みです", field="client_id")
        conn.execute(
            sa.insert(linkage_client),
            {"client_id": cid, "name": name, "secret_enc": linkage_keys.box().encrypt(secret, cid),
             "status": "active", "created_at": db.clock.now(), "created_by": by},
        )  # fmt: skip
    log.info("linkage.client.registered", client_id=cid, by=by)
    return cid, secret


def grant(db: Database, client_id: str, tenant_id: str, dataset: str, *, by: str) -> None:
    """Allow ``client_id`` to pull ``dataset`` of ``tenant_id`` (idempotent)."""
    if datasets.get(dataset) is None:
        raise ValidationFailed(
            [FieldError("dataset", f"データセット {dataset} はありません（{', '.join(datasets.REGISTRY)}）")]
        )
    with db.control() as conn:
        _get(conn, client_id)
        if conn.execute(sa.select(tenant.c.tenant_id).where(tenant.c.tenant_id == tenant_id)).first() is None:
            raise NotFound(f"団体コード {tenant_id} は登録されていません", field="tenant_id")
        g = linkage_grant.c
        exists = conn.execute(
            sa.select(g.client_id).where(
                g.client_id == client_id, g.tenant_id == tenant_id, g.dataset == dataset
            )
        ).first()
        if not exists:
            conn.execute(
                sa.insert(linkage_grant),
                {"client_id": client_id, "tenant_id": tenant_id, "dataset": dataset,
                 "granted_at": db.clock.now(), "granted_by": by},
            )  # fmt: skip
    log.info("linkage.client.granted", client_id=client_id, tenant_id=tenant_id, dataset=dataset, by=by)


def revoke(db: Database, client_id: str, tenant_id: str, dataset: str) -> bool:
    """Withdraw a grant; effective at once (the feed checks grants on every request)."""
    g = linkage_grant.c
    with db.control() as conn:
        _get(conn, client_id)
        n = conn.execute(
            sa.delete(linkage_grant).where(
                g.client_id == client_id, g.tenant_id == tenant_id, g.dataset == dataset
            )
        ).rowcount
    log.info(
        "linkage.client.revoked", client_id=client_id, tenant_id=tenant_id, dataset=dataset, found=bool(n)
    )
    return bool(n)


def rotate(db: Database, client_id: str, *, grace_seconds: int = 0) -> str:
    """A new secret; the old one valid for ``grace_seconds`` more (0: invalid at once, tokens revoked)."""
    if not 0 <= grace_seconds <= MAX_GRACE_SECONDS:
        raise ValidationFailed([FieldError("grace_seconds", "猶予期間は0秒から7日の範囲で指定してください")])
    now = db.clock.now()
    secret = linkage_keys.new_secret()
    with db.control() as conn:
        row = _get(conn, client_id)
        values: dict = {"secret_enc": linkage_keys.box().encrypt(secret, client_id), "rotated_at": now,
                        "previous_secret_enc": None, "previous_valid_until": None}  # fmt: skip
        if grace_seconds:
            values.update(
                previous_secret_enc=row.secret_enc,
                previous_valid_until=now + timedelta(seconds=grace_seconds),
            )
        else:
            conn.execute(sa.delete(linkage_token).where(linkage_token.c.client_id == client_id))
        conn.execute(
            sa.update(linkage_client).where(linkage_client.c.client_id == client_id).values(**values)
        )
    log.info("linkage.client.rotated", client_id=client_id, grace_seconds=grace_seconds)
    return secret


def set_status(db: Database, client_id: str, status: str) -> None:
    """``disabled`` stops the client at once (its tokens are revoked); ``active`` restores it."""
    if status not in ("active", "disabled"):
        raise ValidationFailed([FieldError("status", "状態は active または disabled です")])
    with db.control() as conn:
        _get(conn, client_id)
        conn.execute(
            sa.update(linkage_client).where(linkage_client.c.client_id == client_id).values(status=status)
        )
        if status == "disabled":
            conn.execute(sa.delete(linkage_token).where(linkage_token.c.client_id == client_id))
    log.info("linkage.client.status", client_id=client_id, status=status)


def list_clients(db: Database) -> list[ClientInfo]:
    with db.control() as conn:
        rows = conn.execute(sa.select(linkage_client).order_by(linkage_client.c.client_id)).all()
        grants: dict[str, list[Grant]] = {}
        for g in conn.execute(
            sa.select(linkage_grant).order_by(linkage_grant.c.tenant_id, linkage_grant.c.dataset)
        ).all():
            grants.setdefault(g.client_id, []).append(Grant(g.tenant_id, g.dataset))
    return [
        ClientInfo(r.client_id, r.name, r.status, r.created_at, r.rotated_at, r.previous_valid_until,
                   tuple(grants.get(r.client_id, ())))
        for r in rows
    ]  # fmt: skip


def secrets_for(conn: sa.Connection, client_id: str, now: datetime) -> list[bytes] | None:
    """The secrets an assertion of this active client may be signed with (current first); None if unknown."""
    row = conn.execute(sa.select(linkage_client).where(linkage_client.c.client_id == client_id)).first()
    if row is None or row.status != "active":
        return None
    box = linkage_keys.box()
    keys = [box.decrypt(row.secret_enc, client_id).encode()]
    if row.previous_secret_enc and row.previous_valid_until and row.previous_valid_until > now:
        keys.append(box.decrypt(row.previous_secret_enc, client_id).encode())
    return keys


def granted(conn: sa.Connection, client_id: str, tenant_id: str | None = None) -> list[Grant]:
    g = linkage_grant.c
    q = sa.select(g.tenant_id, g.dataset).where(g.client_id == client_id)
    if tenant_id is not None:
        q = q.where(g.tenant_id == tenant_id)
    return [Grant(r.tenant_id, r.dataset) for r in conn.execute(q.order_by(g.tenant_id, g.dataset)).all()]
