"""``kikan addressee …``: 団体内統合宛名 (event subscriber, backfill, lookup) and EUC exports in batch.

Registered by ``kikan.adapters.cli.main`` as ``app_addressee`` (name ``addressee``).
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from kikan import bootstrap
from kikan.adapters.db import addressee_sync
from kikan.addressee import services
from kikan.core.errors import DomainError
from kikan.core.tenancy import Actor, TenantContext
from kikan.euc import services as euc

app_addressee = typer.Typer(help="団体内統合宛名・住登外者宛名番号・EUC", no_args_is_help=True)
console = Console()
err = Console(stderr=True)
BATCH_ACTOR = "system:addressee-batch"


def _ctx(tenant: str) -> TenantContext:
    try:
        return TenantContext(tenant, Actor(BATCH_ACTOR, kind="batch"))
    except ValueError as e:
        err.print(f"[red]エラー:[/red] 団体コードが正しくありません: {e}")
        raise typer.Exit(2) from None


@app_addressee.command("sync")
def sync(
    tenant: str = typer.Option(..., "--tenant", help="団体コード"),
    batch: int = typer.Option(addressee_sync.BATCH, "--batch", min=1, max=10_000, help="1回の取込み件数"),
) -> None:
    """住民記録の異動イベントを取り込み、住民に団体内統合宛名番号を付ける（何度実行しても同じ結果）。"""
    db = bootstrap.database()
    total = addressee_sync.SyncResult()
    with console.status("住民記録の異動を取込み中…") as status:
        while True:
            r = addressee_sync.catch_up(db, _ctx(tenant), batch=batch, max_batches=1)
            total.add(r)
            status.update(f"取込み中… イベント{total.events}件 作成{total.created}件 更新{total.updated}件")
            if r.skipped or not r.more:
                break
    note = "（他の処理が実行中のため中断）" if total.skipped else ""
    console.print(f"完了{note}: イベント{total.events}件 作成{total.created}件 更新{total.updated}件 "
                  f"位置={total.last_seq}")  # fmt: skip


@app_addressee.command("backfill")
def backfill(
    tenant: str = typer.Option(..., "--tenant"), page: int = typer.Option(1000, "--page", min=1, max=10_000)
) -> None:
    """住民記録の現在の記録（公開された写し）から全員を取り込む（移行直後など、イベントのない記録向け）。"""
    try:
        with console.status("住民記録の写しを取込み中…"):
            r = addressee_sync.backfill(bootstrap.database(), _ctx(tenant), page=page)
    except RuntimeError as e:
        err.print(f"[red]エラー:[/red] {e}")
        raise typer.Exit(2) from None
    console.print(f"完了: {r.events}件 作成{r.created}件 更新{r.updated}件")


@app_addressee.command("lookup")
def lookup(
    tenant: str = typer.Option(..., "--tenant"),
    business: str = typer.Option("juki", "--business", help="juki / non_resident / 各業務"),
    number: str = typer.Argument(..., help="業務の宛名番号"),
) -> None:
    """業務の宛名番号から団体内統合宛名番号を調べる（照会はアクセスログに記録）。"""
    db = bootstrap.database()
    try:
        with db.uow(_ctx(tenant)) as uow:
            v = services.get_by_business(uow, business, number)
            uow.commit()
    except DomainError as e:
        err.print(f"[red]エラー:[/red] {e.message}")
        raise typer.Exit(1) from None
    console.print(f"{v.integrated_no} {v.source_label} 宛名番号={v.addressee_no} 版={v.version}")
    for b, n in v.links:
        console.print(f"  {b}: {n}")


@app_addressee.command("euc-export")
def euc_export(
    tenant: str = typer.Option(..., "--tenant"),
    definition: int = typer.Option(..., "--definition", help="抽出定義の番号"),
    out: Path = typer.Option(..., "--out", help="出力するCSVファイル"),
    encoding: str = typer.Option("utf-8", "--encoding", help="utf-8 / cp932"),
    strict: bool = typer.Option(False, "--strict", help="出力できない文字があれば中止"),
) -> None:
    """保存された抽出定義でCSVを出力する（件数とともにアクセスログに記録）。"""
    db = bootstrap.database()
    ctx = _ctx(tenant)
    try:
        with db.uow(ctx) as uow:
            d = euc.get(uow, definition)
        with console.status("抽出中…"):
            ex = euc.export(db, ctx, d.spec, encoding=encoding, strict=strict,
                            target=f"{d.definition_id}@{d.version}")  # fmt: skip
    except DomainError as e:
        err.print(f"[red]エラー:[/red] {e.message}")
        raise typer.Exit(1) from None
    out.write_bytes(ex.csv.data)
    console.print(f"{out}: {ex.csv.rows}件")
    for s in ex.substitutions[:20]:
        err.print(
            f"[yellow]代替[/yellow] {s.row}行目 {s.column}: 「{s.char}」({s.code_point}) → 「{s.replaced_by}」"
        )
