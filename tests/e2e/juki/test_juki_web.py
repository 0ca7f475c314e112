"""Staff screens (TestClient): labels on every input, error summary with the input kept,
alerts after success, the resident page in 和暦, blocks, certificates and statistics."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.e2e.juki.conftest import history_count, person, seed_household, staff_client


class Controls(HTMLParser):
    """Collects form controls and <label for> targets of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.unlabelled: list[str] = []
        self.labels: set[str] = set()
        self.inline_scripts = 0
        self.style_attrs = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "style" in a:
            self.style_attrs += 1
        if tag == "script" and not a.get("src"):
            self.inline_scripts += 1
        if tag == "label" and a.get("for"):
            self.labels.add(str(a["for"]))
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            if a.get("id"):
                self.ids.append(str(a["id"]))
            else:
                self.unlabelled.append(str(a.get("name")))


def assert_accessible(html: str, *, controls: bool = True) -> None:
    c = Controls()
    c.feed(html)
    assert c.ids or not controls, "no form controls found"
    missing = [i for i in c.ids if i not in c.labels]
    assert not c.unlabelled and not missing, (c.unlabelled, missing)
    assert c.inline_scripts == 0 and c.style_attrs == 0
    assert len(c.ids) == len(set(c.ids)), "duplicate ids"


@pytest.mark.parametrize("slug", ["move-in", "move-within", "move-out", "birth", "death", "household-split",
                                  "household-merge", "household-head", "correction", "cancel", "record-by-authority",
                                  "remove-by-authority", "household-change", "immigration-notice",
                                  "individual-number", "resident-record-code", "former-surname", "alias",
                                  "naturalization", "nationality-loss"])  # fmt: skip
def test_every_move_form_labels_every_input(db, app, tenant_id, slug):
    seeded = seed_household(
        db, tenant_id, person(), person(given="一郎", gkana="イチロウ", born="2010-01-01", rel="子")
    )
    c = staff_client(app, db, tenant_id, "registry_clerk")
    r = c.get(
        f"/juki/moves/{slug}",
        params={"addressee_no": seeded.addressee_nos[0], "household_no": seeded.household_no},
    )
    assert r.status_code == 200 and "<h1>" in r.text
    assert_accessible(r.text)


