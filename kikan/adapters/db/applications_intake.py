"""Receiving an application from a resident, and the resident's status check.

:func:`submit` stores one application per idempotency key (the key travels in the form: a double
click or a resubmitted page returns the receipt of the first submission, never a second
application), allocates the 受付番号 from a gap-free per-tenant counter, emits
``ApplicationSubmitted`` (the source of dataset ``applications.submitted``) and audits the
submission as actor ``resident:<受付番号>`` with the client address — all in one transaction.

The 確認コード is derived from the idempotency key with the server's secret (HMAC), so the same
submission always shows the same code and nothing but its Argon2id hash is stored.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kikan.adapters.db import applications_store as store
from kikan.adapters.db import counters
from kikan.adapters.db.database import Database
from kikan.applications import events
from kikan.applications.definition import FormDefinition
from kikan.applications.receipt import make_receipt_no, secret_from_bytes
from kikan.applications.status import Status
from kikan.core.temporal import JST
from kikan.core.tenancy import Actor, TenantContext

COUNTER = "applications.receipt"
FUNCTION_SUBMIT = "applications.submit"
FUNCTION_STATUS = "applications.status"
#: OWASP's minimum Argon2id profile (m=19 MiB, t=2, p=1) rather than the staff-password default
#: (64 MiB): the status check is public, so a lighter hash keeps concurrent checks from exhausting
#: memory; the code's ~40 bits stay expensive to search offline, and online guessing is rate limited.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
_DUMMY = _hasher.hash("AAAAAAAA")


@dataclass(frozen=True)
class Receipt:
    receipt_no: str
    secret: str
    submitted_at: datetime
    duplicate: bool  # True: this key was already submitted; the first receipt is returned


def derive_secret(server_secret: str, tenant_id: str, idempotency_key: str) -> str:
    mac = hmac.new(server_secret.encode(), f"kikan.apply.secret|{tenant_id}|{idempotency_key}".encode(), hashlib.sha256)
    return secret_from_bytes(mac.digest())


def resident_ctx(tenant_id: str, client_addr: str, request_id: str, receipt_no: str = "pending") -> TenantContext:
    return TenantContext(
        tenant_id, Actor(f"resident:{receipt_no}", kind="resident", client_addr=client_addr[:64], request_id=request_id)
    )


def _existing(db: Database, ctx: TenantContext, key: str, server_secret: str) -> Receipt | None:
    with db.uow(ctx) as uow:
        row = store.find_by_key(uow, key)
    if row is None:
        return None
    return Receipt(row["receipt_no"], derive_secret(server_secret, ctx.tenant_id, key), row["submitted_at"], True)


def submit(
    db: Database, tenant_id: str, form: FormDefinition, data: dict[str, Any], *, idempotency_key: str,
    client_addr: str, request_id: str, server_secret: str,
) -> Receipt:
    """Store the (validated) application, or return the receipt of the earlier identical submission."""
    ctx = resident_ctx(tenant_id, client_addr, request_id)
    found = _existing(db, ctx, idempotency_key, server_secret)
    if found is not None:
        return found
    secret = derive_secret(server_secret, tenant_id, idempotency_key)
    secret_hash = _hasher.hash(secret)  # outside the transaction: Argon2id takes a while
    try:
        with db.uow(ctx) as uow:
            seq, _ = counters.advance(uow.conn, tenant_id, COUNTER)
            receipt_no = make_receipt_no(seq)
            # the receipt number is the resident's identity in the audit trail from here on
            uow.actor = replace(ctx.actor, actor_id=f"resident:{receipt_no}")
            at = uow.now
            on = at.astimezone(JST).date()
            store.insert(uow, {
                "receipt_no": receipt_no, "form_id": form.id, "form_version": form.version,
                "procedure": form.procedure.code, "business": form.target.business, "status": Status.RECEIVED.value,
                "data": data, "submitted_data": data, "idempotency_key": idempotency_key, "secret_hash": secret_hash,
                "client_addr": client_addr[:64], "submitted_at": at, "submitted_on": on, "updated_at": at,
                "updated_by": uow.actor.actor_id, "version": 1,
            }, actor=uow.actor.actor_id)  # fmt: skip
            uow.emit(events.submitted(form, receipt_no, data, submitted_at=at.isoformat(), submitted_on=on.isoformat()))
            uow.audit(FUNCTION_SUBMIT, "create", target_type="application", target_id=receipt_no,
                      detail=f"form={form.id} v{form.version} procedure={form.procedure.code} client_addr={client_addr}")  # fmt: skip
            uow.commit()
    except sa.exc.IntegrityError:
        # the same key committed concurrently (a double click racing itself): return that one
        found = _existing(db, ctx, idempotency_key, server_secret)
        if found is None:
            raise
        return found
    return Receipt(receipt_no, secret, at, False)


@dataclass(frozen=True)
class StatusView:
    receipt_no: str
    form_id: str
    submitted_at: datetime
    status: str
    history: list[dict[str, Any]]  # status, at, note (public notes only)
    public_note: str | None


def check_status(
    db: Database, tenant_id: str, receipt_no: str, secret: str, *, client_addr: str, request_id: str
) -> StatusView | None:
    """The status of ``receipt_no`` if ``secret`` is its 確認コード, else None — the same answer for
    an unknown receipt and a wrong code (and the same work: a hash is verified either way)."""
    ctx = resident_ctx(tenant_id, client_addr, request_id, receipt_no)
    with db.uow(ctx) as uow:
        row = store.get(uow, receipt_no)
        try:
            ok = _hasher.verify(row["secret_hash"] if row else _DUMMY, secret) and row is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok or row is None:
            return None
        history = [
            {"status": s["status"], "at": s["at"],
             "note": s["note"] if s["status"] in (Status.CORRECTION_REQUESTED, Status.REJECTED) else None}
            for s in store.statuses(uow, receipt_no)
        ]  # fmt: skip
        uow.audit(FUNCTION_STATUS, "read", target_type="application", target_id=receipt_no,
                  detail=f"client_addr={client_addr}")  # fmt: skip
        uow.commit()
    return StatusView(receipt_no, row["form_id"], row["submitted_at"], row["status"], history, row["public_note"])
