"""The exchange log names which client received which records, and detects tampering."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from linkage_support import client, enter, person, token

from kikan.adapters.db import audit_store
from kikan.adapters.db import linkage_exchange as xlog
from kikan.adapters.db.tables.linkage import linkage_exchange
from kikan.linkage.chain import keys_digest

BASE = "/api/v1/linkage"


@pytest.fixture
def pulled(db, app, ctx):
    """A client that pulled three pages of residents; returns (client_id, items)."""
    http = TestClient(app)
    cid, secret = client(db, ctx.tenant_id, ("juki.residents",))
    h = {"Authorization": f"Bearer {token(http, cid, secret)}"}
    for _ in range(3):
        enter(db, ctx, person(), person(rel="妻", sex="2"))
    items, after = [], None
    while True:
        page = http.get(
            f"{BASE}/juki.residents/changes", params={"after": after, "limit": 2}, headers=h
        ).json()
        items += page["items"]
        after = page["next_cursor"]
        if not page["has_more"]:
            return cid, items


def _log(db, ctx):
    with db.uow(ctx) as uow:
        return list(xlog.iter_chain(uow.conn, ctx.tenant_id))


def _verify(db, ctx):
    with db.uow(ctx) as uow:
        return xlog.verify(uow.conn, ctx.tenant_id)


def test_each_page_delivered_is_one_entry_with_its_keys(db, ctx, pulled):
    cid, items = pulled
    log = _log(db, ctx)
    assert [e.entry.client_id for e in log] == [cid] * 3
    assert [e.entry.record_count for e in log] == [2, 2, 2]
    listed = [k for e in log for k in json.loads(e.entry.keys)]
    assert listed == [i["id"] for i in items]
    assert log[0].entry.keys_digest == keys_digest(json.loads(log[0].entry.keys))
    assert log[1].entry.cursor_from == log[0].entry.cursor_to
    with db.uow(ctx) as uow:
        audits = audit_store.search(uow.conn, ctx.tenant_id, actor=cid, function="linkage.changes")
    assert len(audits) == 3 and all(a.action == "read" for a in audits)
    assert _verify(db, ctx) is None


@pytest.mark.parametrize(
    "tamper, seq, word",
    [
        (lambda t, c: c.execute(sa.update(linkage_exchange).where(t, linkage_exchange.c.seq == 2).values(record_count=0)), 2, "改ざん"),
        (lambda t, c: c.execute(sa.update(linkage_exchange).where(t, linkage_exchange.c.seq == 1).values(keys="[]")), 1, "改ざん"),
        (lambda t, c: c.execute(sa.delete(linkage_exchange).where(t, linkage_exchange.c.seq == 2)), 2, "削除"),
        (lambda t, c: c.execute(sa.delete(linkage_exchange).where(t, linkage_exchange.c.seq == 3)), 3, "削除"),
    ],
)  # fmt: skip
def test_tampering_is_detected_at_the_first_broken_entry(db, ctx, pulled, owner_engine, tamper, seq, word):
    with owner_engine.begin() as c:
        tamper(linkage_exchange.c.tenant_id == ctx.tenant_id, c)
    brk = _verify(db, ctx)
    assert brk is not None and brk.seq == seq and word in brk.reason


def test_app_role_cannot_rewrite_the_log_on_postgres(db, ctx, pulled):
    if db.dialect != "postgresql":
        pytest.skip("the database-level guard exists on PostgreSQL only")
    with pytest.raises(sa.exc.ProgrammingError), db.uow(ctx) as uow:
        uow.conn.execute(sa.update(linkage_exchange).values(record_count=0))


def test_cli_verify_and_list(db, ctx, db_url, pulled, owner_engine, monkeypatch):
    from typer.testing import CliRunner

    from kikan.adapters.cli.linkage import app_linkage
    from kikan.config import get_settings

    monkeypatch.setenv("KIKAN_DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        ok = runner.invoke(app_linkage, ["log", "verify", "--tenant", ctx.tenant_id])
        assert ok.exit_code == 0 and "正常" in ok.output
        listed = runner.invoke(app_linkage, ["log", "list", "--tenant", ctx.tenant_id])
        assert listed.exit_code == 0 and pulled[0] in listed.output
        with owner_engine.begin() as c:
            c.execute(
                sa.update(linkage_exchange)
                .where(linkage_exchange.c.tenant_id == ctx.tenant_id, linkage_exchange.c.seq == 2)
                .values(client_id="someone-else")
            )
        bad = runner.invoke(app_linkage, ["log", "verify", "--tenant", ctx.tenant_id])
        assert bad.exit_code == 1 and "番号 2" in bad.output
    finally:
        get_settings.cache_clear()


def test_auditors_search_and_verify_over_the_api(db, app, ctx, pulled, owner_engine):
    from tests.conftest import login_client, make_staff

    auditor = login_client(app, make_staff(db, ctx.tenant_id, ["auditor"]))
    rows = auditor.get(f"{BASE}/exchanges", params={"client_id": pulled[0]}).json()
    assert [r["seq"] for r in rows] == [3, 2, 1] and rows[0]["record_count"] == 2
    assert auditor.get(f"{BASE}/exchanges/verify").json() == {"ok": True, "broken_seq": None, "reason": None}
    with owner_engine.begin() as c:
        c.execute(
            sa.delete(linkage_exchange).where(
                linkage_exchange.c.tenant_id == ctx.tenant_id, linkage_exchange.c.seq == 3
            )
        )
    v = auditor.get(f"{BASE}/exchanges/verify").json()
    assert v["ok"] is False and v["broken_seq"] == 3
    clerk = login_client(app, make_staff(db, ctx.tenant_id, ["tax_clerk"]))
    assert clerk.get(f"{BASE}/exchanges").status_code == 403
