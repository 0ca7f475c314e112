"""The online 児童手当 認定請求 (form ``child-allowance-claim``), both backends: the resident's submission
lands in the staff queue, the clerk identifies the claimant and the children in the registry and
applies it; the hand-off records the 認定請求 as a new case through the case service (version 1,
認定請求日 = the day it arrived), the application is 完了 with a link to the case, and the clerk certifies
it in the case screen. Without the children identified nothing is written."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from kikan.adapters.api.routes.welfare_cases import welfare_today
from kikan.adapters.db import applications_intake as intake
from kikan.adapters.db import welfare_feed
from kikan.adapters.db.tables.welfare import welfare_case
from kikan.applications import catalog, validate_submission
from kikan.core.temporal import JST
from tests.conftest import login_client, make_staff
from tests.integration.welfare.welfare_support import move_in, person, staff, versions

FORM = "child-allowance-claim"


def _today() -> date:
    from datetime import datetime

    return datetime.now(JST).date()


def _date(prefix: str, d: date) -> dict[str, str]:
    return {f"{prefix}.era": "西暦", f"{prefix}.year": str(d.year), f"{prefix}.month": str(d.month),
            f"{prefix}.day": str(d.day)}  # fmt: skip


def _submission(kids: list[tuple[str, str, date]]) -> dict[str, Any]:
    raw = {
        "claimant.family_name": "中村", "claimant.given_name": "葵", "claimant.family_name_kana": "ナカムラ",
        "claimant.given_name_kana": "アオイ", **_date("claimant.birth_date", date(1991, 6, 1)),
        "claimant.address": "東京都千代田区松町１番地", "claimant.phone": "03-1234-5678", "claimant.employment": "other",
        "consent.confirmed": "on", "_count.children": str(len(kids)),
    }  # fmt: skip
    for i, (given, kana, born) in enumerate(kids):
        raw |= {f"children.{i}.family_name": "中村", f"children.{i}.given_name": given,
                f"children.{i}.family_name_kana": "ナカムラ", f"children.{i}.given_name_kana": kana,
                **_date(f"children.{i}.birth_date", born), f"children.{i}.relationship": "子",
                f"children.{i}.living": "together"}  # fmt: skip
    form = catalog().get(FORM)
    assert form is not None
    sub = validate_submission(form, raw, today=_today())
    assert sub.ok, sub.errors
    return sub.data


def _household(db: Any, tenant_id: str) -> tuple[str, str, str]:
    on = (_today() - timedelta(days=40)).isoformat()
    ctx = staff(tenant_id)
    r = move_in(db, ctx, [person("中村", "葵", "1991-06-01", "世帯主", "2", kana="ナカムラ"),
                          person("中村", "湊", "2016-05-05", "子"), person("中村", "凛", "2020-10-10", "子")], on)  # fmt: skip
    welfare_feed.poll(db, tenant_id)
    return r.addressee_nos  # type: ignore[no-any-return]


def _version(page: str) -> str:
    m = re.search(r'name="version" value="(\d+)"', page)
    assert m, "the application page shows its version"
    return m.group(1)


def test_online_claim_lands_in_the_queue_and_becomes_a_case(app, db, tenant_id):
    mother, older, younger = _household(db, tenant_id)
    born = {"湊": date(2016, 5, 5), "凛": date(2020, 10, 10)}
    receipt = intake.submit(db, tenant_id, catalog().get(FORM), _submission([("湊", "ミナト", born["湊"]),  # type: ignore[arg-type]
                            ("凛", "リン", born["凛"])]), idempotency_key=uuid.uuid4().hex, client_addr="203.0.113.9",
                            request_id="req-w1", server_secret="secret")  # fmt: skip
    clerk = login_client(app, make_staff(db, tenant_id, ["welfare_clerk", "registry_clerk"]))

    queue = clerk.get("/applications")
    assert queue.status_code == 200 and receipt.receipt_no in queue.text and "児童手当 認定請求" in queue.text
    welfare_only = login_client(app, make_staff(db, tenant_id, ["registry_clerk"]))  # no welfare.write
    assert receipt.receipt_no not in welfare_only.get("/applications").text

    # applying before the children are identified is refused and writes nothing
    page = clerk.get(f"/applications/{receipt.receipt_no}").text
    refused = clerk.post(f"/applications/{receipt.receipt_no}/apply", data={"version": _version(page)})
    assert refused.status_code == 422 and "請求者を住民記録から特定して" in refused.text
    with db.uow(staff(tenant_id)) as uow:
        n = uow.conn.execute(sa.select(sa.func.count()).select_from(welfare_case)
                             .where(welfare_case.c.tenant_id == tenant_id)).scalar()  # fmt: skip
    assert n == 0

    for path, no in (("claimant.addressee_no", mother), ("children.0.addressee_no", older),
                     ("children.1.addressee_no", younger)):  # fmt: skip
        page = clerk.get(f"/applications/{receipt.receipt_no}").text
        r = clerk.post(f"/applications/{receipt.receipt_no}/identify",
                       data={"path": path, "value": no, "version": _version(page)}, follow_redirects=False)  # fmt: skip
        assert r.status_code == 303, r.text
    page = clerk.get(f"/applications/{receipt.receipt_no}").text
    done = clerk.post(f"/applications/{receipt.receipt_no}/apply", data={"version": _version(page)})
    assert done.status_code == 200 and "適用しました" in done.text and "児童手当 認定請求（受給者番号" in done.text
    case_id = re.search(r'href="/welfare/cases/(\d{10})"', done.text).group(1)  # type: ignore[union-attr]

    [v1] = versions(db, staff(tenant_id), case_id)
    assert (v1.reason_code, v1.status, v1.recorded_by != "", v1.monthly_amount) == ("claim", "claimed", True, 0)
    assert v1.state["recipient"] == mother and v1.state["claim_on"] == _today().isoformat()
    assert [(c["child_id"], c["name"]) for c in v1.state["children"]] == [(older, "中村\u3000湊"), (younger, "中村\u3000凛")]
    assert v1.state["recipient_kana"] == "ナカムラ\u3000アオイ" and v1.state["public_servant"] is False

    # the clerk decides in the case screen: 認定 from the month after the claim
    app.dependency_overrides[welfare_today] = _today
    case_page = clerk.get(f"/welfare/cases/{case_id}").text
    assert "認定請求中" in case_page and "中村　湊" in case_page
    ok = clerk.post(f"/welfare/cases/{case_id}/certify", data={"expected_version": "1"})
    assert ok.status_code == 200 and "認定（受給中）" in ok.text and "20,000円" in ok.text
    assert [v.reason_code for v in versions(db, staff(tenant_id), case_id)] == ["claim", "certify"]
