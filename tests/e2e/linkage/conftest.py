from __future__ import annotations

import pytest

from tests.integration.linkage.linkage_support import set_key


@pytest.fixture(autouse=True)
def linkage_key(monkeypatch: pytest.MonkeyPatch) -> None:
    set_key(monkeypatch)
