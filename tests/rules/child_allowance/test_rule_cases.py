"""Rule cases of 児童手当 from official pages (こども家庭庁, municipalities) and the statute text.

Every ``cases/*.yaml`` file names its SOURCE (URL, overridable per case) and ``kind``
(worked_example / threshold / rule_text); each case gives a :class:`ChildAllowanceCase` as JSON and
the ``expected`` values, addressed as:

* ``recipient`` / ``payer`` / ``start_month`` / ``end_month`` / ``total`` / ``facility_total``
* ``month:YYYY-MM`` (amount), ``status:YYYY-MM``, ``regime:YYYY-MM``
* ``child:YYYY-MM:<id>`` (amount), ``order:YYYY-MM:<id>`` (出生順位), ``band:YYYY-MM:<id>``,
  ``facility:YYYY-MM:<id>``
* ``paid:YYYY-MM`` (payment in that 支払期月), ``paid_months:YYYY-MM`` (comma-separated months)

A case whose official figure is not reproduced carries ``xfail: <reason>`` (strict).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from kikan.welfare.child_allowance import ChildAllowanceResult, calculate, parse_case

CASES = Path(__file__).parent / "cases"
KINDS = {"worked_example", "threshold", "rule_text"}


def _load() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        meta = {k: v for k, v in doc.items() if k != "cases"}
        meta["file"] = path.name
        out += [(spec["id"], meta, spec) for spec in doc["cases"]]
    return out


ALL = _load()


def value(result: ChildAllowanceResult, key: str) -> Any:
    """The result value addressed by ``key`` (see the module docstring)."""
    if ":" not in key:
        return getattr(result, key)
    kind, month, *rest = key.split(":")
    if kind in ("paid", "paid_months"):
        pay = next((p for p in result.payments if p.paid_in == month), None)
        if kind == "paid":
            return 0 if pay is None else pay.amount
        return "" if pay is None else ",".join(pay.months)
    row = next(m for m in result.months if m.month == month)
    if kind == "month":
        return row.amount
    if kind in ("status", "regime"):
        return getattr(row, kind)
    child = next(c for c in row.children if c.child == rest[0])
    fields = {"child": "amount", "order": "birth_order", "band": "band", "facility": "facility_amount"}
    return getattr(child, fields[kind])


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
    keys = {k.split(":")[0] for _, _, s in ALL for k in s["expected"]}
    assert {"order", "paid", "start_month", "recipient", "payer", "facility"} <= keys
    months = {k.split(":")[1] for _, _, s in ALL for k in s["expected"] if k.startswith("month:")}
    assert {"2024-09", "2024-10"} <= months, "the reform switch must be pinned"
