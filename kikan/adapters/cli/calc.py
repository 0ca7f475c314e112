"""``kikan calc``: one-case calculations for staff and other systems (JSON in, JSON out)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from kikan.core.errors import DomainError

app_calc = typer.Typer(help="1件の試算（JSON入力・JSON出力）", no_args_is_help=True)


def _read(path: str) -> dict:
    text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        typer.echo(f"エラー: JSON として読めません（{e.lineno}行{e.colno}桁）: {e.msg}", err=True)
        raise typer.Exit(2) from e
    if not isinstance(data, dict):
        typer.echo("エラー: JSON のオブジェクトを指定してください", err=True)
        raise typer.Exit(2)
    return data


@app_calc.command("individual-resident-tax")
def individual_resident_tax(
    case: str = typer.Argument("-", help="納税義務者1人分の JSON ファイル（- は標準入力）"),
    schema: bool = typer.Option(False, "--schema", help="入力 JSON のスキーマを表示して終了"),
    tenant: str = typer.Option("", "--tenant", help="団体コード: 条例（超過課税等）を適用する"),
) -> None:
    """個人住民税（FY2025/FY2026）を1件計算し、計算過程付きの結果を JSON で出力する。"""
    from kikan.tax.individual_resident import TaxpayerCase, calculate, national_parameters, parse_case

    if schema:
        typer.echo(json.dumps(TaxpayerCase.model_json_schema(), ensure_ascii=False, indent=2))
        return
    params = national_parameters()
    try:
        parsed = parse_case(_read(case))
        if tenant:
            from kikan import bootstrap
            from kikan.adapters.db.rules_store import tenant_view
            from kikan.core.tenancy import SYSTEM_BATCH, TenantContext

            with bootstrap.database().uow(TenantContext(tenant, SYSTEM_BATCH)) as uow:
                result = calculate(parsed, tenant_view(uow, params))
        else:
            result = calculate(parsed, params)
    except DomainError as e:
        typer.echo(json.dumps({"error": {"code": e.code, "message": e.message,
                                         "errors": [{"field": f.field, "message": f.message} for f in e.errors]}},
                              ensure_ascii=False, indent=2), err=True)
        raise typer.Exit(2) from e
    typer.echo(result.model_dump_json(indent=2))


def _welfare(module: str, case_class: str, case: str, schema: bool) -> None:
    import importlib

    mod = importlib.import_module(f"kikan.welfare.{module}")
    if schema:
        typer.echo(json.dumps(getattr(mod, case_class).model_json_schema(), ensure_ascii=False, indent=2))
        return
    try:
        result = mod.calculate(mod.parse_case(_read(case)))
    except DomainError as e:
        typer.echo(json.dumps({"error": {"code": e.code, "message": e.message,
                                         "errors": [{"field": f.field, "message": f.message} for f in e.errors]}},
                              ensure_ascii=False, indent=2), err=True)
        raise typer.Exit(2) from e
    typer.echo(result.model_dump_json(indent=2))


@app_calc.command("child-allowance")
def child_allowance(
    case: str = typer.Argument("-", help="世帯1件分の JSON ファイル（- は標準入力）"),
    schema: bool = typer.Option(False, "--schema", help="入力 JSON のスキーマを表示して終了"),
) -> None:
    """児童手当: 受給資格、月額、支払月と計算過程を JSON で出力する。"""
    _welfare("child_allowance", "ChildAllowanceCase", case, schema)


@app_calc.command("child-rearing-allowance")
def child_rearing_allowance(
    case: str = typer.Argument("-", help="世帯1件分の JSON ファイル（- は標準入力）"),
    schema: bool = typer.Option(False, "--schema", help="入力 JSON のスキーマを表示して終了"),
) -> None:
    """児童扶養手当: 受給資格、全部支給/一部支給の月額、支払月と計算過程を JSON で出力する。"""
    _welfare("child_rearing_allowance", "ChildRearingCase", case, schema)
