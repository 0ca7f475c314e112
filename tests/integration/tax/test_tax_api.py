"""Staff API of the assessment (routes/tax_assessment.py): permissions, versions, trace, notices."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from tax_support import move_in_family, person

from kikan.adapters.db import tax_runs
from kikan.adapters.db.tables.core import audit_log
from tests.conftest import login_client, make_staff


@pytest.fixture(scope="module")
def tax_app(db, db_url):  # type: ignore[no-untyped-def]
    from kikan.adapters.api.app import create_app
    from kikan.adapters.api.routes import tax_assessment
    from kikan.config import Settings

    app = create_app(Settings(database_url=db_url, secret_key="test-secret", log_json=True), db)
    paths = {getattr(r, "path", "") for r in app.routes}
    if "/api/v1/tax/income-records" not in paths:  # until the lead includes the module in routes/tax.py
        for router in tax_assessment.routers():
            app.include_router(router)
    return app


def record(no: str, salary: int = 5_000_000, payer: str = "E0042") -> dict:
    return {"fiscal_year": 2026, "addressee_no": no, "source_kind": "salary_report", "payer_id": payer,
            "special_collection": True, "case": {"incomes": {"salary_revenue": salary},
                                                 "deductions": {"social_insurance": 700_000}}}  # fmt: skip


def test_tax_clerks_work_the_assessment_and_registry_clerks_cannot(db, ctx, tenant_id, tax_app) -> None:
    a, b = move_in_family(db, ctx, person(), person(given="花子", sex="2", born="1982-02-02", rel="妻"))
    c = login_client(tax_app, make_staff(db, tenant_id, ["tax_clerk"]))
    other = login_client(tax_app, make_staff(db, tenant_id, ["registry_clerk"]))
    assert other.get("/api/v1/tax/taxpayers", params={"fiscal_year": 2026, "q": a}).status_code == 403
    assert other.post("/api/v1/tax/income-records", json=record(a)).status_code == 403
    bad = c.post(
        "/api/v1/tax/income-records", json={**record(a), "case": {"incomes": {"salary_revenue": -5}}}
    )
    assert (
        bad.status_code == 422 and bad.json()["error"]["errors"][0]["field"] == "case.incomes.salary_revenue"
    )
    made = c.post("/api/v1/tax/income-records", json=record(a))
    assert made.status_code == 201, made.text
    rid = made.json()["record_id"]
    stale = c.put(f"/api/v1/tax/income-records/{rid}", json={"version": 9, "record": record(a, 5_100_000)})
    assert stale.status_code == 409
    assert (
        c.put(
            f"/api/v1/tax/income-records/{rid}", json={"version": 1, "record": record(a, 5_200_000)}
        ).status_code
        == 200
    )
    assert [v["version"] for v in c.get(f"/api/v1/tax/income-records/{rid}").json()["versions"]] == [1, 2]
    early = c.post(f"/api/v1/tax/assessments/2026/{a}/recompute", json={"reason": "テスト"})
    assert early.status_code == 409
    found = c.get("/api/v1/tax/taxpayers", params={"fiscal_year": 2026, "q": "ゼイタ"}).json()["items"]
    assert {x["addressee_no"] for x in found} == {a, b} and all(x["assessment"] is None for x in found)
    run = tax_runs.run_assessment(db, ctx.__class__(tenant_id, ctx.actor), 2026)
    assert run.taxpayers == 2
    got = c.get(f"/api/v1/tax/assessments/2026/{a}", params={"trace": "true"})
    assert got.status_code == 200, got.text
    body = got.json()
    assert (
        body["current"]["version"] == 1
        and body["trace"]["result"]["total_tax"] == body["current"]["total_tax"]
    )
    steps = {x["name"]: x for x in body["trace"]["result"]["trace"]["steps"]}
    assert (
        steps["taxable_income"]["rounding"]["unit"] == 1000
        and steps["total_tax"]["value"] == body["current"]["total_tax"]
    )
    assert body["trace"]["inputs"]["salary_revenue"] == 5_200_000 and body["trace"]["age"] == 45
    lines = body["schedule"]
    assert [x["method"] for x in lines] == ["salary"] * 12 and lines[0]["due_on"] == "2026-07-10"
    assert sum(x["amount"] for x in lines) == body["current"]["total_tax"]
    assert body["run"]["parameters"]["tax.individual_resident.collection.salary.unit"]["origin"] == "national"
    notice = c.get("/api/v1/tax/employers/E0042/notice", params={"fiscal_year": 2026}).json()
    assert [e["addressee_no"] for e in notice["employees"]] == [a] and notice["total"] == body["current"][
        "total_tax"
    ]
    assert len(notice["monthly_totals"]) == 12 and notice["months"][0] == "2026-06"
    assert c.get(f"/api/v1/tax/assessments/2026/{'000000000001007'}").status_code == 404
    assert c.get("/api/v1/tax/runs", params={"fiscal_year": 2026}).json()["items"][0]["status"] == "completed"
    assert c.get("/api/v1/tax/runs/annual-2026").json()["chunks"][0]["taxpayers"] == 2
    c.post("/api/v1/tax/income-records", json={**record(a), "source_kind": "final_return", "payer_id": None,
                                               "case": {"incomes": {"salary_revenue": 5_200_000},
                                                        "deductions": {"medical_expenses": 500_000, "social_insurance": 700_000}}})  # fmt: skip
    assert c.get("/api/v1/tax/corrections/pending", params={"fiscal_year": 2026}).json()["addressee_nos"] == [
        a
    ]
    fix = c.post(
        f"/api/v1/tax/assessments/2026/{a}/recompute", json={"reason": "確定申告", "valid_from": "2026-09-01"}
    )
    assert fix.status_code == 200 and fix.json()["changed"] and fix.json()["direction"] == "decrease"
    after = c.get(f"/api/v1/tax/assessments/2026/{a}").json()
    assert [v["version"] for v in after["versions"]] == [1, 2] and after["notices"][0][
        "direction"
    ] == "decrease"
    pub = c.get(
        "/api/v1/tax/published/assessment-status", params={"fiscal_year": 2026, "addressee_no": [a, b]}
    ).json()
    assert [(x["addressee_no"], x["version"]) for x in pub["items"]] == [(a, 2), (b, 1)]
    hh = c.get(
        "/api/v1/tax/published/household-status",
        params={"fiscal_year": 2026, "household_no": [body["current"]["household_no"]]},
    )
    assert hh.json()["items"][0]["members"] == 2
    with db.uow(ctx.__class__(tenant_id, ctx.actor)) as uow:
        reads = uow.conn.execute(sa.select(audit_log.c.function).where(
            audit_log.c.tenant_id == tenant_id, audit_log.c.action == "read")).scalars().all()  # fmt: skip
    assert {"tax.taxpayer.search", "tax.assessment", "tax.employer_notice", "tax.published"} <= set(reads)


def test_holders_api_and_unauthenticated_calls(db, tenant_id, tax_app) -> None:
    from fastapi.testclient import TestClient

    assert TestClient(tax_app).get("/api/v1/tax/runs", params={"fiscal_year": 2026}).status_code == 401
    c = login_client(tax_app, make_staff(db, tenant_id, ["tax_clerk"]))
    body = {"fiscal_year": 2026, "addressee_no": "900000000000014", "name": "家屋　持主", "address": "大阪府大阪市北区",
            "property_address": "東京都千代田区松町１番地", "reason": "固定資産課税台帳"}  # fmt: skip
    assert c.post("/api/v1/tax/non-resident-holders", json=body).status_code == 201
    assert c.post("/api/v1/tax/non-resident-holders", json=body).status_code == 409
    assert (
        c.post(
            "/api/v1/tax/non-resident-holders", json={**body, "version": 1, "name": "家屋　持主二"}
        ).status_code
        == 201
    )
    items = c.get("/api/v1/tax/non-resident-holders", params={"fiscal_year": 2026}).json()["items"]
    assert [(x["version"], x["name"]) for x in items] == [(2, "家屋　持主二")]
    assert c.post("/api/v1/tax/non-resident-holders", json={**body, "addressee_no": "123"}).status_code == 422
