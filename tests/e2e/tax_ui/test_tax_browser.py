"""The 個人住民税 screens in a real browser (Debian chromium via Playwright): search by kana, open the
taxpayer, read the result and schedule, open the calculation trace; the calculator with a mistake;
enter an income record (with a mistake first), preview the 更正 and apply it with a reason."""

from __future__ import annotations

import pytest

from tests.conftest import make_staff
from tests.e2e.browser import browser_page, live_server, log_in, screenshot

pytestmark = pytest.mark.browser


def test_tax_clerk_opens_a_taxpayer_and_the_trace_in_chromium(db, tax_app, town):
    if db.dialect != "sqlite":
        pytest.skip("browser flows run once, on the embedded database")
    login = make_staff(db, town.tenant_id, ["tax_clerk"])
    with live_server(tax_app) as base, browser_page() as page:
        log_in(page, base + "/tax", login)
        assert page.locator("h1").inner_text() == "納税義務者の検索"

        page.get_by_label("カナ", exact=True).fill("ﾜﾀﾅﾍﾞ")
        page.get_by_role("button", name="検索する").click()
        assert "検索結果 1件" in page.locator("#h-results").inner_text()
        screenshot(page, "tax_search")
        page.locator("table.results a").first.click()

        assert page.locator("h1").inner_text().startswith("渡邉")
        assert "315,500円" not in page.content()  # 渡邉 earns 3,000,000円
        assert page.locator("table.schedule tbody tr").count() == 12
        assert "令和8年7月10日" in page.locator("table.schedule").inner_text()
        screenshot(page, "tax_taxpayer")

        page.get_by_role("link", name="計算過程を見る").click()
        assert page.locator("h1").inner_text().startswith("計算過程")
        assert "保存された年税額と一致します" in page.locator("p.success").inner_text()
        taxable = page.locator("#step-taxable_income").inner_text()
        assert "1,000円未満切捨て" in taxable and "地方税法第20条の4の2第1項" in taxable
        assert page.locator("table.trace tbody tr").count() >= 10
        screenshot(page, "tax_trace")

        page.get_by_role("link", name="税額の試算").click()
        page.get_by_label("年齢", exact=True).fill("四十五")
        page.get_by_role("button", name="計算する").click()
        assert "年齢: 半角の数字で入力してください" in page.locator("#error-summary").inner_text()
        page.locator("#error-summary a").first.click()
        page.get_by_label("年齢", exact=True).fill("45")
        page.get_by_label("給与等の収入金額").fill("5000000")
        page.get_by_role("button", name="計算する").click()
        assert "315,500円" in page.locator("table.summary-amounts").inner_text()
        screenshot(page, "tax_calculator")


def test_tax_clerk_enters_income_previews_and_applies_a_correction_in_chromium(db, tax_app, town):
    """所得情報の登録 (with a mistake first) → 税額の更正: preview before/after → reason → applied, with the
    link to the 税額変更通知書."""
    if db.dialect != "sqlite":
        pytest.skip("browser flows run once, on the embedded database")
    no = town.nos["salaried_c"]
    login = make_staff(db, town.tenant_id, ["tax_clerk"])
    with live_server(tax_app) as base, browser_page() as page:
        log_in(page, f"{base}/tax/taxpayers/{no}", login)

        page.get_by_role("link", name="所得情報の登録").click()
        assert page.locator("h1").inner_text().startswith("所得情報の登録")
        page.get_by_label("資料の種類").select_option("salary_report")
        page.get_by_label("支払者の番号").fill("E0300")
        page.get_by_label("支払者の名称").fill("第三工業")
        page.get_by_label("給与等の収入金額").fill("百二十万円")
        page.get_by_role("button", name="登録する").click()
        summary = page.locator("#error-summary").inner_text()
        assert "給与等の収入金額: 半角の数字で入力してください" in summary
        assert page.get_by_label("支払者の名称").input_value() == "第三工業"  # the input is kept
        page.locator("#error-summary a").first.click()
        page.get_by_label("給与等の収入金額").fill("1,200,000")
        page.get_by_role("button", name="登録する").click()
        assert "課税資料を登録しました" in page.locator("[role=status]").inner_text()
        assert "第三工業" in page.locator("table.records").inner_text()

        page.get_by_role("button", name="税額の更正（再計算して比べる）").click()
        assert page.locator("h1").inner_text().startswith("税額の更正")
        levy = page.locator("#diff-income_levy_municipal").inner_text()
        assert "所得割額（市町村民税" in levy and "+" in levy
        screenshot(page, "tax_correction_preview")

        page.get_by_role("button", name="更正する").click()
        assert "更正の理由: 更正の理由を入力してください" in page.locator("#error-summary").inner_text()
        page.get_by_label("更正の理由（必須）").fill("給与支払報告書（2か所目）の提出による更正")
        page.get_by_role("button", name="更正する").click()
        status = page.locator("[role=status]").inner_text()
        assert "税額を更正しました（第2版）" in status
        assert page.get_by_role("link", name="税額変更通知書（PDF）").first.is_visible()
        assert "給与支払報告書（2か所目）の提出による更正" in page.locator("table.versions-table").inner_text()
        screenshot(page, "tax_correction_applied")
