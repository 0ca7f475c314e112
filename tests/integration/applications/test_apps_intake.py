"""Receiving applications: one application per idempotency key, receipts, the status check."""

from __future__ import annotations

import threading
import uuid

import sqlalchemy as sa
from apps_support import SECRET, events, move_out_data, submit

from kikan.adapters.db import applications_intake as intake
from kikan.adapters.db.tables.applications import application, application_status
from kikan.applications import is_valid_receipt_no


def _count(owner_engine: sa.Engine, table: sa.Table, tenant_id: str) -> int:
    with owner_engine.connect() as c:
        return int(c.execute(sa.select(sa.func.count()).select_from(table).where(table.c.tenant_id == tenant_id)).scalar_one())


def test_resubmitting_the_same_key_returns_the_first_receipt(db, tenant_id, owner_engine):
    data = move_out_data()
    key = uuid.uuid4().hex
    first = submit(db, tenant_id, "move-out", data, key=key)
    again = submit(db, tenant_id, "move-out", move_out_data(**{"applicant.phone": "06-1111-2222"}), key=key)
    assert again.duplicate and not first.duplicate
    assert (again.receipt_no, again.secret) == (first.receipt_no, first.secret)  # the same code, shown again
    assert _count(owner_engine, application, tenant_id) == 1
    assert [e.event_type for e in events(owner_engine, tenant_id)].count("ApplicationSubmitted") == 1
    other = submit(db, tenant_id, "move-out", data)  # a new form instance is a new application
    assert other.receipt_no != first.receipt_no and other.secret != first.secret


def test_concurrent_double_submission_makes_one_application(db, tenant_id, owner_engine):
    key = uuid.uuid4().hex
    data = move_out_data()
    results: list[intake.Receipt] = []
    errors: list[BaseException] = []

    def go() -> None:
        try:
            results.append(submit(db, tenant_id, "move-out", data, key=key))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=go) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len({r.receipt_no for r in results}) == 1 and len({r.secret for r in results}) == 1
    assert _count(owner_engine, application, tenant_id) == 1
    assert _count(owner_engine, application_status, tenant_id) == 1


def test_receipt_numbers_are_sequential_with_a_check_digit(db, tenant_id):
    nos = [submit(db, tenant_id, "move-out", move_out_data()).receipt_no for _ in range(3)]
    assert [int(n[:9]) for n in nos] == [1, 2, 3]
    assert all(is_valid_receipt_no(n) for n in nos)


def test_status_check_wrong_secret_and_unknown_receipt_look_the_same(db, tenant_id, owner_engine):
    r = submit(db, tenant_id, "move-out", move_out_data())
    ok = intake.check_status(db, tenant_id, r.receipt_no, r.secret, client_addr="198.51.100.7", request_id="")
    assert ok is not None and ok.status == "received" and [h["status"] for h in ok.history] == ["received"]
    wrong = intake.check_status(db, tenant_id, r.receipt_no, "AAAAAAAA", client_addr="198.51.100.7", request_id="")
    unknown = intake.check_status(db, tenant_id, "0000009999", r.secret, client_addr="198.51.100.7", request_id="")
    assert wrong is None and unknown is None
    # only the successful check is audited, as the resident
    from apps_support import audits

    reads = [a for a in audits(owner_engine, tenant_id) if a.function == "applications.status"]
    assert [(a.actor, a.client_addr) for a in reads] == [(f"resident:{r.receipt_no}", "198.51.100.7")]
    # the secret is bound to the tenant: the same key elsewhere gives another code
    assert intake.derive_secret(SECRET, tenant_id, "k") != intake.derive_secret(SECRET, "011002", "k")


def test_the_secret_is_stored_only_as_a_hash(db, tenant_id, owner_engine):
    r = submit(db, tenant_id, "move-out", move_out_data())
    with owner_engine.connect() as c:
        row = c.execute(sa.select(application).where(application.c.tenant_id == tenant_id)).one()
    assert r.secret not in repr(dict(row._mapping))
    assert row.secret_hash.startswith("$argon2id$")
