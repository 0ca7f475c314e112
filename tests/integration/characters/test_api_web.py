"""``/api/v1/chars`` and the ``/chars`` staff screens through the real app (login, CSRF, permissions)."""

from __future__ import annotations

import re
from urllib.parse import quote

from tests.conftest import login_client, make_staff

TABLE = "F040,はしご高,,\nF041,邉（一点しんにょう）,J+BD4B,\n"


def test_check_mj_and_degrade_need_only_a_login(app, db, tenant_id):
    c = login_client(app, make_staff(db, tenant_id, ["auditor"]))
    r = c.get("/api/v1/chars/check", params={"text": "邉\U000e011a\ue000"})
    assert r.status_code == 200
    body = r.json()
    assert body["standard"] is False
    assert (
        body["characters"][0]["mj"][0]["mj"] == "MJ026194" and body["characters"][1]["kind"] == "private_use"
    )
    assert c.get("/api/v1/chars/mj/J+9AD9").json()[0]["mj"] == "MJ028902"
    assert c.get("/api/v1/chars/mj/MJ999999").status_code == 404
    r = c.post("/api/v1/chars/degrade", json={"text": "髙橋𠮷田", "target": "jisx0213"})
    assert r.json()["text"] == "高橋吉田" and [s["position"] for s in r.json()["substitutions"]] == [0, 2]
    assert c.post("/api/v1/chars/degrade", json={"text": "a", "target": "x"}).status_code == 422
    # 外字 lists show records: not for an auditor
    assert c.get("/api/v1/chars/gaiji").status_code == 403


def test_gaiji_workflow_over_the_api(app, db, tenant_id):
    c = login_client(app, make_staff(db, tenant_id, ["registry_supervisor"]))
    r = c.post("/api/v1/chars/gaiji/cp932/table", json={"csv": TABLE, "source": "vendor.csv"})
    assert r.status_code == 201 and r.json() == {"imported": 2}
    bad = c.post("/api/v1/chars/gaiji/cp932/table", json={"csv": "8140,x\n"})
    assert bad.status_code == 422 and bad.json()["error"]["errors"][0]["field"] == "1行目 外字コード"
    listing = c.get("/api/v1/chars/gaiji").json()
    assert {e["code"] for e in listing} == {"F040", "F041"}
    detail = c.get("/api/v1/chars/gaiji/cp932/F041").json()
    assert detail["candidates"][0]["mj"] == "MJ026194" and detail["history"] == []
    r = c.post(
        "/api/v1/chars/gaiji/cp932/F041/decision", json={"mj_name": "MJ026194", "basis": "住基コード一致"}
    )
    assert r.status_code == 201 and r.json()["text"] == "邉\U000e011a" and r.json()["seq"] == 1
    r = c.post("/api/v1/chars/gaiji/resolve", json={"text": "渡\ue001\ue000"})
    assert r.json()["text"] == "渡邉\U000e011a\ue000" and r.json()["unmapped"][0]["code"] == "F040"
    assert c.post("/api/v1/chars/gaiji/cp932/F040/decision", json={"text": "😀"}).status_code == 422
    assert [d["seq"] for d in c.get("/api/v1/chars/gaiji/decisions").json()] == [1]
    assert c.post("/api/v1/chars/gaiji/cp932/F041/withdraw", json={}).json()["text"] == ""
    assert c.get("/api/v1/chars/gaiji/decisions").json() == []


def test_gaiji_screens_list_detail_confirm(app, db, tenant_id):
    c = login_client(app, make_staff(db, tenant_id, ["registry_supervisor"]))
    c.post("/api/v1/chars/gaiji/cp932/table", json={"csv": TABLE})
    page = c.get("/chars/gaiji")
    assert page.status_code == 200 and "外字の同定" in page.text and "はしご高" in page.text
    detail = c.get("/chars/gaiji/cp932/F040")
    assert detail.status_code == 200 and "同定候補" in detail.text and "MJ028902" in detail.text
    img = re.search(r'src="(/chars/glyph/[0-9A-F-]+\.png)"', detail.text)
    if img:  # IPAmj明朝 and Pillow installed: the preview is a PNG
        png = c.get(img.group(1))
        assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', detail.text).group(1)  # type: ignore[union-attr]
    r = c.post("/chars/gaiji/cp932/F040/confirm", data={"csrf_token": csrf, "choice": "MJ028902"},
               follow_redirects=False)  # fmt: skip
    assert r.status_code == 303 and r.headers["location"].endswith("?done=confirm")
    after = c.get(r.headers["location"])
    assert "同定を確定しました" in after.text and "MJ028902" in after.text
    bad = c.post("/chars/gaiji/cp932/F041/confirm", data={"csrf_token": csrf, "text": "U+E000"})
    assert bad.status_code == 422 and "私用領域" in bad.text
    typed = c.post("/chars/gaiji/cp932/F041/confirm", data={"csrf_token": csrf, "text": "U+9089 U+E011A"},
                   follow_redirects=False)  # fmt: skip
    assert typed.status_code == 303
    assert "未同定の外字はありません" in c.get("/chars/gaiji").text
    assert c.get("/chars/gaiji/cp932/" + quote("F9FC")).status_code == 404
    assert c.get("/chars/check", params={"text": "髙"}).status_code == 200
    assert c.get("/chars/characters.css").headers["content-type"].startswith("text/css")


def test_gaiji_needs_its_own_permission(app, db, tenant_id):
    c = login_client(app, make_staff(db, tenant_id, ["registry_clerk"]))  # registry rights, no 外字同定
    assert c.get("/chars/gaiji").status_code == 403
    assert c.post("/api/v1/chars/gaiji/cp932/F040/decision", json={"text": "髙"}).status_code == 403
