"""``kikan addressee sync`` / ``lookup`` / ``euc-export`` against the test database."""

from __future__ import annotations

import pytest
from addressee_helpers import person, registry_move_in
from typer.testing import CliRunner

from kikan.adapters.cli.addressee import app_addressee
from kikan.config import get_settings
from kikan.euc import services as euc


@pytest.fixture
def cli_env(db_url, monkeypatch):
    monkeypatch.setenv("KIKAN_DATABASE_URL", db_url)
    if hasattr(get_settings, "cache_clear"):
        get_settings.cache_clear()
    yield
    if hasattr(get_settings, "cache_clear"):
        get_settings.cache_clear()


def test_sync_lookup_and_export_from_the_command_line(db, ctx, cli_env, tmp_path):
    r = registry_move_in(db, ctx, person())
    runner = CliRunner()
    out = runner.invoke(app_addressee, ["sync", "--tenant", ctx.tenant_id])
    assert out.exit_code == 0, out.output
    assert "作成1件" in out.output
    again = runner.invoke(app_addressee, ["sync", "--tenant", ctx.tenant_id])
    assert "作成0件" in again.output
    found = runner.invoke(app_addressee, ["lookup", "--tenant", ctx.tenant_id, r.addressee_nos[0]])
    assert found.exit_code == 0 and "住民" in found.output
    missing = runner.invoke(app_addressee, ["lookup", "--tenant", ctx.tenant_id, "999999999999999"])
    assert missing.exit_code == 1
    with db.uow(ctx) as uow:
        d = euc.save(uow, name="全員", description="", spec={"columns": ["addressee_no", "family_name"]})
        uow.commit()
    target = tmp_path / "out.csv"
    res = runner.invoke(app_addressee, ["euc-export", "--tenant", ctx.tenant_id, "--definition",
                                        str(d.definition_id), "--out", str(target), "--encoding", "cp932"])  # fmt: skip
    assert res.exit_code == 0, res.output
    assert target.read_bytes().decode("cp932") == f"宛名番号,氏\r\n{r.addressee_nos[0]},山田\r\n"
