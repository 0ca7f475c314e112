"""``kikan backup`` / ``kikan restore`` on SQLite and PostgreSQL: manifest, refusal, checks that fail.

Each test works on databases of its own (not the session database, where other tests tamper with
audit chains on purpose), created and migrated here.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from kikan.adapters.db import backup as bk
from kikan.adapters.db.database import Database
from kikan.adapters.db.engine import make_engine
from kikan.adapters.db.migrate import upgrade
from kikan.adapters.db.tables.core import audit_log, outbox_event
from kikan.adapters.db.tables.juki import juki_history
from kikan.adapters.security import accounts, crypto
from tests.conftest import BACKENDS, PG_URL, _pg_admin, random_tenant_code
from tests.e2e.juki.conftest import person, seed_household

KEY = "bk1:" + base64.b64encode(bytes(range(32))).decode()


@pytest.fixture(autouse=True)
def _key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(crypto.ENV_KEY, KEY)
    crypto.reset_cipher()
    yield
    crypto.reset_cipher()


class Databases:
    """Creates empty databases of one backend and drops them afterwards."""

    def __init__(self, backend: str, tmp: Path):
        self.backend, self.tmp, self.names = backend, tmp, list[str]()

    def new(self, migrate: bool = True) -> str:
        if self.backend == "sqlite":
            url = f"sqlite:///{self.tmp / f'{uuid.uuid4().hex[:8]}.db'}"
        else:
            name = f"kikan_bk_{uuid.uuid4().hex[:10]}"
            with _pg_admin().connect() as c:
                c.exec_driver_sql(f'CREATE DATABASE "{name}"')
            self.names.append(name)
            base = sa.engine.make_url(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
            url = base.set(database=name).render_as_string(hide_password=False)
        if migrate:
            upgrade(url)
        return url

    def drop(self) -> None:
        if not self.names:
            return
        admin = _pg_admin()
        with admin.connect() as c:
            for name in self.names:
                c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def dbs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Databases]:
    d = Databases(request.param, tmp_path)
    yield d
    d.drop()


def populate(url: str, tenants: int = 2) -> list[str]:
    """Tenants with households moved in through the service: history, audit rows, outbox events."""
    db = Database(url)
    codes = []
    try:
        while len(codes) < tenants:
            code = random_tenant_code()
            try:
                accounts.add_tenant(db, code, f"テスト{code}")
            except accounts.AccessError:
                continue
            codes.append(code)
            for given in ("太郎", "次郎"):
                seed_household(db, code, person(given=given), person(given="花子", sex="2", rel="妻"))
    finally:
        db.dispose()
    return codes


def owner_exec(url: str, sql: str, **params: object) -> None:
    e = make_engine(url)
    with e.begin() as c:
        c.execute(sa.text(sql), params)
    e.dispose()


def test_backup_then_restore_into_an_empty_database_passes_every_check(dbs, tmp_path):
    src = dbs.new()
    codes = populate(src)
    out = tmp_path / "kikan.dump"
    m = bk.backup(src, out)
    assert out.exists() and bk.manifest_path(out).exists()
    assert json.loads(bk.manifest_path(out).read_text(encoding="utf-8"))["sha256"] == bk.sha256(out)
    for code in codes:
        assert m["tables"]["juki_history"][code] == 4
        assert m["outbox"][code] >= 2 and m["audit"][code]["seq"] >= 2 and len(m["audit"][code]["hash"]) == 64
    assert m["schema_revision"] and m["control_plane"]["staff_account"] == 0
    target = dbs.new(migrate=dbs.backend == "sqlite")  # PostgreSQL: a bare new database
    rep = bk.restore(target, out)
    assert rep.ok, rep.problems
    assert rep.tenants == 2 and rep.rows >= 8
    e = make_engine(target)
    with e.connect() as c:
        n = c.execute(sa.select(sa.func.count()).select_from(juki_history)).scalar_one()
    e.dispose()
    assert n == 8
    restored = Database(target)  # the application role works on the restored database (grants, RLS)
    seed_household(restored, codes[0], person(given="三郎"))
    restored.dispose()


def test_a_live_database_is_copied_consistently_while_moves_commit(dbs, tmp_path):
    """Writers keep committing during the backup: the manifest still describes the copy exactly."""
    src = dbs.new()
    code = populate(src, tenants=1)[0]
    stop, done = threading.Event(), []

    def writer() -> None:
        db = Database(src)
        while not stop.is_set():
            seed_household(db, code, person(given="四郎"))
            done.append(1)
        db.dispose()

    t = threading.Thread(target=writer)
    t.start()
    try:
        while len(done) < 3:
            time.sleep(0.05)
        m = bk.backup(src, tmp_path / "live.dump")
    finally:
        stop.set()
        t.join()
    assert bk.restore(dbs.new(), tmp_path / "live.dump").ok
    assert 4 + 3 <= m["tables"]["juki_resident"][code] <= 4 + len(done)  # a snapshot between two moves


def test_restore_refuses_a_database_with_data_unless_forced(dbs, tmp_path):
    src = dbs.new()
    populate(src, tenants=1)
    out = tmp_path / "a.dump"
    bk.backup(src, out)
    with pytest.raises(bk.BackupError, match="データがあります"):
        bk.restore(src, out)
    other = dbs.new()
    populate(other, tenants=1)
    rep = bk.restore(other, out, force=True)
    assert rep.ok, rep.problems


def test_backup_refuses_to_overwrite_and_restore_refuses_a_damaged_file(dbs, tmp_path):
    src = dbs.new()
    populate(src, tenants=1)
    out = tmp_path / "b.dump"
    bk.backup(src, out)
    with pytest.raises(bk.BackupError, match="既に存在します"):
        bk.backup(src, out)
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0xFF
    out.write_bytes(bytes(data))
    with pytest.raises(bk.BackupError, match="SHA-256"):
        bk.restore(dbs.new(), out)
    bk.manifest_path(out).unlink()
    with pytest.raises(bk.BackupError, match="マニフェスト"):
        bk.restore(dbs.new(), out)


def _restored(dbs: Databases, tmp_path: Path) -> tuple[str, dict, list[str]]:
    src = dbs.new()
    codes = populate(src, tenants=1)
    out = tmp_path / "c.dump"
    manifest = bk.backup(src, out)
    target = dbs.new()
    assert bk.restore(target, out, force=True).ok
    return target, manifest, codes


def _check(url: str, manifest: dict) -> bk.CheckReport:
    e = make_engine(url)
    try:
        with e.connect() as c:
            return bk.check(c, manifest)
    finally:
        e.dispose()


def test_check_reports_a_count_that_differs_from_the_manifest(dbs, tmp_path):
    target, manifest, codes = _restored(dbs, tmp_path)
    manifest["tables"]["juki_history"][codes[0]] += 1
    rep = _check(target, manifest)
    assert not rep.ok and any("juki_history" in p and codes[0] in p for p in rep.problems)


def test_check_detects_a_tampered_audit_row_and_a_gap_in_the_feed(dbs, tmp_path):
    target, manifest, codes = _restored(dbs, tmp_path)
    owner_exec(
        target, f"UPDATE {audit_log.name} SET actor = 'mallory' WHERE tenant_id = :t AND seq = 1", t=codes[0]
    )
    owner_exec(target, f"DELETE FROM {outbox_event.name} WHERE tenant_id = :t AND seq = 1", t=codes[0])
    problems = _check(target, manifest).problems
    assert any("アクセスログの連鎖" in p for p in problems), problems
    assert any("欠番" in p for p in problems), problems
    assert any("outbox_event" in p for p in problems), problems


def test_pg_tools_are_found_or_a_clear_error_is_given(monkeypatch):
    monkeypatch.setattr(bk.shutil, "which", lambda name: None)
    monkeypatch.setattr(bk.glob, "glob", lambda pattern: [])
    with pytest.raises(bk.BackupError, match="pg_dump が見つかりません"):
        bk.tool("pg_dump")


def test_cli_backup_and_restore(dbs, tmp_path):
    from typer.testing import CliRunner

    from kikan.adapters.cli.ops import app_ops

    src = dbs.new()
    populate(src, tenants=1)
    out = tmp_path / "cli.dump"
    runner = CliRunner()
    done = runner.invoke(app_ops, ["backup", str(out), "--database-url", src])
    assert done.exit_code == 0, done.output
    assert "バックアップしました" in done.output and bk.manifest_path(out).exists()
    refused = runner.invoke(app_ops, ["restore", str(out), "--database-url", src])
    assert refused.exit_code == 2 and "--force" in refused.output
    target = dbs.new()
    restored = runner.invoke(app_ops, ["restore", str(out), "--database-url", target])
    assert restored.exit_code == 0 and "リストアしました" in restored.output, restored.output
    manifest = json.loads(bk.manifest_path(out).read_text(encoding="utf-8"))
    manifest["outbox"] = {t: n + 1 for t, n in manifest["outbox"].items()}  # a manifest that disagrees
    bk.manifest_path(out).write_text(json.dumps(manifest), encoding="utf-8")
    bad = runner.invoke(app_ops, ["restore", str(out), "--database-url", dbs.new(), "--force"])
    assert bad.exit_code == 1 and "連携フィード" in bad.output
