"""An outside system, with nothing but HTTP, pulls the online applications (``applications.submitted``):
every 受付 and status change exactly once, in commit order, across a restart of the server, and the
same records as a CSV file; it cannot read a dataset it was not granted."""

from __future__ import annotations

import csv
import io
import uuid

import httpx

from kikan.adapters.api.app import create_app
from kikan.adapters.db import applications_intake as intake
from kikan.adapters.db import applications_review as review
from kikan.adapters.db.database import Database
from kikan.applications import catalog
from kikan.applications.status import Status
from kikan.config import Settings
from tests.e2e.browser import live_server
from tests.e2e.linkage.test_outside_client import OutsideSystem
from tests.integration.linkage.linkage_support import client


def submit(db, tenant_id: str, family: str) -> str:  # type: ignore[no-untyped-def]
    form = catalog().get("move-out")
    assert form is not None
    data = {"applicant": {"family_name": family, "given_name": "花子"},
            "move": {"kind": "domestic", "planned_on": "2026-12-03"}}  # fmt: skip
    return intake.submit(db, tenant_id, form, data, idempotency_key=uuid.uuid4().hex, client_addr="203.0.113.9",
                         request_id="e2e", server_secret="e2e-secret").receipt_no  # fmt: skip


def status(db, ctx, receipt_no: str, new: Status, note: str | None = None) -> None:  # type: ignore[no-untyped-def]
    review.change_status(db, ctx, catalog(), receipt_no, new, expected_version=None, note=note)


def keys(items: list[dict]) -> list[tuple[str, str]]:
    return [(i["data"]["receipt_no"], i["data"]["status"]) for i in items]


def test_outside_client_pulls_applications_once_in_order_across_a_restart(db, db_url, app, ctx, tmp_path):
    cid, secret = client(db, ctx.tenant_id, ("applications.submitted",))
    cursor = tmp_path / "applications.cursor"
    a, b = submit(db, ctx.tenant_id, "山田"), submit(db, ctx.tenant_id, "佐藤")
    expected = [(a, "received"), (b, "received")]
    received: list[dict] = []
    with live_server(app) as base:
        outside = OutsideSystem(base, cid, secret, cursor, dataset="applications.submitted")
        first = outside.pull()
        assert keys(first) == expected
        received += first
        status(db, ctx, a, Status.REVIEWING)
        c = submit(db, ctx.tenant_id, "鈴木")
        second = outside.pull()
        assert keys(second) == [(a, "reviewing"), (c, "received")]
        received += second
        assert outside.pull() == []
        h = {"Authorization": f"Bearer {outside.token()}"}
        other = outside.http.get("/api/v1/linkage/juki.residents/changes", headers=h)
        assert other.status_code == 403 and other.json()["error"]["code"] == "insufficient_scope"
        outside.close()
    expected += [(a, "reviewing"), (c, "received")]

    status(db, ctx, b, Status.REJECTED, "重複した申請です")
    expected.append((b, "rejected"))
    restarted = create_app(
        Settings(database_url=db_url, secret_key="after-restart", log_json=True), Database(db_url)
    )
    with live_server(restarted) as base2:
        outside = OutsideSystem(base2, cid, secret, cursor, dataset="applications.submitted")
        third = outside.pull()
        assert keys(third) == [(b, "rejected")]
        received += third
        h = {"Authorization": f"Bearer {outside.token()}"}
        with httpx.Client(base_url=base2, timeout=30) as plain:
            r = plain.get(
                "/api/v1/linkage/applications.submitted/export", params={"header": "name"}, headers=h
            )
        assert r.status_code == 200
        table = list(csv.reader(io.StringIO(r.content.decode("utf-8"), newline="")))
        receipt, state = table[0].index("receipt_no"), table[0].index("status")
        assert [(x[receipt], x[state]) for x in table[1:]] == expected
        outside.close()

    assert keys(received) == expected, "every committed change, in commit order"
    assert len({i["id"] for i in received}) == len(received), "none twice"
    assert [i["seq"] for i in received] == sorted(i["seq"] for i in received)
