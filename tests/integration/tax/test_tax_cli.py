"""``kikan batch …``: CSV import, the annual run with progress, rerun, reproduction check, corrections."""

from __future__ import annotations

import pytest
from tax_support import move_in_family, person
from typer.testing import CliRunner

from kikan.adapters.cli.batch import app_batch
from kikan.config import get_settings


@pytest.fixture
def cli_db(db, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KIKAN_DATABASE_URL", db.url)
    get_settings.cache_clear()
    yield db
    get_settings.cache_clear()


def test_batch_commands(cli_db, ctx, tenant_id, tmp_path) -> None:
    a, b = move_in_family(cli_db, ctx, person(), person(given="花子", sex="2", born="1982-02-02", rel="妻"))
    run = CliRunner()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        f"fiscal_year,addressee_no,source_kind,salary_revenue\n2026,{a},salary_report,x\n", encoding="utf-8"
    )
    out = run.invoke(app_batch, ["import-income", "--tenant", tenant_id, "--file", str(bad)])
    assert out.exit_code == 2 and "2行目 salary_revenue" in out.output and "2行目 payer_id" in out.output
    good = tmp_path / "good.csv"
    good.write_text("fiscal_year,addressee_no,source_kind,payer_id,special_collection,salary_revenue\n"
                    f"2026,{a},salary_report,E1,1,4800000\n2026,{b},salary_report,E1,0,900000\n", encoding="cp932")  # fmt: skip
    assert run.invoke(app_batch, ["sync-registry", "--tenant", tenant_id]).exit_code == 0
    out = run.invoke(
        app_batch, ["import-income", "--tenant", tenant_id, "--file", str(good), "--encoding", "cp932"]
    )
    assert out.exit_code == 0 and "2 件" in out.output
    first = run.invoke(app_batch, ["individual-resident-tax", "--tenant", tenant_id, "--fiscal-year", "2026"])
    assert first.exit_code == 0 and "annual-2026: completed" in first.output and "2 人" in first.output
    again = run.invoke(app_batch, ["individual-resident-tax", "--tenant", tenant_id, "--fiscal-year", "2026"])
    assert again.exit_code == 0 and "完了済み" in again.output
    from kikan.adapters.db import tax_results

    with cli_db.uow(ctx) as uow:
        known = tax_results.run(uow.conn, tenant_id, "annual-2026")["known_at"].isoformat()
    sim = run.invoke(app_batch, ["individual-resident-tax", "--tenant", tenant_id, "--fiscal-year", "2026",
                                 "--simulate", "--known-at", known])  # fmt: skip
    assert sim.exit_code == 0, sim.output
    sim_id = sim.output.split("処理ID ")[1].split(":")[0]
    same = run.invoke(app_batch, ["compare-runs", "--tenant", tenant_id, "annual-2026", sim_id])
    assert same.exit_code == 0 and '"differing": 0' in same.output
    wrong = run.invoke(app_batch, ["individual-resident-tax", "--tenant", tenant_id, "--fiscal-year", "2026",
                                   "--known-at", "2026-13-01"])  # fmt: skip
    assert wrong.exit_code == 2
    fix = run.invoke(app_batch, ["tax-corrections", "--tenant", tenant_id, "--fiscal-year", "2026"])
    assert fix.exit_code == 0 and "更正 0 人" in fix.output
