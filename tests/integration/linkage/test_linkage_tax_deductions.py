"""``tax.assessment_status`` version 2: the four deduction amounts 児童扶養手当法施行令第4条第2項第1号
subtracts (雑損・医療費・小規模企業共済等掛金・配偶者特別控除), published by the tax business and used by the
welfare business's 児童扶養手当 所得 — and no status flag (障害者・寡婦・ひとり親) with them."""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tax"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "welfare"))
from tax_support import add_income, set_mynumber_key, tax_ctx  # type: ignore[import-not-found]  # noqa: E402
from welfare_support import certify, claim, move_in, person, staff, versions  # type: ignore[import-not-found]  # noqa: E402

from kikan.adapters.db import linkage_feed, tax_runs, welfare_tax_feed  # noqa: E402
from kikan.adapters.db.tables.welfare import welfare_income  # noqa: E402
from kikan.linkage import datasets, records  # noqa: E402
from kikan.welfare import month_index  # noqa: E402
from kikan.welfare.cases import IncomeFacts  # noqa: E402
from kikan.welfare.cases.amounts import compute  # noqa: E402

DS = datasets.REGISTRY["tax.assessment_status"]
DEDUCTIONS = {
    "casualty_deduction",
    "medical_deduction",
    "small_enterprise_deduction",
    "spouse_special_deduction",
}
V1 = {"fiscal_year", "addressee_no", "version", "valid_from", "kind", "household_no", "taxpayer_kind", "taxation",
      "taxation_ja", "declared", "total_income", "aggregate_income", "taxable_income", "salary_income",
      "pension_revenue", "pension_income", "household_members", "income_levy", "income_levy_municipal",
      "income_levy_prefectural", "per_capita", "per_capita_municipal", "per_capita_prefectural"}  # fmt: skip
MEDICAL = 400_000  # paid; the 医療費控除 is what exceeds 10万円 (総所得金額等 over 200万円)


@pytest.fixture(autouse=True)
def mynumber_key(monkeypatch: pytest.MonkeyPatch) -> None:
    set_mynumber_key(monkeypatch)


def _mother_and_child(db: Any, ctx: Any, family: str) -> tuple[str, str]:
    r = move_in(db, ctx, [person(family, "母", "1990-01-01", "世帯主", "2"), person(family, "子", "2018-03-03", "子")],
                "2020-04-01", f"東京都千代田区松町{len(family)}番地")  # fmt: skip
    mother, child = r.addressee_nos
    return mother, child


def _assessed(db: Any, tenant_id: str) -> tuple[Any, Any, str, str, str, str]:
    """Two single mothers with the same salary; one paid medical expenses (確定申告)."""
    ctx, tctx = staff(tenant_id), tax_ctx(tenant_id)
    plain, plain_child = _mother_and_child(db, ctx, "中村")
    medical, medical_child = _mother_and_child(db, ctx, "佐々木")
    add_income(db, tctx, plain, fiscal_year=2025, salary_revenue=2_600_000)
    add_income(db, tctx, medical, "final_return", fiscal_year=2025, salary_revenue=2_600_000,
               deductions={"medical_expenses": MEDICAL})  # fmt: skip
    tax_runs.run_assessment(db, tctx, 2025)
    return ctx, tctx, plain, plain_child, medical, medical_child


def _published(db: Any, tctx: Any) -> dict[str, dict[str, Any]]:
    with db.uow(tctx) as uow:
        page = linkage_feed.read_changes(uow.conn, uow.tenant_id, DS, None, 1000)
        snap = linkage_feed.read_snapshot(uow.conn, uow.tenant_id, DS, None, 1000)
    assert [i["data"] for i in page.items] == [i["data"] for i in snap.items]  # feed and snapshot agree
    return {i["data"]["addressee_no"]: i["data"] for i in page.items}


def test_the_record_has_the_four_deduction_amounts_and_validates(db, tenant_id):
    _, tctx, plain, _, medical, _ = _assessed(db, tenant_id)
    got = _published(db, tctx)
    assert DS.version == 2 and set(DS.field_names[-4:]) == DEDUCTIONS  # added at the end (version 2)
    schema = datasets.json_schema(DS)
    assert schema["x-kikan-version"] == 2 and set(schema["required"]) >= DEDUCTIONS
    for rec in got.values():
        assert set(rec) == V1 | DEDUCTIONS  # exactly: no status flag or count (障害者・寡婦・ひとり親)
        jsonschema_rs.validate(schema, rec)
    m, p = got[medical], got[plain]
    assert MEDICAL - 100_000 <= m["medical_deduction"] < MEDICAL and p["medical_deduction"] == 0
    assert m["casualty_deduction"] == m["small_enterprise_deduction"] == m["spouse_special_deduction"] == 0
    assert m["total_income"] == p["total_income"] > 0
    with pytest.raises(ValueError):  # a record with a status item is not a valid record
        jsonschema_rs.validate(schema, {**m, "single_parent_deduction": 0})
    assert [f.name for f in DS.csv_fields][-4:] == [f.name for f in DS.fields][-4:]
    assert records.tax_status(m) == m


def _income_row(db: Any, ctx: Any, who: str) -> dict[str, Any]:
    i = welfare_income.c
    with db.uow(ctx) as uow:
        (row,) = uow.conn.execute(sa.select(welfare_income).where(i.tenant_id == ctx.tenant_id, i.addressee_no == who)).mappings()  # fmt: skip
        return dict(row)


def _income_amount(trace: Any) -> int:
    """The 受給資格者's 所得額 in a case version's trace (the calculation core's note names it)."""
    found = re.findall(r"所得額 ([\d,]+)円", json.dumps(trace, ensure_ascii=False))
    assert found, trace
    return int(found[0].replace(",", ""))


class Fixed:
    def __init__(self, facts: IncomeFacts):
        self.facts = facts

    def income(self, addressee_no: str, year: int) -> IncomeFacts | None:
        return self.facts if year == 2024 else None


def test_a_medical_deduction_lowers_the_child_rearing_allowance_income(db, tenant_id):
    ctx, tctx, plain, plain_child, medical, medical_child = _assessed(db, tenant_id)
    got = _published(db, tctx)
    deduction = got[medical]["medical_deduction"]
    assert deduction > 0
    cases = {
        who: claim(db, ctx, who, [(kid, "2018-03-03")], "2025-12-10", allowance="child_rearing_allowance",
                   cra_reason="divorce", claimant_kind="mother")
        for who, kid in ((plain, plain_child), (medical, medical_child))
    }  # fmt: skip
    assert welfare_tax_feed.poll(db, tenant_id).applied == 2
    assert _income_row(db, ctx, medical)["deductions"] == deduction
    assert _income_row(db, ctx, plain)["deductions"] == 0
    done = {who: certify(db, ctx, c.case_id, "2025-12-10") for who, c in cases.items()}
    income = {who: _income_amount(versions(db, ctx, c.case_id)[-1].trace) for who, c in cases.items()}
    assert income[plain] - income[medical] == deduction > 0
    assert done[medical].monthly_amount > done[plain].monthly_amount  # lower 所得, higher 一部支給
    # the same facts without the deduction give the plain mother's 所得: the tax data made the difference
    row = _income_row(db, ctx, medical)
    facts = IncomeFacts(row["total_income"], {"salary_pension_income": row["salary_pension_income"],
                                              "other_income": row["other_income"], "dependants": row["dependants"]})  # fmt: skip
    jan = month_index(date(2026, 1, 1))
    without = compute(done[medical].state, jan, Fixed(facts))
    assert without.monthly_amount == done[plain].monthly_amount
