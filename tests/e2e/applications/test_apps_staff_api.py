"""The staff API ``/api/v1/applications``: queue, detail, corrections, apply, status; permissions."""

from __future__ import annotations

import sqlalchemy as sa
from apps_e2e_support import confirm, move_out_form, receipt_of, resident, submit_confirmed
from fastapi.testclient import TestClient

from kikan.adapters.db.tables.core import staff_account
from kikan.adapters.security import accounts
from tests.conftest import make_staff
from tests.integration.applications.apps_support import HANAKO, seed


def _token_client(app, db, tenant_id, *roles):  # type: ignore[no-untyped-def]
    login = make_staff(db, tenant_id, list(roles))
    with db.control() as conn:
        acc = conn.execute(sa.select(staff_account.c.account_id).where(staff_account.c.login == login)).scalar_one()
    c = TestClient(app)
    c.headers["Authorization"] = f"Bearer {accounts.issue_token(db, acc, tenant_id, 'e2e')}"
    return c


def _submitted(app, tenant_id, **over):  # type: ignore[no-untyped-def]
    c = resident(app)
    return receipt_of(submit_confirmed(c, tenant_id, confirm(c, tenant_id, move_out_form(**over)).text).text)


def test_queue_correct_apply_through_the_api(app, db, tenant_id):
    (no,) = seed(db, tenant_id, HANAKO)
    receipt, _ = _submitted(app, tenant_id)
    api = _token_client(app, db, tenant_id, "registry_clerk")

    forms = api.get("/api/v1/applications/forms").json()
    assert {f["id"] for f in forms} >= {"move-out", "resident-copy-by-post"}
    definition = api.get("/api/v1/applications/forms/move-out").json()
    assert definition["target"]["fields"]["addressee_nos"] == {"from": "persons[].addressee_no", "join": "\u3000",
                                                                "label": False}  # fmt: skip
    page = api.get("/api/v1/applications", params={"status": "received"}).json()
    assert page["total"] == 1 and page["items"][0]["receipt_no"] == receipt and page["items"][0]["status_name"] == "受付"

    detail = api.get(f"/api/v1/applications/{receipt}").json()
    assert detail["todo"] == ["転出する方（1人目）の宛名番号"] and detail["version"] == 1
    assert detail["command"]["event_on"] == detail["data"]["move"]["planned_on"]

    bad = api.post(f"/api/v1/applications/{receipt}/corrections",
                   json={"values": {"persons.0.addressee_no": "12x"}, "expected_version": 1})  # fmt: skip
    assert bad.status_code == 422 and bad.json()["error"]["errors"][0]["field"] == "転出する方（1人目）の宛名番号"
    ok = api.post(f"/api/v1/applications/{receipt}/corrections",
                  json={"values": {"persons.0.addressee_no": no}, "reason": "本人確認済み", "expected_version": 1})  # fmt: skip
    assert ok.status_code == 200 and ok.json()["version"] == 2
    assert ok.json()["changes"] == [{"path": "persons.0.addressee_no", "label": "転出する方（1人目）の宛名番号",
                                      "before": None, "after": no}]  # fmt: skip

    stale = api.post(f"/api/v1/applications/{receipt}/apply", json={"expected_version": 1})
    assert stale.status_code == 409
    done = api.post(f"/api/v1/applications/{receipt}/apply", json={"expected_version": 2})
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed" and done.json()["result"]["event_code"] == "201"

    resident_now = api.get(f"/api/v1/juki/residents/{no}").json()
    assert resident_now["status"] == "removed"

    detail = api.get(f"/api/v1/applications/{receipt}").json()
    assert [s["status_name"] for s in detail["statuses"]] == ["受付", "審査中", "完了"]
    assert detail["corrections"][0]["reason"] == "本人確認済み"
    again = api.post(f"/api/v1/applications/{receipt}/apply", json={"expected_version": 3})
    assert again.status_code == 409 and "既に完了" in again.json()["error"]["message"]


def test_status_changes_and_their_validation(app, db, tenant_id):
    receipt, _ = _submitted(app, tenant_id)
    api = _token_client(app, db, tenant_id, "registry_clerk")
    r = api.post(f"/api/v1/applications/{receipt}/status", json={"status": "rejected", "expected_version": 1})
    assert r.status_code == 422 and r.json()["error"]["errors"][0]["field"] == "却下の理由"
    r = api.post(f"/api/v1/applications/{receipt}/status", json={"status": "completed", "expected_version": 1})
    assert r.status_code == 422
    r = api.post(f"/api/v1/applications/{receipt}/status", json={"status": "reviewing", "expected_version": 1})
    assert r.status_code == 200 and r.json()["status"] == "reviewing"


def test_permissions(app, db, tenant_id):
    receipt, _ = _submitted(app, tenant_id)
    assert TestClient(app).get("/api/v1/applications").status_code == 401
    tax = _token_client(app, db, tenant_id, "tax_clerk")
    assert tax.get("/api/v1/applications").status_code == 403
    assert tax.get(f"/api/v1/applications/{receipt}").status_code == 403
    admin = _token_client(app, db, tenant_id, "tenant_admin")  # juki.read only
    assert admin.post(f"/api/v1/applications/{receipt}/apply", json={"expected_version": 1}).status_code == 403
    clerk = _token_client(app, db, tenant_id, "registry_clerk")
    assert clerk.get("/api/v1/applications/0000000999").status_code == 404
    assert clerk.get("/api/v1/applications/forms/nope").status_code == 404
