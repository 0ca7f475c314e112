"""``kikan migrate``: legacy data in (dry run, import) and out (export, disaster list).

Registered in ``kikan/adapters/cli/main.py`` as ``app.add_typer(app_migrate, name="migrate")``.
Exit codes: 0 done, 1 the data has errors (dry run found some / import refused or stopped), 2 bad input.
See docs/migration.md.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kikan.core.errors import DomainError
from kikan.core.temporal import JST
from kikan.core.tenancy import Actor, TenantContext
from kikan.migration import disaster
from kikan.migration.layout import Layout, available_layouts, load_layout
from kikan.migration.report import Report, report_files

app_migrate = typer.Typer(
    help="データ移行（旧システムからの取込み・移行出力・災害時用住民一覧）", no_args_is_help=True
)
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[red]エラー:[/red] {message}")
    raise typer.Exit(code)


def _ctx(tenant: str, by: str) -> TenantContext:
    try:
        who = by or f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        who = by or "cli:unknown"
    try:
        # the 受給者台帳 are created through the welfare services, which check this permission
        perms = frozenset({"welfare.read", "welfare.write"})
        return TenantContext(tenant, Actor(actor_id=who, kind="staff", terminal="cli", permissions=perms))
    except ValueError:
        _fail(f"団体コード {tenant!r} が正しくありません（6桁）")
        raise


def _layout(name: str) -> Layout:
    try:
        return load_layout(name)
    except DomainError as e:
        _fail(e.message)
        raise


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err, transient=False)  # fmt: skip


@app_migrate.command("layouts")
def layouts() -> None:
    """組込みレイアウトの一覧。"""
    for name in available_layouts():
        lay = load_layout(name)
        console.print(f"{name}\t{lay.business}\t{lay.format}\t{lay.encoding}\t{len(lay.fields)}項目\t{lay.title}")


@app_migrate.command("show-layout")
def show_layout(name: str) -> None:
    """レイアウトの項目（位置・桁・型・登録項目）。NAME は組込み名か YAML のパス。"""
    lay = _layout(name)
    t = Table(title=f"{lay.name} {lay.title}（{lay.format} {lay.encoding}）")
    for c in ("項目", "位置", "桁", "型", "登録項目"):
        t.add_column(c)
    for i, f in enumerate(lay.fields, start=1):
        pos = f"{f.offset}" if lay.format == "fixed" else f"{i}列"
        kind = f.kind + (f"（{f.date_format}）" if f.kind == "date" else "")
        t.add_row(f.name, pos, str(f.length or ""), kind, "+".join(f.targets))
    console.print(t)


def _print_report(report: Report) -> None:
    t = Table(title=f"検証結果: {report.rows:,}行 {report.persons:,}人 {report.households:,}世帯")
    for c in ("種類", "エラー", "警告"):
        t.add_column(c, justify="right" if c != "種類" else "left")
    for kind, errors, warnings in report.summary():
        t.add_row(kind, f"{errors:,}", f"{warnings:,}")
    t.add_row("合計", f"{report.error_count:,}", f"{report.warning_count:,}")
    console.print(t)
    for f, reason in report.refused_files.items():
        console.print(f"[red]読み込まないファイル[/red] {f}: {reason}")
    gaiji = report.gaiji_summary()
    if gaiji:
        g = Table(
            title=f"同定が必要な外字・標準外の文字 {len(gaiji)}種（外字の同定画面 /chars/gaiji で同定してください）"
        )
        for c in ("体系", "コード", "件数", "使用箇所（先頭）"):
            g.add_column(c)
        for system, code, n, uses in gaiji[:30]:
            g.add_row(
                system,
                code,
                f"{n:,}",
                "、".join(f"{u.file}:{u.row} {u.field} {u.addressee_no}" for u in uses[:3]),
            )
        console.print(g)
    for i in [x for x in report.issues if x.kind.value != "未同定の外字"][:20]:
        where = f"{i.file}:{i.row}" if i.row else i.file
        console.print(f"  {i.severity.value} {where} {i.addressee_no} {i.field}: {i.message}")


def _write_report(report: Report, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, text in report_files(report).items():
        (out / name).write_text(text, encoding="utf-8", newline="")
    console.print(f"検証結果を {out}/ に書き出しました（{'・'.join(report_files(report))}）")


@app_migrate.command("import")
def import_(
    files: list[Path] = typer.Argument(..., help="移行元ファイル（複数可、順に読みます）"),
    tenant: str = typer.Option(..., "--tenant", help="団体コード"),
    layout: str = typer.Option(..., "--layout", help="レイアウト名か YAML のパス"),
    dry_run: bool = typer.Option(False, "--dry-run", help="検証だけ行い、登録しない"),
    report_dir: Path = typer.Option(Path("migration_report"), "--report-dir", help="検証結果の出力先"),
    batch_households: int = typer.Option(0, "--batch-households",
                                         help="1バッチの世帯数（既定 10000。課税資料・受給者台帳のレイアウトでは件数、既定 1000）"),
    pause: float = typer.Option(0.0, "--pause", help="バッチ間の休止秒数（稼働中のDBの負荷を抑える）"),
    by: str = typer.Option("", "--by", help="操作者（既定: cli:ユーザ名）"),
) -> None:  # fmt: skip
    """旧システムの住民記録・課税資料・受給者台帳を検証し（--dry-run）、エラーがなければバッチごとに取り込む。"""
    from kikan import bootstrap
    from kikan.adapters.db import migration_import as mi
    from kikan.adapters.db.migration_business import BATCH_RECORDS

    lay, ctx = _layout(layout), _ctx(tenant, by)
    if batch_households <= 0:
        batch_households = mi.BATCH_HOUSEHOLDS if lay.business == "juki" else BATCH_RECORDS
    try:
        data = [(str(f), f.read_bytes()) for f in files]
    except OSError as e:
        _fail(f"ファイルを読めません: {e}")
    db = bootstrap.database()
    today = dt.datetime.now(JST).date()
    size = lay.record_length + len(lay.newline_bytes) if lay.format == "fixed" else 400
    estimate = sum(len(d) for _, d in data) // max(1, size)
    with _progress() as bar:
        reading = bar.add_task("検証", total=max(1, estimate))
        writing = bar.add_task("取込み", total=None, visible=not dry_run)
        try:
            if dry_run:
                ds, *_ = mi.dry_run(
                    db, ctx, lay, data, today=today, progress=lambda n: bar.advance(reading, n),
                    households_per_batch=batch_households,
                )
                result = None
            else:
                result = mi.run_import(
                    db, ctx, lay, data, today=today, households_per_batch=batch_households, pause=pause,
                    progress=lambda n: bar.advance(reading, n),
                    on_batch=lambda b, k, total: bar.update(writing, completed=k, total=total),
                )  # fmt: skip
                ds = result.dataset
        except DomainError as e:
            _fail(e.message)
            raise
        bar.update(reading, completed=ds.report.rows, total=max(1, ds.report.rows))
    _print_report(ds.report)
    _write_report(ds.report, report_dir)
    if result is None:
        if not ds.ok:
            _fail("エラーがあります。移行元データを修正するか外字を同定してから、もう一度検証してください", 1)
        console.print("[green]エラーはありません。[/green]--dry-run を外すと取り込みます")
        return
    if result.status != "completed":
        _fail(result.message, 1)
    what = (f" 世帯 {result.households:,} 住民 {result.persons:,} 履歴 {result.rows:,}行" if lay.business == "juki"
            else f" {result.persons:,}人 {result.rows:,}件")  # fmt: skip
    console.print(
        f"[green]取り込みました[/green] バッチ {len(result.written)}件（登録済みで飛ばしたもの {len(result.skipped)}件）"
        f"{what} {result.seconds:.1f}秒"
    )


@app_migrate.command("export")
def export(
    out: Path = typer.Argument(..., help="出力ファイル"),
    tenant: str = typer.Option(..., "--tenant"),
    layout: str = typer.Option("chukan_juki", "--layout", help="レイアウト名か YAML のパス"),
    by: str = typer.Option("", "--by"),
) -> None:  # fmt: skip
    """住民記録の全履歴（又は課税資料・受給者台帳）をレイアウトで書き出す（CP932 等では縮退の一覧を OUT.縮退.csv に）。"""
    from kikan import bootstrap
    from kikan.adapters.db.migration_business import export_records
    from kikan.adapters.db.migration_export import export_registry
    from kikan.migration.export import changes_csv

    lay, ctx = _layout(layout), _ctx(tenant, by)
    db = bootstrap.database()
    export = export_registry if lay.business == "juki" else export_records
    with out.open("wb") as fh, _progress() as bar:
        task = bar.add_task("出力", total=None)
        report = export(db, ctx, lay, fh.write, out_name=out.name, progress=lambda n: bar.advance(task, n))
    console.print(f"{report.rows:,}行を {out} に書き出しました")
    if report.changes or report.errors:
        side = out.with_name(out.name + ".縮退.csv")
        side.write_text(changes_csv(report), encoding="utf-8", newline="")
        console.print(f"[yellow]{lay.encoding} で表せない文字を置き換えました[/yellow]: {len(report.changes):,}箇所"
                      f"（非可逆 {report.lossy:,}）、コード変換できない値 {len(report.errors):,}件 → {side}")  # fmt: skip


@app_migrate.command("disaster-export")
def disaster_export(
    out_dir: Path = typer.Argument(..., help="出力先フォルダ"),
    tenant: str = typer.Option(..., "--tenant"),
    from_backup: str = typer.Option("", "--from-backup", help="バックアップ（SQLite ファイルか復元先の PostgreSQL URL）"),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="PDF も作る"),
    split: int = typer.Option(20_000, "--split", help="住民数がこれを超えると PDF を町字ごとのファイルに分ける"),
    jobs: int = typer.Option(os.cpu_count() or 1, "--jobs", help="町字ごとの PDF を作るプロセス数"),
    by: str = typer.Option("", "--by"),
) -> None:  # fmt: skip
    """災害時用住民一覧（CSV・PDF、町字ごと住所順、表紙に基準日と件数）を1コマンドで作る。Web は不要。"""
    from kikan.adapters.db import migration_disaster as md

    ctx = _ctx(tenant, by)
    try:
        if from_backup:
            persons, as_of, name = md.read_backup(from_backup, tenant)
            source = (
                f"バックアップ {from_backup if not from_backup.startswith('postgresql') else 'PostgreSQL'}"
            )
        else:
            from kikan import bootstrap

            persons, as_of, name = md.read_live(bootstrap.database(), ctx)
            source = "稼働中のデータベース"
    except (FileNotFoundError, OSError) as e:
        _fail(str(e))
        raise
    lst = disaster.build(
        persons, municipality=name, as_of=as_of, created_at=dt.datetime.now(JST), source=source
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    written = ["住民一覧.csv"]
    (out_dir / "住民一覧.csv").write_text(disaster.to_csv(lst), encoding="utf-8", newline="")
    if pdf:
        written += _pdfs(lst, out_dir, split, jobs)
    if from_backup:
        (out_dir / "アクセス記録.txt").write_text(
            f"{dt.datetime.now(JST).isoformat()} {ctx.actor.actor_id} 災害時用住民一覧 {source} {lst.persons}人\r\n",
            encoding="utf-8")  # fmt: skip
        written.append("アクセス記録.txt")
    (out_dir / "README.txt").write_text(disaster.readme(lst, written), encoding="utf-8", newline="")
    sums = "".join(
        f"{hashlib.sha256((out_dir / f).read_bytes()).hexdigest()}  {f}\n" for f in [*written, "README.txt"]
    )
    (out_dir / "SHA256SUMS").write_text(sums, encoding="utf-8")
    console.print(f"災害時用住民一覧を {out_dir}/ に作りました: {lst.persons:,}人 {lst.households:,}世帯 "
                  f"町字 {len(lst.sections):,} 基準日 {as_of.isoformat()}（{len(written) + 2}ファイル）")  # fmt: skip


_JOB: tuple[disaster.ResidentList, str, Path] | None = None  # (list, font css, out dir): inherited by fork


def _render_part(k: int) -> str:
    """Worker: split part ``k`` of the list set up in ``_JOB`` before the fork; returns its file name."""
    assert _JOB is not None
    name, html = disaster.part(_JOB[0], k, _JOB[1])
    (_JOB[2] / name).write_bytes(disaster.render_pdf(html))
    return name


def _pdfs(lst: disaster.ResidentList, out_dir: Path, split: int, jobs: int) -> list[str]:
    """One PDF, or above ``split`` residents a cover plus one PDF per 町字, rendered by ``jobs`` processes."""
    global _JOB
    from kikan.adapters.pdf.fonts import FontMissing, font_face_css

    try:
        css = font_face_css()
    except FontMissing as e:
        err.print(f"[yellow]PDF を作れません（CSV は作成済み）:[/yellow] {e}")
        return []
    if lst.persons <= split:
        (out_dir / "住民一覧.pdf").write_bytes(disaster.render_pdf(disaster.to_html(lst, font_css=css)))
        return ["住民一覧.pdf"]
    _JOB, names = (lst, css, out_dir), []
    with _progress() as bar:
        task = bar.add_task("PDF", total=disaster.parts(lst))
        pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) if jobs > 1 else None
        for name in (pool.map if pool else map)(_render_part, range(disaster.parts(lst))):
            names.append(name)
            bar.advance(task)
        if pool:
            pool.shutdown()
    _JOB = None
    return names
