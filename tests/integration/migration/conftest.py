"""Loads the synthetic legacy file generator (tests/fixtures/legacy/generate.py) as ``legacy_gen``."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

GENERATOR = Path(__file__).resolve().parents[2] / "fixtures" / "legacy" / "generate.py"


def load_generator() -> ModuleType:
    mod = sys.modules.get("legacy_gen")
    if mod is None:
        spec = importlib.util.spec_from_file_location("legacy_gen", GENERATOR)
        assert spec is not None and spec.loader is not None
        mod = importlib.util.module_from_spec(spec)
        sys.modules["legacy_gen"] = mod
        spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="session")
def legacy_gen() -> ModuleType:
    return load_generator()
