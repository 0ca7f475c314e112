"""The 個人住民税 screens in a real browser (Debian chromium via Playwright): search by kana, open the
taxpayer, read the result and schedule, open the calculation trace; the calculator with a mistake."""

from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD, make_staff
from tests.e2e.browser import browser_page, live_server, screenshot

pytestmark = pytest.mark.browser


def test_tax_clerk_opens_a_taxpayer_and_the_trace_in_chromium(db, tax_app, town):
    if db.dialect != "sqlite":
        pytest.skip("browser flows run once, on the embedded database")
    login = make_staff(db, town.tenant_id, ["tax_clerk"])
    with live_server(tax_app) as base, browser_page() as page:
        page.goto(base + "/tax")
        page.get_by_label("ログインID").fill(login)
        page.get_by_label("パスワード").fill(TEST_PASSWORD)
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_url(base + "/tax")
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
