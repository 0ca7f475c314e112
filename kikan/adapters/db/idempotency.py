"""Idempotency keys of the write API (``Idempotency-Key``, IETF draft-ietf-httpapi-idempotency-key-header).

A clerk's POST that timed out on the network and is sent again with the same key must not register
the 異動 (or issue the certificate) twice. One row per (tenant, staff member, key):

1. :func:`claim` — in a short transaction of its own, before the work: no row (or an expired one)
   → a ``pending`` row with a fresh claim token is committed and the work may run; a ``done`` row
   with the same request fingerprint → :class:`Stored` (the caller replays it, doing nothing);
   a different fingerprint → :class:`KeyReused` (422); a ``pending`` row claimed less than
   :data:`STALE_AFTER` ago → :class:`KeyInFlight` (409, ``Retry-After``: the first request is still
   running, or died with the database). A stale ``pending`` row (its request died before it could
   release it) is taken over with a new token.
2. :func:`complete` — in the work's own transaction, just before its commit: the row becomes
   ``done`` with the answer, **only if it still holds this request's token**. So the change and
   its stored answer commit together or not at all, and when a stale claim was taken over while
   its first request was still running, exactly one of the two can commit (the other gets
   :class:`KeyInFlight` and rolls back).
3. :func:`release` — the work failed (4xx, 5xx, lost database): the ``pending`` row is deleted
   (best effort), so the same key can be sent again. Errors are not stored: nothing was written,
   so running the request again is harmless.

Keys are scoped to the staff member (``actor``) as well as the tenant, so one clerk's key never
replays another's answer; RLS keeps tenants apart on PostgreSQL. Rows expire after
:data:`TTL` (24 h); an expired row is ignored (and replaced) by :func:`claim`, and :func:`purge`
deletes them (``kikan db purge-idempotency-keys``, daily from cron).

The fingerprint is ``sha256(method ‖ path ‖ sha256(body))`` of the raw request body, so the same
JSON sent with other spacing or key order counts as a different request.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.tables.core import idempotency_key
from kikan.core.errors import Conflict, DomainError
from kikan.core.tenancy import SYSTEM_BATCH, TenantContext

#: how long a stored answer is replayed (the draft recommends at least 24 hours)
TTL = timedelta(hours=24)
#: a ``pending`` claim older than this is taken over by a retry (its request is presumed dead)
STALE_AFTER = timedelta(seconds=60)
MAX_KEY_LENGTH = 255
MAX_STORED_BODY = 1_000_000  # characters; a bigger answer is not stored (the key is released instead)

c = idempotency_key.c


class KeyReused(DomainError):
    status = 422
    code = "idempotency_key_reused"

    def __init__(self) -> None:
        super().__init__(
            "この Idempotency-Key は内容の異なる要求に使用済みです。新しいキーで送信してください",
            field="Idempotency-Key",
        )


class KeyInFlight(Conflict):
    code = "idempotency_key_in_flight"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "同じ Idempotency-Key の要求を処理中です。しばらく待ってから同じキーで送信してください",
            field="Idempotency-Key",
        )
        self.retry_after = max(1, retry_after)


class KeyInvalid(DomainError):
    status = 400
    code = "idempotency_key_invalid"

    def __init__(self) -> None:
        super().__init__(
            f"Idempotency-Key は{MAX_KEY_LENGTH}文字以内の印字可能なASCII文字で指定してください",
            field="Idempotency-Key",
        )


def fingerprint(method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256(body).hexdigest()
    return hashlib.sha256(f"{method.upper()}\n{path}\n{digest}".encode()).hexdigest()


def parse_key(raw: str) -> str:
    """The key of an ``Idempotency-Key`` header: a structured-field string (``"…"``, RFC 8941) or,
    leniently, the bare value. Printable ASCII, 1–255 characters."""
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if not (1 <= len(value) <= MAX_KEY_LENGTH) or not all(" " <= ch <= "~" for ch in value):
        raise KeyInvalid()
    return value


@dataclass(frozen=True)
class Request:
    """One keyed request: what identifies it and what must match for a replay."""

    key: str
    method: str
    path: str
    fingerprint: str


@dataclass(frozen=True)
class Claim:
    """This request holds the key (``token``) and may do the work."""

    request: Request
    token: str


@dataclass(frozen=True)
class Stored:
    """The answer of the first request with this key: replay it."""

    status: int
    body: str
    headers: dict[str, str]


def _where(tenant_id: str, actor: str, key: str) -> Any:
    return sa.and_(c.tenant_id == tenant_id, c.actor == actor, c.idempotency_key == key)


def claim(db: Any, ctx: TenantContext, req: Request) -> Claim | Stored:
    """Take the key for this request, or find its stored answer (see the module docstring)."""
    actor = ctx.actor.actor_id
    for _ in range(3):  # a concurrent first request inserted the row meanwhile: read it again
        token = uuid.uuid4().hex
        with db.uow(ctx) as uow:
            conn, now = uow.conn, uow.now
            q = sa.select(idempotency_key).where(_where(ctx.tenant_id, actor, req.key))
            if conn.dialect.name == "postgresql":
                q = q.with_for_update()
            row = conn.execute(q).mappings().first()
            if row is not None and row["expires_at"] <= now:
                conn.execute(sa.delete(idempotency_key).where(_where(ctx.tenant_id, actor, req.key)))
                row = None
            if row is None:
                try:
                    conn.execute(
                        sa.insert(idempotency_key).values(
                            tenant_id=ctx.tenant_id, actor=actor, idempotency_key=req.key, method=req.method,
                            path=req.path[:200], fingerprint=req.fingerprint, state="pending", claim=token,
                            created_at=now, claimed_at=now, expires_at=now + TTL,
                        )
                    )  # fmt: skip
                except sa.exc.IntegrityError:
                    continue
                uow.commit()
                return Claim(req, token)
            if row["fingerprint"] != req.fingerprint:
                raise KeyReused()
            if row["state"] == "done":
                return Stored(int(row["status"]), row["response_body"] or "", dict(row["response_headers"] or {}))
            age = now - row["claimed_at"]
            if age < STALE_AFTER:
                raise KeyInFlight(int((STALE_AFTER - age).total_seconds()) + 1)
            taken = conn.execute(
                sa.update(idempotency_key)
                .where(_where(ctx.tenant_id, actor, req.key), c.claim == row["claim"], c.state == "pending")
                .values(claim=token, claimed_at=now)
            ).rowcount
            if taken == 1:
                uow.commit()
                return Claim(req, token)
    raise KeyInFlight(int(STALE_AFTER.total_seconds()))


def complete(
    conn: sa.Connection, ctx: TenantContext, held: Claim, *, status: int, body: str,
    headers: dict[str, str] | None = None,
) -> None:  # fmt: skip
    """Store the answer in the work's transaction (call just before its commit). Raises
    :class:`KeyInFlight` — and the caller's transaction must roll back — if this request no longer
    holds the key (a retry took the stale claim over)."""
    if len(body) > MAX_STORED_BODY:
        raise ValueError("answer too large to store for an idempotency key")
    done = conn.execute(
        sa.update(idempotency_key)
        .where(_where(ctx.tenant_id, ctx.actor.actor_id, held.request.key), c.claim == held.token,
               c.state == "pending")  # fmt: skip
        .values(state="done", status=status, response_body=body, response_headers=headers or {})
    ).rowcount
    if done != 1:
        raise KeyInFlight(1)


def release(db: Any, ctx: TenantContext, held: Claim) -> None:
    """The work failed: give the key back (best effort — if the database is gone, the claim goes
    stale after :data:`STALE_AFTER` and a retry takes it over)."""
    try:
        with db.uow(ctx) as uow:
            uow.conn.execute(
                sa.delete(idempotency_key).where(
                    _where(ctx.tenant_id, ctx.actor.actor_id, held.request.key), c.claim == held.token,
                    c.state == "pending",
                )
            )  # fmt: skip
            uow.commit()
    except sa.exc.SQLAlchemyError:
        pass


def purge(db: Any, tenant_ids: list[str], *, now: datetime | None = None) -> int:
    """Delete the expired keys of these tenants (one short transaction per tenant); returns how many."""
    total = 0
    for tenant_id in tenant_ids:
        with db.uow(TenantContext(tenant_id, SYSTEM_BATCH)) as uow:
            at = now or uow.now
            total += uow.conn.execute(
                sa.delete(idempotency_key).where(c.tenant_id == tenant_id, c.expires_at <= at)
            ).rowcount
            uow.commit()
    return total
