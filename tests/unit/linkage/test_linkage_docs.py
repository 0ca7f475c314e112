"""docs/linkage.md lists every dataset's CSV columns in the order the code writes them."""

from __future__ import annotations

import re
from pathlib import Path

from kikan.linkage import datasets

DOC = Path(__file__).resolve().parents[3] / "docs" / "linkage.md"


def test_documented_columns_match_the_layout():
    text = DOC.read_text("utf-8")
    for ds in datasets.REGISTRY.values():
        section = text.split(f"#### {ds.name}\n", 1)[1].lstrip("\n").split("\n\n", 1)[0]
        documented = re.findall(r"^\| \d+ \| `([a-z0-9_]+)` \|", section, flags=re.M)
        assert documented == [f.name for f in ds.csv_fields], ds.name
