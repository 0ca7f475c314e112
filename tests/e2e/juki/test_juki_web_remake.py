"""改製・再製 screens (TestClient): the forms reached from the resident page, the 改製原住民票 listed
there with the issue of its copy, refusals (422 with nothing written, 409 when stale, 403)."""

from __future__ import annotations

import re

from tests.e2e.juki.conftest import history_count, person, seed_household, staff_client
from tests.e2e.juki.test_juki_web import assert_accessible


def _version(html: str) -> str:
    m = re.search(r'name="expected_household_version" value="(\d+)"', html)
    assert m, "the form carries the household version"
    return m.group(1)


def test_remake_through_the_form_then_the_original_is_listed_and_its_copy_issued(db, app, tenant_id, owner_engine):
    seeded = seed_household(db, tenant_id, person(), person(given="花子", gkana="ハナコ", sex="2", rel="妻"))
    head, hno = seeded.addressee_nos[0], seeded.household_no
    c = staff_client(app, db, tenant_id, "registry_clerk")
    page = c.get(f"/juki/residents/{head}")
    assert "改製原住民票はありません" in page.text
    assert f'href="/juki/residents/{head}/remake?household_no={hno}"' in page.text
    form = c.get(f"/juki/residents/{head}/remake", params={"household_no": hno})
    assert form.status_code == 200 and "<h1>改製</h1>" in form.text and "改製日" in form.text
    assert f'action="/juki/residents/{head}/remake"' in form.text and f'value="{head}" checked' in form.text
    assert_accessible(form.text)

    before = history_count(owner_engine, tenant_id)
    data = {"event_on": "2024-04-08", "reason_text": "住民票の様式の変更", "ui_household_no": hno,
            "addressee_nos": [head], "expected_household_version": _version(form.text)}  # fmt: skip
    r = c.post(f"/juki/residents/{head}/remake", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["location"].startswith(f"/juki/residents/{head}/remake/done?r=")
    assert history_count(owner_engine, tenant_id) == before + 2  # 改製（消除） and 改製（記載）
    done = c.get(r.headers["location"])
    assert done.status_code == 200 and "改製の結果" in done.text and "改製（記載）" in done.text
    assert "異動事由コード 141" in done.text

    page = c.get(f"/juki/residents/{head}")
    assert page.status_code == 200
    section = page.text.split('id="h-remade"')[1].split('id="h-history"')[0]
    rows = re.findall(r'action="/juki/residents/\d+/remade-originals/(\d+)/copy"', section)
    assert rows == ["2"]  # one 改製原住民票, closed by the 改製（消除） row
    assert "令和6年4月8日" in section and "住民票の様式の変更" in section
    assert_accessible(page.text)
    wife = c.get(f"/juki/residents/{seeded.addressee_nos[1]}")
    assert "改製原住民票はありません" in wife.text  # only the chosen member was remade

    issued = c.post(f"/juki/residents/{head}/remade-originals/2/copy", data={"requester": "本人", "purpose": "年金"},
                    follow_redirects=False)  # fmt: skip
    assert issued.status_code == 303, issued.text
    assert issued.headers["location"] == "/juki/certificates/issued/R6-000001"
    pdf = c.get("/juki/certificates/issued/R6-000001/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    missing = c.post(f"/juki/residents/{head}/remade-originals/1/copy", data={"requester": "本人"})
    assert missing.status_code == 404 and "改製原住民票" in missing.text


def test_reproduce_without_a_reason_is_refused_with_the_error_and_nothing_written(db, app, tenant_id, owner_engine):
    seeded = seed_household(db, tenant_id, person())
    no, hno = seeded.addressee_nos[0], seeded.household_no
    c = staff_client(app, db, tenant_id, "registry_clerk")
    form = c.get(f"/juki/residents/{no}/reproduce")  # the household is the person's
    assert form.status_code == 200 and "再製日" in form.text and "再製の資料" in form.text
    assert_accessible(form.text)
    before = history_count(owner_engine, tenant_id)
    data = {"event_on": "2024-04-09", "reason_text": "", "source_text": "住民異動届", "ui_household_no": hno,
            "addressee_nos": [no], "expected_household_version": _version(form.text)}  # fmt: skip
    r = c.post(f"/juki/residents/{no}/reproduce", data=data)
    assert r.status_code == 422
    assert '<div class="error-summary" role="alert"' in r.text and "再製の理由（滅失・き損の事由）" in r.text
    assert 'href="#f-reason_text"' in r.text and 'value="住民異動届"' in r.text
    assert history_count(owner_engine, tenant_id) == before

    ok = c.post(f"/juki/residents/{no}/reproduce", data={**data, "reason_text": "記録媒体のき損"},
                follow_redirects=False)  # fmt: skip
    assert ok.status_code == 303 and history_count(owner_engine, tenant_id) == before + 2
    assert "再製（記載）" in c.get(ok.headers["location"]).text
    stale = c.post(f"/juki/residents/{no}/reproduce", data={**data, "reason_text": "き損"})  # the version shown is old
    assert stale.status_code == 409 and history_count(owner_engine, tenant_id) == before + 2


def test_staff_without_the_write_permission_and_posts_without_csrf_are_refused(db, app, tenant_id, owner_engine):
    seeded = seed_household(db, tenant_id, person())
    no, hno = seeded.addressee_nos[0], seeded.household_no
    data = {"event_on": "2024-04-08", "reason_text": "様式の変更", "ui_household_no": hno, "addressee_nos": [no]}
    before = history_count(owner_engine, tenant_id)
    for role in ("tax_clerk", "tenant_admin"):  # tenant_admin reads the registry but may not write it
        other = staff_client(app, db, tenant_id, role)
        assert other.get(f"/juki/residents/{no}/remake").status_code == 403
        assert other.post(f"/juki/residents/{no}/remake", data=data).status_code == 403
        assert other.post(f"/juki/residents/{no}/reproduce", data=data).status_code == 403
    viewer = staff_client(app, db, tenant_id, "tenant_admin")
    page = viewer.get(f"/juki/residents/{no}")
    assert page.status_code == 200 and f"/juki/residents/{no}/remake" not in page.text

    c = staff_client(app, db, tenant_id, "registry_clerk")
    del c.headers["X-CSRF-Token"]
    assert c.post(f"/juki/residents/{no}/remake", data=data).status_code == 403
    assert c.post(f"/juki/residents/{no}/remade-originals/2/copy", data={"requester": "本人"}).status_code == 403
    assert history_count(owner_engine, tenant_id) == before
