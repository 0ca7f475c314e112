"""The resident-facing forms over HTTP: form → confirm → submit → receipt → status; every bad input."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from apps_e2e_support import (
    confirm,
    hidden,
    move_out_form,
    open_form,
    parts,
    receipt_of,
    resident,
    submit_confirmed,
)

from kikan.adapters.db.tables.applications import application
from tests.integration.applications.apps_support import today


def _count(owner_engine: sa.Engine, tenant_id: str) -> int:
    with owner_engine.connect() as c:
        return int(c.execute(sa.select(sa.func.count()).select_from(application)
                             .where(application.c.tenant_id == tenant_id)).scalar_one())  # fmt: skip


def test_form_is_accessible_markup(app, tenant_id):
    c = resident(app)
    r = c.get(f"/apply/{tenant_id}/move-out")
    assert r.status_code == 200
    page = r.text
    assert '<html lang="ja">' in page and 'name="viewport"' in page
    assert "kikan_apply" in r.headers["set-cookie"] and "HttpOnly" in r.headers["set-cookie"]
    # every input, select and textarea has a label for its id
    ids = re.findall(r'<(?:input|select|textarea)(?![^>]*type="(?:hidden|submit)")[^>]*\sid="([^"]+)"', page)
    assert len(ids) > 20
    for i in ids:
        assert f'<label for="{i}"' in page, i
    assert 'autocomplete="family-name"' in page and 'autocomplete="tel"' in page and 'autocomplete="bday-month"' in page
    assert "<legend>" in page and "転出する方（1人目）" in page
    assert 'aria-describedby="f-applicant-address-hint"' in page
    assert "宛名番号" not in page  # clerk-only items are not shown to residents
    assert "<script" not in page  # works without JavaScript


def test_errors_are_summarised_with_links_and_values_kept(app, tenant_id, owner_engine):
    c = resident(app)
    bad = move_out_form(**{"applicant.birth_date.day": "30", "persons.0.family_name_kana": "yamada",
                           "consent.confirmed": ""})
    r = confirm(c, tenant_id, bad)
    assert r.status_code == 422
    page = r.text
    summary = page[page.index('class="error-summary"'):page.index("</div>", page.index('class="error-summary"'))]
    assert "入力内容に誤りがあります（3件）" in summary
    assert '<a href="#f-applicant-birth_date-era">届出人の生年月日：1990年2月30日は存在しない日付です</a>' in summary
    assert '<a href="#f-persons-0-family_name_kana">転出する方（1人目）の氏（フリガナ）：全角カタカナで入力してください</a>' in summary
    assert '<a href="#f-consent-confirmed">' in summary
    assert 'id="f-applicant-birth_date-era"' in page and 'aria-invalid="true"' in page
    assert 'aria-describedby="f-persons-0-family_name_kana-err1"' in page
    assert 'value="yamada"' in page  # what was typed is shown again
    assert "<title>入力内容に誤りがあります：" in page
    assert _count(owner_engine, tenant_id) == 0


def test_confirm_then_submit_gives_a_receipt_and_status(app, tenant_id, owner_engine):
    c = resident(app)
    r = confirm(c, tenant_id, move_out_form())
    assert r.status_code == 200 and "入力内容の確認" in r.text and "大阪府大阪市北区梅町３番地" in r.text
    assert "平成2年2月3日（1990年）" in r.text
    assert _count(owner_engine, tenant_id) == 0  # nothing stored before 送信
    done = submit_confirmed(c, tenant_id, r.text)
    assert done.status_code == 200 and "申請を受け付けました" in done.text
    no, secret = receipt_of(done.text)
    assert _count(owner_engine, tenant_id) == 1

    # the same confirm page posted again (double click, reload): the same receipt, no second application
    again = submit_confirmed(c, tenant_id, r.text)
    assert receipt_of(again.text) == (no, secret) and "最初に受け付けた申請の受付番号を表示しています" in again.text
    assert _count(owner_engine, tenant_id) == 1

    status = c.get(f"/apply/{tenant_id}/status")
    token = hidden(status.text, "csrf_token")
    ok = c.post(f"/apply/{tenant_id}/status", data={"csrf_token": token, "receipt_no": no, "secret": secret.lower()})
    assert ok.status_code == 200 and "受付" in ok.text and "転出届（オンライン）" in ok.text
    assert "これまでの経過" in ok.text


def test_back_from_confirm_refills_the_form_with_the_same_key(app, tenant_id):
    c = resident(app)
    tokens = open_form(c, tenant_id)
    r = c.post(f"/apply/{tenant_id}/move-out", data={**tokens, **move_out_form(**{"destination.katagaki": "梅ハイツ２０１"}),
                                                      "_action": "confirm"})  # fmt: skip
    back = c.post(f"/apply/{tenant_id}/move-out", data={"csrf_token": hidden(r.text, "csrf_token"),
                                                         "payload": hidden(r.text, "payload"), "_action": "back"})  # fmt: skip
    assert back.status_code == 200 and 'value="梅ハイツ２０１"' in back.text
    assert hidden(back.text, "_key") == tokens["_key"]  # resubmitting after a correction is still one application


def test_add_and_remove_persons_without_javascript(app, tenant_id):
    c = resident(app)
    tokens = open_form(c, tenant_id)
    added = c.post(f"/apply/{tenant_id}/move-out", data={**tokens, **move_out_form(), "_action": "add:persons"})
    assert added.status_code == 200 and "転出する方（2人目）" in added.text and "error-summary" not in added.text
    assert 'value="花子"' in added.text
    removed = c.post(f"/apply/{tenant_id}/move-out", data={**tokens, **move_out_form(), "_count.persons": "2",
                                                            "persons.1.family_name": "消す", "_action": "remove:persons:1"})  # fmt: skip
    assert "転出する方（2人目）" not in removed.text and "消す" not in removed.text


def test_bad_requests_write_nothing(app, tenant_id, owner_engine):
    c = resident(app)
    assert c.get(f"/apply/{tenant_id}/no-such-form").status_code == 404
    assert "見つかりません" in c.get(f"/apply/{tenant_id}/no-such-form").text
    assert c.get("/apply/999999/move-out").status_code == 404
    assert c.get("/apply/abc/move-out").status_code == 404
    # no CSRF cookie/token → refused with a Japanese message
    fresh = resident(app, "192.0.2.11")
    r = fresh.post(f"/apply/{tenant_id}/move-out", data={**move_out_form(), "_action": "confirm", "_key": "x" * 22})
    assert r.status_code == 400 and "有効期限" in r.text
    # a forged or foreign payload
    tokens = open_form(c, tenant_id)
    r = c.post(f"/apply/{tenant_id}/move-out/submit", data={"csrf_token": tokens["csrf_token"], "payload": "forged"})
    assert r.status_code == 400
    # oversized and non-standard characters
    r = confirm(c, tenant_id, move_out_form(**{"destination.address": "梅" * 151, "applicant.family_name": "山田\ue000"}))
    assert r.status_code == 422 and "150文字以内" in r.text and "外字" in r.text
    # future birth date
    future = today() + timedelta(days=3)
    r = confirm(c, tenant_id, move_out_form(**parts("persons.0.birth_date", future)))
    assert r.status_code == 422 and "未来の日付は入力できません" in r.text
    # too large a body
    r = c.post(f"/apply/{tenant_id}/move-out", content=b"a=" + b"x" * 300_000,
               headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert r.status_code == 413
    assert _count(owner_engine, tenant_id) == 0


def test_submissions_are_rate_limited_per_address(app, tenant_id, owner_engine):
    c = resident(app, "198.51.100.20")
    pages = [confirm(c, tenant_id, move_out_form()).text for _ in range(6)]
    codes = [submit_confirmed(c, tenant_id, p).status_code for p in pages]
    assert codes == [200] * 5 + [429]
    last = submit_confirmed(c, tenant_id, pages[5])
    assert last.status_code == 429 and "しばらくお待ちください" in last.text and int(last.headers["retry-after"]) >= 1
    assert _count(owner_engine, tenant_id) == 5
    other = resident(app, "198.51.100.21")  # another address is not limited
    assert submit_confirmed(other, tenant_id, confirm(other, tenant_id, move_out_form()).text).status_code == 200


def test_status_check_wrong_secret_is_the_same_answer_and_limited(app, tenant_id):
    c = resident(app, "203.0.113.40")
    done = submit_confirmed(c, tenant_id, confirm(c, tenant_id, move_out_form()).text)
    no, _secret = receipt_of(done.text)
    token = hidden(c.get(f"/apply/{tenant_id}/status").text, "csrf_token")
    wrong = c.post(f"/apply/{tenant_id}/status", data={"csrf_token": token, "receipt_no": no, "secret": "AAAA-AAAA"})
    unknown = c.post(f"/apply/{tenant_id}/status", data={"csrf_token": token, "receipt_no": "0000009990",
                                                          "secret": "AAAA-AAAA"})  # fmt: skip
    garbage = c.post(f"/apply/{tenant_id}/status", data={"csrf_token": token, "receipt_no": "12", "secret": "A"})
    assert wrong.status_code == unknown.status_code == garbage.status_code == 404

    def message(page: str) -> str:
        return re.sub(r'value="[^"]*"', "", page)

    assert message(wrong.text).replace(no, "X") == message(unknown.text).replace("0000009990", "X")
    assert "受付番号または確認コードが正しくありません" in wrong.text
    codes = [c.post(f"/apply/{tenant_id}/status", data={"csrf_token": token, "receipt_no": no, "secret": "B"}).status_code
             for _ in range(10)]  # fmt: skip
    assert codes[-1] == 429 and 429 in codes


def test_index_lists_the_forms(app, tenant_id):
    r = resident(app).get(f"/apply/{tenant_id}")
    assert r.status_code == 200 and "転出届（オンライン）" in r.text and "住民票の写しの郵送請求" in r.text
