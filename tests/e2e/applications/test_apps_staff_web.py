"""The staff queue screens: list, detail with registry candidates, identify, apply, refusal shown."""

from __future__ import annotations

import re
from datetime import timedelta

from apps_e2e_support import confirm, move_out_form, receipt_of, resident, submit_confirmed

from kikan.adapters.db.juki_blocks import SqlBlockStore
from kikan.juki.block_services import SetBlock, set_block
from tests.conftest import login_client, make_staff
from tests.integration.applications.apps_support import HANAKO, clerk, seed, today


def _form_fields(page: str, action: str) -> dict[str, str]:
    m = re.search(rf'<form method="post" action="{re.escape(action)}"[^>]*>(.*?)</form>', page, re.S)
    assert m, action
    return dict(re.findall(r'name="([^"]+)" value="([^"]*)"', m.group(1)))


def test_clerk_identifies_and_applies_from_the_screens(app, db, tenant_id):
    (no,) = seed(db, tenant_id, HANAKO)
    c = resident(app)
    receipt, _ = receipt_of(submit_confirmed(c, tenant_id, confirm(c, tenant_id, move_out_form()).text).text)
    staff = login_client(app, make_staff(db, tenant_id, ["registry_clerk"]))

    queue = staff.get("/applications?status=received")
    assert queue.status_code == 200 and receipt in queue.text and "山田\u3000花子" in queue.text
    detail = staff.get(f"/applications/{receipt}")
    assert detail.status_code == 200
    assert "職員の入力が必要な項目" in detail.text and "住民記録の候補" in detail.text and no in detail.text

    # choose the candidate → a correction; then apply
    fields = _form_fields(detail.text, f"/applications/{receipt}/identify")
    assert fields["value"] == no and fields["path"] == "persons.0.addressee_no"
    r = staff.post(f"/applications/{receipt}/identify", data=fields, follow_redirects=True)
    assert r.status_code == 200 and "住民記録の候補から宛名番号を入力しました" in r.text
    assert "特定済み" in r.text and "補正の履歴" in r.text and "住民記録の候補から特定" in r.text
    apply_fields = _form_fields(r.text, f"/applications/{receipt}/apply")
    assert apply_fields["version"] == "2"
    garbage = staff.post(f"/applications/{receipt}/apply", data={**apply_fields, "version": "2x"})
    assert garbage.status_code == 409 and "他の職員が先に" in garbage.text
    done = staff.post(f"/applications/{receipt}/apply", data=apply_fields, follow_redirects=True)
    assert done.status_code == 200 and "適用しました：転出（異動ID" in done.text
    assert "処理の結果" in done.text and f"/juki/residents/{no}" in done.text
    assert staff.get(f"/api/v1/juki/residents/{no}").json()["status"] == "removed"


def test_a_refusal_is_shown_and_the_application_stays_open(app, db, tenant_id):
    (no,) = seed(db, tenant_id, HANAKO)
    with db.uow(clerk(tenant_id, "juki.block.manage")) as uow:
        set_block(SetBlock(["move"], "error", today() - timedelta(days=1), addressee_no=no, reason="調査中"), uow,
                  today=today(), store=SqlBlockStore(uow))  # fmt: skip
        uow.commit()
    c = resident(app)
    receipt, _ = receipt_of(submit_confirmed(c, tenant_id, confirm(c, tenant_id, move_out_form()).text).text)
    staff = login_client(app, make_staff(db, tenant_id, ["registry_clerk"]))
    detail = staff.get(f"/applications/{receipt}")
    assert "抑止" in detail.text  # the candidate carries the registry's block mark
    r = staff.post(f"/applications/{receipt}/identify", data=_form_fields(detail.text, f"/applications/{receipt}/identify"),
                   follow_redirects=True)  # fmt: skip
    refused = staff.post(f"/applications/{receipt}/apply", data=_form_fields(r.text, f"/applications/{receipt}/apply"))
    assert refused.status_code == 403
    assert "適用・更新できませんでした" in refused.text and "責任者の解除が必要です" in refused.text
    again = staff.get(f"/applications/{receipt}")
    assert "前回の適用は拒否されました" in again.text and "審査中" in again.text
    queue = staff.get("/applications")
    assert "適用できませんでした" in queue.text


def test_edit_form_corrects_with_reason_and_validates(app, db, tenant_id):
    c = resident(app)
    receipt, _ = receipt_of(submit_confirmed(c, tenant_id, confirm(c, tenant_id, move_out_form()).text).text)
    staff = login_client(app, make_staff(db, tenant_id, ["registry_clerk"]))
    page = staff.get(f"/applications/{receipt}/edit")
    assert page.status_code == 200 and 'id="f-persons-0-addressee_no"' in page.text
    values = dict(re.findall(r'<input id="[^"]+" name="([^"]+)" (?:type="[^"]+" )?value="([^"]*)"', page.text))
    values.update({"move.kind": "domestic", "persons.0.relationship": "世帯主", "consent.confirmed": "on",
                   "applicant.birth_date.era": "平成", "persons.0.birth_date.era": "平成", "move.planned_on.era": "令和",
                   "version": "1", "_count.persons": "1"})  # fmt: skip
    bad = staff.post(f"/applications/{receipt}/edit", data={**values, "destination.address": ""})
    assert bad.status_code == 422 and '<a href="#f-destination-address">転出先の住所：入力してください</a>' in bad.text
    ok = staff.post(f"/applications/{receipt}/edit", data={**values, "destination.katagaki": "梅ハイツ３０１",
                                                            "reason": "電話で確認"}, follow_redirects=True)  # fmt: skip
    assert ok.status_code == 200 and "1項目を補正しました" in ok.text
    assert "梅ハイツ３０１" in ok.text and "電話で確認" in ok.text and "（なし）" in ok.text


def test_queue_needs_login_and_permission(app, db, tenant_id):
    from fastapi.testclient import TestClient

    r = TestClient(app).get("/applications", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    tax = login_client(app, make_staff(db, tenant_id, ["tax_clerk"]))
    assert tax.get("/applications").status_code == 403
