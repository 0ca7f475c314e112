"""Helpers for the 申請管理 e2e tests: a resident's browser-like client and the posted forms."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.integration.applications.apps_support import today


def resident(app: Any, addr: str = "192.0.2.10") -> TestClient:
    return TestClient(app, client=(addr, 40000))


def hidden(page: str, name: str) -> str:
    m = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', page)
    assert m, f"no hidden {name}"
    return html.unescape(m.group(1))


def parts(prefix: str, d: date, era: str = "西暦") -> dict[str, str]:
    return {f"{prefix}.era": era, f"{prefix}.year": str(d.year), f"{prefix}.month": str(d.month),
            f"{prefix}.day": str(d.day)}  # fmt: skip


def move_out_form(**over: str) -> dict[str, str]:
    planned = today() + timedelta(days=7)
    return {
        "applicant.family_name": "山田", "applicant.given_name": "花子", "applicant.family_name_kana": "ヤマダ",
        "applicant.given_name_kana": "ハナコ", **parts("applicant.birth_date", date(1990, 2, 3)),
        "applicant.address": "東京都千代田区松町１番地", "applicant.phone": "03-1234-5678", "_count.persons": "1",
        "persons.0.family_name": "山田", "persons.0.given_name": "花子", "persons.0.family_name_kana": "ヤマダ",
        "persons.0.given_name_kana": "ハナコ", **parts("persons.0.birth_date", date(1990, 2, 3)),
        "persons.0.relationship": "世帯主", "move.kind": "domestic", **parts("move.planned_on", planned),
        "destination.address": "大阪府大阪市北区梅町３番地", "consent.confirmed": "on", **over,
    }  # fmt: skip


def open_form(c: TestClient, tenant_id: str, form_id: str = "move-out") -> dict[str, str]:
    r = c.get(f"/apply/{tenant_id}/{form_id}")
    assert r.status_code == 200, r.text
    return {"csrf_token": hidden(r.text, "csrf_token"), "_key": hidden(r.text, "_key")}


def confirm(c: TestClient, tenant_id: str, values: dict[str, str], form_id: str = "move-out") -> Any:
    tokens = open_form(c, tenant_id, form_id)
    return c.post(f"/apply/{tenant_id}/{form_id}", data={**tokens, **values, "_action": "confirm"})


def submit_confirmed(c: TestClient, tenant_id: str, confirm_page: str, form_id: str = "move-out") -> Any:
    return c.post(f"/apply/{tenant_id}/{form_id}/submit",
                  data={"csrf_token": hidden(confirm_page, "csrf_token"), "payload": hidden(confirm_page, "payload")})  # fmt: skip


def receipt_of(page: str) -> tuple[str, str]:
    no = re.search(r'id="receipt-no">([0-9-]+)<', page)
    secret = re.search(r'id="receipt-secret">([A-Z0-9-]+)<', page)
    assert no and secret, page[:2000]
    return no.group(1).replace("-", ""), secret.group(1)
