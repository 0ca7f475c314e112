"""Rule cases of 個人住民税 from official worked examples, thresholds and rule texts.

Every ``cases/*.yaml`` file names its SOURCE (URL) and ``kind`` (worked_example / threshold /
rule_text); each case gives a :class:`TaxpayerCase` as JSON, optional tenant ``overlays``
(超過課税), and the ``expected`` outputs: a key of ``TaxResult.amounts`` (see ``columns.OUTPUTS``),
or a sum ``"a + b"`` of such keys. A case whose official figure is not reproduced carries
``xfail: <reason>`` (strict: it must keep failing until fixed).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from kikan.core.rules import Overlay, ParameterLookup, TenantParameterView
from kikan.tax.individual_resident import TaxResult, calculate, national_parameters, parse_case
from kikan.tax.individual_resident.columns import OUTPUTS

CASES = Path(__file__).parent / "cases"
KINDS = {"worked_example", "threshold", "rule_text"}
NS = "tax.individual_resident"


def _load() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        meta = {k: v for k, v in doc.items() if k != "cases"}
        meta["file"] = path.name
        for spec in doc["cases"]:
            out.append((spec["id"], meta, spec))
    return out


ALL = _load()


def _params(spec: dict[str, Any]) -> ParameterLookup:
    national = national_parameters()
    overlays = spec.get("overlays") or []
    if not overlays:
        return national
    fy = spec["case"]["fiscal_year"]
    return TenantParameterView(
        national,
        [
            Overlay(
                tenant_id="000000",
                key=f"{NS}.{o['key']}",
                value=o["value"],
                basis=o["basis"],
                source=o["source"],
                fiscal_year=fy,
                revision=i + 1,
                recorded_at=datetime(2025, 1, 1, tzinfo=UTC),
                recorded_by="rule-case",
            )
            for i, o in enumerate(overlays)
        ],
        tenant_id="000000",
    )


def _value(result: TaxResult, key: str) -> int:
    total = 0
    for part in (p.strip() for p in key.split("+")):
        assert part in OUTPUTS, f"unknown output {part!r}"
        total += result.amounts[part]
    return total


def _params_of_cases() -> list[Any]:
    items = []
    for case_id, meta, spec in ALL:
        marks = [pytest.mark.xfail(reason=spec["xfail"], strict=True)] if spec.get("xfail") else []
        items.append(pytest.param(meta, spec, id=case_id, marks=marks))
    return items


@pytest.mark.parametrize(("meta", "spec"), _params_of_cases())
def test_rule_case(meta: dict[str, Any], spec: dict[str, Any]) -> None:
    result = calculate(parse_case(spec["case"]), _params(spec))
    mismatches = {
        key: (_value(result, key), expected)
        for key, expected in spec["expected"].items()
        if _value(result, key) != expected
    }
    assert not mismatches, f"{meta['file']} {spec['id']}: (actual, expected) = {mismatches}"


def test_cases_are_documented_and_cover_the_brief() -> None:
    ids = [case_id for case_id, _, _ in ALL]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    assert len(ids) >= 25
    for _, meta, spec in ALL:
        source = spec.get("source", meta.get("source", ""))
        assert str(source).startswith("http"), f"{spec['id']}: SOURCE URL missing"
        assert meta.get("kind") in KINDS, meta["file"]
        assert spec["expected"], spec["id"]
    years = {spec["case"]["fiscal_year"] for _, _, spec in ALL}
    assert {2025, 2026} <= years
    designated = [s for _, _, s in ALL if s["case"].get("tenant", {}).get("designated_city")]
    grades = {s["case"].get("tenant", {}).get("grade", 1) for _, _, s in ALL}
    assert designated and len(designated) < len(ALL) and {1, 3} <= grades
    assert any(s.get("overlays") for _, _, s in ALL), "no 超過課税 overlay case"
    assert sum(m["kind"] == "worked_example" for _, m, _ in ALL) >= 10
