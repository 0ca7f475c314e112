"""異動 API: one POST per category, bad input → 422 naming the field with nothing written,
stale household version → 409, alerts returned (住民基本台帳法第22条〜第25条; 標準仕様書 4)."""

from __future__ import annotations

from tests.e2e.juki.conftest import (
    history_count,
    move_in_body,
    person,
    seed_household,
    staff_client,
    token_client,
)


def test_move_in_writes_the_household_and_returns_numbers(db, app, tenant_id, owner_engine):
    c = token_client(app, db, tenant_id, "registry_clerk")
    body = move_in_body(person(), person(given="花子", gkana="ハナコ", born="1987-02-03", sex="2", rel="妻"))
    r = c.post("/api/v1/juki/moves/move-in", json=body)
    assert r.status_code == 201, r.text
    out = r.json()
    assert out["event_name"] == "転入" and out["event_code"] == "101"
    assert len(out["addressee_nos"]) == 2 and out["history_nos"] == [1, 1]
    assert out["warnings"] == []
    hh = c.get(f"/api/v1/juki/households/{out['household_no']}").json()
    assert [m["relationship"] for m in hh["members"]] == ["世帯主", "妻"]
    assert hh["address"] == "東京都千代田区松町１番地" and hh["version"] == 1
    assert history_count(owner_engine, tenant_id) == 2


def test_late_move_in_returns_the_14_day_alert(db, app, tenant_id):
    c = token_client(app, db, tenant_id, "registry_clerk")
    r = c.post(
        "/api/v1/juki/moves/move-in", json=move_in_body(event_on="2024-03-01", reported_on="2024-04-05")
    )
    assert r.status_code == 201, r.text
    fields = {w["field"]: w["message"] for w in r.json()["warnings"]}
    assert "届出日" in fields and "14日" in fields["届出日"]


def test_bad_move_in_is_422_naming_the_field_and_writes_nothing(db, app, tenant_id, owner_engine):
    c = token_client(app, db, tenant_id, "registry_clerk")
    body = move_in_body(person(born="2024-02-30"))
    r = c.post("/api/v1/juki/moves/move-in", json=body)
    assert r.status_code == 422
    errors = r.json()["error"]["errors"]
    assert any("生年月日" in e["field"] and "存在しない日付" in e["message"] for e in errors), errors
    r = c.post("/api/v1/juki/moves/move-in", json=move_in_body(person(rel="祖父")))
    assert r.status_code == 422
    assert any(e["field"] == "続柄" and "父の父" in e["message"] for e in r.json()["error"]["errors"])
    missing = move_in_body()
    del missing["event_on"]
    r = c.post("/api/v1/juki/moves/move-in", json=missing)
    assert (
        r.status_code == 422
        and {"field": "異動日", "message": "入力してください"} in r.json()["error"]["errors"]
    )
    assert history_count(owner_engine, tenant_id) == 0


def test_stale_household_version_is_409_and_the_first_change_stays(db, app, tenant_id, owner_engine):
    seeded = seed_household(
        db, tenant_id, person(), person(given="一郎", gkana="イチロウ", born="2010-05-05", rel="子")
    )
    head, child = seeded.addressee_nos
    c = token_client(app, db, tenant_id, "registry_clerk")
    hh = c.get(f"/api/v1/juki/households/{seeded.household_no}").json()
    first = {
        "event_on": "2024-04-08",
        "reported_on": "2024-04-09",
        "addressee_nos": [head, child],
        "address": {"address": "東京都千代田区梅町３番地"},
        "expected_household_version": hh["version"],
    }
    assert c.post("/api/v1/juki/moves/move-within", json=first).status_code == 201
    before = history_count(owner_engine, tenant_id)
    second = {**first, "address": {"address": "東京都千代田区桜町５番地"}}
    r = c.post("/api/v1/juki/moves/move-within", json=second)
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
    assert history_count(owner_engine, tenant_id) == before
    assert c.get(f"/api/v1/juki/residents/{head}").json()["record"]["address"] == "東京都千代田区梅町３番地"


