"""改製・再製 API next to the other 異動, 一括改製 by calls that continue, the 改製原住民票 read,
and 改製原住民票の写し through the certificate API (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from kikan.adapters.api.routes.juki_common import juki_today
from tests.e2e.juki.conftest import (  # noqa: F401
    TODAY,
    mynumber_key,
    person,
    seed_household,
    token_client,
)


@pytest.fixture(autouse=True)
def fixed_today(app: Any) -> Iterator[date]:
    app.dependency_overrides[juki_today] = lambda: TODAY
    yield TODAY
    app.dependency_overrides.pop(juki_today, None)


def test_remake_reproduce_batch_and_original_through_the_api(db, app, tenant_id):
    r1 = seed_household(
        db, tenant_id, person(), person(given="花子", gkana="ハナコ", born="1987-02-03", sex="2", rel="妻")
    )
    r2 = seed_household(
        db, tenant_id, person(family="山田", fkana="ヤマダ"), address="東京都千代田区竹町２番地"
    )
    c = token_client(app, db, tenant_id, "registry_clerk")
    head = r1.addressee_nos[0]

    r = c.post("/api/v1/juki/moves/remake", json={"addressee_nos": [head], "event_on": "2024-04-08",
                                                  "reason_text": "様式の変更"})  # fmt: skip
    assert r.status_code == 201, r.text
    assert (r.json()["event_code"], r.json()["event_name"], r.json()["history_nos"]) == (
        "141",
        "改製（記載）",
        [2, 3],
    )
    r = c.post("/api/v1/juki/moves/remake", json={"addressee_nos": [head], "event_on": "2024-04-30"})
    assert r.status_code == 422 and any(e["field"] == "異動日" for e in r.json()["error"]["errors"])

    originals = c.get(f"/api/v1/juki/residents/{head}/remade-originals")
    assert originals.status_code == 200, originals.text
    [orig] = originals.json()
    assert (orig["history_no"], orig["closed_on"], orig["reason"]) == (2, "2024-04-08", "様式の変更")
    assert orig["retain_until"] == "2174-04-08" and orig["record"]["removal_reason"] == "改製"
    assert [h["event_code"] for h in orig["history"]] == ["101", "241"]

    cert = c.post("/api/v1/juki/certificates", json={
        "kind": "remade_original_copy", "addressee_nos": [head], "options": {"layout": "individual"}})  # fmt: skip
    assert cert.status_code == 200, cert.text
    assert (
        cert.headers["content-type"] == "application/pdf" and cert.headers["X-Kikan-Issue-No"] == "R6-000001"
    )

    r = c.post("/api/v1/juki/moves/reproduce", json={"addressee_nos": [r2.addressee_nos[0]], "event_on": "2024-04-09",
                                                     "reason_text": "き損"})  # fmt: skip
    assert r.status_code == 201 and r.json()["event_code"] == "151"

    # 一括改製: one household per call, then the rest, then nothing
    body = {"remade_on": "2024-04-10", "limit": 1}
    first = c.post("/api/v1/juki/moves/remake-batch", json=body).json()
    assert (first["households"], first["more"]) == (1, True)
    second = c.post("/api/v1/juki/moves/remake-batch", json=body).json()
    assert (second["households"], second["more"]) == (1, False)
    third = c.post("/api/v1/juki/moves/remake-batch", json=body).json()
    assert (third["households"], third["persons"], third["more"], third["skipped"]) == (0, 0, False, [])


def test_remake_needs_the_write_permission(db, app, tenant_id):
    r1 = seed_household(db, tenant_id, person())
    c = token_client(app, db, tenant_id, "tenant_admin")  # juki.read without juki.write
    r = c.post(
        "/api/v1/juki/moves/remake", json={"addressee_nos": r1.addressee_nos, "event_on": "2024-04-08"}
    )
    assert r.status_code == 403
    assert c.post("/api/v1/juki/moves/remake-batch", json={"remade_on": "2024-04-08"}).status_code == 403
