"""The welfare cases API: permissions, a claim to a payment file through HTTP, Japanese field errors."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kikan.adapters.api.routes import welfare_cases
from kikan.welfare import zengin
from tests.conftest import login_client, make_staff


@pytest.fixture(scope="module")
def wapp(db, db_url):
    from kikan.adapters.api.app import create_app
    from kikan.config import Settings

    app = create_app(Settings(database_url=db_url, secret_key="test-secret", log_json=True), db)
    if not any(getattr(r, "path", "").startswith("/api/v1/welfare/cases") for r in app.routes):
        for r in welfare_cases.routers():  # until the lead lists "welfare_cases" in app.py
            app.include_router(r)
    return app


def test_claim_to_payment_file_over_http(db, wapp, tenant_id):
    c = login_client(wapp, make_staff(db, tenant_id, ["welfare_clerk"]))
    wapp.dependency_overrides[welfare_cases.welfare_today] = lambda: date(2025, 2, 10)
    try:
        r = c.post("/api/v1/welfare/cases", json={"allowance": "child_allowance", "recipient": "000000000000019",
                   "claim_on": "2025-02-10", "children": [{"child_id": "000000000000027", "birth_date": "2020-01-01"}]})  # fmt: skip
        assert r.status_code == 201, r.text
        case_id = r.json()["case_id"]
        r = c.post(f"/api/v1/welfare/cases/{case_id}/certify", json={})
        assert r.status_code == 200 and r.json()["monthly_amount"] == 10000
        assert c.put("/api/v1/welfare/cases/payer/child_allowance", json={"requester_code": "1", "requester_name": "チヨダク",
                     "bank_code": "0001", "branch_code": "001", "account_no": "1"}).status_code == 200  # fmt: skip
        bad = c.put("/api/v1/welfare/cases/accounts/000000000000019", json={"bank_code": "0005", "branch_code": "123",
                    "account_no": "1234567", "holder_kana": "山田花子"})  # fmt: skip
        assert bad.status_code == 422 and bad.json()["error"]["errors"][0]["field"] == "holder_kana"
        ok = c.put("/api/v1/welfare/cases/accounts/000000000000019", json={"bank_code": "0005", "branch_code": "123",
                   "account_no": "1234567", "holder_kana": "ヤマダ ハナコ"})  # fmt: skip
        assert ok.status_code == 200
        wapp.dependency_overrides[welfare_cases.welfare_today] = lambda: date(2025, 4, 1)
        run = c.post(
            "/api/v1/welfare/cases/payment-runs",
            json={"allowance": "child_allowance", "payment_month": "2025-04"},
        )
        assert run.status_code == 200, run.text
        assert run.json()["summary"]["transfer"] == {"count": 1, "amount": 10000}
        f = c.get("/api/v1/welfare/cases/payment-runs/child_allowance/2025-04/zengin")
        assert f.status_code == 200 and len(f.content) == 4 * 122
        assert zengin.parse(f.content)[1][50:80].rstrip() == "ﾔﾏﾀﾞ ﾊﾅｺ"
        detail = c.get(f"/api/v1/welfare/cases/{case_id}?trace=true").json()
        assert [v["reason_code"] for v in detail["versions"]] == ["claim", "certify"]
        assert detail["versions"][1]["trace"]["core"]["steps"]
        assert c.get("/api/v1/welfare/cases?status=certified").json()[0]["case_id"] == case_id
        wrong = c.post(
            "/api/v1/welfare/cases/payment-runs",
            json={"allowance": "child_allowance", "payment_month": "2025-05"},
        )
        assert wrong.status_code == 422 and wrong.json()["error"]["errors"][0]["field"] == "payment_month"
    finally:
        wapp.dependency_overrides.clear()


def test_permissions(db, wapp, tenant_id):
    tax = login_client(wapp, make_staff(db, tenant_id, ["tax_clerk"]))
    assert tax.get("/api/v1/welfare/cases").status_code == 403
    assert tax.post("/api/v1/welfare/cases", json={}).status_code == 403
    clerk = login_client(wapp, make_staff(db, tenant_id, ["welfare_clerk"]))
    r = clerk.post("/api/v1/welfare/cases", json={"allowance": "child_allowance"})
    assert r.status_code == 422 and {e["field"] for e in r.json()["error"]["errors"]} >= {
        "recipient",
        "claim_on",
    }


def test_cli_pay_writes_the_files(db, db_url, tenant_id, tmp_path, monkeypatch):
    import typer
    from typer.testing import CliRunner
    from welfare_support import account, certify, claim, setup_payer, staff

    from kikan.adapters.cli import welfare as cli
    from kikan.core.temporal import FixedClock

    ctx = staff(tenant_id)
    setup_payer(db, ctx)
    c = claim(db, ctx, "000000000000019", [("000000000000027", "2020-01-01")], "2025-02-10")
    certify(db, ctx, c.case_id, "2025-02-20")
    account(db, ctx, "000000000000019")
    monkeypatch.setattr(cli.bootstrap, "database", lambda: db)
    monkeypatch.setattr(cli, "SystemClock", lambda: FixedClock(datetime(2025, 3, 1, tzinfo=UTC)))
    app = typer.Typer()
    app.add_typer(cli.app_welfare, name="welfare")
    r = CliRunner().invoke(app, ["welfare", "pay", "--tenant", tenant_id, "--allowance", "child_allowance",
                                 "--month", "2025-04", "--out", str(tmp_path)])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert (tmp_path / "zengin_1_202504.txt").stat().st_size == 4 * 122
    bad = CliRunner().invoke(app, ["welfare", "pay", "--tenant", tenant_id, "--allowance", "child_allowance",
                                   "--month", "2025-05", "--out", str(tmp_path)])  # fmt: skip
    assert bad.exit_code == 2 and "支払期月" in bad.output
