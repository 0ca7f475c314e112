"""The audit log is hash-chained per tenant; any edit or deletion is detected."""

import sqlalchemy as sa

from kikan.adapters.db import audit_store
from kikan.adapters.db.tables.core import audit_log


def _write(db, ctx, n):
    for i in range(n):
        with db.uow(ctx) as uow:
            uow.audit("juki.resident.view", "read", target_type="resident", target_id=f"A{i:04d}")
            uow.commit()


def _verify(db, ctx):
    with db.uow(ctx) as uow:
        return audit_store.verify(uow.conn, ctx.tenant_id)


def test_intact_chain_verifies(db, ctx):
    _write(db, ctx, 5)
    assert _verify(db, ctx) is None


def test_edited_row_is_the_first_broken_link(db, ctx, owner_engine):
    _write(db, ctx, 6)
    with owner_engine.begin() as c:
        c.execute(
            sa.update(audit_log)
            .where(audit_log.c.tenant_id == ctx.tenant_id, audit_log.c.seq == 3)
            .values(actor="someone-else")
        )
    brk = _verify(db, ctx)
    assert brk is not None and brk.seq == 3 and "改ざん" in brk.reason


def test_deleted_middle_row_detected(db, ctx, owner_engine):
    _write(db, ctx, 6)
    with owner_engine.begin() as c:
        c.execute(sa.delete(audit_log).where(audit_log.c.tenant_id == ctx.tenant_id, audit_log.c.seq == 4))
    brk = _verify(db, ctx)
    assert brk is not None and brk.seq == 4 and "削除" in brk.reason


def test_deleted_tail_detected(db, ctx, owner_engine):
    _write(db, ctx, 4)
    with owner_engine.begin() as c:
        c.execute(sa.delete(audit_log).where(audit_log.c.tenant_id == ctx.tenant_id, audit_log.c.seq == 4))
    brk = _verify(db, ctx)
    assert brk is not None and brk.seq == 4


def test_rollback_writes_no_audit(db, ctx):
    with db.uow(ctx) as uow:
        uow.audit("x", "read")
    with db.uow(ctx) as uow:
        assert audit_store.search(uow.conn, ctx.tenant_id) == []


def test_app_role_cannot_update_audit_on_postgres(db, ctx):
    if db.dialect != "postgresql":
        return
    _write(db, ctx, 1)
    import pytest

    with pytest.raises(sa.exc.ProgrammingError), db.uow(ctx) as uow:
        uow.conn.execute(sa.update(audit_log).values(actor="x"))


def test_cli_audit_verify(db, ctx, db_url, owner_engine, monkeypatch):
    from typer.testing import CliRunner

    from kikan.adapters.cli.main import app
    from kikan.config import get_settings

    _write(db, ctx, 3)
    monkeypatch.setenv("KIKAN_DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        assert runner.invoke(app, ["audit", "verify", "--tenant", ctx.tenant_id]).exit_code == 0
        with owner_engine.begin() as c:
            c.execute(
                sa.update(audit_log)
                .where(audit_log.c.tenant_id == ctx.tenant_id, audit_log.c.seq == 2)
                .values(detail="tampered")
            )
        out = runner.invoke(app, ["audit", "verify", "--tenant", ctx.tenant_id])
        assert out.exit_code == 1 and "番号 2" in out.output
    finally:
        get_settings.cache_clear()
