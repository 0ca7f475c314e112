"""The staff UI shell in a real browser (Debian chromium via Playwright)."""

import pytest

from tests.conftest import TEST_PASSWORD, make_staff
from tests.e2e.browser import browser_page, live_server, screenshot

pytestmark = pytest.mark.browser


def test_login_home_and_audit_in_chromium(db, app, tenant_id):
    if db.dialect != "sqlite":
        pytest.skip("browser flows run once, on the embedded database")
    login = make_staff(db, tenant_id, ["registry_clerk", "auditor"])
    with live_server(app) as base, browser_page() as page:
        page.goto(base + "/")
        assert page.url.startswith(base + "/login")
        assert page.locator("h1").inner_text() == "職員ログイン"
        screenshot(page, "login")
        page.get_by_label("ログインID").fill(login)
        page.get_by_label("パスワード").fill("wrong-password")
        page.get_by_role("button", name="ログイン").click()
        assert "正しくありません" in page.locator(".error-summary").inner_text()
        page.get_by_label("パスワード").fill(TEST_PASSWORD)
        page.get_by_role("button", name="ログイン").click()
        page.wait_for_url(base + "/")
        assert "業務メニュー" in page.locator("h1").inner_text()
        assert page.get_by_role("link", name="住民基本台帳（住民記録）").is_visible()
        screenshot(page, "home")
        page.get_by_role("link", name="アクセスログ").click()
        assert "アクセスログ検索" in page.locator("h1").inner_text()
        page.get_by_role("button", name="ログアウト").click()
        page.wait_for_url(base + "/login")
