"""Fixtures of the load and fault tests (real server processes on 127.0.0.1, real databases).

``backend_url``: a fresh database per test — SQLite always, PostgreSQL (a new database on the
``KIKAN_TEST_DATABASE_URL`` server, never a restart of it) when that variable is set.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from load_support import BACKENDS, fresh_database

from bench._procs import LINKAGE_KEY


@pytest.fixture(autouse=True)
def _linkage_key(monkeypatch: pytest.MonkeyPatch) -> None:
    """One linkage key for this process and the servers it starts (the feed check pulls through it)."""
    from kikan.adapters.db import linkage_keys

    monkeypatch.setenv("KIKAN_LINKAGE_KEY", os.environ.get("KIKAN_LINKAGE_KEY") or LINKAGE_KEY)
    linkage_keys.reset()


@pytest.fixture(params=BACKENDS)
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url
