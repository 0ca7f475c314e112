"""Backup and restore with a manifest and integrity checks (``kikan backup`` / ``kikan restore``).

Standard: 地方公共団体情報システム非機能要件の標準 — RPO 前営業日 (a daily backup), RTO 12時間,
遠隔地保管 1箇所 (A.1.3.1, A.1.3.2, A.3.2.1); ``docs/operations.md`` has the procedure and figures.

- PostgreSQL: ``pg_dump -Fc`` of the snapshot exported by a REPEATABLE READ transaction, in which
  the manifest is counted too, so the counts describe exactly the dumped data even while the
  system runs. Restore: ``pg_restore --single-transaction`` (all or nothing), then ANALYZE.
  Both need a role that bypasses row-level security (superuser or BYPASSRLS): row security would
  otherwise hide every tenant's rows from the dump.
- SQLite: the online backup API (``sqlite3.Connection.backup``) copies a live database in one
  consistent read transaction; the manifest is counted on the copy.

The manifest (``<backup>.manifest.json``) holds the schema revision, row counts per tenant per
table, each tenant's outbox last sequence and audit last sequence + hash, and the file's SHA-256.
After a restore :func:`check` compares the database with it, verifies every tenant's audit hash
chain and that every outbox feed is gap-free (1..last) — a restore is only reported good when
all of that holds.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.backup_manifest import CheckReport, check, collect
from kikan.adapters.db.engine import make_engine
from kikan.adapters.db.rls import APP_ROLE

FORMAT = 1
SUFFIX = ".manifest.json"


class BackupError(Exception):
    """An operator-facing problem (Japanese message): missing tool, refused target, bad file."""


def manifest_path(backup_file: Path) -> Path:
    return backup_file.with_name(backup_file.name + SUFFIX)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# --- engines and tools -----------------------------------------------------------------------


@contextmanager
def _owner(url: str) -> Iterator[sa.Engine]:
    """The login role without SET ROLE; on PostgreSQL it must bypass row-level security."""
    engine = make_engine(url)
    try:
        if engine.dialect.name == "postgresql":
            with engine.connect() as c:
                if not c.exec_driver_sql(
                    "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"
                ).scalar():
                    raise BackupError(
                        "バックアップ・リストアには行レベルセキュリティを迂回できるロール"
                        "（スーパーユーザーまたは BYPASSRLS）で接続してください"
                    )
        yield engine
    finally:
        engine.dispose()


def tool(name: str) -> str:
    """``pg_dump`` / ``pg_restore`` from PATH or the newest ``/usr/lib/postgresql/*/bin``."""
    found = shutil.which(name)
    versions = [p for p in glob.glob(f"/usr/lib/postgresql/*/bin/{name}") if p.split("/")[4].isdigit()]
    candidates = sorted(versions, key=lambda p: int(p.split("/")[4]))
    if found or candidates:
        return found or candidates[-1]
    raise BackupError(
        f"{name} が見つかりません。PostgreSQL のクライアント（postgresql-client）を導入してください"
    )


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password (given through PGPASSWORD, never on the command line)."""
    u = sa.engine.make_url(url)
    env = {**os.environ, **({"PGPASSWORD": u.password} if u.password else {})}
    return u.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str]) -> None:
    proc = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} が失敗しました: {proc.stderr.strip()[-2000:]}")


def _is_empty(conn: sa.Connection) -> bool:
    """No tenant, no account and no tenant row in any table (a fresh ``kikan db upgrade`` is empty)."""
    data = collect(conn)
    people = sum(data["control_plane"].get(t, 0) for t in ("tenant", "staff_account"))
    return people == 0 and not any(sum(c.values()) for c in data["tables"].values())


# --- backup ----------------------------------------------------------------------------------


def backup(url: str, out: Path, *, overwrite: bool = False) -> dict[str, Any]:
    """Write a consistent backup of the database at ``url`` to ``out`` and its manifest beside it."""
    out = Path(out)
    if out.exists() and not overwrite:
        raise BackupError(f"{out} は既に存在します（上書きするときは --overwrite）")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    started = datetime.now(UTC)
    try:
        body = (
            _backup_postgres(url, partial) if url.startswith("postgresql") else _backup_sqlite(url, partial)
        )
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    manifest = {"format": FORMAT, "backend": "postgresql" if url.startswith("postgresql") else "sqlite",
                "created_at": started.isoformat(), "file": out.name, "bytes": out.stat().st_size,
                "sha256": sha256(out), **body}  # fmt: skip
    tmp = manifest_path(out).with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, manifest_path(out))
    return manifest


def _backup_postgres(url: str, partial: Path) -> dict[str, Any]:
    pg_dump = tool("pg_dump")
    target, env = _libpq(url)
    with _owner(url) as engine, engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            args = [
                pg_dump,
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={partial}",
                f"--dbname={target}",
            ]
            proc = subprocess.Popen(
                args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
            )
            try:
                body = collect(conn)  # same snapshot as the dump, counted while it runs
            finally:
                _, stderr = proc.communicate()
    if proc.returncode != 0:
        raise BackupError(f"pg_dump が失敗しました: {stderr.strip()[-2000:]}")
    return body


def _backup_sqlite(url: str, partial: Path) -> dict[str, Any]:
    src_path = sa.engine.make_url(url).database
    if not src_path or src_path == ":memory:" or not Path(src_path).exists():
        raise BackupError(f"SQLite データベース {src_path} がありません")
    src = sqlite3.connect(Path(src_path).resolve().as_uri() + "?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)  # pages=-1: one step, one read transaction — a consistent copy of a live file
        dst.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
    finally:
        dst.close()
        src.close()
    engine = sa.create_engine(f"sqlite:///{partial}")
    try:
        with engine.connect() as conn:
            return collect(conn)
    finally:
        engine.dispose()


# --- restore ---------------------------------------------------------------------------------


def read_manifest(backup_file: Path) -> dict[str, Any]:
    path = manifest_path(Path(backup_file))
    if not Path(backup_file).exists():
        raise BackupError(f"バックアップファイル {backup_file} がありません")
    if not path.exists():
        raise BackupError(f"マニフェスト {path} がありません（バックアップと同じ場所に置いてください）")
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"マニフェストの形式 {manifest.get('format')} には対応していません")
    if sha256(Path(backup_file)) != manifest["sha256"]:
        raise BackupError("バックアップファイルの SHA-256 がマニフェストと一致しません（破損または改ざん）")
    return manifest


def restore(url: str, backup_file: Path, *, force: bool = False, app_role: str = APP_ROLE) -> CheckReport:
    """Restore ``backup_file`` into the database at ``url``, then :func:`check` it.

    Refuses a database that holds data unless ``force`` (which replaces it).
    """
    manifest = read_manifest(backup_file)
    backend = "postgresql" if url.startswith("postgresql") else "sqlite"
    if manifest["backend"] != backend:
        raise BackupError(f"{manifest['backend']} のバックアップは {backend} に戻せません")
    with _owner(url) as engine:
        with engine.connect() as conn:
            if not force and not _is_empty(conn):
                raise BackupError("復元先のデータベースにデータがあります（置き換えるときは --force）")
        if backend == "postgresql":
            _restore_postgres(url, engine, Path(backup_file), app_role)
        else:
            engine.dispose()
            _restore_sqlite(url, Path(backup_file))
        with engine.connect() as conn:
            return check(conn, manifest)


def _restore_postgres(url: str, engine: sa.Engine, dump: Path, app_role: str) -> None:
    pg_restore = tool("pg_restore")
    target, env = _libpq(url)
    with engine.begin() as conn:  # roles are cluster-wide: a new cluster has none of the dump's grantees
        conn.exec_driver_sql(
            f"""DO $$ BEGIN CREATE ROLE "{app_role}" NOLOGIN NOBYPASSRLS;
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;"""
        )
        conn.exec_driver_sql(f'GRANT "{app_role}" TO CURRENT_USER')
    # --clean: a target that is empty but migrated (kikan db upgrade) has the tables already
    _run([pg_restore, "--single-transaction", "--exit-on-error", "--no-owner", "--clean", "--if-exists",
          f"--dbname={target}", str(dump)], env)  # fmt: skip
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


def _restore_sqlite(url: str, backup_file: Path) -> None:
    target = sa.engine.make_url(url).database
    if not target or target == ":memory:":
        raise BackupError("復元先の SQLite ファイルを指定してください")
    src = sqlite3.connect(backup_file.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        if (bad := src.execute("PRAGMA integrity_check").fetchone()[0]) != "ok":
            raise BackupError(f"バックアップファイルが壊れています: {bad}")
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        dst = sqlite3.connect(target, timeout=30)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")
        finally:
            dst.close()
    finally:
        src.close()
