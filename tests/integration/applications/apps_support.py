"""Helpers for the 申請管理 integration tests (no tests here)."""

from __future__ import annotations

import base64
import itertools
import random
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from kikan.adapters.db import applications_intake as intake
from kikan.adapters.db.tables.core import audit_log, outbox_event
from kikan.adapters.security import crypto
from kikan.applications import FormDefinition, catalog, validate_submission
from kikan.core.identity import individual_number, resident_record_code
from kikan.core.temporal import JST
from kikan.core.tenancy import Actor, TenantContext
from kikan.juki.services import RecordMoveIn, build, move_in

TEST_KEY = "ap:" + base64.b64encode(bytes(range(2, 34))).decode()
SECRET = "integration-secret"
_rng = random.Random(20240501)
_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def mynumber_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(crypto.ENV_KEY, TEST_KEY)
    crypto.reset_cipher()


def today() -> date:
    return datetime.now(JST).date()


def clerk(tenant_id: str, *extra: str, perms: tuple[str, ...] = ("juki.read", "juki.write", "juki.certificate")
          ) -> TenantContext:  # fmt: skip
    return TenantContext(tenant_id, Actor("clerk-a", client_addr="10.0.0.8", terminal="T1",
                                          permissions=frozenset(perms + extra)))  # fmt: skip


def form(form_id: str) -> FormDefinition:
    f = catalog().get(form_id)
    assert f is not None
    return f


def _number() -> str:
    base = f"{_rng.randrange(10**10):010d}{next(_seq) % 10}"
    return base + individual_number.compute_check_digit(base)


def _code() -> str:
    base = f"{_rng.randrange(10**10):010d}"
    return base + resident_record_code.compute_check_digit(base)


def seed(db: Any, tenant_id: str, *people: tuple[str, str, str, str, str, str]) -> list[str]:
    """Move a household in through the registry's service; people = (氏, 名, 氏カナ, 名カナ, 生年月日, 続柄)."""
    persons = [{"family_name": f, "given_name": g, "family_name_kana": fk, "given_name_kana": gk, "birth_date": b,
                "sex": "2", "relationship": rel, "individual_number": _number(), "juminhyo_code": _code(),
                "honseki": "東京都千代田区松町１番地", "hitto_name": f"{f}{g}"}
               for f, g, fk, gk, b, rel in people]  # fmt: skip
    d = today() - timedelta(days=30)
    cmd = build(RecordMoveIn, {"event_on": d.isoformat(), "reported_on": d.isoformat(),
                               "previous_address": "大阪府大阪市北区梅町３番地",
                               "address": {"address": "東京都千代田区松町１番地"}, "persons": persons})  # fmt: skip
    with db.uow(clerk(tenant_id)) as uow:
        result = move_in(cmd, uow, today=today())
        uow.commit()
    return list(result.addressee_nos)


HANAKO = ("山田", "花子", "ヤマダ", "ハナコ", "1990-02-03", "世帯主")


def parts(prefix: str, d: date) -> dict[str, str]:
    return {f"{prefix}.era": "西暦", f"{prefix}.year": str(d.year), f"{prefix}.month": str(d.month),
            f"{prefix}.day": str(d.day)}  # fmt: skip


def move_out_data(planned: date | None = None, **over: str) -> dict[str, Any]:
    planned = planned or today() + timedelta(days=10)
    raw = {
        "applicant.family_name": "山田", "applicant.given_name": "花子", "applicant.family_name_kana": "ヤマダ",
        "applicant.given_name_kana": "ハナコ", **parts("applicant.birth_date", date(1990, 2, 3)),
        "applicant.address": "東京都千代田区松町１番地", "applicant.phone": "03-1234-5678",
        "persons.0.family_name": "山田", "persons.0.given_name": "花子", "persons.0.family_name_kana": "ヤマダ",
        "persons.0.given_name_kana": "ハナコ", **parts("persons.0.birth_date", date(1990, 2, 3)),
        "persons.0.relationship": "世帯主", "move.kind": "domestic", **parts("move.planned_on", planned),
        "destination.postal_code": "5300001", "destination.address": "大阪府大阪市北区梅町３番地",
        "destination.katagaki": "梅ハイツ２０１", "consent.confirmed": "on", **over,
    }  # fmt: skip
    sub = validate_submission(form("move-out"), raw, today=today())
    assert sub.ok, sub.errors
    return sub.data


def post_data(**over: str) -> dict[str, Any]:
    raw = {
        "requester.family_name": "山田", "requester.given_name": "花子", "requester.family_name_kana": "ヤマダ",
        "requester.given_name_kana": "ハナコ", **parts("requester.birth_date", date(1990, 2, 3)),
        "requester.postal_code": "1000001", "requester.address": "東京都千代田区松町１番地",
        "requester.phone": "090-1234-5678", "target.scope": "self", "target.copies": "2", "options.head": "on",
        "purpose.kind": "pension", "delivery.to": "requester", "consent.confirmed": "on", **over,
    }  # fmt: skip
    sub = validate_submission(form("resident-copy-by-post"), raw, today=today())
    assert sub.ok, sub.errors
    return sub.data


def submit(db: Any, tenant_id: str, form_id: str, data: dict[str, Any], key: str | None = None,
           addr: str = "203.0.113.5") -> intake.Receipt:  # fmt: skip
    return intake.submit(db, tenant_id, form(form_id), data, idempotency_key=key or uuid.uuid4().hex,
                         client_addr=addr, request_id="req-1", server_secret=SECRET)  # fmt: skip


def events(owner_engine: sa.Engine, tenant_id: str) -> list[Any]:
    o = outbox_event.c
    with owner_engine.connect() as c:
        return list(c.execute(sa.select(outbox_event).where(o.tenant_id == tenant_id).order_by(o.seq)).all())


def audits(owner_engine: sa.Engine, tenant_id: str, prefix: str = "applications.") -> list[Any]:
    a = audit_log.c
    with owner_engine.connect() as c:
        return list(c.execute(sa.select(audit_log).where(a.tenant_id == tenant_id, a.function.startswith(prefix))
                              .order_by(a.seq)).all())  # fmt: skip