def test_household_moves_split_head_change_birth_death_and_cancel(db, app, tenant_id):
    seeded = seed_household(
        db,
        tenant_id,
        person(),
        person(given="花子", gkana="ハナコ", born="1987-02-03", sex="2", rel="妻"),
        person(given="一郎", gkana="イチロウ", born="2005-05-05", rel="子"),
    )
    head, wife, son = seeded.addressee_nos
    hno = seeded.household_no
    c = token_client(app, db, tenant_id, "registry_clerk")
    d = {"event_on": "2024-04-08", "reported_on": "2024-04-08"}
    r = c.post("/api/v1/juki/moves/household-split", json={**d, "household_no": hno, "addressee_nos": [son],
                                                           "relationships": {son: "世帯主"}})  # fmt: skip
    assert r.status_code == 201, r.text
    assert r.json()["household_no"] != hno and r.json()["event_name"] == "世帯分離"
    r = c.post("/api/v1/juki/moves/household-head", json={**d, "household_no": hno, "new_head_addressee_no": wife,
                                                          "relationships": {head: "夫"}})  # fmt: skip
    assert r.status_code == 201, r.text
    assert c.get(f"/api/v1/juki/residents/{head}").json()["record"]["relationship"] == "夫"
    child = {
        "family_name": "青木",
        "given_name": "次郎",
        "birth_date": "2024-04-02",
        "sex": "1",
        "relationship": "子",
    }
    r = c.post("/api/v1/juki/moves/birth", json={"event_on": "2024-04-02", "reported_on": "2024-04-05",
                                                 "household_no": hno, "child": child})  # fmt: skip
    assert r.status_code == 201 and r.json()["event_name"] == "出生", r.text
    baby = r.json()["addressee_nos"][0]
    r = c.post("/api/v1/juki/moves/death", json={"event_on": "2024-04-09", "addressee_no": head})
    assert r.status_code == 201 and r.json()["event_name"] == "死亡"
    assert c.get(f"/api/v1/juki/residents/{head}").json()["status"] == "removed"
    r = c.post("/api/v1/juki/moves/cancel", json={"event_on": "2024-04-10", "addressee_nos": [head]})
    assert r.status_code == 201, r.text
    assert c.get(f"/api/v1/juki/residents/{head}").json()["status"] == "resident"
    history = c.get(f"/api/v1/juki/residents/{head}/history").json()
    assert [h["event_name"] for h in history][-2:] == ["死亡", "異動の取消し（増）"]
    assert history[-2]["cancelled"] is True
    members = c.get(f"/api/v1/juki/households/{hno}").json()["members"]
    assert [m["addressee_no"] for m in members][:1] == [wife] and baby in [m["addressee_no"] for m in members]


def test_move_out_and_correction_by_session_with_csrf(db, app, tenant_id):
    seeded = seed_household(db, tenant_id, person())
    no = seeded.addressee_nos[0]
    c = staff_client(app, db, tenant_id, "registry_clerk")
    r = c.post("/api/v1/juki/moves/correction", json={"event_on": "2024-04-09", "kind": "clerical_error",
                                                      "addressee_nos": [no], "changes": {"given_name": "太朗"}})  # fmt: skip
    assert r.status_code == 201 and r.json()["event_name"] == "誤記修正", r.text
    r = c.post("/api/v1/juki/moves/move-out", json={"event_on": "2024-04-20", "reported_on": "2024-04-10",
                                                    "addressee_nos": [no], "destination": "大阪府大阪市北区梅町３番地"})  # fmt: skip
    assert r.status_code == 201, r.text
    rec = c.get(f"/api/v1/juki/residents/{no}").json()
    assert (
        rec["record"]["given_name"] == "太朗"
        and rec["record"]["moved_out_to_planned"] == "大阪府大阪市北区梅町３番地"
    )
    del c.headers["X-CSRF-Token"]
    assert (
        c.post("/api/v1/juki/moves/death", json={"event_on": "2024-04-09", "addressee_no": no}).status_code
        == 403
    )


def test_openapi_documents_each_move_with_a_japanese_example(app):
    from fastapi.testclient import TestClient

    spec = TestClient(app).get("/openapi.json").json()
    op = spec["paths"]["/api/v1/juki/moves/move-in"]["post"]
    assert op["summary"] == "転入"
    content = op["requestBody"]["content"]["application/json"]
    assert content["examples"]["example"]["value"]["persons"][0]["family_name"] == "青木"
    schema = spec["components"]["schemas"]["RecordMoveIn"]
    assert schema["properties"]["event_on"]["title"] == "異動日"
    for slug in ("move-within", "move-out", "birth", "death", "household-split", "household-merge",
                 "household-head", "correction", "cancel"):  # fmt: skip
        assert f"/api/v1/juki/moves/{slug}" in spec["paths"]
