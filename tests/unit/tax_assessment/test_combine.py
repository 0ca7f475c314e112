"""Combining 課税資料 into one person's inputs (rules in kikan.tax.individual_resident.combine)."""

from __future__ import annotations

import polars as pl

from kikan.tax.individual_resident.columns import TAXPAYER_INPUTS
from kikan.tax.individual_resident.combine import RECORD_SCHEMA, combine
from kikan.tax.individual_resident.income_records import RECORD_INPUTS

A, B = "000000000000019", "000000000000027"


def record(no: str, seq: int, kind: str, *, payer: str | None = None, special: int = 0, rid: str | None = None,
           **values: int) -> dict:  # fmt: skip
    base = {k: TAXPAYER_INPUTS[k][0] for k in RECORD_INPUTS}
    base.update(values)
    return {"record_id": rid or f"r{seq}", "version": 1, "addressee_no": no, "source_kind": kind, "payer_id": payer,
            "special_collection": special, "seq": seq, **base}  # fmt: skip


def run(*records: dict) -> dict[str, dict]:
    out = combine(pl.DataFrame(list(records), schema=RECORD_SCHEMA))
    return {r["addressee_no"]: r for r in out.iter_rows(named=True)}


def test_salaries_from_several_employers_and_their_deductions_are_summed() -> None:
    got = run(
        record(
            A,
            0,
            "salary_report",
            payer="E1",
            special=1,
            salary_revenue=4_000_000,
            social_insurance=600_000,
            life_new_general=80_000,
            disability=1,
        ),  # fmt: skip
        record(A, 1, "salary_report", payer="E2", special=1, salary_revenue=900_000, social_insurance=50_000),
        record(A, 2, "pension_report", payer="P1", special=1, pension_revenue=1_200_000),
    )[A]
    assert got["salary_revenue"] == 4_900_000 and got["pension_revenue"] == 1_200_000
    assert got["social_insurance"] == 650_000 and got["life_new_general"] == 80_000 and got["disability"] == 1
    assert got["salary_payer_id"] == "E1" and got["pension_special"] == 1
    assert got["primary_record_id"] == "r0"  # largest 給与収入 + 年金収入 carries the relatives


def test_the_latest_return_is_used_alone_and_may_give_intermediates() -> None:
    got = run(
        record(A, 0, "salary_report", payer="E1", special=1, salary_revenue=3_000_000),
        record(
            A, 1, "final_return", salary_revenue=3_000_000, business_income=500_000, medical_expenses=300_000
        ),
        record(
            A,
            2,
            "resident_return",
            salary_revenue=3_000_000,
            business_income=600_000,
            given_total_income=2_500_000,
        ),
        record(B, 3, "other", public_assistance=1, given_total_income=9),
    )
    a, b = got[A], got[B]
    assert (
        a["business_income"] == 600_000
        and a["medical_expenses"] == 0
        and a["given_total_income"] == 2_500_000
    )
    assert a["primary_record_id"] == "r2" and a["salary_payer_id"] == "E1"
    assert b["public_assistance"] == 1 and b["given_total_income"] == -1  # intermediates only from returns


def test_ordinary_collection_reports_and_ties() -> None:
    got = run(
        record(A, 0, "salary_report", payer="E1", special=0, salary_revenue=2_000_000),
        record(A, 1, "salary_report", payer="E2", special=1, salary_revenue=1_000_000),
        record(B, 2, "salary_report", payer="E3", special=1, salary_revenue=1_000_000),
        record(B, 3, "salary_report", payer="E4", special=1, salary_revenue=1_000_000),
    )
    assert got[A]["salary_payer_id"] == "E2"  # the only report asking for 特別徴収
    assert got[A]["primary_record_id"] == "r0"
    assert got[B]["salary_payer_id"] == "E4" and got[B]["primary_record_id"] == "r3"  # tie: received last


def test_single_records_keep_their_values_and_empty_input() -> None:
    got = run(
        record(
            A, 0, "pension_report", payer="P1", special=0, pension_revenue=2_000_000, given_aggregate_income=5
        )
    )
    assert got[A]["pension_special"] == 0 and got[A]["given_aggregate_income"] == -1
    assert got[A]["salary_payer_id"] is None
    assert run() == {}
