"""Trace: steps with parameters and rounding, serialised to JSON."""

from __future__ import annotations

import json
from decimal import Decimal

import numpy as np
import pytest

from kikan.core.rules import ParameterSet, Trace
from kikan.core.rules.rounding import BASIS_TAX_AMOUNT, floor_tax_amount


def test_trace_records_parameters_and_rounding(national: ParameterSet) -> None:
    trace = Trace("individual_resident_tax")
    rate = national.value("income_levy.municipal_rate", fiscal_year=2026)
    base = trace.add("tax_base", 1_234_000)
    raw = trace.add("income_levy_raw", int(base * rate.as_rate()), parameters=rate)
    levy = trace.rounded(
        "income_levy", raw, floor_tax_amount(raw), method="floor_tax_amount", unit=100, basis=BASIS_TAX_AMOUNT
    )
    table = trace.add("brackets", national.value("brackets", fiscal_year=2026).value)
    trace.add("misc", {"rate": Decimal("0.06"), "n": np.int64(3), "rows": (1, 2)}, note="free-form")

    assert levy == 74_000 and len(trace) == 5
    assert trace.last("income_levy").rounding is not None
    data = json.loads(trace.to_json())
    assert data["subject"] == "individual_resident_tax"
    step = data["steps"][1]
    assert step["value"] == 74_040
    assert step["parameters"] == [
        {
            "key": "tax.individual_resident.income_levy.municipal_rate",
            "basis": "地方税法第314条の3第1項",
            "source": "https://laws.e-gov.go.jp/law/325AC0000000226",
            "effective": "FY2019..",
            "origin": "national",
            "revision": None,
            "verified": True,
        }
    ]
    assert data["steps"][2]["rounding"] == {
        "method": "floor_tax_amount",
        "unit": 100,
        "before": 74_040,
        "basis": "地方税法第20条の4の2第3項",
    }
    assert data["steps"][3]["value"][1] == {"upper": None, "rate": 0.05, "deduction": 50000}
    assert data["steps"][4] == {
        "name": "misc",
        "value": {"rate": "0.06", "n": 3, "rows": [1, 2]},
        "note": "free-form",
    }
    assert "地方税法" in trace.to_json()  # not \u-escaped
    assert table is not None


def test_trace_refuses_unserialisable_values() -> None:
    trace = Trace()
    trace.add("bad", object())
    with pytest.raises(TypeError):
        trace.to_json()
    with pytest.raises(KeyError):
        trace.last("missing")
