"""The one-case 個人住民税 calculation through the CLI and the API (same code as the batch)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kikan.adapters.cli.main import app as cli
from tests.conftest import login_client, make_staff

CASE = {"fiscal_year": 2026, "taxpayer": {"age": 50}, "incomes": {"salary_revenue": 5_000_000}}


def test_cli_prints_result_with_trace():
    out = CliRunner().invoke(cli, ["calc", "individual-resident-tax", "-"], input=json.dumps(CASE))
    assert out.exit_code == 0, out.output
    result = json.loads(out.output)
    assert result["total_tax"] > 0 and result["trace"]
    assert result["total_tax"] == result["municipal_tax"] + result["prefectural_tax"] + result["forest_environment_tax"]


def test_cli_schema_and_bad_input():
    schema = CliRunner().invoke(cli, ["calc", "individual-resident-tax", "--schema"])
    assert schema.exit_code == 0 and "fiscal_year" in schema.output
    bad = CliRunner().invoke(
        cli, ["calc", "individual-resident-tax", "-"], input=json.dumps({**CASE, "incomes": {"salary_revenue": -1}})
    )
    assert bad.exit_code == 2 and "salary_revenue" in bad.output
    broken = CliRunner().invoke(cli, ["calc", "individual-resident-tax", "-"], input="{not json")
    assert broken.exit_code == 2 and "JSON" in broken.output


def test_api_matches_cli_and_needs_tax_permission(db, app, tenant_id):
    c = login_client(app, make_staff(db, tenant_id, ["tax_clerk"]))
    r = c.post("/api/v1/tax/individual-resident/calculate", json=CASE)
    assert r.status_code == 200, r.text
    cli_out = json.loads(CliRunner().invoke(cli, ["calc", "individual-resident-tax", "-"], input=json.dumps(CASE)).output)
    assert r.json()["total_tax"] == cli_out["total_tax"]
    bad = c.post("/api/v1/tax/individual-resident/calculate", json={**CASE, "fiscal_year": 1999})
    assert bad.status_code == 422 and bad.json()["error"]["errors"]
    clerk = login_client(app, make_staff(db, tenant_id, ["registry_clerk"]))
    assert clerk.post("/api/v1/tax/individual-resident/calculate", json=CASE).status_code == 403
