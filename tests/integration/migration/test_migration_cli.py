"""``kikan migrate`` commands (in process, on the test database) and the import's guards."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from migration_helpers import count_history, files_of, identify_all, new_tenant
from typer.testing import CliRunner

from kikan.adapters.cli.migration import app_migrate
from kikan.adapters.db import migration_import as mi
from kikan.adapters.db.tables.core import audit_log
from kikan.migration import IssueKind, load_layout

TODAY = dt.date(2026, 4, 1)
runner = CliRunner()


@pytest.fixture
def cli_db(db, monkeypatch):
    monkeypatch.setattr("kikan.bootstrap.database", lambda *a, **k: db)
    return db


def test_dry_run_then_import_then_export_through_the_cli(cli_db, ctx, tmp_path, legacy_gen):
    s = legacy_gen.generate_legacy_set(tmp_path / "legacy", residents=40, seed=21)
    dat = str(s.files[0])
    r = runner.invoke(app_migrate, ["import", "--tenant", ctx.tenant_id, "--layout", "legacy_fixed_cp932",
                                    "--dry-run", "--report-dir", str(tmp_path / "r1"), dat])  # fmt: skip
    assert r.exit_code == 1 and "未同定の外字" in r.output and "同定が必要な外字" in r.output
    rows = list(
        csv.reader(io.StringIO((tmp_path / "r1" / "移行検証結果.csv").read_text(encoding="utf-8-sig")))
    )
    assert rows[0] == ["区分", "種類", "ファイル", "行", "宛名番号", "履歴番号", "項目", "内容", "値"]
    assert {row[1] for row in rows[1:]} == {"未同定の外字"}
    gaiji_rows = (tmp_path / "r1" / "未同定外字.csv").read_text(encoding="utf-8-sig")
    assert all(code in gaiji_rows for code in s.gaiji_truth)
    assert count_history(cli_db, ctx) == 0

    identify_all(cli_db, ctx, s.gaiji_table, s.gaiji_truth)
    r = runner.invoke(app_migrate, ["import", "--tenant", ctx.tenant_id, "--layout", "legacy_fixed_cp932",
                                    "--report-dir", str(tmp_path / "r2"), "--batch-households", "5", dat])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "取り込みました" in r.output and count_history(cli_db, ctx) == len(s.truth)

    out = tmp_path / "out.dat"
    r = runner.invoke(
        app_migrate, ["export", "--tenant", ctx.tenant_id, "--layout", "legacy_fixed_cp932", str(out)]
    )
    assert r.exit_code == 0, r.output
    assert out.stat().st_size == 1202 * len(s.truth)
    side = out.with_name("out.dat.縮退.csv")
    if any(t in "".join(s.gaiji_truth.values()) for t in ("𠮷", "邉\U000e011a")):
        assert side.exists() and "非可逆" in side.read_text(encoding="utf-8-sig")
    with cli_db.uow(ctx) as uow:
        a = audit_log.c
        shown = uow.conn.execute(sa.select(a.mynumber_shown).where(
            a.tenant_id == ctx.tenant_id, a.function == "migration.export", a.action == "read")).scalars().all()  # fmt: skip
    assert shown == [True]


def test_disaster_export_from_the_live_database_and_from_a_backup(cli_db, db_url, ctx, tmp_path, legacy_gen):
    s = legacy_gen.generate_legacy_set(tmp_path / "legacy", residents=30, seed=22)
    identify_all(cli_db, ctx, s.gaiji_table, s.gaiji_truth)
    assert mi.run_import(cli_db, ctx, s.layout, files_of(s.files), today=TODAY).status == "completed"
    present = {(t["addressee_no"]) for t in s.truth if t["status"] == "resident"}

    r = runner.invoke(app_migrate, ["disaster-export", "--tenant", ctx.tenant_id, str(tmp_path / "live")])
    assert r.exit_code == 0, r.output
    live = tmp_path / "live"
    assert {p.name for p in live.iterdir()} == {"住民一覧.csv", "住民一覧.pdf", "README.txt", "SHA256SUMS"}
    rows = list(csv.DictReader(io.StringIO((live / "住民一覧.csv").read_text(encoding="utf-8-sig"))))
    assert {r["宛名番号"] for r in rows} == present
    assert all(r["生年月日（和暦）"][:2] in ("明治", "大正", "昭和", "平成", "令和") for r in rows)
    assert (live / "住民一覧.pdf").read_bytes().startswith(b"%PDF")

    backup = db_url if db_url.startswith("postgresql") else db_url.removeprefix("sqlite:///")
    if not db_url.startswith("postgresql"):
        src = sqlite3.connect(db_url.removeprefix("sqlite:///"))  # a consistent copy, as a backup tool makes
        src.execute(f"VACUUM INTO '{tmp_path / 'backup.db'}'")
        src.close()
        backup = str(tmp_path / "backup.db")
        before = Path(backup).read_bytes()
    r = runner.invoke(app_migrate, ["disaster-export", "--tenant", ctx.tenant_id, "--from-backup", backup,
                                    "--no-pdf", str(tmp_path / "bk")])  # fmt: skip
    assert r.exit_code == 0, r.output
    again = list(
        csv.DictReader(io.StringIO((tmp_path / "bk" / "住民一覧.csv").read_text(encoding="utf-8-sig")))
    )
    assert again == rows and (tmp_path / "bk" / "アクセス記録.txt").exists()
    if not db_url.startswith("postgresql"):
        assert Path(backup).read_bytes() == before  # read-only: the backup is untouched


def test_numbers_already_in_the_tenant_refuse_the_import(db, ctx, tmp_path, legacy_gen):
    s = legacy_gen.generate_legacy_set(tmp_path / "legacy", residents=30, seed=23)
    identify_all(db, ctx, s.gaiji_table, s.gaiji_truth)
    assert mi.run_import(db, ctx, s.layout, files_of(s.files), today=TODAY).status == "completed"
    before = count_history(db, ctx)
    # the same people again, in another file (another layout): not this import's batches → refused
    out = io.BytesIO()
    from kikan.adapters.db.migration_export import export_registry

    export_registry(db, ctx, load_layout("chukan_juki"), out.write)
    again = mi.run_import(db, ctx, load_layout("chukan_juki"), [("again.csv", out.getvalue())], today=TODAY)
    assert again.status == "refused" and count_history(db, ctx) == before
    assert again.dataset.report.count(IssueKind.EXISTING) == len({t["addressee_no"] for t in s.truth})
    assert any("は既にこの団体に登録されています" in i.message for i in again.dataset.report.issues)


def test_another_tenant_sees_nothing_of_an_import(db, ctx, tmp_path, legacy_gen):
    s = legacy_gen.generate_legacy_set(tmp_path / "legacy", residents=20, seed=24)
    identify_all(db, ctx, s.gaiji_table, s.gaiji_truth)
    assert mi.run_import(db, ctx, s.layout, files_of(s.files), today=TODAY).status == "completed"
    other = new_tenant(db)
    assert count_history(db, other) == 0 and count_history(db, ctx) == len(s.truth)
    # the other tenant has no 外字 decisions: the same files are not importable there yet
    refused = mi.run_import(db, other, s.layout, files_of(s.files), today=TODAY)
    assert refused.status == "refused" and refused.dataset.report.count(IssueKind.GAIJI) > 0
