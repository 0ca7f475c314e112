"""``kikan chars``: 行政事務標準文字 check, lookup, degradation, and 外字 同定 (``kikan chars gaiji …``).

Registered in ``kikan/adapters/cli/main.py`` as ``app.add_typer(app_chars, name="chars")``.
Exit codes: 0 fine, 1 ``check`` found characters outside the standard set, 2 bad input.
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import typer
from rich.console import Console

from kikan.characters import CP932, degrade, describe, master
from kikan.characters.describe import CharInfo, mj_dict
from kikan.characters.text import code_points
from kikan.core.errors import DomainError
from kikan.core.tenancy import Actor, TenantContext

app_chars = typer.Typer(help="行政事務標準文字（文字の確認・縮退・外字の同定）", no_args_is_help=True)
gaiji_app = typer.Typer(help="外字の同定（外字表の取込み・未同定一覧・同定の確定）", no_args_is_help=True)
app_chars.add_typer(gaiji_app, name="gaiji")
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


def _fail(message: str) -> None:
    err.print(f"[red]エラー:[/red] {message}")
    raise typer.Exit(2)


def _print_info(i: CharInfo) -> None:
    mark = "[green]○[/green]" if i.standard else "[red]×[/red]"
    console.print(f"{i.position + 1}文字目 {i.grapheme}（{i.code_points}）{mark} {i.kind_label}")
    for r in i.mj:
        jis = i.jisx0213 or (f"{r.x0213}（包摂）" if r.x0213 else "なし")
        ivs = code_points(r.ivs) if r.ivs else "なし"
        console.print(
            f"    {r.mj} IVS {ivs} 住基統一文字コード {r.juki or 'なし'} 戸籍統一文字番号 {r.koseki or 'なし'}"
            f" JIS X 0213 {jis}"
        )
    if not i.mj and i.jisx0213:
        console.print(f"    JIS X 0213 {i.jisx0213}")
    targets: dict[str, list[str]] = {}
    for s in i.shrink:
        if s.target != i.grapheme:
            targets.setdefault(f"{s.target}（{s.x0213}", []).append(s.rule)
    if targets:
        console.print(
            "    縮退候補 " + "、".join(f"{t} {'・'.join(rules)}）" for t, rules in targets.items())
        )
    for m in i.messages:
        console.print(f"    [yellow]{m}[/yellow]")


@app_chars.command("check")
def check(text: str, as_json: bool = typer.Option(False, "--json", help="JSONで出力")) -> None:
    """Each character of TEXT: in the standard set?  MJ文字図形名, UCS/IVS, 住基・戸籍コード, JIS, 縮退候補."""
    infos = describe(text)
    if as_json:
        console.print_json(json.dumps([i.as_dict() for i in infos], ensure_ascii=False))
    else:
        for i in infos:
            _print_info(i)
    if any(not i.standard for i in infos):
        raise typer.Exit(1)


@app_chars.command("show")
def show(key: str) -> None:
    """One MJ character by MJ文字図形名 (MJ026194), 住基ネット統一文字コード (J+BD4B) or 戸籍統一文字番号."""
    m = master()
    row = m.get(key)
    rows = [row] if row else (m.by_juki(key) if key.upper().startswith("J+") else m.by_koseki(key))
    if not rows:
        _fail(f"{key} は文字情報基盤（MJ）にありません")
    for r in rows:
        d = mj_dict(r)
        d["shrink"] = [f"{s.target} {s.x0213} {s.rule}" for s in m.shrink(r.mj)]
        console.print_json(json.dumps(d, ensure_ascii=False))


@app_chars.command("degrade")
def degrade_cmd(
    text: str, target: str = typer.Option("cp932", "--target", help="cp932 / jisx0213 / 文字コード名")
) -> None:
    """TEXT made encodable for a partner, with every substitution listed (lossy ones marked)."""
    try:
        result = degrade(text, target)
    except ValueError as e:
        _fail(str(e))
    console.print(result.text)
    for s in result.substitutions:
        mark = "[red]非可逆[/red]" if s.lossy else "可逆"
        console.print(
            f"{s.position + 1}文字目 {s.original}（{code_points(s.original)}）→ {s.replacement} {s.rule} {mark}"
        )


def _ctx(tenant: str, by: str) -> TenantContext:
    try:
        return TenantContext(
            tenant, Actor(actor_id=by or f"cli:{getpass.getuser()}", kind="staff", terminal="cli")
        )
    except ValueError as e:
        _fail(str(e))
        raise


@gaiji_app.command("import-table")
def gaiji_import_table(
    file: Path, tenant: str = typer.Option(..., "--tenant"), system: str = typer.Option(CP932, "--system"),
    encoding: str = typer.Option("utf-8", "--encoding", help="CSVの文字コード（utf-8 / cp932）"),
    by: str = typer.Option("", "--by", help="操作者（既定: cli:ユーザ名）"),
) -> None:  # fmt: skip
    """Load a vendor 外字表 CSV (外字コード, 字形の説明, 住基ネット統一文字コード, MJ文字図形名)."""
    from kikan import bootstrap
    from kikan.adapters.db.characters_gaiji import import_code_table

    try:
        text = file.read_text(encoding)
    except (OSError, UnicodeDecodeError, LookupError) as e:
        _fail(f"{file} を読み込めません: {e}")
    db = bootstrap.database()
    try:
        with db.uow(_ctx(tenant, by)) as uow:
            n = import_code_table(uow, system, text, source=file.name)
            uow.commit()
    except DomainError as e:
        _fail(e.message)
    console.print(f"外字表を取り込みました: {system} {n}件")


@gaiji_app.command("list")
def gaiji_list(
    tenant: str = typer.Option(..., "--tenant"), system: str = typer.Option("", "--system"),
    all_codes: bool = typer.Option(False, "--all", help="同定済みも表示"),
    by: str = typer.Option("", "--by"),
) -> None:  # fmt: skip
    """Unmapped 外字 (most used first) with their usage counts and the first records using them."""
    from kikan import bootstrap
    from kikan.adapters.db.characters_gaiji_queries import list_codes

    db = bootstrap.database()
    with db.uow(_ctx(tenant, by)) as uow:
        entries = list_codes(uow, code_system=system or None, unmapped_only=not all_codes, usages_per_code=3)
        uow.commit()
    if not entries:
        console.print("未同定の外字はありません" if not all_codes else "外字は登録されていません")
    for e in entries:
        c = e.code
        decided = (
            f"同定済 {e.decision.text}（{code_points(e.decision.text)} #{e.decision.seq}）"
            if e.decision
            else "未同定"
        )
        extra = " ".join(x for x in (c.description, c.juki_code, c.mj_name) if x)
        console.print(f"{c.code_system}:{c.code} {decided} 使用{e.usage_count}件 {extra}".rstrip())
        for u in e.usages:
            console.print(f"    {u.source_file}:{u.source_row} {u.field} {u.record_key}")


@gaiji_app.command("candidates")
def gaiji_candidates(
    code: str, tenant: str = typer.Option(..., "--tenant"), system: str = typer.Option(CP932, "--system"),
    by: str = typer.Option("", "--by"),
) -> None:  # fmt: skip
    """Ranked 同定 candidates of one code."""
    from kikan import bootstrap
    from kikan.adapters.db.characters_gaiji_queries import candidates

    db = bootstrap.database()
    try:
        with db.uow(_ctx(tenant, by)) as uow:
            found = candidates(uow, system, code.upper())
    except DomainError as e:
        _fail(e.message)
    for c in found:
        console.print(f"{c.score:3d} {c.mj.mj} {c.text}（{code_points(c.text)}）{c.mj.juki} {c.basis}")


@gaiji_app.command("confirm")
def gaiji_confirm(
    code: str, tenant: str = typer.Option(..., "--tenant"), system: str = typer.Option(CP932, "--system"),
    text: str = typer.Option("", "--text", help="同定する文字（IVS可）"),
    mj: str = typer.Option("", "--mj", help="MJ文字図形名（MJ026194 など）"),
    note: str = typer.Option("", "--note"), by: str = typer.Option("", "--by"),
) -> None:  # fmt: skip
    """Confirm the 同定 of one legacy code (a new numbered decision; earlier ones stay in the history)."""
    from kikan import bootstrap
    from kikan.adapters.db.characters_gaiji import confirm

    db = bootstrap.database()
    try:
        with db.uow(_ctx(tenant, by)) as uow:
            d = confirm(uow, system, code.upper(), text or None, mj_name=mj or None, basis="CLI", note=note)
            uow.commit()
    except DomainError as e:
        _fail(e.message)
    console.print(f"同定しました #{d.seq}: {system}:{d.code} → {d.text}（{code_points(d.text)}）{d.mj_name}")
