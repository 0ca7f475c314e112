"""試算（1件の計算）: a simple form (給与・年金と主な控除) or a TaxpayerCase as JSON, computed with the
same :func:`~kikan.tax.individual_resident.calculate` as the API and the batch (the tenant's
ordinance overlays applied), shown with its calculation trace. Nothing is stored."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import jaconv
from fastapi import APIRouter, Request
from fastapi.responses import Response

from kikan.adapters.db.rules_store import tenant_view
from kikan.adapters.web.tax.common import Reader, open_uow, page, trace_rows
from kikan.core.errors import FieldError, ValidationFailed
from kikan.tax.individual_resident import TaxResult, calculate, national_parameters, parse_case


@dataclass(frozen=True)
class Input:
    name: str
    label: str
    kind: str = "yen"  # yen | count | check | select
    path: tuple[str, ...] = ()
    hint: str = ""

    @property
    def id(self) -> str:
        return f"c-{self.name}"


YEARS = (("2026", "令和8年度"), ("2025", "令和7年度"))
INPUTS = (
    Input("fiscal_year", "課税年度", "select", ("fiscal_year",)),
    Input("age", "年齢", "count", ("taxpayer", "age"), "前年12月31日現在"),
    Input("designated_city", "指定都市（所得割 市8%・県2%）", "check", ("tenant", "designated_city")),
    Input(
        "salary_revenue", "給与等の収入金額", "yen", ("incomes", "salary_revenue"), "源泉徴収票の「支払金額」"
    ),
    Input("pension_revenue", "公的年金等の収入金額", "yen", ("incomes", "pension_revenue")),
    Input("business_income", "事業所得", "yen", ("incomes", "business_income"), "損失は負の数"),
    Input("social_insurance", "社会保険料の支払額", "yen", ("deductions", "social_insurance")),
    Input(
        "life_new_general", "一般生命保険料（新契約）", "yen", ("deductions", "life_insurance", "new_general")
    ),
    Input("earthquake_premium", "地震保険料", "yen", ("deductions", "earthquake_premium")),
    Input("medical_expenses", "医療費の支払額", "yen", ("deductions", "medical_expenses")),
    Input("has_spouse", "配偶者がいる（生計を一にする）", "check"),
    Input("spouse_income", "配偶者の合計所得金額", "yen", ("spouse", "total_income")),
    Input("dependants_general", "一般の扶養親族の数", "count", (), "16〜18歳・23〜69歳"),
    Input("dependants_specific", "特定扶養親族の数", "count", (), "19〜22歳"),
    Input("dependants_elderly", "老人扶養親族の数", "count", (), "70歳以上（同居老親等を除く）"),
    Input("hometown", "ふるさと納税の寄附金額", "yen", ("donations", "hometown")),
    Input("one_stop", "ワンストップ特例を適用する", "check", ("donations", "one_stop")),
)
DEPENDANT_AGES = {"dependants_general": 30, "dependants_specific": 20, "dependants_elderly": 75}
DEFAULTS = {"fiscal_year": "2026", "age": "45"}
JSON_ID = "c-case_json"


def _number(raw: str) -> int:
    text = jaconv.z2h(raw.strip(), digit=True, ascii=True).replace(",", "").replace("−", "-")
    return int(text) if text else 0


def _put(body: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for k in path[:-1]:
        body = body.setdefault(k, {})
    body[path[-1]] = value


def case_from_form(values: dict[str, str]) -> tuple[dict[str, Any], list[FieldError]]:
    """The TaxpayerCase JSON of the simple form, and the inputs that are not numbers."""
    body: dict[str, Any] = {}
    errors: list[FieldError] = []
    for i in INPUTS:
        raw = values.get(i.name, "")
        if i.kind == "check":
            if i.path:
                _put(body, i.path, raw == "1")
            continue
        try:
            value: Any = int(raw) if i.kind == "select" else _number(raw)
        except ValueError:
            errors.append(FieldError(i.label, "半角の数字で入力してください"))
            continue
        if i.name in DEPENDANT_AGES:
            if not 0 <= value < 50:
                errors.append(FieldError(i.label, "0〜49で入力してください"))
                continue
            body.setdefault("dependants", []).extend({"age": DEPENDANT_AGES[i.name]} for _ in range(value))
        elif i.path and (i.path[0] != "spouse" or values.get("has_spouse") == "1"):
            _put(body, i.path, value)
    if "spouse" in body:
        body["spouse"]["age"] = 40
    return body, errors


def _label(path: str) -> str:
    """The form's label of a TaxpayerCase field path (``incomes.salary_revenue`` → 給与等の収入金額)."""
    found = next((i.label for i in INPUTS if i.path and ".".join(i.path) == path), None)
    return found or ("扶養親族の数" if path.startswith("dependants") else path)


def compute(
    request: Request, p: Reader, values: dict[str, str]
) -> tuple[TaxResult | None, list[FieldError], bool]:
    """Result, errors (labelled as on the form) and whether the JSON text was used."""
    text = values.get("case_json", "").strip()
    if text:
        try:
            body = json.loads(text)
        except ValueError as e:
            return (
                None,
                [FieldError("JSON", f"JSONの形式が正しくありません（{getattr(e, 'lineno', '?')}行目）")],
                True,
            )
        if not isinstance(body, dict):
            return None, [FieldError("JSON", "オブジェクト（{…}）で指定してください")], True
        errors: list[FieldError] = []
    else:
        body, errors = case_from_form(values)
        if errors:
            return None, errors, False
    try:
        case = parse_case(body)
        with open_uow(request, p) as uow:
            view = tenant_view(uow, national_parameters())
        return calculate(case, view), [], bool(text)
    except ValidationFailed as exc:
        if text:
            return None, [FieldError(f"JSON {e.field}", e.message) for e in exc.errors], True
        return None, [FieldError(_label(e.field), e.message) for e in exc.errors], False


def _ctx(
    values: dict[str, str],
    result: TaxResult | None,
    errors: list[FieldError],
    used_json: bool,
    show_all: bool,
) -> dict[str, Any]:
    targets = {i.label: i.id for i in INPUTS}
    targets.update({e.field: JSON_ID for e in errors if e.field.startswith("JSON")})
    field_errors: dict[str, list[str]] = {}
    for e in errors:
        field_errors.setdefault(targets.get(e.field, ""), []).append(e.message)
    return {"title": "税額の試算", "nav": "calculator", "inputs": INPUTS, "years": YEARS, "v": values,
            "errors": errors, "targets": targets, "field_errors": field_errors, "result": result,
            "used_json": used_json, "json_id": JSON_ID, "show_all": show_all,
            "steps": trace_rows(result.trace, show_all=show_all) if result else []}  # fmt: skip


def router() -> APIRouter:
    r = APIRouter(prefix="/tax", include_in_schema=False)

    @r.get("/calculator")
    def calculator_form(request: Request, p: Reader) -> Response:
        return page(request, "calculator.html", _ctx(dict(DEFAULTS), None, [], False, False), p)

    @r.post("/calculator")
    async def calculator_run(request: Request, p: Reader) -> Response:
        form = await request.form()
        values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
        result, errors, used_json = compute(request, p, values)
        ctx = _ctx(values, result, errors, used_json, values.get("show_all") == "1")
        return page(request, "calculator.html", ctx, p, status=422 if errors else 200)

    return r
