"""The 児童手当 screens in a real browser (Debian chromium via Playwright): the case list filtered to
受給中, the case page with its history, the 認定通知書 downloaded with the browser's session."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from tests.conftest import make_staff
from tests.e2e.browser import browser_page, live_server, log_in, screenshot

pytestmark = pytest.mark.browser


def test_welfare_clerk_opens_a_case_and_downloads_its_notice(db, app, town):
    if db.dialect != "sqlite":
        pytest.skip("browser flows run once, on the embedded database")
    login = make_staff(db, town.tenant_id, ["welfare_clerk"])
    with live_server(app) as base, browser_page() as page:
        log_in(page, base + "/welfare/cases", login)
        assert page.locator("h1").inner_text() == "受給者台帳の一覧"
        assert page.locator("table.cases tbody tr").count() == 2

        page.get_by_label("状態").select_option("certified")
        page.get_by_role("button", name="絞り込む").click()
        assert page.locator("table.cases tbody tr").count() == 1
        screenshot(page, "welfare_cases")
        page.get_by_role("link", name=town.paid).click()

        assert page.locator("h1").inner_text().startswith("渡邉")
        assert page.locator("#monthly-amount").inner_text().startswith("20,000円")
        history = page.locator("table.history tbody tr")
        assert history.count() == 2 and "認定" in history.first.inner_text()
        screenshot(page, "welfare_case")

        link = page.get_by_role("link", name="児童手当認定通知書（PDF）")
        pdf = page.request.get(base + str(link.get_attribute("href")))
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
        doc = pdfium.PdfDocument(pdf.body())
        text = "".join(doc[0].get_textpage().get_text_range().split())
        assert "児童手当認定通知書" in text and "渡邉花子様" in text and "20,000円" in text and "審査請求" in text
