"""The registry in a real browser (Debian chromium via Playwright): 転入 → 検索 → 照会 → 住民票の写し →
支援措置 → the copy is refused with the Japanese message on screen."""

from __future__ import annotations

import pytest

from tests.conftest import make_staff
from tests.e2e.browser import browser_page, live_server, log_in, screenshot

pytestmark = pytest.mark.browser


def test_registry_supervisor_flow_in_chromium(db, app, tenant_id):
    if db.dialect != "sqlite":
        pytest.skip("browser flows run once, on the embedded database")
    login = make_staff(db, tenant_id, ["registry_supervisor"])
    with live_server(app) as base, browser_page() as page:
        log_in(page, base + "/juki/moves/move-in", login)
        assert page.locator("h1").inner_text() == "転入"

        # 転入 through the form
        page.locator("#f-event_on").fill("2024-04-01")
        page.locator("#f-reported_on").fill("2024-04-08")
        page.get_by_label("転入前住所", exact=True).fill("大阪府大阪市北区梅町３番地")
        page.locator("#f-address-address").fill("東京都千代田区松町１番地")
        page.locator("#f-address-katagaki").fill("松町ハイツ１０１号")
        page.locator("#f-persons-0-family_name").fill("山田")
        page.locator("#f-persons-0-given_name").fill("花子")
        page.locator("#f-persons-0-family_name_kana").fill("ヤマダ")
        page.locator("#f-persons-0-given_name_kana").fill("ハナコ")
        page.locator("#f-persons-0-birth_date").fill("1990-02-03")
        page.locator("#f-persons-0-sex").select_option("2")
        page.locator("#f-persons-0-relationship").fill("世帯主")
        page.locator("#f-persons-0-honseki").fill("大阪府大阪市北区梅町３番地")
        page.locator("#f-persons-0-hitto_name").fill("山田花子")
        screenshot(page, "juki_move_in_form")
        page.get_by_role("button", name="登録する").last.click()
        page.wait_for_url(base + "/juki/moves/done**")
        assert "転入（異動事由コード 101）を登録しました" in page.locator(".success").inner_text()

        # search by kana (fuzzy: half-width input)
        page.get_by_role("link", name="住民検索", exact=True).click()
        page.get_by_label("カナ", exact=True).fill("ﾔﾏﾀﾞ")
        page.get_by_role("button", name="検索する").click()
        assert "検索結果 1件" in page.locator("#h-results").inner_text()
        screenshot(page, "juki_search")
        page.get_by_role("link", name="山田　花子").click()

        # the resident page
        assert page.locator("h1").inner_text().startswith("山田　花子")
        assert (
            "平成2年2月3日" in page.locator("dl.items").first.inner_text()
            or "平成2年2月3日" in page.content()
        )
        assert page.locator("table.history tbody tr").count() == 1
        screenshot(page, "juki_resident")
        resident_url = page.url

        # 住民票の写し
        page.locator(".actions-bar").get_by_role("link", name="証明書発行").click()
        assert page.locator("h1").inner_text() == "証明書発行"
        page.get_by_label("住民票の写し", exact=True).check()
        page.get_by_label("個人票", exact=True).check()
        page.get_by_role("button", name="発行する").last.click()
        page.wait_for_url(base + "/juki/certificates/issued/**", wait_until="domcontentloaded")
        issue_no = page.locator(".success strong").inner_text()
        src = page.locator("iframe.pdf").get_attribute("src")
        pdf = page.request.get(base + str(src))
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
        assert pdf.headers["x-kikan-issue-no"] == issue_no
        screenshot(page, "juki_certificate_issued")

        # 支援措置 on the person, then the copy is refused with the Japanese message
        page.goto(resident_url)
        page.get_by_role("link", name="抑止・支援措置").click()
        page.get_by_label("申出の概要").fill("DV被害の申出（相談機関の意見あり）")
        page.get_by_role("button", name="支援措置を受け付ける").click()
        assert "支援措置を受け付けました" in page.locator(".success").inner_text()
        screenshot(page, "juki_blocks")
        page.goto(resident_url)
        assert page.locator(".page-head .badge.block").inner_text() == "支援措置"
        page.locator(".actions-bar").get_by_role("link", name="証明書発行").click()
        page.get_by_role("button", name="発行する").last.click()
        summary = page.locator(".error-summary[role=alert]")
        assert "支援措置の対象者が含まれるため交付できません" in summary.inner_text()
        screenshot(page, "juki_certificate_refused")
