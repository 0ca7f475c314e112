"""The published 課税状況 datasets (for 国民健康保険・介護保険・後期高齢者医療・福祉 …), pure shapes.

* ``tax.assessment_status`` (v2) — one record per taxpayer, fiscal year and result version:
  課税/非課税, 均等割のみ, 合計所得金額, 総所得金額等, 所得割額, 均等割額, and (v2) the amounts of the
  雑損控除・医療費控除・小規模企業共済等掛金控除・配偶者特別控除 (住民税) that 児童扶養手当等 subtract from
  the 所得 (児童扶養手当法施行令第4条第2項第1号) … Versions are immutable
  (semantics ``history``: apply in order, a lower version than the one held is stale). Key
  (``fiscal_year``, ``addressee_no``); item id ``<year>-<宛名番号>-<version>``.
* ``tax.household_status`` (v1) — per 世帯 on the 賦課期日 (1 January): members assessed, how many are
  taxed, and 世帯非課税 (every member non-taxable), the usual input of 非課税世帯 judgments. State
  semantics: computed at the time of the pull from the current versions.

Field lists are data (name, Japanese name, type) so that the linkage layer can build its dataset
definitions and JSON Schemas from them without importing storage code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

STATUS_DATASET = "tax.assessment_status"
HOUSEHOLD_DATASET = "tax.household_status"
TAXATION_LABELS = {
    "taxed": "課税",
    "per_capita_only": "均等割のみ課税",
    "exempt": "非課税",
    "cancelled": "課税取消",
}

STATUS_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("fiscal_year", "課税年度", "integer"),
    ("addressee_no", "宛名番号", "string"),
    ("version", "版", "integer"),
    ("valid_from", "適用年月日", "date"),
    ("kind", "処理区分（annual 当初 / correction 更正 / additional 追加 / cancellation 取消）", "string"),
    ("household_no", "世帯番号（賦課期日）", "string"),
    ("taxpayer_kind", "納税義務者の区分（resident 住所 / house 家屋敷等 / none）", "string"),
    ("taxation", "課税区分（taxed / per_capita_only / exempt / cancelled）", "string"),
    ("taxation_ja", "課税区分（日本語）", "string"),
    ("exemption_reason", "非課税の理由コード", "integer"),
    ("declared", "申告・支払報告の有無", "boolean"),
    ("total_income", "合計所得金額", "integer"),
    ("aggregate_income", "総所得金額等", "integer"),
    ("taxable_income", "課税総所得金額", "integer"),
    ("salary_revenue", "給与収入金額", "integer"),
    ("salary_income", "給与所得", "integer"),
    ("pension_revenue", "公的年金等収入金額", "integer"),
    ("pension_income", "公的年金等に係る雑所得", "integer"),
    ("household_members", "同一生計配偶者・扶養親族の数", "integer"),
    ("income_levy", "所得割額（市町村民税＋道府県民税）", "integer"),
    ("income_levy_municipal", "所得割額（市町村民税）", "integer"),
    ("income_levy_prefectural", "所得割額（道府県民税）", "integer"),
    ("per_capita", "均等割額（市町村民税＋道府県民税）", "integer"),
    ("per_capita_municipal", "均等割額（市町村民税）", "integer"),
    ("per_capita_prefectural", "均等割額（道府県民税）", "integer"),
    ("forest_environment_tax", "森林環境税", "integer"),
    ("total_tax", "年税額", "integer"),
    ("casualty_deduction", "雑損控除額（住民税）", "integer"),
    ("medical_deduction", "医療費控除額（住民税）", "integer"),
    ("small_enterprise_deduction", "小規模企業共済等掛金控除額（住民税）", "integer"),
    ("spouse_special_deduction", "配偶者特別控除額（住民税）", "integer"),
)
HOUSEHOLD_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("fiscal_year", "課税年度", "integer"),
    ("household_no", "世帯番号（賦課期日）", "string"),
    ("members", "世帯員数（賦課期日に住所を有し課税判定をした者）", "integer"),
    ("taxed_members", "所得割が課される世帯員数", "integer"),
    ("per_capita_only_members", "均等割のみ課される世帯員数", "integer"),
    ("exempt_members", "非課税の世帯員数", "integer"),
    ("undeclared_members", "申告・支払報告のない世帯員数", "integer"),
    ("household_exempt", "世帯非課税（世帯員全員が非課税）", "boolean"),
    ("total_income_sum", "世帯員の合計所得金額の合計", "integer"),
    ("member_addressee_nos", "世帯員の宛名番号", "array"),
)


def _iso(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date | datetime) else v


def status_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """A ``tax.assessment_status`` record from a stored result row."""
    out: dict[str, Any] = {}
    for name, _, kind in STATUS_FIELDS:
        if name == "income_levy":
            out[name] = int(row["income_levy_municipal"]) + int(row["income_levy_prefectural"])
        elif name == "per_capita":
            out[name] = int(row["per_capita_municipal"]) + int(row["per_capita_prefectural"])
        elif name == "taxation_ja":
            out[name] = TAXATION_LABELS.get(row["taxation"], row["taxation"])
        elif kind == "boolean":
            out[name] = bool(row[name])
        else:
            out[name] = _iso(row[name])
    return out


def status_id(record: Mapping[str, Any]) -> str:
    return f"{record['fiscal_year']}-{record['addressee_no']}-{record['version']}"


def household_records(fiscal_year: int, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``tax.household_status`` records from the current result rows of residents (grouped by 世帯)."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows:
        if r.get("household_no") and r["taxpayer_kind"] == "resident":
            groups.setdefault(r["household_no"], []).append(r)
    out = []
    for no in sorted(groups):
        members = sorted(groups[no], key=lambda r: r["addressee_no"])
        count = {t: sum(1 for m in members if m["taxation"] == t) for t in TAXATION_LABELS}
        out.append({
            "fiscal_year": fiscal_year, "household_no": no, "members": len(members),
            "taxed_members": count["taxed"], "per_capita_only_members": count["per_capita_only"],
            "exempt_members": count["exempt"] + count["cancelled"],
            "undeclared_members": sum(1 for m in members if not m["declared"]),
            "household_exempt": count["taxed"] + count["per_capita_only"] == 0,
            "total_income_sum": sum(int(m["total_income"]) for m in members),
            "member_addressee_nos": [m["addressee_no"] for m in members],
        })  # fmt: skip
    return out
