"""``kikan welfare …``: 児童手当・児童扶養手当 batches — registry events, income from the tax business's
published 課税状況, month boundary, payment runs.

Registered by ``kikan.adapters.cli.main`` as ``app_welfare`` (name ``welfare``).
"""

from __future__ import annotations

import getpass
import json
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn

from kikan import bootstrap
from kikan.adapters.db import (
    welfare_aging,
    welfare_feed,
    welfare_feed_snapshot,
    welfare_queries,
    welfare_tax_feed,
)
from kikan.adapters.db.welfare_payment_runs import run_payment
from kikan.core.errors import DomainError
from kikan.core.temporal import SystemClock
from kikan.core.tenancy import Actor, TenantContext
from kikan.welfare.cases.commands import month_of

app_welfare = typer.Typer(
    help="児童手当・児童扶養手当（異動・所得の取込み・月替わり・支払）", no_args_is_help=True
)
console = Console()
err = Console(stderr=True)
ALLOWANCE = typer.Option(
    ..., "--allowance", help="child_allowance 児童手当 / child_rearing_allowance 児童扶養手当"
)


def _ctx(tenant: str) -> TenantContext:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    try:
        return TenantContext(
            tenant,
            Actor(f"cli:{user}", kind="batch", permissions=frozenset({"welfare.read", "welfare.write"})),
        )
    except ValueError as e:
        err.print(f"[red]エラー:[/red] 団体コードが正しくありません: {e}")
        raise typer.Exit(2) from None


def _fail(e: DomainError) -> None:
    err.print(f"[red]エラー:[/red] {e.message}")
    raise typer.Exit(2)


@app_welfare.command("sync")
def sync(
    tenant: str = typer.Option(..., "--tenant", help="団体コード"),
    snapshot: bool = typer.Option(
        False, "--snapshot",
        help="先に住民記録の全件（juki.residents のスナップショット）から児童のいる世帯の世帯員と台帳の関係者を取り込む"
        "（異動イベントなしに移行・一括登録された住民のため）",
    ),
) -> None:  # fmt: skip
    """住民記録の異動（公開データ juki.moves）と税務の課税状況（tax.assessment_status）を取り込む（何度実行しても同じ）。"""
    _ctx(tenant)
    db = bootstrap.database()
    try:
        if snapshot:
            with console.status("住民記録の全件を取込み中…"):
                snap = welfare_feed_snapshot.snapshot(db, tenant)
            console.print(f"住民（全件）: {snap.pages}ページ {snap.received}件、児童のいる世帯 {snap.households}世帯"
                          f"（新たに適用 {snap.applied}件）")  # fmt: skip
        with console.status("住民記録の異動を取込み中…"):
            rep = welfare_feed.poll(db, tenant)
        console.print(f"異動: {rep.pages}ページ {rep.received}件（新たに適用 {rep.applied}件）")
        with console.status("税務の課税状況を取込み中…"):
            tax = welfare_tax_feed.poll(db, tenant)
    except DomainError as e:
        _fail(e)
    console.print(f"所得: {tax.pages}ページ {tax.received}件（新たに適用 {tax.applied}件）")


@app_welfare.command("sync-income")
def sync_income(
    tenant: str = typer.Option(..., "--tenant", help="団体コード"),
    snapshot: bool = typer.Option(
        False, "--snapshot", help="全件（スナップショット）も読み、後から対象になった者の所得を補う"
    ),
) -> None:
    """税務の課税状況（tax.assessment_status）から受給者・配偶者・扶養義務者の所得を取り込む（何度実行しても同じ）。"""
    _ctx(tenant)
    db = bootstrap.database()
    try:
        with console.status("税務の課税状況を取込み中…"):
            full = welfare_tax_feed.backfill(db, tenant) if snapshot else None
            rep = welfare_tax_feed.poll(db, tenant)
    except DomainError as e:
        _fail(e)
    if full is not None:
        console.print(f"全件: {full.pages}ページ {full.received}件（新たに適用 {full.applied}件）")
    console.print(f"差分: {rep.pages}ページ {rep.received}件（新たに適用 {rep.applied}件）")


