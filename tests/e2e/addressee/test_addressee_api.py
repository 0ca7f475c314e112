"""API and screens of 住登外者宛名番号管理 / 団体内統合宛名 and EUC, with permissions (both backends)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from kikan.adapters.api.routes.addressee import addressee_today
from tests.conftest import login_client, make_staff

OWNER = {"family_name": "佐藤", "given_name": "花子", "family_name_kana": "サトウ", "given_name_kana": "ハナコ",
         "birth_date": "1955-06-15", "sex": "2", "address": "北海道札幌市中央区北一条西２丁目"}  # fmt: skip
MOVE_IN = {"event_on": "2024-04-01", "reported_on": "2024-04-01", "previous_address": "東京都港区竹町２番地",
           "address": {"address": "東京都千代田区松町１番地"},
           "persons": [{"family_name": "山田", "given_name": "太郎", "family_name_kana": "ヤマダ",
                        "given_name_kana": "タロウ", "birth_date": "1970-04-01", "sex": "1", "relationship": "世帯主"}]}  # fmt: skip


@pytest.fixture
def fixed_today(app):
    app.dependency_overrides[addressee_today] = lambda: date(2024, 4, 10)
    yield
    app.dependency_overrides.pop(addressee_today, None)


@pytest.fixture
def clerk(db, app, tenant_id, fixed_today):
    return login_client(app, make_staff(db, tenant_id, ["registry_clerk"]))


def fields(r) -> list[str]:  # type: ignore[no-untyped-def]
    return [e["field"] for e in r.json()["error"]["errors"]]


def test_permissions(db, app, tenant_id, fixed_today):
    tax = login_client(app, make_staff(db, tenant_id, ["tax_clerk"]))  # numbers land owners, no EUC
    assert tax.post("/api/v1/addressee/inquiry", json=OWNER).status_code == 200
    assert tax.post("/api/v1/euc/preview", json={"columns": ["addressee_no"]}).status_code == 403
    welfare = login_client(app, make_staff(db, tenant_id, ["welfare_clerk"]))  # may look up, may not number
    assert welfare.post("/api/v1/addressee/numbers", json=OWNER).status_code == 403
    admin = login_client(app, make_staff(db, tenant_id, ["tenant_admin"]))  # may read, may not number
    assert admin.post("/api/v1/addressee/inquiry", json=OWNER).status_code == 200
    assert admin.post("/api/v1/addressee/numbers", json=OWNER).status_code == 403
    assert admin.get("/api/v1/euc/fields").status_code == 200
    auditor = login_client(app, make_staff(db, tenant_id, ["auditor"]))
    assert auditor.get("/api/v1/euc/definitions").status_code == 403
    assert auditor.get("/addressee").status_code == 403


def test_inquiry_number_duplicate_get_update_over_the_api(clerk):
    r = clerk.post("/api/v1/addressee/inquiry", json=OWNER)
    assert r.status_code == 200 and r.json()["candidates"] == []
    r = clerk.post("/api/v1/addressee/numbers", json={**OWNER, "business": "fixed_asset", "business_no": "K-1"})
    assert r.status_code == 201 and r.json()["status"] == "assigned"
    a = r.json()["addressee"]
    no, nr = a["integrated_no"], a["non_resident_no"]
    again = clerk.post("/api/v1/addressee/numbers", json={**OWNER, "family_name_kana": "サトー"})
    assert again.status_code == 200 and again.json()["status"] == "existing"
    assert again.json()["addressee"]["integrated_no"] == no
    got = clerk.get(f"/api/v1/addressee/by-business/non_resident/{nr}?history=true")
    assert got.status_code == 200 and got.json()["integrated_no"] == no and len(got.json()["history"]) == 1
    assert clerk.get("/api/v1/addressee/by-business/fixed_asset/K-1").json()["integrated_no"] == no
    upd = clerk.patch(f"/api/v1/addressee/{no}", json={"expected_version": 1, "reason": "住所変更",
                                                       "attributes": {"address": "青森県青森市長島１丁目"}})  # fmt: skip
    assert upd.status_code == 200 and upd.json()["version"] == 2
    stale = clerk.patch(f"/api/v1/addressee/{no}", json={"expected_version": 1, "reason": "x",
                                                         "attributes": {"address": "秋田県"}})  # fmt: skip
    assert stale.status_code == 409
    assert clerk.get("/api/v1/addressee/000000000000000").status_code == 404


def test_bad_input_gets_4xx_naming_the_field(clerk):
    r = clerk.post("/api/v1/addressee/inquiry", json={"sex": "1"})
    assert r.status_code == 422 and fields(r) == ["照会条件"]
    r = clerk.post("/api/v1/addressee/inquiry", json={"family_name": "佐藤", "birth_date": "2023-02-29"})
    assert r.status_code == 422 and fields(r) == ["生年月日"] and "存在しない" in r.json()["error"]["errors"][0]["message"]
    r = clerk.post("/api/v1/addressee/numbers", json={**OWNER, "corporate_no": "123"})
    assert r.status_code == 422 and "法人番号" in fields(r)
    first = clerk.post("/api/v1/addressee/numbers", json=OWNER).json()["addressee"]["integrated_no"]
    r = clerk.post("/api/v1/addressee/numbers", json={**OWNER, "distinct_from": [first]})
    assert r.status_code == 422 and fields(r) == ["別人である理由"]
    clerk.post("/api/v1/addressee/numbers", json={**OWNER, "distinct_from": [first], "distinct_reason": "本籍が異なる"})
    dup = clerk.post("/api/v1/addressee/numbers", json=OWNER)
    assert dup.status_code == 409 and dup.json()["error"]["code"] == "duplicate" and len(fields(dup)) == 2


def test_a_resident_recorded_a_moment_ago_is_found_by_the_inquiry(clerk):
    moved = clerk.post("/api/v1/juki/moves/move-in", json=MOVE_IN)
    assert moved.status_code in (200, 201), moved.text
    r = clerk.post("/api/v1/addressee/inquiry", json={"family_name": "山田", "birth_date": "1970-04-01"})
    assert [c["addressee"]["source"] for c in r.json()["candidates"]] == ["resident"]


def test_euc_over_the_api(clerk):
    bad = clerk.post("/api/v1/euc/preview", json={"columns": ["addressee_no"],
                                                  "conditions": [{"field": "1=1; --", "op": "eq", "value": "x"}]})  # fmt: skip
    assert bad.status_code == 422 and fields(bad) == ["条件1の項目"]
    bad = clerk.post("/api/v1/euc/preview", json={"columns": ["addressee_no"],
                                                  "conditions": [{"field": "sex", "op": "OR", "value": "1"}]})  # fmt: skip
    assert bad.status_code == 422 and fields(bad) == ["条件1の演算子"]
    created = clerk.post("/api/v1/euc/definitions", json={"name": "全員", "spec": {"columns": ["addressee_no", "family_name"]}})
    assert created.status_code == 201
    did = created.json()["definition_id"]
    assert clerk.post(f"/api/v1/euc/definitions/{did}/preview").json()["rows"] == []
    csv = clerk.get(f"/api/v1/euc/definitions/{did}/export?encoding=cp932")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv; charset=Shift_JIS")
    assert csv.content.decode("cp932") == "宛名番号,氏\r\n"
    clerk.post("/api/v1/juki/moves/move-in", json=MOVE_IN)
    assert clerk.get(f"/api/v1/euc/definitions/{did}/export?max_rows=0").status_code == 422
    big = clerk.post("/api/v1/euc/export", json={"spec": {"columns": ["addressee_no"]}, "encoding": "utf-8"})
    assert big.status_code == 200 and big.content.startswith(b"\xef\xbb\xbf") and big.headers["x-kikan-row-count"] == "1"
    put = clerk.put(f"/api/v1/euc/definitions/{did}", json={"name": "全員", "expected_version": 1,
                                                            "spec": {"columns": ["addressee_no"]}})  # fmt: skip
    assert put.status_code == 200 and put.json()["version"] == 2
    assert clerk.delete(f"/api/v1/euc/definitions/{did}?expected_version=1").status_code == 409


def test_the_staff_screens_search_then_number(clerk):
    page = clerk.get("/addressee")
    assert page.status_code == 200 and "住登外者の照会・付番" in page.text and "付番</button>" not in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    form = {"csrf_token": csrf, "kind": "person", **OWNER}
    res = clerk.post("/addressee/inquiry", data=form)
    assert res.status_code == 200 and "該当する宛名はありません" in res.text and "付番</button>" in res.text
    done = clerk.post("/addressee/number", data=form, follow_redirects=False)
    assert done.status_code == 303 and "result=assigned" in done.headers["location"]
    detail = clerk.get(done.headers["location"])
    assert "付番しました" in detail.text and "住登外者" in detail.text
    res = clerk.post("/addressee/inquiry", data=form)
    assert "完全一致" in res.text and "この宛名を使う" in res.text
    again = clerk.post("/addressee/number", data=form, follow_redirects=False)
    assert "result=existing" in again.headers["location"]
    bad = clerk.post("/addressee/inquiry", data={"csrf_token": csrf, "kind": "person", "birth_date": "2023-02-30"})
    assert bad.status_code == 422 and "生年月日" in bad.text


def test_the_euc_screens(clerk):
    page = clerk.get("/euc/new")
    assert page.status_code == 200 and "抽出条件" in page.text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    form = {"csrf_token": csrf, "name": "テスト", "source": "current", "columns": ["addressee_no", "family_name"],
            "cond_field_1": "family_name", "cond_op_1": "prefix", "cond_value_1": "山"}  # fmt: skip
    prev = clerk.post("/euc/preview", data=form)
    assert prev.status_code == 200 and "プレビュー（0件" in prev.text
    saved = clerk.post("/euc/save", data=form, follow_redirects=False)
    assert saved.status_code == 303
    assert "テスト" in clerk.get("/euc").text
    bad = clerk.post("/euc/preview", data={**form, "cond_op_1": "between"})
    assert bad.status_code == 422 and "条件1の値（まで）: 値を入力してください" in bad.text
    csv = clerk.post("/euc/export", data={**form, "encoding": "utf-8"})
    assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf")
