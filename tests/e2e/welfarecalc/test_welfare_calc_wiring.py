"""One-case 児童手当 / 児童扶養手当 calculations through the CLI and the API."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from kikan.adapters.cli.main import app as cli
from tests.conftest import login_client, make_staff

CA = {
    "period_from": "2025-05-01", "period_to": "2025-06-30", "claim_on": "2022-05-20",
    "guardians": [{"id": "parent", "income": 4_000_000}], "children": [{"id": "a", "birth_date": "2022-05-15"}],
}  # fmt: skip


def test_cli_child_allowance_amounts_by_month():
    out = CliRunner().invoke(cli, ["calc", "child-allowance", "-"], input=json.dumps(CA))
    assert out.exit_code == 0, out.output
    body = out.output
    assert "15000" in body and "10000" in body  # 3歳の誕生月まで 15,000, 翌月から 10,000


def test_cli_schemas_and_bad_input():
    for cmd in ("child-allowance", "child-rearing-allowance"):
        r = CliRunner().invoke(cli, ["calc", cmd, "--schema"])
        assert r.exit_code == 0 and '"properties"' in r.output
    bad = CliRunner().invoke(cli, ["calc", "child-allowance", "-"], input=json.dumps({**CA, "claim_on": "2025-02-30"}))
    assert bad.exit_code == 2 and "claim_on" in bad.output


def test_api_requires_welfare_permission(db, app, tenant_id):
    welfare = login_client(app, make_staff(db, tenant_id, ["welfare_clerk"]))
    r = welfare.post("/api/v1/welfare/child-allowance/calculate", json=CA)
    assert r.status_code == 200, r.text
    assert welfare.get("/api/v1/welfare/child-rearing-allowance/schema").status_code == 200
    bad = welfare.post("/api/v1/welfare/child-allowance/calculate", json={**CA, "children": "x"})
    assert bad.status_code == 422
    tax = login_client(app, make_staff(db, tenant_id, ["tax_clerk"]))
    assert tax.post("/api/v1/welfare/child-allowance/calculate", json=CA).status_code == 403
