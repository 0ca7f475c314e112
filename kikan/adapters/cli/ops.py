"""Operations: ``kikan backup``, ``kikan restore``, ``kikan keys rotate|status|generate``.

Register at top level in ``kikan/adapters/cli/main.py`` with ``ops.register(app)`` (adds the two
commands and the ``keys`` group); ``app_ops`` is the same set as one typer app, for tests or for
``app.add_typer(app_ops, name="ops")``. Procedures: ``docs/operations.md``.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from kikan import bootstrap
from kikan.adapters.db import backup as bk
from kikan.adapters.security import accounts, keys
from kikan.adapters.security.crypto import CipherError, MyNumberCipher, generate_key
from kikan.config import get_settings
from kikan.core.temporal import JST

app_ops = typer.Typer(help="運用（バックアップ・リストア・鍵）", no_args_is_help=True)
keys_app = typer.Typer(help="個人番号の暗号鍵", no_args_is_help=True)
console = Console()
err = Console(stderr=True)

URL_HELP = "接続先（省略時は KIKAN_DATABASE_URL）。PostgreSQL は BYPASSRLS かスーパーユーザーのロールで"
UrlOpt = typer.Option("", "--database-url", envvar="KIKAN_BACKUP_DATABASE_URL", help=URL_HELP)


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[red]エラー:[/red] {message}")
    raise typer.Exit(code)


def _url(url: str) -> str:
    url = url or get_settings().database_url
    return "postgresql+psycopg://" + url[len("postgresql://") :] if url.startswith("postgresql://") else url


def backup_cmd(
    out: Path = typer.Argument(..., help="出力ファイル（マニフェストは <出力>.manifest.json）"),
    database_url: str = UrlOpt,
    overwrite: bool = typer.Option(False, "--overwrite", help="既存のファイルを上書きする"),
) -> None:
    """Back up the whole database (all tenants) with a manifest for the checks after a restore."""
    started = time.perf_counter()
    try:
        with console.status("バックアップ中…"):
            m = bk.backup(_url(database_url), out, overwrite=overwrite)
    except bk.BackupError as e:
        _fail(str(e))
    rows = sum(sum(t.values()) for t in m["tables"].values())
    console.print(f"[green]バックアップしました[/green] {out} ({m['bytes']:,} バイト, 団体 {len(m['audit'])}, "
                  f"{rows:,} 行, {time.perf_counter() - started:.1f} 秒)\n  マニフェスト: {bk.manifest_path(out)}")  # fmt: skip


def restore_cmd(
    src: Path = typer.Argument(..., help="バックアップファイル（同じ場所に .manifest.json が必要）"),
    database_url: str = UrlOpt,
    force: bool = typer.Option(False, "--force", help="データのあるデータベースを置き換える"),
) -> None:
    """Restore a backup, then check row counts, audit chains and feed sequences against the manifest."""
    started = time.perf_counter()
    try:
        with console.status("リストアと整合性の確認中…"):
            rep = bk.restore(_url(database_url), src, force=force, app_role=get_settings().db_app_role)
    except bk.BackupError as e:
        _fail(str(e))
    took = time.perf_counter() - started
    if not rep.ok:
        for p in rep.problems[:50]:
            err.print(f"[red]不整合:[/red] {p}")
        _fail(f"整合性の確認で {len(rep.problems)} 件の問題があります", code=1)
    console.print(f"[green]リストアしました[/green] 団体 {rep.tenants}, {rep.rows:,} 行, {took:.1f} 秒。"
                  "行数・アクセスログの連鎖・連携フィードの連番を確認しました")  # fmt: skip


def _cipher() -> MyNumberCipher:
    try:
        return MyNumberCipher.from_settings()
    except CipherError as e:
        _fail(str(e))
        raise


def _tenants(tenant: str, all_: bool) -> list[str]:
    if bool(tenant) == all_:
        _fail("--tenant か --all のどちらか一方を指定してください")
    if all_:
        return [t.tenant_id for t in accounts.list_tenants(bootstrap.database())]
    if accounts.get_tenant(bootstrap.database(), tenant) is None:
        _fail(f"団体 {tenant} は登録されていません")
    return [tenant]


@keys_app.command("rotate")
def keys_rotate(
    tenant: str = typer.Option("", "--tenant", help="団体コード"),
    all_: bool = typer.Option(False, "--all", help="全団体"),
    batch_size: int = typer.Option(keys.DEFAULT_BATCH, "--batch-size", min=1, max=100_000),
) -> None:
    """Re-encrypt every 個人番号 under the current (first) key of KIKAN_MYNUMBER_KEY. Resumable."""
    codes, cipher, db = _tenants(tenant, all_), _cipher(), bootstrap.database()
    total = 0
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console
    ) as bar:
        task = bar.add_task("")
        for code in codes:
            try:
                rep = keys.rotate_tenant(db, code, cipher, batch_size=batch_size, progress=lambda t, n: bar.update(
                    task, description=f"{t}: {n:,} 件"))  # fmt: skip
            except CipherError as e:
                _fail(f"団体 {code}: {e}（古い鍵を鍵リングから外す前にローテーションを完了してください）")
            total += rep.history_rows
            bar.console.print(f"{code}: {rep.history_rows:,} 件を鍵 {rep.current_kid} で再暗号化 "
                              f"(旧鍵 {rep.from_kids or '-'}, 照合用ハッシュ {rep.resident_hashes:,} 件)")  # fmt: skip
    console.print(
        f"[green]完了[/green] {total:,} 件。`kikan keys status --all` で残りが 0 件であることを確認してください"
    )


@keys_app.command("status")
def keys_status(
    tenant: str = typer.Option("", "--tenant"), all_: bool = typer.Option(False, "--all")
) -> None:
    """History rows not yet under the current key (0 everywhere = the old key may be dropped)."""
    codes, cipher, db = _tenants(tenant, all_), _cipher(), bootstrap.database()
    left = {code: keys.pending(db, code, cipher) for code in codes}
    console.print(json.dumps({"current_kid": cipher.current_kid, "keys": sorted(cipher.keys),
                              "pending": left, "total_pending": sum(left.values())}, ensure_ascii=False))  # fmt: skip
    if sum(left.values()):
        raise typer.Exit(1)


@keys_app.command("generate")
def keys_generate(kid: str = typer.Option("", "--kid", help="鍵ID（省略時は k + 日付）")) -> None:
    """Print a new key line ``kid:base64`` to put FIRST in KIKAN_MYNUMBER_KEY."""
    kid = kid or "k" + datetime.now(JST).strftime("%Y%m%d")
    if not kid.isascii() or not kid.replace("-", "").replace("_", "").isalnum():
        _fail("鍵IDは英数字・ハイフン・下線で指定してください")
    typer.echo(f"{kid}:{generate_key()}")


def register(app: typer.Typer) -> None:
    """Add ``backup``, ``restore`` and the ``keys`` group at the top level of ``app``."""
    app.command("backup")(backup_cmd)
    app.command("restore")(restore_cmd)
    app.add_typer(keys_app, name="keys", help="個人番号の暗号鍵")


register(app_ops)
