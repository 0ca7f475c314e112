"""One chunk through the vector code: residents, 家屋敷課税, classification, agreement with ``calculate``."""

from __future__ import annotations

import json
from datetime import date

import polars as pl

from kikan.tax.individual_resident import calculate, national_parameters
from kikan.tax.individual_resident.assessment import (
    RELATIVE_SCHEMA,
    ChunkInput,
    assess,
    empty_input,
    manifest,
    setting,
)
from kikan.tax.individual_resident.combine import RECORD_SCHEMA
from kikan.tax.individual_resident.income_records import case_from_columns, flatten, parse_record, to_case
from kikan.tax.individual_resident.taxpayers import REGISTRY_SCHEMA

S = setting(national_parameters(), 2026, designated_city=False)
A, B, C, H = "000000000000019", "000000000000027", "000000000000035", "900000000000014"


def reg(no: str, born: date) -> dict:
    return {"addressee_no": no, "history_no": 1, "event_code": "101", "status": "resident", "household_no": "H1",
            "birth_date": born, "became_resident_on": date(2000, 1, 1), "removal_on": None, "removal_reason": None,
            "event_on": None}  # fmt: skip


def chunk(records: list[dict], *, holders: tuple[str, ...] = ()) -> ChunkInput:
    recs, rels = [], []
    for i, data in enumerate(records):
        r = parse_record(data)
        values, relatives = flatten(r)
        recs.append({"record_id": f"r{i}", "version": 1, "addressee_no": r.addressee_no, "source_kind": r.source_kind,
                     "payer_id": r.payer_id, "special_collection": int(r.special_collection), "seq": i, **values})  # fmt: skip
        rels += [{"record_id": f"r{i}", "version": 1, "seq": j, **x} for j, x in enumerate(relatives)]
    e = empty_input()
    registry = pl.DataFrame([reg(A, date(1980, 6, 1)), reg(B, date(1950, 6, 1)), reg(C, date(2010, 6, 1))],
                            schema=REGISTRY_SCHEMA)  # fmt: skip
    hold = pl.DataFrame(
        {"addressee_no": list(holders), "birth_date": [None] * len(holders)}, schema=e.holders.schema
    )
    return ChunkInput(registry, hold, pl.DataFrame(recs, schema=RECORD_SCHEMA),
                      pl.DataFrame(rels, schema=RELATIVE_SCHEMA), e.previous)  # fmt: skip


SALARY = {"fiscal_year": 2026, "addressee_no": A, "source_kind": "salary_report", "payer_id": "E1",
          "special_collection": True, "case": {"incomes": {"salary_revenue": 6_000_000},
          "deductions": {"social_insurance": 850_000}, "spouse": {"age": 44, "total_income": 0},
          "dependants": [{"age": 17}]}}  # fmt: skip


def test_each_resident_row_agrees_with_the_one_case_calculation() -> None:
    res = {r["addressee_no"]: r for r in assess(chunk([SALARY]), S).iter_rows(named=True)}
    assert set(res) == {A, B, C}
    case = to_case(parse_record(SALARY)).model_copy(
        update={"taxpayer": to_case(parse_record(SALARY)).taxpayer.model_copy(update={"age": 45})}
    )
    one = calculate(case)
    assert all(res[A][k] == v for k, v in one.amounts.items())
    assert res[A]["taxation"] == "taxed" and res[A]["salary_payer_id"] == "E1" and res[A]["declared"] == 1
    assert (
        json.loads(res[A]["installments"])["salary"][1] * 11 + json.loads(res[A]["installments"])["salary"][0]
        == one.total_tax
    )
    assert res[C]["taxation"] == "exempt" and res[C]["declared"] == 0  # a child without income, 未申告
    values = {k: 0 for k in ("salary_revenue",)}
    assert case_from_columns(2026, values, [], age=45).fiscal_year == 2026


def test_house_holders_pay_the_per_capita_levy_only() -> None:
    res = {r["addressee_no"]: r for r in assess(chunk([SALARY], holders=(H, A)), S).iter_rows(named=True)}
    h = res[H]
    assert h["taxpayer_kind"] == "house" and h["taxation"] == "per_capita_only"
    assert (h["per_capita_municipal"], h["per_capita_prefectural"], h["forest_environment_tax"]) == (
        3_000,
        1_000,
        0,
    )
    assert (
        h["total_tax"] == 4_000
        and h["income_levy_municipal"] == 0
        and json.loads(h["installments"]) == {"ordinary": [1_000] * 4}
    )
    assert res[A]["taxpayer_kind"] == "resident"  # a resident is never a 家屋敷 holder as well


def test_a_person_no_longer_a_taxpayer_is_a_cancellation_when_asked_for() -> None:
    res = assess(chunk([]), S, only=["000000000000043"]).to_dicts()
    assert len(res) == 1 and res[0]["taxpayer_kind"] == "none" and res[0]["taxation"] == "cancelled"
    assert res[0]["total_tax"] == 0


def test_manifest_names_every_parameter_with_a_digest() -> None:
    used, fingerprint = manifest(S)
    assert "tax.individual_resident.collection.ordinary.installments" in used
    assert "tax.individual_resident.per_capita_levy.municipal" in used
    assert all(len(v["sha256"]) == 64 for k, v in used.items() if k.startswith("tax."))
    assert len(fingerprint) == 64 and manifest(S)[1] == fingerprint
