"""The ``kikan`` command."""

from __future__ import annotations

import os
import secrets
import sys

import typer
from rich.console import Console

from kikan import bootstrap
from kikan.adapters.db import audit_store
from kikan.adapters.db.migrate import current_revision, head_revision, upgrade
from kikan.adapters.security import accounts
from kikan.config import get_settings
from kikan.core.access import ROLES
from kikan.core.identity import IdentifierError
from kikan.core.tenancy import SYSTEM_BATCH, TenantContext

app = typer.Typer(help="kikan 基幹業務システム", no_args_is_help=True, pretty_exceptions_enable=False)
db_app = typer.Typer(help="データベース", no_args_is_help=True)
tenant_app = typer.Typer(help="団体（テナント）", no_args_is_help=True)
user_app = typer.Typer(help="職員アカウント", no_args_is_help=True)
audit_app = typer.Typer(help="アクセスログ", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(tenant_app, name="tenant")
app.add_typer(user_app, name="user")
app.add_typer(audit_app, name="audit")
console = Console()
err = Console(stderr=True)


def fail(message: str) -> None:
    err.print(f"[red]エラー:[/red] {message}")
    raise typer.Exit(2)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Upgrade the schema to the newest version (Alembic)."""
    url = get_settings().database_url
    upgrade(url)
    console.print(f"schema at {current_revision(url)} (head {head_revision(url)})")


@db_app.command("purge-idempotency-keys")
def db_purge_idempotency_keys() -> None:
    """Delete the expired idempotency keys (Idempotency-Key, 24 h) of every tenant; run daily from cron."""
    from kikan.adapters.db import idempotency

    db = bootstrap.database()
    tenants = [t.tenant_id for t in accounts.list_tenants(db)]
    console.print(f"期限切れの冪等キーを削除しました: {idempotency.purge(db, tenants)}件")


@tenant_app.command("add")
def tenant_add(code: str, name: str = typer.Option(..., "--name", help="団体名 (例: 千代田区)")) -> None:
    """Register a municipality by its 全国地方公共団体コード (6 digits with check digit)."""
    db = bootstrap.database()
    try:
        row = accounts.add_tenant(db, code, name)
    except (IdentifierError, accounts.AccessError) as e:
        fail(str(e))
    console.print(
        f"登録しました: {row['tenant_id']} {row['prefecture_name']}{row['name']}"
        + ("（指定都市）" if row["designated_city"] else "")
    )


@tenant_app.command("list")
def tenant_list() -> None:
    for t in accounts.list_tenants(bootstrap.database()):
        console.print(f"{t.tenant_id} {t.prefecture_name}{t.name}{' 指定都市' if t.designated_city else ''}")


@user_app.command("add")
def user_add(
    login: str,
    name: str = typer.Option(..., "--name"),
    tenant: list[str] = typer.Option([], "--tenant", help="団体コード（複数可）"),
    role: list[str] = typer.Option([], "--role", help=f"役割: {', '.join(ROLES)}"),
    operator: bool = typer.Option(False, "--operator"),
    password: str = typer.Option("", "--password", help="省略時は生成して表示"),
) -> None:
    db = bootstrap.database()
    pw = password or secrets.token_urlsafe(12)
    try:
        acc = accounts.add_account(db, login, pw, name, is_operator=operator)
        for t in tenant:
            for r in role:
                accounts.grant(db, acc.account_id, t, r)
    except (accounts.AccessError, ValueError) as e:
        fail(str(e))
    console.print(f"作成しました: {login}" + ("" if password else f"  初期パスワード: {pw}"))


@audit_app.command("verify")
def audit_verify(tenant: str = typer.Option(..., "--tenant")) -> None:
    """Recompute the tenant's hash chain; report the first broken link."""
    db = bootstrap.database()
    with db.uow(TenantContext(tenant, SYSTEM_BATCH)) as uow:
        brk = audit_store.verify(uow.conn, tenant)
    if brk is None:
        console.print(f"[green]OK[/green] {tenant}: アクセスログの連鎖は正常です")
        return
    err.print(f"[red]改ざんを検出[/red] {tenant}: 番号 {brk.seq}: {brk.reason}")
    raise typer.Exit(1)


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1) -> None:
    """Serve the staff UI and the API."""
    import uvicorn

    uvicorn.run("kikan.adapters.api.asgi:app", host=host, port=port, workers=workers, log_level="warning")


from kikan.adapters.cli import demo as _demo  # noqa: E402,F401  (registers demo & seed)


def _register_area_commands() -> None:
    """Each area's CLI lives in ``kikan/adapters/cli/<area>.py`` as a typer app ``app_<name>``."""
    import importlib

    for module, attr, name, help_ in [
        ("juki", "app_juki", "juki", "住民記録"),
        ("linkage", "app_linkage", "linkage", "庁内データ連携"),
        ("characters", "app_chars", "chars", "行政事務標準文字・外字"),
        ("addressee", "app_addressee", "addressee", "統合宛名・住登外者"),
        ("migration", "app_migrate", "migrate", "データ移行"),
        ("calc", "app_calc", "calc", "税額・給付額の試算"),
        ("batch", "app_batch", "batch", "一括処理"),
        ("welfare", "app_welfare", "welfare", "児童手当・児童扶養手当"),
    ]:
        try:
            mod = importlib.import_module(f"kikan.adapters.cli.{module}")
        except ModuleNotFoundError as e:
            if e.name != f"kikan.adapters.cli.{module}":
                raise
            continue
        app.add_typer(getattr(mod, attr), name=name, help=help_)


_register_area_commands()


def _register_ops_commands() -> None:
    """``kikan backup``, ``kikan restore`` and ``kikan keys …`` (operations)."""
    from kikan.adapters.cli import ops

    ops.register(app)


_register_ops_commands()


def main() -> None:  # pragma: no cover
    app(prog_name=os.path.basename(sys.argv[0]))
