"""課税資料: validation, flattening to batch columns and back, and the CSV layout."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kikan.core.errors import ValidationFailed
from kikan.tax.individual_resident import calculate, case_columns
from kikan.tax.individual_resident.income_csv import parse_csv
from kikan.tax.individual_resident.income_records import (
    RECORD_INPUTS,
    case_from_columns,
    flatten,
    parse_record,
)

NO = "000000000000019"


def body(**kw: object) -> dict:
    return {"fiscal_year": 2026, "addressee_no": NO, "source_kind": "salary_report", "payer_id": "E1", **kw}


def test_bad_records_name_each_field_in_japanese() -> None:
    with pytest.raises(ValidationFailed) as e:
        parse_record(body(addressee_no="000000000000011", source_kind="pension_report", payer_id=None,
                          case={"incomes": {"salary_revenue": -1}, "bonus": 1}))  # fmt: skip
    fields = {x.field: x.message for x in e.value.errors}
    assert (
        "宛名番号" in fields["addressee_no"]
        and "支払者" in fields["payer_id"]
        and fields["case.bonus"] == "不明な項目です"
    )
    with pytest.raises(ValidationFailed) as e2:
        parse_record(body(case={"incomes": {"salary_revenue": -1}}))
    assert e2.value.errors[0].field == "case.incomes.salary_revenue"
    with pytest.raises(ValidationFailed) as e3:
        parse_record(body(source_kind="gift"))
    assert e3.value.errors[0].field == "source_kind"


def test_flatten_uses_the_one_case_columns_and_ignores_the_records_age() -> None:
    rec = parse_record(body(case={"taxpayer": {"age": 99, "widow": True}, "incomes": {"salary_revenue": 3_000_000},
                                  "deductions": {"medical_expenses": 300_000, "medical_reimbursement": 50_000},
                                  "spouse": {"age": 50, "total_income": 400_000},
                                  "dependants": [{"birth_date": "2010-05-05"}]}))  # fmt: skip
    values, relatives = flatten(rec)
    assert (
        values["salary_revenue"] == 3_000_000
        and values["widow"] == 1
        and values["medical_expenses"] == 250_000
    )
    assert "age" not in values
    assert [r["is_spouse"] for r in relatives] == [1, 0] and relatives[1]["age"] == 15


money = st.integers(0, 20_000_000)


@settings(max_examples=60, deadline=None)
@given(salary=money, pension=money, business=st.integers(-2_000_000, 9_000_000), social=st.integers(0, 2_000_000),
       life=st.integers(0, 200_000), disability=st.integers(0, 2), parent=st.integers(0, 2), hometown=money,
       spouse=st.one_of(st.none(), st.integers(0, 2_000_000)), kids=st.lists(st.integers(0, 25), max_size=3),
       age=st.integers(16, 95), given_total=st.integers(-1, 5_000_000))  # fmt: skip
def test_case_from_columns_is_the_inverse_of_case_columns(salary, pension, business, social, life, disability,
                                                          parent, hometown, spouse, kids, age, given_total) -> None:  # fmt: skip
    values = {k: 0 for k in RECORD_INPUTS} | {"given_total_income": given_total, "given_aggregate_income": -1,
              "given_income_deductions": -1, "salary_revenue": salary, "pension_revenue": pension,
              "business_income": business, "social_insurance": social, "life_new_general": life,
              "disability": disability, "single_parent": parent, "donation_hometown": hometown}  # fmt: skip
    rels = ([{"is_spouse": 1, "age": age, "total_income": spouse, "cohabiting_ascendant": 0, "disability": 0,
              "cohabiting": 1}] if spouse is not None else [])  # fmt: skip
    rels += [{"is_spouse": 0, "age": k, "total_income": 0, "cohabiting_ascendant": 0, "disability": 1,
              "cohabiting": 1} for k in kids]  # fmt: skip
    case = case_from_columns(2026, values, rels, age=age)
    cols, rel = case_columns(case)
    assert {k: int(cols[k][0]) for k in RECORD_INPUTS} == values and int(cols["age"][0]) == age
    assert rel.age.tolist() == [r["age"] for r in rels] and rel.is_spouse.astype(int).tolist() == [
        r["is_spouse"] for r in rels
    ]
    assert calculate(case).total_tax >= 0


CSV = (
    "\ufefffiscal_year,addressee_no,source_kind,payer_id,special_collection,salary_revenue,social_insurance,"
    "spouse_age,spouse_total_income,dependant1_age,dependant1_lineal_ascendant,dependant2_age,document_received_on\n"
    f"2026,{NO},salary_report,E1,1,4000000,600000,45,0,72,1,,2026-01-20\n"
    f"2026,{NO},final_return,,,4100000,610000,,,8,0,10,\n"
)


def test_csv_layout_parses_records_and_relatives() -> None:
    records, relatives = parse_csv(CSV.encode())
    assert records["line"].to_list() == [2, 3] and records["salary_revenue"].to_list() == [
        4_000_000,
        4_100_000,
    ]
    assert records["special_collection"].to_list() == [1, 0] and records["given_total_income"].to_list() == [
        -1,
        -1,
    ]
    rows = relatives.to_dicts()
    assert [(r["line"], r["seq"], r["is_spouse"], r["age"], r["cohabiting_ascendant"]) for r in rows] == [
        (2, 0, 1, 45, 0), (2, 1, 0, 72, 1), (3, 0, 0, 8, 0), (3, 1, 0, 10, 0)]  # fmt: skip
    cp932 = parse_csv(CSV.replace("\ufeff", "").encode("cp932"), "cp932")[0]
    assert cp932.height == 2


def test_csv_errors_name_line_and_column_and_nothing_is_returned() -> None:
    bad = (
        CSV
        + f"2026,{NO},salary_report,,1,abc,-5,,1,,,,2026-13-01\n"
        + "2026,000000000000011,gift,,2,0,0,,,,,,\n"
    )
    with pytest.raises(ValidationFailed) as e:
        parse_csv(bad.encode())
    fields = {x.field for x in e.value.errors}
    assert {"4行目 payer_id", "4行目 salary_revenue", "4行目 social_insurance", "4行目 spouse_age",
            "4行目 document_received_on", "5行目 addressee_no", "5行目 source_kind", "5行目 special_collection"} <= fields  # fmt: skip
    with pytest.raises(ValidationFailed) as e2:
        parse_csv(b"fiscal_year,addressee_no,colour\n2026,x,red\n")
    assert {x.field for x in e2.value.errors} == {"colour", "source_kind"}
    with pytest.raises(ValidationFailed):
        parse_csv("課税".encode("cp932"), "utf-8")


def test_flatten_matches_columns_dtype() -> None:
    values, _ = flatten(parse_record(body()))
    assert all(isinstance(v, int) for v in values.values()) and np.int64(values["salary_revenue"]) == 0
