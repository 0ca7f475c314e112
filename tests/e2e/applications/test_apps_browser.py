"""A resident files the online 転出届 in chromium; a clerk applies it; the registry shows the 転出.

Also runs axe-core (vendored, tests/e2e/vendor) on every resident page and fails on serious or
critical WCAG 2.1 A/AA violations. Screenshots go to test-artifacts/screenshots/apply_*.png.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import make_staff
from tests.e2e.browser import browser_page, live_server, log_in, screenshot
from tests.integration.applications.apps_support import HANAKO, seed, today

pytestmark = pytest.mark.browser
AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_check(page: Any, name: str) -> None:
    """Run axe-core on the page; no serious or critical violation may remain."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # evaluate (DevTools protocol) is not subject to the page's CSP, unlike an injected <script>
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
           if v["impact"] in ("serious", "critical")]  # fmt: skip
    assert not bad, f"{name}: {bad}"
    assert result["passes"], f"{name}: axe ran no checks"


def fill_date(page: Any, prefix: str, era: str, year: str, month: str, day: str) -> None:
    page.locator(f"#{prefix}-era").select_option(era)
    page.locator(f"#{prefix}-year").fill(year)
    page.locator(f"#{prefix}-month").fill(month)
    page.locator(f"#{prefix}-day").fill(day)


def check_child_allowance_claim(page: Any, base: str, tenant_id: str) -> None:
    """axe over the 児童手当 認定請求 form: empty, with errors (the phone-sized layout too), the
    confirmation page. Not sent: the clerk's queue below expects the 転出届 alone."""
    page.goto(f"{base}/apply/{tenant_id}/child-allowance-claim")
    assert page.locator("h1").inner_text() == "児童手当 認定請求（オンライン）"
    axe_check(page, "child allowance claim form")
    page.get_by_role("button", name="入力内容を確認する").click()  # everything empty
    assert page.locator(".error-summary li").count() >= 10
    axe_check(page, "child allowance claim form with errors")
    page.set_viewport_size({"width": 1280, "height": 900})
    for prefix, family, given, kana, born in (("f-claimant", "渡辺", "花子", ("ワタナベ", "ハナコ"), "1988"),
                                               ("f-children-0", "渡辺", "陽", ("ワタナベ", "ヒナタ"), "2019")):  # fmt: skip
        page.locator(f"#{prefix}-family_name").fill(family)
        page.locator(f"#{prefix}-given_name").fill(given)
        page.locator(f"#{prefix}-family_name_kana").fill(kana[0])
        page.locator(f"#{prefix}-given_name_kana").fill(kana[1])
        fill_date(page, f"{prefix}-birth_date", "西暦", born, "7", "7")
    page.locator("#f-claimant-address").fill("東京都千代田区松町１番地")
    page.locator("#f-claimant-phone").fill("03-1234-5678")
    page.locator("#f-children-0-relationship").select_option("子")
    page.get_by_label("入力した内容に誤りがないことを確認しました").check()
    page.get_by_role("button", name="入力内容を確認する").click()
    assert page.locator("h1").inner_text() == "入力内容の確認", page.locator(".error-summary").all_inner_texts()
    axe_check(page, "child allowance claim confirm")
    screenshot(page, "apply_child_allowance_confirm")


