"""Rule cases of 児童扶養手当 from official pages (厚生労働省・こども家庭庁 leaflets as published by
municipalities) and the statute text.

Every ``cases/*.yaml`` file names its SOURCE (URL, overridable per case) and ``kind``; each case gives
a :class:`ChildRearingCase` as JSON and ``expected`` values, addressed as:

* ``start_month`` / ``end_month`` / ``total`` / ``status_reports`` (``from..to`` joined by commas)
* ``month:YYYY-MM`` (amount), ``status:``, ``income:``, ``allowance:``, ``pension:``, ``first:``,
  ``additional:``, ``full_limit:``, ``partial_limit:`` + ``YYYY-MM``
* ``paid:YYYY-MM`` / ``paid_months:YYYY-MM``

``result_verified: false`` marks a case whose inputs and rule come from the source but whose
expected figure was computed from the published formula (the page's own result was not
readable); ``xfail: <reason>`` marks an official figure not reproduced (strict).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kikan.welfare.child_rearing_allowance import ChildRearingResult, calculate, parse_case

CASES = Path(__file__).parent / "cases"
KINDS = {"worked_example", "threshold", "rule_text"}
FIELDS = {
    "month": "amount",
    "status": "status",
    "income": "income",
    "allowance": "allowance",
    "pension": "pension_monthly",
    "first": "first_amount",
    "additional": "additional_amount",
    "full_limit": "full_limit",
    "partial_limit": "partial_limit",
}


def _load() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        meta = {k: v for k, v in doc.items() if k != "cases"}
        meta["file"] = path.name
        out += [(spec["id"], meta, spec) for spec in doc["cases"]]
    return out


ALL = _load()


def value(result: ChildRearingResult, key: str) -> Any:
    if key == "status_reports":
        return ",".join(f"{r.due_from.isoformat()}..{r.due_to.isoformat()}" for r in result.status_reports)
    if ":" not in key:
        return getattr(result, key)
    kind, month = key.split(":")
    if kind in ("paid", "paid_months"):
        pay = next((p for p in result.payments if p.paid_in == month), None)
        if kind == "paid":
            return 0 if pay is None else pay.amount
        return "" if pay is None else ",".join(pay.months)
    row = next(m for m in result.months if m.month == month)
    return getattr(row, FIELDS[kind])


def _params() -> list[Any]:
    items = []
    for case_id, meta, spec in ALL:
        marks = [pytest.mark.xfail(reason=spec["xfail"], strict=True)] if spec.get("xfail") else []
        items.append(pytest.param(meta, spec, id=case_id, marks=marks))
    return items


@pytest.mark.parametrize(("meta", "spec"), _params())
def test_rule_case(meta: dict[str, Any], spec: dict[str, Any]) -> None:
    result = calculate(parse_case(spec["case"]))
    mismatches = {
        key: (value(result, key), expected)
        for key, expected in spec["expected"].items()
        if value(result, key) != expected
    }
    assert not mismatches, f"{meta['file']} {spec['id']}: (actual, expected) = {mismatches}"


def test_cases_are_documented_and_cover_the_brief() -> None:
    ids = [case_id for case_id, _, _ in ALL]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    assert len(ids) >= 20
    for _, meta, spec in ALL:
        assert str(spec.get("source", meta.get("source", ""))).startswith("http"), spec["id"]
        assert meta.get("kind") in KINDS, meta["file"]
        assert spec["expected"] and spec.get("description"), spec["id"]
    partial = {
        str(s["case"].get("incomes", [{}])[0].get("other_income"))
        for _, _, s in ALL
        if any(v == "一部支給" for v in s["expected"].values()) or "first:2025-04" in s["expected"]
    }
    assert len(partial) >= 2, "一部支給 at several incomes"
    assert any("pension:" in k for _, _, s in ALL for k in s["expected"]), "公的年金の差額"
    assert any("child_support" in str(s["case"]) for _, _, s in ALL), "養育費の8割"
