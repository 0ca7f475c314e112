"""``kikan linkage …``: datasets, system clients, CSV file exports and the exchange log.

Register in ``kikan/adapters/cli/main.py`` with ``app.add_typer(app_linkage, name="linkage")``.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn

from kikan import bootstrap
from kikan.adapters.db import linkage_clients as clients
from kikan.adapters.db import linkage_exchange as xlog
from kikan.adapters.db.linkage_delivery import Caller
from kikan.adapters.db.linkage_export import Export
from kikan.adapters.security import accounts
from kikan.core.errors import DomainError
from kikan.core.tenancy import SYSTEM_BATCH, TenantContext
from kikan.linkage import datasets
from kikan.linkage.csvout import substitution_report

app_linkage = typer.Typer(help="庁内データ連携", no_args_is_help=True)
client_app = typer.Typer(help="連携クライアント（client_secret_jwt）", no_args_is_help=True)
log_app = typer.Typer(help="連携記録（提供の記録）", no_args_is_help=True)
app_linkage.add_typer(client_app, name="client")
app_linkage.add_typer(log_app, name="log")
console = Console()
err = Console(stderr=True)


def _user() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli:unknown"


def _fail(message: str) -> None:
    err.print(f"[red]エラー:[/red] {message}")
    raise typer.Exit(2)


def _dataset(name: str) -> datasets.Dataset:
    ds = datasets.get(name)
    if ds is None:
        _fail(f"データセット {name} はありません（{', '.join(datasets.REGISTRY)}）")
    assert ds is not None
    return ds


@app_linkage.command("datasets")
def list_datasets() -> None:
    """公開データセットの一覧。"""
    for ds in datasets.REGISTRY.values():
        console.print(
            f"{ds.name} 第{ds.version}版 {ds.title}  キー={','.join(ds.key)}  項目数={len(ds.fields)}"
        )


@app_linkage.command("schema")
def schema(name: str) -> None:
    """データセットのレコードの JSON Schema を表示。"""
    console.print_json(json.dumps(datasets.json_schema(_dataset(name)), ensure_ascii=False))


@client_app.command("add")
def client_add(
    name: str = typer.Argument(..., help="クライアント名（例: 税務システム）"),
    client_id: str = typer.Option("", "--client-id", help="省略時は生成"),
) -> None:
    """クライアントを登録し、シークレットを表示（この1回のみ）。"""
    try:
        cid, secret = clients.register(bootstrap.database(), name, client_id=client_id or None, by=_user())
    except DomainError as e:
        _fail(e.message)
    console.print(
        f"client_id: {cid}\nclient_secret: {secret}\n（シークレットは再表示できません。安全に保管してください）"
    )


@client_app.command("grant")
def client_grant(
    client_id: str,
    tenant: str = typer.Option(..., "--tenant", help="団体コード"),
    dataset: list[str] = typer.Option(..., "--dataset", help="データセット（複数可）"),
) -> None:
    """団体のデータセットの利用を許可。"""
    db = bootstrap.database()
    try:
        for d in dataset:
            clients.grant(db, client_id, tenant, d, by=_user())
    except DomainError as e:
        _fail(e.message)
    console.print(f"許可しました: {client_id} → {tenant} {' '.join(dataset)}")


@client_app.command("revoke")
def client_revoke(
    client_id: str, tenant: str = typer.Option(..., "--tenant"), dataset: str = typer.Option(..., "--dataset")
) -> None:
    """許可を取り消す（直ちに有効）。"""
    try:
        done = clients.revoke(bootstrap.database(), client_id, tenant, dataset)
    except DomainError as e:
        _fail(e.message)
    if not done:
        _fail("その許可はありません")
    console.print(f"取り消しました: {client_id} → {tenant} {dataset}")


@client_app.command("rotate")
def client_rotate(
    client_id: str,
    grace_seconds: int = typer.Option(0, "--grace-seconds", help="旧シークレットの猶予（秒）。0 は即時無効"),
) -> None:
    """シークレットを更新し、新しいシークレットを表示。"""
    try:
        secret = clients.rotate(bootstrap.database(), client_id, grace_seconds=grace_seconds)
    except DomainError as e:
        _fail(e.message)
    when = f"{grace_seconds}秒後に無効" if grace_seconds else "直ちに無効（発行済みトークンも失効）"
    console.print(f"client_secret: {secret}\n旧シークレット: {when}")


@client_app.command("disable")
def client_disable(client_id: str, enable: bool = typer.Option(False, "--enable", help="再開する")) -> None:
    """クライアントを停止（発行済みトークンも失効）または再開。"""
    try:
        clients.set_status(bootstrap.database(), client_id, "active" if enable else "disabled")
    except DomainError as e:
        _fail(e.message)
    console.print(f"{client_id}: {'再開' if enable else '停止'}しました")


@client_app.command("list")
def client_list() -> None:
    """登録済みクライアントと許可。"""
    for c in clients.list_clients(bootstrap.database()):
        grants = ", ".join(f"{g.tenant_id}:{g.dataset}" for g in c.grants) or "許可なし"
        console.print(f"{c.client_id}  {c.name}  [{c.status}]  {grants}", markup=False)


@app_linkage.command("export")
def export(
    dataset: str,
    tenant: str = typer.Option(..., "--tenant", help="団体コード"),
    out: Path = typer.Option(..., "--out", help="出力ファイル"),
    after: str = typer.Option("", "--after", help="差分の起点（前回の next_cursor）。省略時は全件"),
    encoding: str = typer.Option("utf-8", "--encoding", help="utf-8 | utf-8-sig | cp932"),
    header: str = typer.Option("name", "--header", help="name | ja | none"),
) -> None:
    """CSVファイルを出力（全件または差分）。CP932 で縮退した文字は <out>.substitutions.csv に記録。"""
    ds = _dataset(dataset)
    db = bootstrap.database()
    if accounts.get_tenant(db, tenant) is None:
        _fail(f"団体コード {tenant} は登録されていません")
    caller = Caller(tenant, _user(), "batch")
    try:
        exp = Export(db, caller, ds, after=after or None, whole=not after, encoding=encoding,
                     header=header)  # fmt: skip
    except (DomainError, ValueError) as e:
        _fail(getattr(e, "message", str(e)))
    with (
        out.open("wb") as fh,
        Progress(SpinnerColumn(), TextColumn("{task.description}"), console=err) as bar,
    ):
        task = bar.add_task(f"{ds.name} を出力中", total=None)
        for chunk in exp.chunks():
            fh.write(chunk)
            bar.update(task, description=f"{ds.name}: {exp.record_count}件")
    subs = exp.encoder.substitutions
    if subs:
        report = out.with_name(out.name + ".substitutions.csv")
        report.write_bytes(substitution_report(subs))
        err.print(f"[yellow]CP932 で表せない文字を {len(subs)} 箇所縮退しました[/yellow]: {report}")
    console.print(f"{exp.record_count}件 → {out}\nnext_cursor: {exp.next_cursor}")


@log_app.command("verify")
def log_verify(tenant: str = typer.Option(..., "--tenant")) -> None:
    """連携記録のハッシュ連鎖を検査し、最初の改ざん箇所を報告。"""
    db = bootstrap.database()
    with db.uow(TenantContext(tenant, SYSTEM_BATCH)) as uow:
        brk = xlog.verify(uow.conn, tenant)
    if brk is None:
        console.print(f"[green]OK[/green] {tenant}: 連携記録の連鎖は正常です")
        return
    err.print(f"[red]改ざんを検出[/red] {tenant}: 番号 {brk.seq}: {brk.reason}")
    raise typer.Exit(1)


@log_app.command("list")
def log_list(
    tenant: str = typer.Option(..., "--tenant"),
    client_id: str = typer.Option("", "--client-id"),
    limit: int = typer.Option(50, "--limit"),
) -> None:
    """連携記録を新しい順に表示。"""
    db = bootstrap.database()
    with db.uow(TenantContext(tenant, SYSTEM_BATCH)) as uow:
        rows = xlog.search(uow.conn, tenant, client_id=client_id or None, limit=limit)
    for s in rows:
        e = s.entry
        console.print(f"{s.seq} {s.at:%Y-%m-%d %H:%M:%S} {e.client_id} {e.dataset} {e.operation}/{e.status} "
                      f"{e.record_count}件 digest={e.keys_digest[:12]}", markup=False)  # fmt: skip
