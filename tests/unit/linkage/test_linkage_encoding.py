"""CP932 degradation: every output is CP932-safe, and every changed character is reported."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kikan.linkage.encoding import GETA, degrade_for_cp932, representable


@pytest.mark.parametrize(
    "text, out, methods",
    [
        ("青木太郎", "青木太郎", []),
        ("東京都千代田区松町１番地　方書", "東京都千代田区松町１番地　方書", []),
        ("𠮷田", "吉田", ["mj_shrink"]),  # U+20BB7 → 吉 (MJ縮退マップ)
        ("葛\U000e0100城市", "葛城市", ["ivs"]),  # IVS dropped, base kept
        ("屛風", "屏風", ["jis_translit"]),
        ("Café", "Cafｅ", ["jis_translit"]),
        (
            "\ue001山",
            GETA + "山",
            ["unmappable"],
        ),  # municipal 外字 in the PUA: never written as CP932 user-defined
        ("ゟ", GETA, ["unmappable"]),
        ("髙橋①", "髙橋①", []),  # CP932 carries its IBM/NEC extensions
    ],
)
def test_degrade(text, out, methods):
    result, subs = degrade_for_cp932(text)
    assert result == out
    assert [s.method for s in subs] == methods
    result.encode("cp932")


def test_substitution_names_position_and_code_points():
    _, (s,) = degrade_for_cp932("山𠮷")
    assert (s.position, s.original, s.replacement, s.code_points) == (1, "𠮷", "吉", "U+20BB7")
    _, (v,) = degrade_for_cp932("葛\U000e0100")
    assert v.code_points == "U+845B U+E0100"


@given(st.text(max_size=40))
def test_any_text_becomes_cp932_safe_and_unchanged_text_is_not_reported(text):
    result, subs = degrade_for_cp932(text)
    assert representable(result)
    result.encode("cp932")
    if representable(text):
        assert result == text and subs == []
    else:
        assert subs
