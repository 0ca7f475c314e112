from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from kikan.adapters.api.routes.welfare_cases import welfare_today
from kikan.adapters.security import crypto
from tests.conftest import login_client, make_staff
from tests.integration.welfare_ui.welfare_ui_seed import Town, seed_town

TEST_KEY = "wu:" + base64.b64encode(bytes(range(3, 35))).decode()
TODAY = date(2025, 8, 1)


@pytest.fixture(autouse=True)
def mynumber_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(crypto.ENV_KEY, TEST_KEY)
    crypto.reset_cipher()


@pytest.fixture(scope="module")
def town(db: Any) -> Town:
    import random

    from kikan.adapters.security import accounts
    from kikan.core.identity import compute_local_government_check_digit

    rng = random.Random()
    for _ in range(20):
        base = f"{rng.randint(1, 47):02d}{rng.randint(100, 999):03d}"
        code = base + str(compute_local_government_check_digit(base))
        try:
            accounts.add_tenant(db, code, f"福祉市{code}")
            break
        except accounts.AccessError:
            continue
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(crypto.ENV_KEY, TEST_KEY)
        crypto.reset_cipher()
        return seed_town(db, code)


@pytest.fixture(autouse=True)
def fixed_today(app: Any) -> Iterator[date]:
    app.dependency_overrides[welfare_today] = lambda: TODAY
    yield TODAY
    app.dependency_overrides.pop(welfare_today, None)


@pytest.fixture
def clerk(app: Any, db: Any, town: Town) -> Any:
    return login_client(app, make_staff(db, town.tenant_id, ["welfare_clerk"]))
