from __future__ import annotations

import base64

import pytest

from kikan.adapters.security import crypto

TEST_KEY = "t1:" + base64.b64encode(bytes(range(32))).decode()


@pytest.fixture(autouse=True)
def mynumber_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(crypto.ENV_KEY, TEST_KEY)
    crypto.reset_cipher()


@pytest.fixture
def twin_tenant(db):  # type: ignore[no-untyped-def]
    """A second fresh tenant (for comparing two runs over identical data)."""
    import random

    from kikan.adapters.security import accounts
    from kikan.core.identity import compute_local_government_check_digit

    rng = random.Random()
    for _ in range(20):
        base = f"{rng.randint(1, 47):02d}{rng.randint(100, 999):03d}"
        code = base + str(compute_local_government_check_digit(base))
        try:
            accounts.add_tenant(db, code, f"双子市{code}")
            return code
        except accounts.AccessError:
            continue
    raise RuntimeError("could not allocate a tenant")
