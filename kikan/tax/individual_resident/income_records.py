"""課税資料 (income records): what arrives about a person's income of the previous year.

Kinds (``source_kind``) and their legal basis:

* ``salary_report`` 給与支払報告書 — 地方税法第317条の6第1項 (給与支払者 → 1月31日まで). ``payer_id`` =
  the employer's 特別徴収義務者指定番号; ``special_collection`` = 特別徴収 (false when the report asks
  for 普通徴収 切替, e.g. 退職者・乙欄).
* ``pension_report`` 公的年金等支払報告書 — 第317条の6第4項. ``special_collection`` = the person is
  notified as 年金からの特別徴収の対象 (第321条の7の2, 介護保険の特別徴収対象者).
* ``final_return`` 確定申告書 — 第317条の3 (所得税の確定申告書の提出 = 住民税の申告とみなす).
* ``resident_return`` 住民税申告書 — 第317条の2.
* ``other`` その他の課税資料 (生活扶助の受給, 調査による扶養の是正 …), combined like a report.

The content of a record is a fragment of :class:`~.model.TaxpayerCase` (``incomes``,
``deductions``, ``taxpayer`` status, ``spouse``, ``dependants``, ``housing_loan``, ``donations``,
``foreign_tax_credit``, ``intermediates``). The person's age always comes from the registry, never
from the record. :func:`flatten` turns a record into the batch columns with the same
:func:`~.calc.case_columns` the one-case calculation uses, and :func:`case_from_columns` goes back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kikan.core.errors import FieldError, ValidationFailed
from kikan.core.identity import IdentifierError, validate_addressee_number

from .calc import case_columns, parse_case
from .columns import TAXPAYER_INPUTS
from .model import TaxpayerCase

SOURCE_KINDS: dict[str, str] = {
    "salary_report": "給与支払報告書",
    "pension_report": "公的年金等支払報告書",
    "final_return": "確定申告書",
    "resident_return": "住民税申告書",
    "other": "その他の課税資料",
}
RETURN_KINDS = frozenset({"final_return", "resident_return"})
RECORD_INPUTS: tuple[str, ...] = tuple(k for k in TAXPAYER_INPUTS if k != "age")
RELATIVE_FIELDS = ("is_spouse", "age", "total_income", "cohabiting_ascendant", "disability", "cohabiting")
FLAG_INPUTS = frozenset(
    {
        "use_self_medication", "disability", "widow", "single_parent", "working_student",
        "public_assistance", "housing_loan_specified", "one_stop",
    }
)  # fmt: skip
GIVEN_INPUTS = frozenset({"given_total_income", "given_aggregate_income", "given_income_deductions"})
CASE_PARTS = frozenset(
    {"taxpayer", "incomes", "intermediates", "spouse", "dependants", "deductions", "housing_loan",
     "donations", "foreign_tax_credit"}
)  # fmt: skip
PLACEHOLDER_AGE = 40


class IncomeRecordInput(BaseModel):
    """One 課税資料 as entered by staff or imported (API body of ``POST …/income-records``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fiscal_year: int = Field(..., ge=2000, le=2100, description="課税年度（前年の所得に課税）")
    addressee_no: str = Field(
        ..., min_length=1, max_length=15, description="宛名番号（住登外者宛名番号を含む）"
    )
    source_kind: Literal["salary_report", "pension_report", "final_return", "resident_return", "other"] = (
        Field(..., description="資料の種類")
    )
    payer_id: str | None = Field(None, max_length=20, description="特別徴収義務者指定番号・年金保険者コード")
    payer_name: str | None = Field(None, max_length=100, description="支払者の名称")
    special_collection: bool = Field(False, description="特別徴収（給与: 特別徴収、年金: 年金特徴の対象）")
    document_received_on: date | None = Field(None, description="資料の受付日")
    reason: str = Field("", max_length=200, description="登録・訂正の理由")
    case: dict[str, Any] = Field(
        default_factory=dict, description="TaxpayerCase の一部（incomes, deductions …）"
    )


def parse_record(data: Mapping[str, Any]) -> IncomeRecordInput:
    """Validate an income record; every problem becomes a :class:`FieldError` (nothing is written)."""
    try:
        rec = IncomeRecordInput.model_validate(data)
    except ValidationError as exc:
        raise ValidationFailed(
            [FieldError(".".join(str(x) for x in e["loc"]) or "record", _message(e)) for e in exc.errors()]
        ) from None
    errors: list[FieldError] = []
    try:
        validate_addressee_number(rec.addressee_no)
    except IdentifierError as e:
        errors.append(FieldError("addressee_no", f"宛名番号が正しくありません（{e}）"))
    unknown = sorted(set(rec.case) - CASE_PARTS)
    errors += [FieldError(f"case.{k}", "不明な項目です") for k in unknown]
    if rec.source_kind in ("salary_report", "pension_report") and not rec.payer_id:
        errors.append(FieldError("payer_id", "給与・年金の支払報告書には支払者の番号が必要です"))
    if errors:
        raise ValidationFailed(errors)
    to_case(rec)  # validates the fragment (field names prefixed "case.")
    return rec


def _message(err: Any) -> str:
    kind = err.get("type", "")
    if kind == "missing":
        return "必須項目です"
    if kind == "extra_forbidden":
        return "不明な項目です"
    if kind.startswith("literal"):
        return "指定できる値: " + "、".join(SOURCE_KINDS)
    return str(err.get("msg", "入力内容に誤りがあります"))


def to_case(rec: IncomeRecordInput) -> TaxpayerCase:
    """The record's fragment as a whole :class:`TaxpayerCase` (age placeholder; the registry gives it)."""
    body: dict[str, Any] = {k: v for k, v in rec.case.items() if k in CASE_PARTS}
    taxpayer = dict(body.get("taxpayer") or {})
    taxpayer.pop("birth_date", None)
    taxpayer["age"] = PLACEHOLDER_AGE
    body.update(fiscal_year=rec.fiscal_year, taxpayer=taxpayer)
    try:
        return parse_case(body)
    except ValidationFailed as e:
        raise ValidationFailed([FieldError(f"case.{x.field}", x.message) for x in e.errors]) from None


def flatten(rec: IncomeRecordInput) -> tuple[dict[str, int], list[dict[str, int]]]:
    """Batch columns of one record (``RECORD_INPUTS``) and its relatives (``RELATIVE_FIELDS``)."""
    columns, rel = case_columns(to_case(rec))
    values = {k: int(columns[k][0]) for k in RECORD_INPUTS}
    relatives = [
        {
            "is_spouse": int(rel.is_spouse[i]),
            "age": int(rel.age[i]),
            "total_income": int(rel.total_income[i]),
            "cohabiting_ascendant": int(rel.cohabiting_ascendant[i]),
            "disability": int(rel.disability[i]),
            "cohabiting": int(rel.cohabiting[i]),
        }
        for i in range(len(rel.age))
    ]
    return values, relatives


_DIS = ("none", "general", "special")
_PARENT = ("none", "mother", "father")


def case_from_columns(
    fiscal_year: int,
    values: Mapping[str, int],
    relatives: Sequence[Mapping[str, int]],
    *,
    age: int,
    designated_city: bool = False,
    grade: int = 1,
) -> TaxpayerCase:
    """The :class:`TaxpayerCase` whose :func:`case_columns` are ``values`` (inverse of :func:`flatten`).

    Used to show the full calculation trace of a stored result with the one-case ``calculate``.
    """
    v = {k: int(values.get(k, TAXPAYER_INPUTS[k][0])) for k in RECORD_INPUTS}
    people = []
    for r in relatives:
        base = {"age": int(r["age"]), "total_income": int(r["total_income"]),
                "disability": _DIS[int(r["disability"])], "cohabiting": bool(r["cohabiting"])}  # fmt: skip
        if not r["is_spouse"]:
            base["lineal_ascendant"] = bool(r["cohabiting_ascendant"])
        people.append((bool(r["is_spouse"]), base))
    spouse = next((b for s, b in people if s), None)
    given = {k.removeprefix("given_"): v[k] for k in GIVEN_INPUTS if v[k] >= 0}
    incomes = ("salary_revenue", "pension_revenue", "business_income", "real_estate_income", "interest_income",
               "dividend_income", "dividend_trust_income", "misc_income", "transfer_short_gain",
               "transfer_long_gain", "occasional_gain")  # fmt: skip
    data: dict[str, Any] = {
        "fiscal_year": fiscal_year,
        "tenant": {"designated_city": designated_city, "grade": grade},
        "taxpayer": {
            "age": age, "disability": _DIS[v["disability"]], "widow": bool(v["widow"]),
            "single_parent": _PARENT[v["single_parent"]], "working_student": bool(v["working_student"]),
            "public_assistance": bool(v["public_assistance"]),
        },
        "incomes": {k: v[k] for k in incomes},
        "intermediates": given,
        "spouse": spouse,
        "dependants": [b for s, b in people if not s],
        "deductions": {
            "social_insurance": v["social_insurance"], "small_enterprise_mutual_aid": v["small_enterprise_mutual_aid"],
            "life_insurance": {"new_general": v["life_new_general"], "old_general": v["life_old_general"],
                               "care_medical": v["life_care_medical"], "new_annuity": v["life_new_annuity"],
                               "old_annuity": v["life_old_annuity"]},
            "earthquake_premium": v["earthquake_premium"], "old_long_term_premium": v["old_long_term_premium"],
            "medical_expenses": v["medical_expenses"], "self_medication_expenses": v["self_medication_expenses"],
            "use_self_medication": bool(v["use_self_medication"]), "casualty_loss": v["casualty_loss"],
            "casualty_disaster_expenses": v["casualty_disaster_expenses"],
        },
        "housing_loan": {"unabsorbed_amount": v["housing_loan_unabsorbed"],
                         "income_tax_taxable_income": v["income_tax_taxable_income"],
                         "specified": bool(v["housing_loan_specified"])},
        "donations": {"hometown": v["donation_hometown"], "community_chest": v["donation_community_chest"],
                      "designated_both": v["donation_designated_both"],
                      "designated_prefectural": v["donation_designated_prefectural"],
                      "designated_municipal": v["donation_designated_municipal"], "one_stop": bool(v["one_stop"])},
        "foreign_tax_credit": {"municipal": v["foreign_tax_credit_municipal"],
                               "prefectural": v["foreign_tax_credit_prefectural"]},
    }  # fmt: skip
    return parse_case(data)
