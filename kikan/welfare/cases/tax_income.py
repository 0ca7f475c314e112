"""Income facts from the tax business's published 課税状況 (dataset ``tax.assessment_status``), pure.

A published record is one version of one person's 個人住民税 result for one 課税年度; the income it
describes is that of the previous calendar year (課税年度 2026 → 所得の年 2025, 地方税法第32条・
第313条). :func:`facts_from_tax` turns it into the welfare business's :class:`IncomeFacts`:

* ``total_income`` ← 合計所得金額 (児童手当法第4条第3項 「生計を維持する程度の高い者」 の判定);
* ``salary_pension_income`` ← 給与所得 + 公的年金等に係る雑所得 (児童扶養手当法施行令第4条第2項:
  この合計から10万円を控除する);
* ``other_income`` ← 総所得金額等 − 給与所得 − 公的年金等に係る雑所得 (the other incomes after
  損益通算 and 繰越控除, 施行令第4条第1項; negative when a loss offsets the salary);
* ``dependants`` ← 同一生計配偶者・扶養親族の数 (年少扶養親族を含む; 施行令第2条の4 の扶養親族等の数);
* ``deductions`` ← 雑損控除額 + 医療費控除額 + 小規模企業共済等掛金控除額 + 配偶者特別控除額 (住民税の額,
  施行令第4条第2項第1号; published since version 2 of the dataset — a version-1 record lacks them and
  the amount is carried over).

The other items of the 児童扶養手当 所得 (障害者・特別障害者・勤労学生・寡婦・ひとり親 of 施行令第4条第2項,
老人・特定扶養親族の数) are **not** in the dataset — they reveal a person's status; 養育費 and
非課税公的年金給付等 are not tax data at all. They are carried over from the person's latest income
version of that year (entered by staff from the 現況届 or a 所得証明), so a tax version never erases them.

A record that says nothing about the income (no return and no payment report, a cancelled
assessment, a person taxed here only for a 家屋敷等) gives no facts: a missing income is never
guessed; :func:`unusable` names the reason for the staff task.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .ports import IncomeFacts

#: Items of :class:`IncomeFacts` the tax dataset provides (besides ``total_income``).
FROM_TAX: tuple[str, ...] = ("salary_pension_income", "other_income", "dependants", "deductions")

#: The record's deduction amounts summed into ``deductions`` (施行令第4条第2項第1号, dataset version 2).
DEDUCTIONS: tuple[str, ...] = (
    "casualty_deduction", "medical_deduction", "small_enterprise_deduction", "spouse_special_deduction",
)  # fmt: skip

#: Items the 児童扶養手当 所得 needs that ``tax.assessment_status`` does not publish (carried over; they
#: reveal a person's status, so staff enter them from the claimant's declaration).
NOT_PUBLISHED: dict[str, str] = {
    "disabled_persons": "障害者控除の対象者数（同項第2号）",
    "special_disabled_persons": "特別障害者控除の対象者数（同項第3号）",
    "working_student": "勤労学生控除の有無（同項第4号）",
    "widow": "寡婦控除の有無（同項第5号）",
    "single_parent": "ひとり親控除の有無（同項第5号）",
    "elderly_dependants": "老人控除対象配偶者・老人扶養親族の数（施行令第2条の4第2項）",
    "specified_dependants": "特定扶養親族・16〜18歳の控除対象扶養親族の数（同項）",
}
#: Items that are no tax data (the claimant declares them).
NOT_TAX: dict[str, str] = {
    "child_support": "養育費（法第9条第2項）",
    "nontaxable_pension": "非課税公的年金給付等（施行令第4条第1項）",
}


def income_year(record: Mapping[str, Any]) -> int:
    """The calendar year of the income a 課税年度's record describes (前年所得)."""
    return int(record["fiscal_year"]) - 1


def unusable(record: Mapping[str, Any]) -> str | None:
    """Why the record says nothing about the person's income (None = it does)."""
    if record.get("taxation") == "cancelled" or record.get("kind") == "cancellation":
        return "課税が取り消されました"
    if record.get("taxpayer_kind") != "resident":
        return "賦課期日に住所がなく所得が課税されていません（家屋敷等のみ又は課税対象外）"
    if not record.get("declared"):
        return "申告・給与支払報告・公的年金等支払報告がなく所得が分かりません（未申告）"
    return None


def _int(record: Mapping[str, Any], name: str) -> int:
    v = record.get(name)
    return int(v) if v is not None else 0


def facts_from_tax(record: Mapping[str, Any], previous: IncomeFacts | None) -> IncomeFacts:
    """The income facts of a usable record; items the dataset lacks are ``previous``'s (or 0).

    ``deductions`` is the sum of the four amounts when the record carries them (version 2); a
    version-1 record (no such items) leaves the held amount as it is."""
    salary_pension = _int(record, "salary_income") + _int(record, "pension_income")
    items = dict(previous.items) if previous is not None else {}
    items.update(
        salary_pension_income=salary_pension,
        other_income=_int(record, "aggregate_income") - salary_pension,
        dependants=_int(record, "household_members"),
    )
    if all(k in record for k in DEDUCTIONS):
        items["deductions"] = sum(_int(record, k) for k in DEDUCTIONS)
    return IncomeFacts(_int(record, "total_income"), items)


def tax_part(facts: IncomeFacts) -> tuple[int, ...]:
    """The part of ``facts`` the tax dataset decides (to tell whether a version replaced staff's figures)."""
    return (facts.total_income, *(int(facts.items.get(k, 0)) for k in FROM_TAX))
