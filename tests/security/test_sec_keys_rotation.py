"""個人番号 key rotation (``kikan keys rotate``): batched, idempotent, resumable, audited, per tenant."""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from kikan.adapters.db import audit_store
from kikan.adapters.db.tables.core import audit_log
from kikan.adapters.db.tables.juki import juki_history, juki_resident
from kikan.adapters.security import accounts, crypto, keys
from kikan.adapters.security.crypto import CipherError, MyNumberCipher
from kikan.core.errors import ValidationFailed
from kikan.core.tenancy import TenantContext
from kikan.juki.services import ChangeIndividualNumber, build, change_individual_number
from tests.conftest import random_tenant_code
from tests.e2e.juki.conftest import TODAY, new_number, person, seed_household, system_ctx

K0 = "k0:" + base64.b64encode(bytes([7] * 32)).decode()
K1 = "k1:" + base64.b64encode(bytes(range(32))).decode()
K2 = "k2:" + base64.b64encode(bytes(range(32, 64))).decode()


def use_ring(monkeypatch: pytest.MonkeyPatch, ring: str) -> MyNumberCipher:
    monkeypatch.setenv(crypto.ENV_KEY, ring)
    crypto.reset_cipher()
    return crypto.get_cipher()


@pytest.fixture(autouse=True)
def _reset() -> Iterator[None]:
    crypto.reset_cipher()
    yield
    crypto.reset_cipher()


def rows(owner_engine: sa.Engine, tenant: str) -> list[sa.Row]:
    h = juki_history.c
    with owner_engine.connect() as c:
        return list(c.execute(sa.select(h.addressee_no, h.history_no, h.individual_number_enc, h.individual_number_hash)
                              .where(h.tenant_id == tenant).order_by(h.addressee_no, h.history_no)).all())  # fmt: skip


def pointer_hashes(owner_engine: sa.Engine, tenant: str) -> dict[str, str | None]:
    r = juki_resident.c
    with owner_engine.connect() as c:
        q = sa.select(r.addressee_no, r.individual_number_hash).where(r.tenant_id == tenant)
        return {a: x for a, x in c.execute(q)}


def rotation_audits(owner_engine: sa.Engine, tenant: str) -> list[sa.Row]:
    a = audit_log.c
    with owner_engine.connect() as c:
        return list(c.execute(sa.select(audit_log).where(a.tenant_id == tenant, a.function == keys.FUNCTION).order_by(a.seq)))


