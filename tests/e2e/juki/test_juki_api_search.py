"""住民検索 API (標準仕様書 2.1): fuzzy kana, 和暦 birth dates, marks, masking, paging, audit."""

from __future__ import annotations

from tests.e2e.juki.conftest import audits, person, seed_household, token_client


def test_search_by_kana_birth_date_and_marks(db, app, tenant_id, owner_engine):
    a = seed_household(db, tenant_id, person(fkana="サトウ", family="佐藤"))
    seed_household(db, tenant_id, person(fkana="スズキ", family="鈴木", born="1990-01-01"))
    boss = token_client(app, db, tenant_id, "registry_supervisor")
    r = boss.get("/api/v1/juki/search", params={"kana": "サトオ"})
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["total"] == 1 and page["items"][0]["addressee_no"] == a.addressee_nos[0]
    assert page["items"][0]["status"] == "resident" and page["items"][0]["marks"] == []
    by_era = boss.get("/api/v1/juki/search", params={"birth_date": "昭和60年6月15日"}).json()
    assert [x["addressee_no"] for x in by_era["items"]] == a.addressee_nos
    boss.post(
        "/api/v1/juki/support-measures", json={"addressee_no": a.addressee_nos[0], "start_on": "2024-04-10"}
    )
    hit = boss.get("/api/v1/juki/search", params={"kana": "サトウ"}).json()["items"][0]
    assert (
        hit["marks"] == ["support"]
        and hit["protected"] is True
        and hit["address"] == "東京都千代田区松町１番地"
    )
    clerk = token_client(app, db, tenant_id, "registry_clerk")
    masked = clerk.get("/api/v1/juki/search", params={"kana": "サトウ"}).json()["items"][0]
    assert masked["address"].startswith("（支援措置対象者") and masked["marks"] == ["support"]
    assert len(audits(owner_engine, tenant_id, "juki.search")) == 4


def test_search_paging_and_bad_conditions(db, app, tenant_id):
    for i in range(3):
        seed_household(db, tenant_id, person(given=f"太郎{i}", born=f"198{i}-01-01"))
    c = token_client(app, db, tenant_id, "registry_clerk")
    first = c.get("/api/v1/juki/search", params={"kana": "アオキ", "limit": 2}).json()
    second = c.get("/api/v1/juki/search", params={"kana": "アオキ", "limit": 2, "offset": 2}).json()
    assert first["total"] == 3 and len(first["items"]) == 2 and len(second["items"]) == 1
    assert {x["addressee_no"] for x in first["items"]}.isdisjoint(
        {x["addressee_no"] for x in second["items"]}
    )
    r = c.get("/api/v1/juki/search")
    assert r.status_code == 422 and r.json()["error"]["errors"][0]["field"] == "検索条件"
    r = c.get("/api/v1/juki/search", params={"sex": "9"})
    assert r.status_code == 422 and r.json()["error"]["errors"][0]["field"] == "性別"
    r = c.get("/api/v1/juki/search", params={"birth_date": "昭和99年13月"})
    assert r.status_code == 422 and r.json()["error"]["errors"][0]["field"] == "生年月日"
