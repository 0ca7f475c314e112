"""``kikan batch …``: the annual 個人住民税 assessment, corrections, income imports.

Registered in ``kikan/adapters/cli/main.py`` as ``kikan batch`` (typer app ``app_batch``).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kikan import bootstrap
from kikan.core.errors import DomainError
from kikan.core.temporal import JST
from kikan.core.tenancy import SYSTEM_BATCH, TenantContext

app_batch = typer.Typer(help="一括処理（当初課税・更正・課税資料の取込）", no_args_is_help=True)
console = Console()
err = Console(stderr=True)


def _fail(e: DomainError) -> None:
    err.print(f"[red]エラー:[/red] {e.message}")
    for f in e.errors[:20]:
        err.print(f"  {f.field}: {f.message}")
    raise typer.Exit(2)


def _when(text: str) -> datetime | None:
    """ISO 8601; without a time zone the time is Japan time."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        err.print(
            f"[red]エラー:[/red] --known-at: 日時の形式が正しくありません（例 2026-05-10T17:00:00+09:00）: {text}"
        )
        raise typer.Exit(2) from None
    return value if value.tzinfo else value.replace(tzinfo=JST)


def _ctx(tenant: str) -> TenantContext:
    try:
        return TenantContext(tenant, SYSTEM_BATCH)
    except ValueError:
        err.print(f"[red]エラー:[/red] --tenant: 団体コード（6桁）を指定してください: {tenant}")
        raise typer.Exit(2) from None


def _bar() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err)  # fmt: skip


