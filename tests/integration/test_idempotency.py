"""``Idempotency-Key`` on the 異動 and certificate API: a request sent again is not executed again.

On both backends (PostgreSQL with RLS as the application role): a repeat with the same key and
body replays the first answer (``Idempotent-Replayed: true``) and writes nothing; the same key
with another body is a 422 and writes nothing; without the header nothing changes; a certificate
sent again gives the same certificate and one 交付記録; keys are per tenant (and per staff member);
a request still in flight is a 409; a failed request gives its key back; keys expire after 24 h.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from kikan.adapters.api.routes.juki_common import juki_today
from kikan.adapters.db import idempotency
from kikan.adapters.db.tables.core import idempotency_key, outbox_event, staff_account
from kikan.adapters.db.tables.juki import juki_certificate_issue, juki_history
from kikan.adapters.security import accounts, crypto
from kikan.core.tenancy import Actor, TenantContext
from tests.conftest import make_staff, random_tenant_code
from tests.e2e.juki.conftest import TEST_KEY, TODAY, move_in_body, person, seed_household

MOVE_IN = "/api/v1/juki/moves/move-in"
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
ISSUE = "/api/v1/juki/certificates"


@pytest.fixture(autouse=True)
def _registry(app: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(crypto.ENV_KEY, TEST_KEY)
    crypto.reset_cipher()
    app.dependency_overrides[juki_today] = lambda: TODAY
    yield
    app.dependency_overrides.pop(juki_today, None)
    crypto.reset_cipher()


def _client(app: Any, db: Any, tenant_id: str, login: str | None = None) -> TestClient:
    """A bearer-token client of ``login`` (a new 住民記録担当 when None) in ``tenant_id``."""
    login = login or make_staff(db, tenant_id, ["registry_clerk"])
    with db.control() as conn:
        acc = conn.execute(sa.select(staff_account.c.account_id).where(staff_account.c.login == login)).scalar_one()
    c = TestClient(app)
    c.headers["Authorization"] = f"Bearer {accounts.issue_token(db, acc, tenant_id, 'idempotency')}"
    return c


def _count(owner_engine: sa.Engine, table: sa.Table, tenant_id: str) -> int:
    with owner_engine.connect() as c:
        return int(
            c.execute(sa.select(sa.func.count()).select_from(table).where(table.c.tenant_id == tenant_id)).scalar_one()
        )


def _written(owner_engine: sa.Engine, tenant_id: str) -> tuple[int, int, int]:
    return tuple(_count(owner_engine, t, tenant_id) for t in (juki_history, outbox_event, juki_certificate_issue))  # type: ignore[return-value]


def _keys(owner_engine: sa.Engine, tenant_id: str) -> list[Any]:
    with owner_engine.connect() as c:
        return list(c.execute(sa.select(idempotency_key).where(idempotency_key.c.tenant_id == tenant_id)).mappings())


def _unnumbered(**kw: Any) -> dict[str, Any]:
    """A 転入 without 個人番号 and 住民票コード: the same body can be recorded twice."""
    body = move_in_body(person(**kw))
    del body["persons"][0]["individual_number"], body["persons"][0]["juminhyo_code"]
    return body


def _post(c: TestClient, path: str, body: dict[str, Any], key: str | None) -> Any:
    """POST the exact same bytes each time (the fingerprint is of the raw body)."""
    headers = {"Content-Type": "application/json"} | ({"Idempotency-Key": key} if key is not None else {})
    return c.post(path, content=json.dumps(body, ensure_ascii=False).encode(), headers=headers)


def test_move_sent_twice_with_one_key_is_recorded_once(db, app, tenant_id, owner_engine):
    c = _client(app, db, tenant_id)
    body = move_in_body(person(), person(given="花子", gkana="ハナコ", born="1987-02-03", sex="2", rel="妻"))
    first = _post(c, MOVE_IN, body, '"5f1a-move-in-0001"')
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    after_first = _written(owner_engine, tenant_id)
    assert after_first[:2] == (2, 1)  # two history rows, one event
    again = _post(c, MOVE_IN, body, '"5f1a-move-in-0001"')
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content and again.headers["content-type"] == first.headers["content-type"]
    assert _written(owner_engine, tenant_id) == after_first
    (row,) = _keys(owner_engine, tenant_id)
    assert row["state"] == "done" and row["status"] == 201 and row["idempotency_key"] == "5f1a-move-in-0001"
    assert row["expires_at"] - row["created_at"] == timedelta(hours=24)
    # the bare (unquoted) form names the same key
    assert _post(c, MOVE_IN, body, "5f1a-move-in-0001").headers["idempotent-replayed"] == "true"
    assert _written(owner_engine, tenant_id) == after_first


def test_same_key_with_another_body_is_422_and_writes_nothing(db, app, tenant_id, owner_engine):
    c = _client(app, db, tenant_id)
    assert _post(c, MOVE_IN, move_in_body(person()), "k-reused").status_code == 201
    before = _written(owner_engine, tenant_id)
    r = _post(c, MOVE_IN, move_in_body(person(given="次郎", gkana="ジロウ")), "k-reused")
    assert r.status_code == 422 and r.json()["error"]["code"] == "idempotency_key_reused", r.text
    assert "idempotent-replayed" not in r.headers
    # the fingerprint covers method and path as well as the body
    raw = b'{"a":1}'
    assert len({idempotency.fingerprint(m, p, raw) for m, p in [("POST", MOVE_IN), ("PUT", MOVE_IN), ("POST", ISSUE)]}) == 3
    assert _written(owner_engine, tenant_id) == before


def test_without_the_header_every_post_is_a_new_move(db, app, tenant_id, owner_engine):
    c = _client(app, db, tenant_id)
    body = move_in_body(person())
    a, b = _post(c, MOVE_IN, body, None), _post(c, MOVE_IN, body, None)
    # the second is run again, as before: here the service refuses the person it already holds
    assert a.status_code == 201 and b.status_code == 422 and "既に住民として記録されています" in b.text, b.text
    assert "idempotent-replayed" not in b.headers
    body = _unnumbered()
    x, y = _post(c, MOVE_IN, body, None), _post(c, MOVE_IN, body, None)
    assert x.status_code == y.status_code == 201 and x.json()["household_no"] != y.json()["household_no"]
    assert _written(owner_engine, tenant_id)[:2] == (3, 3) and _keys(owner_engine, tenant_id) == []


def test_certificate_sent_again_is_the_same_certificate_and_one_issue_record(db, app, tenant_id, owner_engine):
    seeded = seed_household(db, tenant_id, person(), person(given="花子", gkana="ハナコ", sex="2", rel="妻"))
    c = _client(app, db, tenant_id)
    body = {"household_no": seeded.household_no, "requester": "本人", "purpose": "勤務先提出"}
    first = _post(c, ISSUE, body, "cert-0001")
    assert first.status_code == 200 and first.content.startswith(b"%PDF"), first.text
    assert first.headers["x-kikan-issue-no"] == "R6-000001" and "idempotent-replayed" not in first.headers
    again = _post(c, ISSUE, body, "cert-0001")
    assert again.status_code == 200 and again.headers["idempotent-replayed"] == "true"
    assert again.headers["x-kikan-issue-no"] == "R6-000001" and again.headers["x-kikan-pages"] == "1"
    assert again.headers["content-type"] == "application/pdf" and again.content == first.content
    assert _count(owner_engine, juki_certificate_issue, tenant_id) == 1
    (row,) = _keys(owner_engine, tenant_id)
    stored = json.loads(row["response_body"])
    assert stored["issue_no"] == "R6-000001" and b"%PDF" not in row["response_body"].encode()  # no PDF stored
    # without a key the next request is a new certificate
    assert _post(c, ISSUE, body, None).headers["x-kikan-issue-no"] == "R6-000002"
    assert _count(owner_engine, juki_certificate_issue, tenant_id) == 2


def test_a_refused_certificate_gives_its_key_back(db, app, tenant_id, owner_engine):
    no = seed_household(db, tenant_id, person()).addressee_nos[0]
    c = _client(app, db, tenant_id)
    r = _post(c, ISSUE, {"addressee_nos": [no], "options": {"show_mynumber": True}}, "cert-refused")
    assert r.status_code == 403
    assert _keys(owner_engine, tenant_id) == [] and _count(owner_engine, juki_certificate_issue, tenant_id) == 0
    assert _post(c, ISSUE, {"addressee_nos": [no]}, "cert-refused").status_code == 200


def _other_tenant(db: Any) -> str:
    while True:
        code = random_tenant_code()
        if accounts.get_tenant(db, code) is None:
            accounts.add_tenant(db, code, f"他市{code}")
            return code


def test_keys_are_per_tenant_and_per_staff_member(db, app, tenant_id, owner_engine):
    other = _other_tenant(db)
    login = make_staff(db, tenant_id, ["registry_clerk"])
    with db.control() as conn:
        account_id = conn.execute(
            sa.select(staff_account.c.account_id).where(staff_account.c.login == login)
        ).scalar_one()
    accounts.grant(db, account_id, other, "registry_clerk")
    in_a, in_b = _client(app, db, tenant_id, login), _client(app, db, other, login)
    body = move_in_body(person())
    a = _post(in_a, MOVE_IN, body, "shared-key")
    assert a.status_code == 201
    b = _post(in_b, MOVE_IN, body, "shared-key")  # same staff member, same key, same body: tenant B
    assert b.status_code == 201 and "idempotent-replayed" not in b.headers
    assert _written(owner_engine, other)[:2] == (1, 1)
    # another clerk of A with the same key and body: run (and refused: A holds the person), not replayed
    colleague = _post(_client(app, db, tenant_id), MOVE_IN, body, "shared-key")
    assert colleague.status_code == 422 and colleague.json()["error"]["code"] == "validation_failed"
    assert "idempotent-replayed" not in colleague.headers and _written(owner_engine, tenant_id)[:2] == (1, 1)
    # RLS: B's unit of work sees none of A's keys, even asking for them by tenant
    with db.uow(TenantContext(other, Actor(login))) as uow:
        seen = uow.conn.execute(sa.select(idempotency_key.c.tenant_id)).scalars().all()
        mine = uow.conn.execute(
            sa.select(sa.func.count()).select_from(idempotency_key).where(idempotency_key.c.tenant_id == tenant_id)
        ).scalar_one()
    if db.dialect == "postgresql":
        assert mine == 0 and seen == [other]


def test_a_request_in_flight_is_409_and_a_stale_claim_is_taken_over(db, app, tenant_id, owner_engine):
    login = make_staff(db, tenant_id, ["registry_clerk"])
    c = _client(app, db, tenant_id, login)
    body = move_in_body(person())
    raw = json.dumps(body, ensure_ascii=False).encode()
    ctx = TenantContext(tenant_id, Actor(login))
    req = idempotency.Request("in-flight", "POST", MOVE_IN, idempotency.fingerprint("POST", MOVE_IN, raw))
    held = idempotency.claim(db, ctx, req)  # the first request, still running
    assert isinstance(held, idempotency.Claim)
    r = _post(c, MOVE_IN, body, "in-flight")
    assert r.status_code == 409 and r.json()["error"]["code"] == "idempotency_key_in_flight", r.text
    assert 1 <= int(r.headers["retry-after"]) <= 61
    assert _written(owner_engine, tenant_id)[:2] == (0, 0)
    with owner_engine.begin() as conn:  # the first request died without releasing its claim
        conn.execute(sa.update(idempotency_key).where(idempotency_key.c.tenant_id == tenant_id)
                     .values(claimed_at=LONG_AGO))  # fmt: skip
    r = _post(c, MOVE_IN, body, "in-flight")
    assert r.status_code == 201 and "idempotent-replayed" not in r.headers
    # the first request, if it was only slow, can no longer commit its work
    with db.uow(ctx) as uow, pytest.raises(idempotency.KeyInFlight):
        idempotency.complete(uow.conn, ctx, held, status=201, body="{}")
    assert _written(owner_engine, tenant_id)[:2] == (1, 1)
    assert _post(c, MOVE_IN, body, "in-flight").headers["idempotent-replayed"] == "true"


def test_a_failed_move_gives_its_key_back(db, app, tenant_id, owner_engine):
    seeded = seed_household(db, tenant_id, person())
    c = _client(app, db, tenant_id)
    move = {"event_on": "2024-04-08", "reported_on": "2024-04-09", "addressee_nos": list(seeded.addressee_nos),
            "address": {"address": "東京都千代田区梅町３番地"}, "expected_household_version": 99}  # fmt: skip
    r = _post(c, "/api/v1/juki/moves/move-within", move, "retry-after-conflict")
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
    assert _keys(owner_engine, tenant_id) == []
    r = _post(c, "/api/v1/juki/moves/move-within", move | {"expected_household_version": 1}, "retry-after-conflict")
    assert r.status_code == 201, r.text


def test_remake_sent_twice_is_recorded_once(db, app, tenant_id, owner_engine):
    head = seed_household(db, tenant_id, person()).addressee_nos[0]
    c = _client(app, db, tenant_id)
    body = {"addressee_nos": [head], "event_on": "2024-04-08", "reason_text": "様式の変更"}
    first = _post(c, "/api/v1/juki/moves/remake", body, "remake-1")
    assert first.status_code == 201 and first.json()["history_nos"] == [2, 3], first.text
    written = _written(owner_engine, tenant_id)
    again = _post(c, "/api/v1/juki/moves/remake", body, "remake-1")
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content and _written(owner_engine, tenant_id) == written


@pytest.mark.parametrize("key", [b"", b'""', "ä-non-ascii".encode(), b"x" * 256, b"tab\there"])
def test_a_malformed_key_is_400_and_runs_nothing(db, app, tenant_id, owner_engine, key):
    c = _client(app, db, tenant_id)
    r = c.post(MOVE_IN, json=move_in_body(person()), headers={"Idempotency-Key": key})
    assert r.status_code == 400 and r.json()["error"]["code"] == "idempotency_key_invalid", r.text
    assert _written(owner_engine, tenant_id)[:2] == (0, 0)


def test_expired_keys_are_purged_and_no_longer_replayed(db, app, tenant_id, owner_engine):
    c = _client(app, db, tenant_id)
    body = _unnumbered()
    first = _post(c, MOVE_IN, body, "old-key")
    _post(c, MOVE_IN, move_in_body(person(given="次郎", gkana="ジロウ")), "fresh-key")
    assert first.status_code == 201 and len(_keys(owner_engine, tenant_id)) == 2
    with owner_engine.begin() as conn:
        k = idempotency_key.c
        conn.execute(sa.update(idempotency_key).where(k.tenant_id == tenant_id, k.idempotency_key == "old-key")
                     .values(created_at=LONG_AGO, expires_at=LONG_AGO + timedelta(hours=24)))  # fmt: skip
    # an expired key is a new key: the request runs again
    again = _post(c, MOVE_IN, body, "old-key")
    assert again.status_code == 201 and "idempotent-replayed" not in again.headers
    assert again.json()["household_no"] != first.json()["household_no"]
    with owner_engine.begin() as conn:
        conn.execute(sa.update(idempotency_key).where(k.tenant_id == tenant_id, k.idempotency_key == "old-key")
                     .values(expires_at=LONG_AGO))  # fmt: skip
    assert idempotency.purge(db, [tenant_id]) == 1
    assert [r["idempotency_key"] for r in _keys(owner_engine, tenant_id)] == ["fresh-key"]
    later = idempotency.purge(db, [tenant_id], now=db.clock.now() + timedelta(hours=25))
    assert later == 1 and _keys(owner_engine, tenant_id) == []


def test_the_cli_purges_expired_keys(db, db_url, tenant_id, owner_engine, monkeypatch):
    from typer.testing import CliRunner

    from kikan.adapters.cli.main import app as cli

    c = TenantContext(tenant_id, Actor("cli-test"))
    req = idempotency.Request("cli-key", "POST", MOVE_IN, "0" * 64)
    assert isinstance(idempotency.claim(db, c, req), idempotency.Claim)
    with owner_engine.begin() as conn:
        conn.execute(sa.update(idempotency_key).where(idempotency_key.c.tenant_id == tenant_id)
                     .values(expires_at=LONG_AGO))  # fmt: skip
    monkeypatch.setenv("KIKAN_DATABASE_URL", db_url)
    from kikan.config import get_settings

    get_settings.cache_clear()
    try:
        out = CliRunner().invoke(cli, ["db", "purge-idempotency-keys"])
    finally:
        get_settings.cache_clear()
    assert out.exit_code == 0, out.output
    assert "削除しました" in out.output and _keys(owner_engine, tenant_id) == []


def test_the_openapi_documents_the_header_on_the_write_routes(app):
    spec = app.openapi()
    moves = "/api/v1/juki/moves"
    for path in (MOVE_IN, f"{moves}/move-within", f"{moves}/cancel", f"{moves}/remake", f"{moves}/reproduce", ISSUE):
        params = {p["name"]: p for p in spec["paths"][path]["post"].get("parameters", [])}
        assert params.get("Idempotency-Key", {}).get("in") == "header", path
        assert "Idempotent-Replayed" in params["Idempotency-Key"]["description"]
    assert "Idempotency-Key" not in {p["name"] for p in spec["paths"]["/api/v1/juki/search"]["get"]["parameters"]}

