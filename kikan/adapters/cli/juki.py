"""``kikan juki …``: resident registry batches run by operators.

Registered by ``kikan.adapters.cli.main`` as ``app_juki`` (name ``juki``).
"""

from __future__ import annotations

import getpass
from datetime import date

import typer
from rich.console import Console

from kikan import bootstrap
from kikan.core.errors import DomainError
from kikan.core.temporal import SystemClock
from kikan.core.tenancy import Actor, TenantContext
from kikan.juki import services as s
from kikan.juki.services.remake import BATCH_REASON

app_juki = typer.Typer(help="住民記録（一括処理）", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


@app_juki.callback()
def _group() -> None:
    """住民記録の一括処理。"""


def _ctx(tenant: str) -> TenantContext:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    try:
        return TenantContext(tenant, Actor(f"cli:{user}", kind="batch", permissions=frozenset({"juki.read", "juki.write"})))
    except ValueError as e:
        err.print(f"[red]エラー:[/red] 団体コードが正しくありません: {e}")
        raise typer.Exit(2) from None


@app_juki.command("kaisei")
def kaisei(
    tenant: str = typer.Option(..., "--tenant", help="団体コード"),
    on: str = typer.Option(..., "--on", help="改製日 (YYYY-MM-DD)"),
    area: str | None = typer.Option(None, "--area", help="町字コード（省略時は団体全域）"),
    reason: str | None = typer.Option(None, "--reason", help="改製の理由（記録されます）"),
    limit: int | None = typer.Option(None, "--limit", min=1, help="この実行で改製する世帯数の上限"),
) -> None:
    """一括改製: 住民票を改製し改製原住民票として保存する（世帯ごとにコミット、同じ改製日での再実行は未処理分のみ）。"""
    ctx = _ctx(tenant)
    try:
        remade_on = date.fromisoformat(on)
    except ValueError:
        err.print(f"[red]エラー:[/red] 改製日「{on}」は YYYY-MM-DD で指定してください")
        raise typer.Exit(2) from None
    db = bootstrap.database()
    try:
        with console.status("改製中…"):
            done = s.remake_batch(lambda: db.uow(ctx), remade_on=remade_on, today=SystemClock().today(),
                                  town_code=area, limit=limit, reason_text=reason or BATCH_REASON)  # fmt: skip
    except DomainError as e:
        err.print(f"[red]エラー:[/red] {e.message}")
        raise typer.Exit(2) from None
    console.print(f"改製: {done.households:,} 世帯 {done.persons:,} 人（改製日 {done.remade_on}）")
    for hh, why in done.skipped:
        console.print(f"  [yellow]未処理[/yellow] 世帯 {hh}: {why}")
    if done.more:
        console.print("残りの世帯があります。同じ改製日で再実行すると続きから処理します。")
    raise typer.Exit(1 if done.skipped else 0)