def populate(db, tenant: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Three persons, one of whom changed number (two history rows with different numbers)."""
    p1, p2, p3 = (
        person(),
        person(given="花子", sex="2", rel="妻"),
        person(given="一郎", rel="子", born="2012-05-05"),
    )
    seeded = seed_household(db, tenant, p1, p2, p3)
    numbers = {no: p["individual_number"] for no, p in zip(seeded.addressee_nos, (p1, p2, p3), strict=True)}
    changed = seeded.addressee_nos[0]
    numbers[changed] = new_number()
    cmd = build(ChangeIndividualNumber, {"addressee_no": changed, "kind": "request", "event_on": "2024-04-08",
                                         "individual_number": numbers[changed]})  # fmt: skip
    with db.uow(system_ctx(tenant)) as uow:
        change_individual_number(cmd, uow, today=TODAY)
        uow.commit()
    return numbers


def test_rotation_re_encrypts_every_row_recomputes_hashes_and_audits_each_batch(
    db, tenant_id, owner_engine, monkeypatch
):
    use_ring(monkeypatch, K1)
    numbers = populate(db, tenant_id)
    before = rows(owner_engine, tenant_id)
    assert len(before) == 4 and all(r.individual_number_enc.startswith("k1:") for r in before)
    cipher = use_ring(monkeypatch, f"{K2},{K1}")
    assert keys.pending(db, tenant_id, cipher) == 4
    rep = keys.rotate_tenant(db, tenant_id, cipher, batch_size=3)
    assert (rep.history_rows, rep.batches, rep.from_kids, rep.current_kid) == (4, 2, {"k1": 4}, "k2")
    assert rep.resident_hashes == 3
    after = rows(owner_engine, tenant_id)
    for old, new in zip(before, after, strict=True):
        assert new.individual_number_enc.startswith("k2:")
        clear = cipher.decrypt(new.individual_number_enc)
        assert clear == cipher.decrypt(old.individual_number_enc)
        assert new.individual_number_hash == cipher.lookup_hash(clear) != old.individual_number_hash
    pointers = pointer_hashes(owner_engine, tenant_id)
    assert pointers == {no: cipher.lookup_hash(n) for no, n in numbers.items()}
    audits = rotation_audits(owner_engine, tenant_id)
    assert len(audits) == math.ceil(4 / 3) and all(a.mynumber_shown is False for a in audits)
    assert all(a.actor == "system:keys" and a.action == "update" for a in audits)
    assert sum(json.loads(a.detail)["rows"] for a in audits) == 4
    assert not any(n in a.detail for a in audits for n in numbers.values())
    with db.uow(TenantContext(tenant_id, keys.KEYS_ACTOR)) as uow:
        assert audit_store.verify(uow.conn, tenant_id) is None
    # idempotent: a rerun finds nothing and writes nothing
    again = keys.rotate_tenant(db, tenant_id, cipher)
    assert (again.history_rows, again.batches) == (0, 0) and len(
        rotation_audits(owner_engine, tenant_id)
    ) == 2
    # the old key can now be dropped: everything still decrypts and hashes with k2 alone
    only_k2 = use_ring(monkeypatch, K2)
    assert keys.pending(db, tenant_id, only_k2) == 0
    assert {only_k2.decrypt(r.individual_number_enc) for r in rows(owner_engine, tenant_id)} >= set(
        numbers.values()
    )


def test_rotation_is_resumable_after_an_interruption(db, tenant_id, owner_engine, monkeypatch):
    use_ring(monkeypatch, K1)
    populate(db, tenant_id)
    cipher = use_ring(monkeypatch, f"{K2},{K1}")
    real, calls = keys._batch, []

    def crash_after_first(*args, **kw):  # type: ignore[no-untyped-def]
        if calls:
            raise KeyboardInterrupt
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(keys, "_batch", crash_after_first)
    with pytest.raises(KeyboardInterrupt):
        keys.rotate_tenant(db, tenant_id, cipher, batch_size=1)
    assert keys.pending(db, tenant_id, cipher) == 3  # the first batch is committed
    monkeypatch.setattr(keys, "_batch", real)
    rep = keys.rotate_tenant(db, tenant_id, cipher, batch_size=1)
    assert rep.history_rows == 3 and keys.pending(db, tenant_id, cipher) == 0
    assert len(rotation_audits(owner_engine, tenant_id)) == 4


def test_rotation_touches_only_its_tenant(db, tenant_id, owner_engine, monkeypatch):
    use_ring(monkeypatch, K1)
    populate(db, tenant_id)
    other = random_tenant_code()
    accounts.add_tenant(db, other, "他市")
    populate(db, other)
    cipher = use_ring(monkeypatch, f"{K2},{K1}")
    keys.rotate_tenant(db, tenant_id, cipher)
    assert keys.pending(db, tenant_id, cipher) == 0 and keys.pending(db, other, cipher) == 4
    assert all(r.individual_number_enc.startswith("k1:") for r in rows(owner_engine, other))
    assert rotation_audits(owner_engine, other) == []


def test_a_token_under_a_key_no_longer_in_the_ring_stops_the_batch_and_writes_nothing(
    db, tenant_id, owner_engine, monkeypatch
):
    use_ring(monkeypatch, K0)
    populate(db, tenant_id)
    before = rows(owner_engine, tenant_id)
    cipher = use_ring(monkeypatch, f"{K2},{K1}")  # k0 was dropped too early
    with pytest.raises(CipherError, match="k0"):
        keys.rotate_tenant(db, tenant_id, cipher)
    assert rows(owner_engine, tenant_id) == before and rotation_audits(owner_engine, tenant_id) == []


def test_duplicate_number_is_refused_during_a_rotation(db, tenant_id, monkeypatch):
    use_ring(monkeypatch, K1)
    p = person()
    seed_household(db, tenant_id, p)
    use_ring(monkeypatch, f"{K2},{K1}")
    with pytest.raises(ValidationFailed):
        seed_household(db, tenant_id, person(given="別人", individual_number=p["individual_number"]))


def test_cli_generate_prints_a_key_line_and_rotate_needs_one_scope(monkeypatch, db_url):
    from kikan.adapters.cli.ops import app_ops
    from kikan.config import get_settings

    runner = CliRunner()
    out = runner.invoke(app_ops, ["keys", "generate", "--kid", "k9"])
    assert out.exit_code == 0
    current, ring = crypto.parse_key_ring(out.stdout.strip())
    assert current == "k9" and len(ring["k9"]) == 32
    monkeypatch.setenv("KIKAN_DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        bad = runner.invoke(app_ops, ["keys", "rotate"])
        assert bad.exit_code == 2 and "--tenant" in bad.output
    finally:
        get_settings.cache_clear()


def test_cli_rotate_and_status(db, db_url, tenant_id, monkeypatch):
    from kikan.adapters.cli.ops import app_ops
    from kikan.config import get_settings

    use_ring(monkeypatch, K1)
    populate(db, tenant_id)
    monkeypatch.setenv(crypto.ENV_KEY, f"{K2},{K1}")
    monkeypatch.setenv("KIKAN_DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        status = runner.invoke(app_ops, ["keys", "status", "--tenant", tenant_id])
        assert status.exit_code == 1 and json.loads(status.stdout)["pending"] == {tenant_id: 4}
        done = runner.invoke(app_ops, ["keys", "rotate", "--tenant", tenant_id, "--batch-size", "2"])
        assert done.exit_code == 0, done.output
        status = runner.invoke(app_ops, ["keys", "status", "--tenant", tenant_id])
        assert status.exit_code == 0 and json.loads(status.stdout)["total_pending"] == 0
    finally:
        get_settings.cache_clear()


def test_duplicate_number_is_refused_with_a_single_key(db, tenant_id, monkeypatch):
    """Control for the test above: outside a rotation the duplicate is refused too."""
    use_ring(monkeypatch, K1)
    p = person()
    seed_household(db, tenant_id, p)
    with pytest.raises(ValidationFailed):
        seed_household(db, tenant_id, person(given="別人", individual_number=p["individual_number"]))


def _change_number(db, tenant_id: str, addressee_no: str, number: str) -> None:  # type: ignore[no-untyped-def]
    cmd = build(ChangeIndividualNumber, {"addressee_no": addressee_no, "kind": "request",
                                         "event_on": "2024-04-08", "individual_number": number})  # fmt: skip
    with db.uow(system_ctx(tenant_id)) as uow:
        change_individual_number(cmd, uow, today=TODAY)
        uow.commit()


def test_changing_to_another_residents_number_is_refused_during_a_rotation(db, tenant_id, monkeypatch):
    """The other resident's hash is still under the old key: every key of the ring is compared."""
    use_ring(monkeypatch, K1)
    first, second = person(), person(given="花子", sex="2", rel="妻")
    seeded = seed_household(db, tenant_id, first, second)
    use_ring(monkeypatch, f"{K2},{K1}")
    with pytest.raises(ValidationFailed) as exc:
        _change_number(db, tenant_id, seeded.addressee_nos[1], first["individual_number"])
    assert [e.message for e in exc.value.errors] == ["この個人番号は既に他の住民に記録されています"]


def test_changing_to_the_same_number_is_refused_during_a_rotation(db, tenant_id, monkeypatch):
    """The resident's own hash is still under the old key: it is the same number, not a new one."""
    use_ring(monkeypatch, K1)
    p = person()
    seeded = seed_household(db, tenant_id, p)
    use_ring(monkeypatch, f"{K2},{K1}")
    with pytest.raises(ValidationFailed) as exc:
        _change_number(db, tenant_id, seeded.addressee_nos[0], p["individual_number"])
    assert [e.message for e in exc.value.errors] == ["現在の個人番号と同じです"]


def test_changing_to_a_new_number_during_a_rotation_stores_it_under_the_current_key(db, tenant_id, monkeypatch,
                                                                                   owner_engine):  # fmt: skip
    use_ring(monkeypatch, K1)
    seeded = seed_household(db, tenant_id, person())
    cipher = use_ring(monkeypatch, f"{K2},{K1}")
    number = new_number()
    _change_number(db, tenant_id, seeded.addressee_nos[0], number)
    assert pointer_hashes(owner_engine, tenant_id)[seeded.addressee_nos[0]] == cipher.lookup_hash(number)
