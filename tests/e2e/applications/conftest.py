"""Fixtures for the 申請管理 API/screen tests: the 個人番号 key, fresh rate limits per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kikan.adapters.security import crypto
from kikan.adapters.web.applications.limiter import limiters
from tests.integration.applications.apps_support import TEST_KEY


@pytest.fixture(autouse=True)
def mynumber_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(crypto.ENV_KEY, TEST_KEY)
    crypto.reset_cipher()
    yield
    crypto.reset_cipher()


@pytest.fixture(autouse=True)
def fresh_limits(app: Any) -> None:
    limiters(app).reset()
