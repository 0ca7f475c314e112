"""``kikan demo`` (embedded database, seeded demo municipality, served on localhost) and ``kikan seed``."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
from kikan.core.errors import DomainError

if TYPE_CHECKING:
    from kikan.synthetic.businesses import BusinessReport

DEMO_TENANT = ("132012", "八王子市")
DEMO_SEED = 2026
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
    businesses: bool = typer.Option(
        False, "--businesses", help="住民記録に加えて税・児童手当・申請・連携のデモデータも作る（再実行しても重複しない）"
    ),
) -> None:
    """Create a realistic synthetic population for a tenant (deterministic per seed)."""
    db = bootstrap.database()
    if accounts.get_tenant(db, tenant) is None:
        fail(f"団体コード {tenant} は登録されていません（kikan tenant add で登録してください）")
    try:
        if not businesses or _resident_count(db, tenant) == 0:
            seed_with_progress(db, tenant, residents, seed)
        if businesses:
            report = seed_businesses_with_progress(db, tenant, seed, get_settings().effective_secret())
            print_business_summary(report, "")
    except ValueError as e:
        fail(str(e))
    except DomainError as e:
        fail(e.message)


def seed_businesses_with_progress(db, tenant: str, seed: int, server_secret: str) -> BusinessReport:  # type: ignore[no-untyped-def]
    from kikan.synthetic.businesses import seed_businesses

    with console.status("業務データを作成中…") as status:
        return seed_businesses(db, tenant, seed, server_secret=server_secret,
                               progress=lambda step: status.update(f"業務データを作成中… {step}"))  # fmt: skip


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


@dataclass
class DemoSetup:
    tenant_id: str
    logins: list[tuple[str, str]]  # login, password
    businesses: BusinessReport | None


def prepare_demo(
    db, residents: int, *, seed: int = DEMO_SEED, businesses: bool = True, server_secret: str = "", quiet: bool = False
) -> DemoSetup:  # type: ignore[no-untyped-def]
    """The demo municipality: tenant, synthetic registry (first time only), the businesses' data
    (each step skipped when done), and the demo accounts with fresh passwords."""
    code, name = DEMO_TENANT
    if accounts.get_tenant(db, code) is None:
        accounts.add_tenant(db, code, name)
    if _resident_count(db, code) == 0:
        if quiet:
            from kikan.synthetic import seed_tenant

            seed_tenant(db, code, residents, seed)
        else:
            seed_with_progress(db, code, residents, seed=seed)
    report = None
    if businesses:
        secret = server_secret or secrets.token_urlsafe(32)
        if quiet:
            from kikan.synthetic.businesses import seed_businesses

            report = seed_businesses(db, code, seed, server_secret=secret)
        else:
            report = seed_businesses_with_progress(db, code, seed, secret)
    logins = [(login, _demo_password(db, login, n, roles, op, code)) for login, n, roles, op in DEMO_ACCOUNTS]
    return DemoSetup(code, logins, report)


def print_business_summary(report: BusinessReport, url: str) -> None:
    from kikan.synthetic.businesses import LINKAGE_DATASETS

    r = report
    fy = f"{r.fiscal_year}年度" if r.fiscal_year else "（対応年度なし）"
    console.print(f"個人住民税: {fy} 課税資料 {r.income_records:,} 件、当初課税 {r.tax_run or '—'}（納税義務者 {r.taxpayers:,} 人）")
    console.print(f"児童手当: 受給者台帳 {r.welfare_cases} 件（受給中 {r.certified}）、未処理の事務 {r.open_tasks} 件、"
                  f"支払処理 {r.payment_run or '—'}（振込 {r.transfers} 件）")  # fmt: skip
    console.print(f"申請管理: オンライン申請 {len(r.applications)} 件（受付番号 {'、'.join(r.applications) or '—'}）")
    console.print(f"庁内データ連携: client_id [bold]{r.client_id}[/bold]  client_secret [bold]{r.client_secret}[/bold]"
                  f"（{'、'.join(LINKAGE_DATASETS)}）")  # fmt: skip
    console.print(f"（{r.seconds:.1f} 秒）")
    if not url:
        return
    month = r.payment_run.split(":")[1] if r.payment_run else ""
    screens = [("住民記録", "juki"), ("個人住民税 納税義務者", "tax"), ("個人住民税 当初課税の処理", "tax/runs"),
               ("児童手当 受給者台帳", "welfare/cases"), ("児童手当 事務処理", "welfare/tasks"),
               ("児童手当 支払処理", f"welfare/payment-runs/child_allowance/{month}" if month else "welfare/payment-runs"),
               ("申請管理", "applications"), ("データ連携 データセット一覧（API）", "api/v1/linkage/datasets"),
               ("API 仕様", "openapi.json")]  # fmt: skip
    for label, path in screens:
        console.print(f"  {label}: {url}{path}")
    console.print(f"  連携のトークン: POST {url}api/v1/linkage/token（docs/linkage.md）")


@app.command()
def demo(
    residents: int = typer.Option(3000, "--residents", help="生成する住民数（初回のみ）"),
    port: int = typer.Option(8000, "--port"),
    host: str = typer.Option("127.0.0.1", "--host"),
    no_serve: bool = typer.Option(False, "--no-serve", help="準備だけして終了"),
    no_businesses: bool = typer.Option(False, "--no-businesses", help="住民記録だけ（税・児童手当・申請・連携のデモデータを作らない）"),
) -> None:
    """Prepare the embedded demo (SQLite, 八王子市 with synthetic residents and its businesses) and serve it on localhost."""
    if "KIKAN_DATABASE_URL" not in os.environ:
        os.environ["KIKAN_DATABASE_URL"] = f"sqlite:///{os.path.abspath('var/kikan-demo.db')}"
        get_settings.cache_clear()
    settings: Settings = get_settings()
    console.print(f"データベース: {settings.database_url}")
    upgrade(settings.database_url)
    db = bootstrap.database(settings)
    try:
        setup = prepare_demo(db, residents, businesses=not no_businesses, server_secret=settings.effective_secret())
    except DomainError as e:
        fail(e.message)
    code, name = DEMO_TENANT
    url = f"http://{host}:{port}/"
    console.rule("kikan デモ")
    console.print(f"URL: [bold]{url}[/bold]   団体: {code} 東京都{name}")
    for login, pw in setup.logins:
        console.print(f"  ログインID [bold]{login}[/bold]  パスワード [bold]{pw}[/bold]")
    console.print("（パスワードと連携クライアントのシークレットは起動のたびに作り直されます）")
    if setup.businesses is not None:
        print_business_summary(setup.businesses, url)
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
