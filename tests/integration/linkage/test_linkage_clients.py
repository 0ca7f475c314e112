"""Operators manage system clients through the API and the CLI; nobody else can."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from linkage_support import token_form

from tests.conftest import login_client, make_staff

BASE = "/api/v1/linkage"


@pytest.fixture
def operator(db, app, tenant_id):
    return login_client(app, make_staff(db, tenant_id, [], operator=True))


def test_operator_registers_grants_rotates_and_disables(db, app, operator, tenant_id):
    r = operator.post(f"{BASE}/clients", json={"name": "福祉システム", "client_id": f"welfare-{tenant_id}"})
    assert r.status_code == 201
    cid, secret = r.json()["client_id"], r.json()["client_secret"]
    assert len(secret) >= 43
    assert (
        operator.post(
            f"{BASE}/clients/{cid}/grants", json={"tenant_id": tenant_id, "dataset": "juki.moves"}
        ).status_code
        == 204
    )
    listed = {c["client_id"]: c for c in operator.get(f"{BASE}/clients").json()}
    assert listed[cid]["grants"] == [
        {"tenant_id": tenant_id, "dataset": "juki.moves"}
    ] and "secret" not in str(listed[cid])
    http = TestClient(app)
    assert http.post(f"{BASE}/token", data=token_form(cid, secret)).status_code == 200
    rot = operator.post(f"{BASE}/clients/{cid}/rotate", json={"grace_seconds": 60}).json()
    assert rot["client_secret"] != secret and rot["previous_valid_until"]
    assert http.post(f"{BASE}/token", data=token_form(cid, secret)).status_code == 200  # in the grace period
    assert operator.post(f"{BASE}/clients/{cid}/status", json={"status": "disabled"}).status_code == 204
    assert http.post(f"{BASE}/token", data=token_form(cid, rot["client_secret"])).status_code == 401
    assert operator.delete(f"{BASE}/clients/{cid}/grants/{tenant_id}/juki.moves").status_code == 204
    assert operator.delete(f"{BASE}/clients/{cid}/grants/{tenant_id}/juki.moves").status_code == 404


def test_bad_client_requests(db, operator, tenant_id):
    cid = operator.post(f"{BASE}/clients", json={"name": "x"}).json()["client_id"]
    assert operator.post(f"{BASE}/clients", json={"name": "y", "client_id": cid}).status_code == 409
    assert operator.post(f"{BASE}/clients", json={"name": "y", "client_id": "A B"}).status_code == 422
    bad_ds = operator.post(
        f"{BASE}/clients/{cid}/grants", json={"tenant_id": tenant_id, "dataset": "tax.secret"}
    )
    assert bad_ds.status_code == 422 and "tax.secret" in bad_ds.json()["error"]["message"]
    assert (
        operator.post(
            f"{BASE}/clients/{cid}/grants", json={"tenant_id": "470996", "dataset": "juki.moves"}
        ).status_code
        == 404
    )
    assert operator.post(f"{BASE}/clients/nobody/rotate", json={}).status_code == 404
    assert operator.post(f"{BASE}/clients/{cid}/rotate", json={"grace_seconds": -1}).status_code == 422


def test_non_operators_cannot_manage_clients(db, app, tenant_id):
    admin = login_client(app, make_staff(db, tenant_id, ["tenant_admin", "tax_clerk"]))
    assert admin.get(f"{BASE}/clients").status_code == 403
    assert admin.post(f"{BASE}/clients", json={"name": "x"}).status_code == 403


def test_cli_client_commands(db, db_url, tenant_id, monkeypatch):
    from typer.testing import CliRunner

    from kikan.adapters.cli.linkage import app_linkage
    from kikan.config import get_settings

    monkeypatch.setenv("KIKAN_DATABASE_URL", db_url)
    get_settings.cache_clear()
    try:
        run = CliRunner().invoke
        cid = f"cli-{tenant_id}"
        added = run(app_linkage, ["client", "add", "CLI連携", "--client-id", cid])
        assert added.exit_code == 0 and "client_secret:" in added.output
        g = run(app_linkage, ["client", "grant", cid, "--tenant", tenant_id, "--dataset", "juki.residents",
                              "--dataset", "juki.moves"])  # fmt: skip
        assert g.exit_code == 0
        assert f"{tenant_id}:juki.moves" in run(app_linkage, ["client", "list"]).output
        rot = run(app_linkage, ["client", "rotate", cid, "--grace-seconds", "30"])
        assert rot.exit_code == 0 and "30秒後" in rot.output
        assert (
            run(
                app_linkage, ["client", "revoke", cid, "--tenant", tenant_id, "--dataset", "juki.moves"]
            ).exit_code
            == 0
        )
        assert (
            run(
                app_linkage, ["client", "revoke", cid, "--tenant", tenant_id, "--dataset", "juki.moves"]
            ).exit_code
            == 2
        )
        assert (
            run(app_linkage, ["client", "grant", cid, "--tenant", tenant_id, "--dataset", "nope"]).exit_code
            == 2
        )
        assert run(app_linkage, ["client", "disable", cid]).exit_code == 0
        assert "[disabled]" in run(app_linkage, ["client", "list"]).output
        assert "juki.households" in run(app_linkage, ["datasets"]).output
        assert '"x-kikan-dataset"' in run(app_linkage, ["schema", "juki.moves"]).output
    finally:
        get_settings.cache_clear()
