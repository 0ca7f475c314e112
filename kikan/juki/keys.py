"""Search keys stored on every history row (標準仕様書 2 検索: あいまい検索・異体字検索).

Stored text is never normalised; only these keys are folded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kikan.core.characters import kana_search_key, name_search_key


def _join(*parts: Any) -> str:
    return "".join(p for p in parts if p)


def search_keys(rec: Mapping[str, Any]) -> dict[str, str]:
    """Keys for one snapshot row: current reading/name, 旧氏・通称・alphabet, address."""
    kana = kana_search_key(_join(rec.get("family_name_kana"), rec.get("given_name_kana")))
    name = name_search_key(_join(rec.get("family_name"), rec.get("given_name")))
    alt_kana = " ".join(
        k
        for k in (
            kana_search_key(_join(rec.get("former_family_name_kana"), rec.get("given_name_kana")))
            if rec.get("former_family_name_kana")
            else "",
            kana_search_key(rec.get("tsusho_kana") or ""),
        )
        if k
    )
    alt_name = " ".join(
        k
        for k in (
            name_search_key(_join(rec.get("former_family_name"), rec.get("given_name")))
            if rec.get("former_family_name")
            else "",
            name_search_key(rec.get("tsusho") or ""),
            name_search_key(rec.get("alpha_name") or ""),
        )
        if k
    )
    address = name_search_key(_join(rec.get("address"), rec.get("katagaki")))
    return {
        "kana_key": kana[:200],
        "name_key": name[:200],
        "alt_kana_key": alt_kana[:200],
        "alt_name_key": alt_name[:400],
        "address_key": address[:400],
    }
