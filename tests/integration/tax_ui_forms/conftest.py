"""Fixtures for the tax input screens: a small assessed town (当初課税 completed) per module and
logged-in clients of a tax clerk and a welfare clerk."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import login_client, make_staff
from tests.integration.tax_notices.notice_seed import Town, seed_town


@pytest.fixture(scope="module")
def town(db: Any) -> Town:
    return seed_town(db)


@pytest.fixture
def clerk(app: Any, db: Any, town: Town) -> Any:
    return login_client(app, make_staff(db, town.tenant_id, ["tax_clerk"]))


@pytest.fixture
def welfare(app: Any, db: Any, town: Town) -> Any:
    return login_client(app, make_staff(db, town.tenant_id, ["welfare_clerk"]))