def test_move_in_form_error_keeps_input_then_success_shows_the_late_notice_alert(
    db, app, tenant_id, owner_engine
):
    c = staff_client(app, db, tenant_id, "registry_clerk")
    form = {"kind": "domestic", "event_on": "2024-03-01", "reported_on": "2024-04-05", "previous_address": "東京都港区竹町２番地",
            "address.address": "東京都千代田区松町１番地", "persons.0.family_name": "山田", "persons.0.given_name": "花子",
            "persons.0.family_name_kana": "ヤマダ", "persons.0.given_name_kana": "ハナコ", "persons.0.birth_date": "1990-02-30",
            "persons.0.sex": "2", "persons.0.relationship": "世帯主", "persons.0.resident_kind": "japanese",
            "person_count": "1"}  # fmt: skip
    r = c.post("/juki/moves/move-in", data=form)
    assert r.status_code == 422
    assert '<div class="error-summary" role="alert"' in r.text and "存在しない日付です" in r.text
    assert 'href="#f-persons-0-birth_date"' in r.text and 'aria-invalid="true"' in r.text
    assert 'value="山田"' in r.text and 'value="1990-02-30"' in r.text
    assert history_count(owner_engine, tenant_id) == 0
    r = c.post(
        "/juki/moves/move-in", data={**form, "persons.0.birth_date": "1990-02-03"}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    done = c.get(r.headers["location"])
    assert "転入（異動事由コード 101）を登録しました" in done.text
    assert '<div class="alert" role="alert">' in done.text and "届出期間14日を経過" in done.text
    assert history_count(owner_engine, tenant_id) == 1
    assert c.get("/juki/moves/done", params={"r": "forged"}).status_code == 404


def test_add_person_slot_and_household_member_widgets(db, app, tenant_id):
    seeded = seed_household(
        db, tenant_id, person(), person(given="一郎", gkana="イチロウ", born="2010-01-01", rel="子")
    )
    c = staff_client(app, db, tenant_id, "registry_clerk")
    r = c.post(
        "/juki/moves/move-in",
        data={"person_count": "1", "action": "add_person", "persons.0.family_name": "山田"},
    )
    assert r.status_code == 200 and 'id="f-persons-1-family_name"' in r.text and 'value="山田"' in r.text
    r = c.get("/juki/moves/household-split", params={"household_no": seeded.household_no})
    assert f'name="addressee_nos" value="{seeded.addressee_nos[1]}"' in r.text
    version = re.search(r'name="expected_household_version" value="(\d+)"', r.text).group(1)
    son = seeded.addressee_nos[1]
    data = {"event_on": "2024-04-09", "reported_on": "2024-04-09", "household_no": seeded.household_no,
            "addressee_nos": [son], f"relationships.{son}": "世帯主", "expected_household_version": version}  # fmt: skip
    r = c.post("/juki/moves/household-split", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text
    again = c.post("/juki/moves/household-split", data=data)
    assert again.status_code == 409 and "他の職員が同じ世帯を更新しました" in again.text


def test_resident_page_shows_wareki_household_history_and_mask(db, app, tenant_id):
    p = person()
    seeded = seed_household(
        db, tenant_id, p, person(given="花子", gkana="ハナコ", born="1987-02-03", sex="2", rel="妻")
    )
    c = staff_client(app, db, tenant_id, "registry_supervisor")
    r = c.get(f"/juki/residents/{seeded.addressee_nos[0]}")
    assert r.status_code == 200
    assert "昭和60年6月15日" in r.text and "令和6年4月1日" in r.text  # 生年月日, 異動日
    assert "住所を定めた年月日" in r.text and "転入前住所" in r.text
    assert re.search(r"<td>1</td>\s*<td>青木　太郎（この住民）</td>", r.text)
    assert "<td>転入</td>" in r.text and "令和6年4月5日" in r.text and "令和6年4月10日" in r.text
    assert "************" in r.text and p["individual_number"] not in r.text
    shown = c.get(f"/juki/residents/{seeded.addressee_nos[0]}", params={"show_individual_number": "true"})
    assert p["individual_number"] in shown.text
    assert_accessible(r.text, controls=False)
    assert c.get("/juki/residents/000000000099999").status_code == 404


def test_search_screen_finds_and_marks(db, app, tenant_id):
    seeded = seed_household(db, tenant_id, person(fkana="サトウ", family="佐藤"))
    c = staff_client(app, db, tenant_id, "registry_supervisor")
    assert_accessible(c.get("/juki").text)
    r = c.get("/juki", params={"searched": "1", "kana": "ｻﾄｳ"})
    assert (
        r.status_code == 200
        and "検索結果 1件" in r.text
        and f"/juki/residents/{seeded.addressee_nos[0]}" in r.text
    )
    assert '<td><span class="status status-resident">住民</span>' in r.text
    c.post(f"/juki/residents/{seeded.addressee_nos[0]}/blocks", data={"op": "support_start", "start_on": "2024-04-10",
                                                                      "provisional": "1"})  # fmt: skip
    r = c.get("/juki", params={"searched": "1", "kana": "サトウ"})
    assert '<span class="badge block">支援措置</span>' in r.text
    empty = c.get("/juki", params={"searched": "1"})
    assert empty.status_code == 422 and "検索条件を1つ以上入力してください" in empty.text


def test_blocks_screen_set_and_refusal_kept(db, app, tenant_id):
    no = seed_household(db, tenant_id, person()).addressee_nos[0]
    c = staff_client(app, db, tenant_id, "registry_supervisor")
    page = c.get(f"/juki/residents/{no}/blocks")
    assert page.status_code == 200
    assert_accessible(page.text)
    r = c.post(f"/juki/residents/{no}/blocks", data={"op": "set", "level": "error", "start_on": "2024-04-10",
                                                     "reason": "調査中"})  # fmt: skip
    assert (
        r.status_code == 422
        and "抑止する処理を1つ以上指定してください" in r.text
        and 'value="調査中"' in r.text
    )
    r = c.post(f"/juki/residents/{no}/blocks", data={"op": "set", "processes": ["certificate", "move"], "level": "error",
                                                     "start_on": "2024-04-10"}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    page = c.get(r.headers["location"])
    assert "抑止を設定しました" in page.text and "異動入力・証明書発行抑止（エラー）" in page.text
    clerk = staff_client(app, db, tenant_id, "registry_clerk")
    assert clerk.get(f"/juki/residents/{no}/blocks").status_code == 403


def test_certificate_screen_issues_then_refuses_a_protected_person(db, app, tenant_id):
    seeded = seed_household(db, tenant_id, person())
    no = seeded.addressee_nos[0]
    c = staff_client(app, db, tenant_id, "registry_supervisor")
    form = c.get("/juki/certificates", params={"addressee_no": no})
    assert form.status_code == 200 and f'value="{no}" checked' in form.text
    assert_accessible(form.text)
    data = {"kind": "resident_copy", "scope": "selected", "addressee_nos": [no], "household_no": seeded.household_no,
            "layout": "household", "show_head": "1", "show_honseki": "1", "requester": "本人"}  # fmt: skip
    r = c.post("/juki/certificates", data=data, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/juki/certificates/issued/R6-000001"
    done = c.get(r.headers["location"])
    assert '<iframe class="pdf" src="/juki/certificates/issued/R6-000001/pdf"' in done.text
    pdf = c.get("/juki/certificates/issued/R6-000001/pdf")
    assert (
        pdf.status_code == 200
        and pdf.content.startswith(b"%PDF")
        and pdf.headers["content-type"] == "application/pdf"
    )
    assert "frame-ancestors 'self'" in pdf.headers["content-security-policy"]
    other = staff_client(app, db, tenant_id, "registry_supervisor")
    assert other.get("/juki/certificates/issued/R6-000001/pdf").status_code == 404  # only the issuing staff
    c.post(
        f"/juki/residents/{no}/blocks",
        data={"op": "support_start", "start_on": "2024-04-10", "provisional": "1"},
    )
    refused = c.post("/juki/certificates", data=data)
    assert refused.status_code == 403 and "支援措置の対象者が含まれるため交付できません" in refused.text
    assert 'value="本人"' in refused.text
    ok = c.post("/juki/certificates", data={**data, "supervisor_release": "審査済み"}, follow_redirects=False)
    assert ok.status_code == 303


def test_stats_screen_and_csv(db, app, tenant_id):
    seed_household(db, tenant_id, person())
    c = staff_client(app, db, tenant_id, "registry_clerk")
    r = c.get("/juki/stats", params={"on": "2024-04-02", "by": "band3"})
    assert r.status_code == 200 and "令和6年4月2日午前0時現在" in r.text and "15～64歳" in r.text
    assert_accessible(r.text)
    csv = c.get("/juki/stats/population.csv", params={"on": "2024-04-02", "by": "sex"})
    assert csv.headers["content-type"].startswith("text/csv") and "基準日" in csv.content.decode("utf-8-sig")
    bad = c.get("/juki/stats", params={"on": "2024-02-30"})
    assert bad.status_code == 422 and "存在しない日付です" in bad.text
    tax = staff_client(app, db, tenant_id, "tax_clerk")
    assert tax.get("/juki/stats").status_code == 403 and tax.get("/juki").status_code == 403


def test_head_change_and_move_out_through_the_member_widgets(db, app, tenant_id):
    seeded = seed_household(
        db, tenant_id, person(), person(given="花子", gkana="ハナコ", born="1987-02-03", sex="2", rel="妻")
    )
    head, wife = seeded.addressee_nos
    c = staff_client(app, db, tenant_id, "registry_clerk")
    form = c.get("/juki/moves/household-head", params={"household_no": seeded.household_no})
    assert f'name="new_head_addressee_no" value="{wife}"' in form.text
    version = re.search(r'name="expected_household_version" value="(\d+)"', form.text).group(1)
    data = {"event_on": "2024-04-09", "household_no": seeded.household_no, "new_head_addressee_no": wife,
            f"relationships.{head}": "夫", f"relationships.{wife}": "（無視される）", "expected_household_version": version}  # fmt: skip
    r = c.post("/juki/moves/household-head", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = c.get(f"/juki/residents/{head}")
    assert re.search(r"<td>2</td>\s*<td>青木　太郎（この住民）</td>", page.text)
    r = c.post("/juki/moves/move-out", data={"ui_household_no": seeded.household_no, "action": "load"})
    assert f'name="addressee_nos" value="{head}"' in r.text
    data = {"kind": "domestic", "event_on": "2024-04-20", "reported_on": "2024-04-10", "destination": "大阪府大阪市北区梅町３番地",
            "ui_household_no": seeded.household_no, "addressee_nos": [head, wife]}  # fmt: skip
    r = c.post("/juki/moves/move-out", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert "転出（異動事由コード 201）を登録しました" in c.get(r.headers["location"]).text