def test_resident_files_move_out_and_clerk_applies_it(db, app, tenant_id):
    if db.dialect != "sqlite":
        pytest.skip("browser flows run once, on the embedded database")
    (no,) = seed(db, tenant_id, HANAKO)
    login = make_staff(db, tenant_id, ["registry_clerk"])
    planned = today()
    with live_server(app) as base, browser_page() as page:
        # --- the resident ------------------------------------------------------------------
        page.goto(f"{base}/apply/{tenant_id}/move-out")
        assert page.locator("h1").inner_text() == "転出届（オンライン）"
        axe_check(page, "form")
        page.locator("#f-applicant-family_name").fill("山田")
        page.locator("#f-applicant-given_name").fill("花子")
        page.locator("#f-applicant-family_name_kana").fill("やまだ")  # hiragana is accepted and converted
        page.locator("#f-applicant-given_name_kana").fill("ハナコ")
        fill_date(page, "f-applicant-birth_date", "平成", "2", "2", "30")  # 2月30日: an error on purpose
        page.get_by_label("現在の住所").fill("東京都千代田区松町１番地")
        page.get_by_label("日中の連絡先電話番号").fill("03-1234-5678")
        page.locator("#f-persons-0-family_name").fill("山田")
        page.locator("#f-persons-0-given_name").fill("花子")
        page.locator("#f-persons-0-family_name_kana").fill("ヤマダ")
        page.locator("#f-persons-0-given_name_kana").fill("ハナコ")
        fill_date(page, "f-persons-0-birth_date", "西暦", "1990", "2", "3")
        page.locator("#f-persons-0-relationship").select_option("世帯主")
        page.get_by_label("国内への転出（転出証明書を郵送で受け取る）").check()
        fill_date(page, "f-move-planned_on", "西暦", str(planned.year), str(planned.month), str(planned.day))
        page.locator("#f-destination-address").fill("大阪府大阪市北区梅町３番地")
        page.get_by_label("入力した内容に誤りがないことを確認しました").check()
        screenshot(page, "apply_form")
        page.get_by_role("button", name="入力内容を確認する").click()

        summary = page.locator(".error-summary")
        assert "入力内容に誤りがあります（1件）" in summary.inner_text()
        assert "届出人の生年月日：平成2年2月30日は存在しない日付です" in summary.inner_text()
        screenshot(page, "apply_error_summary")
        axe_check(page, "form with errors")
        summary.get_by_role("link").first.click()  # the link moves to the field
        assert page.evaluate("() => document.activeElement.id") == "f-applicant-birth_date-era"
        assert page.locator("#f-applicant-birth_date-day").get_attribute("aria-invalid") == "true"
        page.locator("#f-applicant-birth_date-day").fill("3")
        page.get_by_role("button", name="入力内容を確認する").click()

        assert page.locator("h1").inner_text() == "入力内容の確認"
        assert "平成2年2月3日（1990年）" in page.content() and "ヤマダ" in page.content()
        axe_check(page, "confirm")
        screenshot(page, "apply_confirm")
        page.get_by_role("button", name="この内容で送信する").click()

        assert "申請を受け付けました" in page.locator("h1").inner_text()
        receipt = page.locator("#receipt-no").inner_text().replace("-", "")
        assert len(receipt) == 10 and len(page.locator("#receipt-secret").inner_text()) == 9
        axe_check(page, "receipt")
        screenshot(page, "apply_receipt")
        page.set_viewport_size({"width": 375, "height": 800})  # a phone
        page.goto(f"{base}/apply/{tenant_id}/move-out")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375  # no sideways scrolling
        screenshot(page, "apply_form_mobile")
        page.goto(f"{base}/apply/{tenant_id}/status")
        axe_check(page, "status")
        page.goto(f"{base}/apply/{tenant_id}")
        axe_check(page, "index")
        page.goto(f"{base}/apply/{tenant_id}/resident-copy-by-post")
        axe_check(page, "certificate form")
        page.get_by_role("button", name="入力内容を確認する").click()  # everything empty: many errors
        assert page.locator(".error-summary li").count() >= 10
        axe_check(page, "certificate form with errors")
        check_child_allowance_claim(page, base, tenant_id)
        page.set_viewport_size({"width": 1280, "height": 900})

        # --- the clerk -----------------------------------------------------------------------
        log_in(page, f"{base}/applications", login)
        page.get_by_role("link", name="受付（未着手）").click()
        assert page.locator("h1").inner_text() == "申請一覧" and "1件" in page.locator("#h-results").inner_text()
        screenshot(page, "apply_staff_queue")
        page.get_by_role("link", name=receipt).click()
        assert "受付番号 " + receipt in page.locator("h1").inner_text()
        page.get_by_role("button", name=re.compile(rf"^この住民として特定\s*（転出する方（1人目）.*宛名番号 {no}）$")).click()
        assert "住民記録の候補から宛名番号を入力しました" in page.locator(".success").inner_text()
        screenshot(page, "apply_staff_detail")
        page.get_by_role("button", name="適用する（転出届を処理）").click()
        assert "適用しました：転出（異動ID" in page.locator(".success").inner_text()
        screenshot(page, "apply_staff_applied")

        # --- the registry shows the 転出 --------------------------------------------------------
        r = page.request.get(f"{base}/api/v1/juki/residents/{no}")
        assert r.ok and r.json()["status"] == "removed"
        page.goto(f"{base}/juki/residents/{no}")
        assert "転出" in page.content()
