"""``kikan demo`` (embedded database, seeded demo municipality, served on localhost) and ``kikan seed``."""

from __future__ import annotations

import os
import secrets

import sqlalchemy as sa
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from kikan import bootstrap
from kikan.adapters.cli.main import app, console, fail
from kikan.adapters.db.migrate import upgrade
from kikan.adapters.db.tables.core import staff_account
from kikan.adapters.security import accounts
from kikan.adapters.security.passwords import hash_password
from kikan.config import Settings, get_settings

DEMO_TENANT = ("132012", "八王子市")
DEMO_ACCOUNTS = [
    # login, display name, roles, operator
    ("demo", "デモ 責任者", ["registry_supervisor", "tenant_admin", "auditor", "tax_clerk", "welfare_clerk"], False),
    ("clerk", "デモ 窓口職員", ["registry_clerk"], False),
    ("operator", "デモ 運用オペレータ", [], True),
]


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console
    )


def seed_with_progress(db, tenant: str, residents: int, seed: int) -> None:  # type: ignore[no-untyped-def]
    from kikan.synthetic import seed_tenant

    with _progress() as bar:
        task = bar.add_task("住民データを生成中", total=residents)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        report = seed_tenant(db, tenant, residents, seed, progress=progress)
    console.print(f"生成しました: {report}")


@app.command()
def seed(
    tenant: str = typer.Option(..., "--tenant", help="団体コード"),
    residents: int = typer.Option(..., "--residents", min=1, max=5_000_000),
    seed: int = typer.Option(0, "--seed"),
) -> None:
    """Create a realistic synthetic population for a tenant (deterministic per seed)."""
    db = bootstrap.database()
    if accounts.get_tenant(db, tenant) is None:
        fail(f"団体コード {tenant} は登録されていません（kikan tenant add で登録してください）")
    try:
        seed_with_progress(db, tenant, residents, seed)
    except ValueError as e:
        fail(str(e))


def _demo_password(db, login: str, name: str, roles: list[str], operator: bool, tenant: str) -> str:  # type: ignore[no-untyped-def]
    pw = secrets.token_urlsafe(9)
    with db.control() as conn:
        exists = conn.execute(sa.select(staff_account.c.account_id).where(staff_account.c.login == login)).first()
        if exists:
            conn.execute(
                sa.update(staff_account)
                .where(staff_account.c.login == login)
                .values(password_hash=hash_password(pw + "-demo"), failed_count=0, locked_until=None)
            )
            return pw + "-demo"
    acc = accounts.add_account(db, login, pw + "-demo", name, is_operator=operator)
    for r in roles:
        accounts.grant(db, acc.account_id, tenant, r)
    return pw + "-demo"


@app.command()
def demo(
    residents: int = typer.Option(3000, "--residents", help="生成する住民数（初回のみ）"),
    port: int = typer.Option(8000, "--port"),
    host: str = typer.Option("127.0.0.1", "--host"),
    no_serve: bool = typer.Option(False, "--no-serve", help="準備だけして終了"),
) -> None:
    """Prepare the embedded demo (SQLite, 八王子市 with synthetic residents) and serve it on localhost."""
    if "KIKAN_DATABASE_URL" not in os.environ:
        os.environ["KIKAN_DATABASE_URL"] = f"sqlite:///{os.path.abspath('var/kikan-demo.db')}"
        get_settings.cache_clear()
    settings: Settings = get_settings()
    console.print(f"データベース: {settings.database_url}")
    upgrade(settings.database_url)
    db = bootstrap.database(settings)
    code, name = DEMO_TENANT
    if accounts.get_tenant(db, code) is None:
        accounts.add_tenant(db, code, name)
    if _resident_count(db, code) == 0:
        seed_with_progress(db, code, residents, seed=2026)
    logins = [(login, _demo_password(db, login, n, roles, op, code)) for login, n, roles, op in DEMO_ACCOUNTS]
    url = f"http://{host}:{port}/"
    console.rule("kikan デモ")
    console.print(f"URL: [bold]{url}[/bold]   団体: {code} 東京都{name}")
    for login, pw in logins:
        console.print(f"  ログインID [bold]{login}[/bold]  パスワード [bold]{pw}[/bold]")
    console.print("（パスワードは起動のたびに作り直されます）")
    if no_serve:
        return
    import uvicorn

    from kikan.adapters.api.app import create_app

    uvicorn.run(create_app(settings, db), host=host, port=port, log_level="warning")


def _resident_count(db, tenant: str) -> int:  # type: ignore[no-untyped-def]
    from kikan.adapters.db.tables.juki import juki_resident
    from kikan.core.tenancy import SYSTEM_BATCH, TenantContext

    with db.uow(TenantContext(tenant, SYSTEM_BATCH)) as uow:
        return int(
            uow.conn.execute(
                sa.select(sa.func.count()).select_from(juki_resident).where(juki_resident.c.tenant_id == tenant)
            ).scalar_one()
        )
