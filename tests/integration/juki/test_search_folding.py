"""あいまい検索 end to end (標準仕様書 2.1.2): kana folding rules and 異体字, on both backends."""

from __future__ import annotations

import pytest
from test_search_helpers import find, nos, person  # noqa: F401

KANA_PAIRS = [
    # (stored reading, typed reading): the spec's pairs, each must find the other
    ("サトウ", "サトオ"),  # ウ after an オ段 sound = オ
    ("サトウ", "サトー"),  # long vowel ignored
    ("オオノ", "オーノ"),
    ("フジ", "フヂ"),  # ヂ/ジ
    ("ミズキ", "ミヅキ"),  # ズ/ヅ
    ("ワタナベ", "ハタナベ"),  # ワ/ハ
    ("バイオレット", "ヴァイオレット"),  # ヴァ/バ
    ("ビクトリア", "ヴィクトリア"),  # ヴィ/ビ
    ("ブー", "ヴー"),  # ヴ/ブ
    ("カオル", "カヲル"),  # オ/ヲ
    ("ヒロシ", "ピロシ"),  # ヒ/ピ (handakuten ignored)
    ("ハットリ", "ハツトリ"),  # ッ/ツ
    ("キャロル", "キヤロル"),  # ャ/ヤ
    ("シュウ", "シユウ"),  # ュ/ユ
    ("ショウコ", "シヨウコ"),  # ョ/ヨ
]


@pytest.mark.parametrize(("stored", "typed"), KANA_PAIRS)
def test_kana_folding_rules_match_both_ways(db, ctx, stored: str, typed: str) -> None:
    with db.uow(ctx) as uow:
        a = person(uow, {"family_name": "甲", "family_name_kana": stored, "given_name_kana": "イチロウ"})
        b = person(uow, {"family_name": "乙", "family_name_kana": typed, "given_name_kana": "イチロウ"})
        other = person(
            uow, {"family_name": "丙", "family_name_kana": "マツモト", "given_name_kana": "イチロウ"}
        )
        uow.commit()
    assert nos(find(db, ctx, kana=typed)) >= {a, b}
    assert nos(find(db, ctx, kana=stored)) >= {a, b}
    assert other not in nos(find(db, ctx, kana=typed))


def test_kana_input_forms_are_equal(db, ctx) -> None:
    """hiragana, half-width katakana, full/half-width spaces, the 氏名 space ignored."""
    with db.uow(ctx) as uow:
        a = person(uow, {"family_name_kana": "サトウ", "given_name_kana": "ハナコ"})
        uow.commit()
    for typed in ("さとう　はなこ", "ｻﾄｳ ﾊﾅｺ", "サトウハナコ", "サトー　ハナコ", "さとお"):
        assert a in nos(find(db, ctx, kana=typed)), typed


def test_kana_exact_prefix_partial_and_given_name_only(db, ctx) -> None:
    with db.uow(ctx) as uow:
        a = person(uow, {"family_name_kana": "タカハシ", "given_name_kana": "ユウコ"})
        b = person(uow, {"family_name_kana": "タカギ", "given_name_kana": "ユウコ"})
        c = person(uow, {"family_name_kana": "ナカタカ", "given_name_kana": "ケン"})
        uow.commit()
    assert nos(find(db, ctx, kana="タカ")) == {a, b}
    assert nos(find(db, ctx, kana="タカ", kana_match="partial")) == {a, b, c}
    assert nos(find(db, ctx, kana="タカハシ ユウコ", kana_match="exact")) == {a}
    assert nos(find(db, ctx, kana="タカハシ", kana_match="exact")) == set()
    assert nos(find(db, ctx, kana="ユウコ", given_name_only=True)) == {a, b}


@pytest.mark.parametrize(
    ("stored", "typed"),
    [("髙橋", "高橋"), ("高橋", "髙橋"), ("渡邉\U000e010f", "渡辺"), ("渡辺", "渡邉\U000e0111"), ("渡邊", "渡辺"),
     ("齋藤", "斉藤"), ("山﨑", "山崎"), ("濵田", "浜田"), ("𠮷田", "吉田")],
)  # fmt: skip
def test_variant_kanji_find_each_other(db, ctx, stored: str, typed: str) -> None:
    with db.uow(ctx) as uow:
        a = person(uow, {"family_name": stored, "given_name": "一郎"})
        other = person(uow, {"family_name": "田中", "given_name": "一郎"})
        uow.commit()
    found = find(db, ctx, name=typed)
    assert nos(found) == {a}
    assert found.items[0].family_name == stored  # shown exactly as registered (IVS kept)
    assert other not in nos(found)


def test_name_modes_and_alphabet_names(db, ctx) -> None:
    with db.uow(ctx) as uow:
        a = person(uow, {"family_name": "山本", "given_name": "太郎"})
        b = person(uow, {"family_name": "山本", "given_name": "花子"})
        c = person(uow, {"family_name": "松本", "given_name": "太郎"})
        f = person(
            uow,
            {
                "family_name": "NGUYEN",
                "given_name": "VAN AN",
                "alpha_name": "NGUYEN VAN AN",
                "resident_kind": "foreign",
                "family_name_kana": "グエン",
                "given_name_kana": "ヴァン アン",
            },
        )
        k = person(uow, {"family_name": "王", "given_name": "偉", "alpha_name": "WANG WEI", "resident_kind": "foreign",
                         "tsusho": "大山　一郎", "tsusho_kana": "オオヤマ イチロウ"})  # fmt: skip
        uow.commit()
    assert nos(find(db, ctx, name="山本")) == {a, b}
    assert nos(find(db, ctx, name="山本　太郎", name_match="exact")) == {a}
    assert nos(find(db, ctx, name="本", name_match="partial")) == {a, b, c}
    assert nos(find(db, ctx, name="太郎", given_name_only=True)) == {a, c}
    assert nos(find(db, ctx, name="nguyen van")) == {f}
    assert nos(find(db, ctx, name="WANG")) == {k}  # alphabet name after the 通称 in alt_name_key
    assert nos(find(db, ctx, name="大山")) == {k}
    assert find(db, ctx, name="大山").items[0].matched_on == "alias"