@app_batch.command("individual-resident-tax")
def individual_resident_tax(
    tenant: str = typer.Option(..., "--tenant", help="団体コード"),
    fiscal_year: int = typer.Option(..., "--fiscal-year", help="課税年度（西暦）"),
    known_at: str = typer.Option(
        "", "--known-at", help="基準日時: この時点までに受け付けた資料で計算（既定: 開始時）"
    ),
    simulate: bool = typer.Option(False, "--simulate", help="試算（結果は確定せず、公開もしない）"),
    resume: str = typer.Option("", "--resume", help="中断した試算を処理IDで再開"),
    chunk_size: int = typer.Option(50_000, "--chunk-size", help="1トランザクションの宛名番号数"),
    no_sync: bool = typer.Option(False, "--no-sync", help="住民記録の連携データを取り込まずに実行"),
) -> None:
    """個人住民税の当初課税（一括）。中断しても再実行で続きから完了し、完了後の再実行は何もしない。"""
    from kikan.adapters.db.tax_runs import run_assessment

    db = bootstrap.database()
    with _bar() as bar:
        task = bar.add_task(f"{fiscal_year}年度 {'試算' if simulate else '当初課税'}", total=None)

        def progress(done: int, total: int, n: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            rep = run_assessment(db, _ctx(tenant), fiscal_year, kind="simulation" if simulate or resume else "annual",
                                 known_at=_when(known_at), chunk_size=chunk_size, sync=not no_sync,
                                 run_id=resume or None, progress=progress)  # fmt: skip
        except DomainError as e:
            _fail(e)
    note = (
        "（完了済み: 何もしませんでした）"
        if rep.already_completed
        else ("（再開して完了）" if rep.resumed else "")
    )
    console.print(f"処理ID {rep.run_id}: {rep.status} {note}")
    console.print(f"  基準日時 {rep.known_at.astimezone(JST):%Y-%m-%d %H:%M:%S} / 納税義務者 {rep.taxpayers:,} 人 / "
                  f"チャンク {rep.chunks_done}/{rep.chunks_total}")  # fmt: skip


@app_batch.command("tax-corrections")
def tax_corrections(
    tenant: str = typer.Option(..., "--tenant", help="団体コード"),
    fiscal_year: int = typer.Option(..., "--fiscal-year", help="課税年度（西暦）"),
    reason: str = typer.Option("課税資料の追加・訂正による更正", "--reason", help="更正の理由"),
    valid_from: str = typer.Option("", "--valid-from", help="更正の適用日（既定: 本日）YYYY-MM-DD"),
) -> None:
    """当初課税の後に届いた資料・異動で税額が変わる人を更正する（変更がなければ何もしない）。"""
    from kikan.adapters.db.tax_corrections import correct_pending

    db = bootstrap.database()
    on = date.fromisoformat(valid_from) if valid_from else None
    with _bar() as bar:
        task = bar.add_task(f"{fiscal_year}年度 更正", total=None)
        try:
            out = correct_pending(db, _ctx(tenant), fiscal_year, reason=reason, valid_from=on,
                                  progress=lambda d, t: bar.update(task, completed=d, total=t))  # fmt: skip
        except DomainError as e:
            _fail(e)
    changed = [r for r in out if r.changed]
    console.print(f"対象 {len(out):,} 人 / 更正 {len(changed):,} 人"
                  f"（増額 {sum(r.direction == 'increase' for r in changed):,}・減額 {sum(r.direction == 'decrease' for r in changed):,}）")  # fmt: skip


@app_batch.command("import-income")
def import_income(
    tenant: str = typer.Option(..., "--tenant", help="団体コード"),
    file: Path = typer.Option(
        ..., "--file", exists=True, dir_okay=False, help="課税資料の CSV（レイアウトは README）"
    ),
    encoding: str = typer.Option("utf-8", "--encoding", help="utf-8 / cp932"),
) -> None:
    """課税資料（給与支払報告書など）を CSV から取り込む。誤りが1件でもあれば何も登録しない。"""
    from kikan.adapters.db.tax_income_store import import_frames
    from kikan.tax.individual_resident.income_csv import parse_csv

    db = bootstrap.database()
    try:
        records, relatives = parse_csv(file.read_bytes(), encoding)
        with db.uow(_ctx(tenant)) as uow:
            n = import_frames(uow, records, relatives)
            uow.commit()
    except DomainError as e:
        _fail(e)
    console.print(f"取り込みました: {n:,} 件（親族 {relatives.height:,} 人）")


@app_batch.command("sync-registry")
def sync_registry_command(
    tenant: str = typer.Option(..., "--tenant", help="団体コード"),
    via_http: str = typer.Option(
        "",
        "--via-http",
        help="住民記録の連携APIのURL（別環境の住民記録から HTTP で取得。例 https://kikan.example.lg.jp）",
    ),
    client_id: str = typer.Option("", "--client-id", help="連携クライアントID（--via-http のとき）"),
    client_secret_file: Path | None = typer.Option(
        None,
        "--client-secret-file",
        exists=True,
        dir_okay=False,
        help="クライアントシークレットを書いたファイル（--via-http のとき）",
    ),
) -> None:
    """住民記録の公開データ（juki.residents）の新しい分を税務に取り込む（--via-http で連携API越しに）。"""
    from kikan.adapters.db.tax_registry_source import sync_registry

    ctx = _ctx(tenant)
    if bool(via_http) != bool(client_id) or bool(via_http) != (client_secret_file is not None):
        err.print("[red]エラー:[/red] --via-http・--client-id・--client-secret-file は揃えて指定してください")
        raise typer.Exit(2)
    try:
        if client_secret_file is not None:
            from kikan.adapters.db.tax_registry_http import sync_registry_http
            from kikan.linkage.client import LinkageClient

            secret = client_secret_file.read_text("utf-8").strip()
            client = LinkageClient(via_http, client_id, secret, tenant_id=tenant)
            try:
                rep = sync_registry_http(bootstrap.database(), ctx, client)
            finally:
                client.close()
        else:
            rep = sync_registry(bootstrap.database(), ctx)
    except DomainError as e:
        _fail(e)
    console.print(f"受信 {rep.received:,} 件 / 新規 {rep.stored:,} 件（{rep.phase}）")


@app_batch.command("compare-runs")
def compare_runs(
    tenant: str = typer.Option(..., "--tenant", help="団体コード"),
    run_a: str = typer.Argument(..., help="処理ID（例 annual-2026）"),
    run_b: str = typer.Argument(..., help="処理ID（例 同じ基準日時の試算）"),
) -> None:
    """2つの処理の結果を納税義務者ごとに比較する（基準日時を指定した再現の確認）。"""
    from kikan.adapters.db.tax_results import diff_runs

    with bootstrap.database().uow(_ctx(tenant)) as uow:
        try:
            out = diff_runs(uow.conn, uow.tenant_id, run_a, run_b)
        except DomainError as e:
            _fail(e)
    console.print(json.dumps(out, ensure_ascii=False))
    if out["differing"] or out["rows_a"] != out["rows_b"]:
        raise typer.Exit(1)
