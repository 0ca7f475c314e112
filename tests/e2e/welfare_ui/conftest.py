"""Fixtures for the 児童手当 screens in a browser: the seeded town of the integration tests, a fixed 処理日."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from kikan.adapters.api.routes.welfare_cases import welfare_today
from kikan.adapters.security import crypto
from tests.integration.welfare_ui.welfare_ui_seed import Town, seed_town

TEST_KEY = "wb:" + base64.b64encode(bytes(range(5, 37))).decode()
TODAY = date(2025, 8, 1)


@pytest.fixture(autouse=True)
def mynumber_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(crypto.ENV_KEY, TEST_KEY)
    crypto.reset_cipher()


@pytest.fixture
def town(db: Any, tenant_id: str) -> Town:
    return seed_town(db, tenant_id)


@pytest.fixture(autouse=True)
def fixed_today(app: Any) -> Iterator[date]:
    app.dependency_overrides[welfare_today] = lambda: TODAY
    yield TODAY
    app.dependency_overrides.pop(welfare_today, None)
