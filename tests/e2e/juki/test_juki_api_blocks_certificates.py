"""抑止・支援措置 and 証明書 API (標準仕様書 3.1, 3.4, 5.1; 住民基本台帳法第12条)."""

from __future__ import annotations

import sqlalchemy as sa

from kikan.adapters.db.tables.juki import juki_certificate_issue
from tests.e2e.juki.conftest import audits, person, seed_household, token_client

ISSUE = "/api/v1/juki/certificates"


def _issued(owner_engine, tenant_id) -> int:
    c = juki_certificate_issue.c
    with owner_engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(juki_certificate_issue)
                                .where(c.tenant_id == tenant_id)).scalar_one())  # fmt: skip


def test_resident_copy_is_a_pdf_with_its_issue_number(db, app, tenant_id, owner_engine):
    seeded = seed_household(db, tenant_id, person(), person(given="花子", gkana="ハナコ", sex="2", rel="妻"))
    c = token_client(app, db, tenant_id, "registry_clerk")
    r = c.post(
        ISSUE, json={"household_no": seeded.household_no, "requester": "本人", "purpose": "勤務先提出"}
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF")
    assert r.headers["x-kikan-issue-no"] == "R6-000001" and r.headers["x-kikan-pages"] == "1"
    r2 = c.post(ISSUE, json={"addressee_nos": [seeded.addressee_nos[1]], "options": {"layout": "individual"}})
    assert r2.status_code == 200 and r2.headers["x-kikan-issue-no"] == "R6-000002"
    hist = c.get(f"/api/v1/juki/residents/{seeded.addressee_nos[1]}/certificates").json()
    assert [h["issue_no"] for h in hist] == ["R6-000002", "R6-000001"] and hist[0]["channel"] == "api"
    assert {a.target_id for a in audits(owner_engine, tenant_id, "juki.certificate.issue")} == set(
        seeded.addressee_nos
    )


def test_bad_certificate_request_is_422_and_issues_nothing(db, app, tenant_id, owner_engine):
    no = seed_household(db, tenant_id, person()).addressee_nos[0]
    c = token_client(app, db, tenant_id, "registry_clerk")
    r = c.post(ISSUE, json={"addressee_nos": [no], "options": {"layout": "sideways"}})
    assert r.status_code == 422 and any("様式" in e["field"] for e in r.json()["error"]["errors"])
    r = c.post(
        ISSUE, json={"kind": "removed_copy", "addressee_nos": [no], "options": {"layout": "individual"}}
    )
    assert r.status_code == 422 and "消除されていません" in r.text
    r = c.post(ISSUE, json={"addressee_nos": [no], "options": {"show_mynumber": True}})
    assert r.status_code == 403 and "個人番号" in r.json()["error"]["message"]
    assert _issued(owner_engine, tenant_id) == 0


def test_support_measure_refuses_the_copy_unless_the_supervisor_releases_it(db, app, tenant_id, owner_engine):
    seeded = seed_household(db, tenant_id, person(), person(given="花子", gkana="ハナコ", sex="2", rel="妻"))
    victim = seeded.addressee_nos[1]
    boss = token_client(app, db, tenant_id, "registry_supervisor")
    r = boss.post("/api/v1/juki/support-measures", json={"addressee_no": victim, "start_on": "2024-04-10"})
    assert r.status_code == 201 and r.json()["support_stage"] == "provisional", r.text
    clerk = token_client(app, db, tenant_id, "registry_clerk")
    r = clerk.post(ISSUE, json={"household_no": seeded.household_no})
    assert r.status_code == 403 and r.json()["error"]["code"] == "blocked"
    assert "支援措置の対象者が含まれるため交付できません" in r.json()["error"]["message"]
    r = clerk.post(ISSUE, json={"household_no": seeded.household_no, "supervisor_release": "審査済み"})
    assert r.status_code == 403 and "解除権限がありません" in r.json()["error"]["message"]
    r = boss.post(ISSUE, json={"household_no": seeded.household_no})
    assert r.status_code == 403
    assert _issued(owner_engine, tenant_id) == 0
    r = boss.post(
        ISSUE, json={"household_no": seeded.household_no, "supervisor_release": "本人の請求。審査済み"}
    )
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    c = juki_certificate_issue.c
    with owner_engine.connect() as conn:
        released = conn.execute(sa.select(c.released_by).where(c.tenant_id == tenant_id)).scalar_one()
    assert released is not None
    denials = [a for a in audits(owner_engine, tenant_id, "juki.block.enforce") if a.action == "deny"]
    assert len(denials) == 3
    clerk_view = clerk.get(f"/api/v1/juki/residents/{victim}").json()
    assert clerk_view["flags"] == ["support"] and clerk_view["masked"] is True
    assert clerk_view["record"]["address"].startswith("（支援措置対象者")
    assert (
        boss.get(f"/api/v1/juki/residents/{victim}").json()["record"]["address"] == "東京都千代田区松町１番地"
    )


def test_block_lifecycle_set_temporary_release_release(db, app, tenant_id):
    no = seed_household(db, tenant_id, person()).addressee_nos[0]
    boss = token_client(app, db, tenant_id, "registry_supervisor")
    r = boss.post("/api/v1/juki/blocks", json={"addressee_no": no, "processes": ["certificate"], "level": "error",
                                               "start_on": "2024-04-01", "reason": "調査中"})  # fmt: skip
    assert r.status_code == 201, r.text
    block_id = r.json()["block_id"]
    assert r.json()["label"] == "証明書発行抑止（エラー）"
    assert boss.post(ISSUE, json={"addressee_nos": [no]}).status_code == 403
    r = boss.post(f"/api/v1/juki/blocks/{block_id}/temporary-release", json={"minutes": 10})
    assert r.status_code == 200 and r.json()["temporarily_released"] is True
    assert boss.post(ISSUE, json={"addressee_nos": [no]}).status_code == 200
    r = boss.post(f"/api/v1/juki/blocks/{block_id}/release", json={"reason": "調査終了"})
    assert r.status_code == 200 and r.json()["released_on"] == "2024-04-10"
    assert boss.post(f"/api/v1/juki/blocks/{block_id}/release", json={}).status_code == 409
    listed = boss.get("/api/v1/juki/blocks", params={"addressee_no": no, "include_released": "true"}).json()
    assert [b["block_id"] for b in listed] == [block_id]
    bad = boss.post("/api/v1/juki/blocks", json={"addressee_no": no, "processes": ["teleport"], "level": "error",
                                                 "start_on": "2024-04-01"})  # fmt: skip
    assert bad.status_code == 422


def test_support_measure_approve_extend_end(db, app, tenant_id):
    no = seed_household(db, tenant_id, person()).addressee_nos[0]
    boss = token_client(app, db, tenant_id, "registry_supervisor")
    sid = boss.post(
        "/api/v1/juki/support-measures", json={"addressee_no": no, "start_on": "2023-05-01"}
    ).json()["block_id"]
    r = boss.post(f"/api/v1/juki/support-measures/{sid}/approve", json={"start_on": "2023-05-01"})
    assert (
        r.status_code == 200
        and r.json()["end_on"] == "2024-04-30"
        and r.json()["support_stage"] == "approved"
    )
    assert "1か月以内" in r.json()["alert"]
    expiring = boss.get("/api/v1/juki/support-measures/expiring").json()
    assert [b["block_id"] for b in expiring] == [sid]
    r = boss.post(f"/api/v1/juki/support-measures/{sid}/extend", json={})
    assert (
        r.status_code == 200 and r.json()["start_on"] == "2024-05-01" and r.json()["end_on"] == "2025-04-30"
    )
    new_id = r.json()["block_id"]
    assert boss.post(f"/api/v1/juki/support-measures/{new_id}/end", json={"reason": ""}).status_code == 422
    r = boss.post(f"/api/v1/juki/support-measures/{new_id}/end", json={"reason": "申出者からの終了の申出"})
    assert r.status_code == 200 and r.json()["released_on"] == "2024-04-10"
