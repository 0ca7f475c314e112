"""Validation of names and addresses against the full master, through the core CharacterSet protocol."""

from __future__ import annotations

import pytest

from kikan.characters import STANDARD_CHARACTER_SET, IssueKind, is_standard, validate
from kikan.core.characters import check_standard_characters


@pytest.mark.parametrize(
    "text",
    [
        "渡邉\U000e011a太郎",  # Moji_Joho IVS (MJ026194)
        "髙橋﨑子",
        "𠮷田",  # plane 2
        "\ufa19社",  # compatibility ideograph as registered
        "神\U000e0103",  # its IVS spelling
        "東京都千代田区霞が関１丁目２番３号　Ａ棟",
        "1-2-3 Smith John",  # ASCII: 番地, アルファベット氏名
        "ヴァン・デル・ベルグ",
        "か\u309aき\u309a",  # JIS X 0213 か゚ き゚
        "々〆ヶ",
    ],
)
def test_registered_names_and_addresses_pass(text):
    assert validate(text) == []
    assert is_standard(text)


@pytest.mark.parametrize(
    ("text", "position", "kind"),
    [
        ("山\ue000子", 1, IssueKind.PRIVATE_USE),  # CP932 外字 F040 decoded
        ("田中\U000f0001", 2, IssueKind.PRIVATE_USE),  # plane-15 PUA
        ("花子😀", 2, IssueKind.EMOJI),
        ("邉\U000e0100", 0, IssueKind.NOT_STANDARD),  # an IVS that Moji_Joho does not register for 邉
        ("ﾀﾅｶ", 0, IssueKind.NOT_STANDARD),  # half-width katakana is not JIS X 0213
        ("山田\u200b", 2, IssueKind.FORMAT),
    ],
)
def test_outside_characters_are_reported(text, position, kind):
    issues = validate(text)
    assert issues and (issues[0].position, issues[0].kind) == (position, kind)
    assert "文字目" in issues[0].message


def test_the_set_plugs_into_the_core_check():
    # 㐁 U+3401 (MJ000005): an MJ glyph outside JIS X 0213 without an MJ縮退マップ entry, which the
    # core default set cannot know; 21,366 MJ glyphs are in that situation
    assert check_standard_characters("㐁", STANDARD_CHARACTER_SET) == []
    assert [i.kind for i in check_standard_characters("㐁")] == [IssueKind.NOT_STANDARD]
    assert "\u3404\U000e0101" in STANDARD_CHARACTER_SET  # 㐄 + IVS (MJ000007)
    assert "\u3404\U000e0105" not in STANDARD_CHARACTER_SET  # not a registered sequence


def test_validation_never_changes_the_text():
    text = "\ufa19\ufa11邉\U000e011a"
    before = text.encode("utf-8")
    validate(text)
    assert text.encode("utf-8") == before