@app_welfare.command("month-boundary")
def month_boundary(
    tenant: str = typer.Option(..., "--tenant"), allowance: str = ALLOWANCE,
    month: str = typer.Option(..., "--month", help="月 YYYY-MM（その月分からの減額・消滅）"),
) -> None:  # fmt: skip
    """年齢到達による額改定（減額）・消滅を記録する（月初に実行。再実行しても二重にならない）。"""
    _ctx(tenant)
    try:
        rep = welfare_aging.month_boundary(
            bootstrap.database(), tenant, allowance=allowance, month=month_of(month, "month")
        )
    except DomainError as e:
        _fail(e)
    console.print(
        f"対象 {rep.cases}件: 減額 {rep.decreased}件、消滅 {rep.extinguished}件、対象外 {rep.skipped}件"
    )


@app_welfare.command("pay")
def pay(
    tenant: str = typer.Option(..., "--tenant"), allowance: str = ALLOWANCE,
    month: str = typer.Option(..., "--month", help="支払期月 YYYY-MM"),
    out: Path = typer.Option(Path("."), "--out", help="出力先ディレクトリ（全銀ファイル・支払一覧・集計）"),
    transfer_on: str = typer.Option("", "--transfer-on", help="振込指定日 YYYY-MM-DD（省略時は支払日の設定）"),
    newline: bool = typer.Option(True, "--crlf/--no-newline", help="各レコードの後に CR LF を付ける"),
    chunk_size: int = typer.Option(20_000, "--chunk-size", min=1, max=1_000_000),
) -> None:  # fmt: skip
    """定期払（児童手当: 偶数月、児童扶養手当: 奇数月）。中断後の再実行は続きから、完了後の再実行は同じファイル。"""
    ctx = _ctx(tenant)
    try:
        with Progress(
            TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed} チャンク")
        ) as bar:
            job = bar.add_task("支払処理", total=None)
            res = run_payment(bootstrap.database(), ctx, allowance=allowance, payment_month=month_of(month, "month"),
                              today=SystemClock().today(), transfer_on=date.fromisoformat(transfer_on) if transfer_on else None,
                              newline=newline, chunk_size=chunk_size, after_chunk=lambda _k: bar.advance(job))  # fmt: skip
    except DomainError as e:
        _fail(e)
    out.mkdir(parents=True, exist_ok=True)
    for name, content in res.files.values():
        (out / name).write_bytes(content)
    s = res.summary
    console.print(f"{res.run_id}{'（完了済みのため保存済みのファイル）' if res.reused else ''}: 振込 {s['transfer']['count']}件 "
                  f"{s['transfer']['amount']:,}円、保留 {s['held_account']['count'] + s['held_income']['count']}件、"
                  f"過払い {s['overpaid']['count']}件 → {out}")  # fmt: skip


@app_welfare.command("tasks")
def tasks(tenant: str = typer.Option(..., "--tenant"), kind: str = typer.Option("", "--kind")) -> None:
    """未完了のタスク。"""
    with bootstrap.database().uow(_ctx(tenant)) as uow:
        rows = welfare_queries.list_tasks(uow, status="open", kind=kind or None, limit=1000)
        uow.commit()
    for r in rows:
        console.print(f"{r['task_id']} {r['due_on'] or '':10} {r['title']}  {r['detail']}")


@app_welfare.command("runs")
def runs(tenant: str = typer.Option(..., "--tenant")) -> None:
    """支払処理の一覧（JSON）。"""
    with bootstrap.database().uow(_ctx(tenant)) as uow:
        console.print_json(json.dumps(welfare_queries.list_runs(uow, None), ensure_ascii=False, default=str))
