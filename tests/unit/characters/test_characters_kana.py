
import jaconv
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kikan.core.characters import kana_search_key, kana_search_tokens
from kikan.core.characters.kana import (
    drop_long_vowel_marks,
    drop_separators,
    expand_iteration_marks,
    fold_kana_pairs,
    fold_o_row_extension,
    fold_script_and_width,
    fold_small_kana,
    fold_v_sounds,
    ignore_voicing,
)

STEPS = (
    fold_script_and_width,
    drop_separators,
    drop_long_vowel_marks,
    fold_v_sounds,
    ignore_voicing,
    fold_small_kana,
    fold_kana_pairs,
    expand_iteration_marks,
    fold_o_row_extension,
)

KANA_ALPHABET = (
    [chr(cp) for cp in range(0x3041, 0x3097)]
    + [chr(cp) for cp in range(0x30A1, 0x30FB)]
    + [chr(cp) for cp in range(0xFF61, 0xFFA0)]
    + list("ーｰ―－‐-ゝゞヽヾ゛゜\u3099\u309a 　・abcXYZＡｂ０9ㇰㇿ山田")
)
kana_text = st.text(alphabet=st.sampled_from(KANA_ALPHABET), max_size=12)


def same(*readings: str) -> bool:
    return len({kana_search_key(r) for r in readings}) == 1


# -- step 1 ---------------------------------------------------------------------------------------
def test_script_and_width() -> None:
    assert fold_script_and_width("さとう") == "サトウ"
    assert fold_script_and_width("ｻﾄｳ") == "サトウ"
    assert fold_script_and_width("ｶﾞ") == "カ\u3099"  # the voiced mark is dealt with in step 5
    assert fold_script_and_width("ＡＢＣ１２abc") == "abc12abc"
    assert fold_script_and_width("ゔ") == "ヴ"
    assert fold_script_and_width("ゝ") == "ヽ"
    assert fold_script_and_width("サトウ") == "サトウ"
    assert same("さとう", "サトウ", "ｻﾄｳ")
    assert same("Smith", "ＳＭＩＴＨ", "smith")
    assert not same("さとう", "さいとう")


# -- step 2 ---------------------------------------------------------------------------------------
def test_separators() -> None:
    assert drop_separators("サトウ タロウ") == "サトウタロウ"
    assert drop_separators("サトウ　タロウ") == "サトウタロウ"
    assert drop_separators("ジョン・スミス") == "ジョンスミス"
    assert drop_separators("サトウタロウ") == "サトウタロウ"
    assert same("サトウ タロウ", "サトウ　タロウ", "サトウタロウ", "サトウ\tタロウ")


# -- step 3 ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("mark", list("ーｰ―－‐-‑–—−〜～"))
def test_long_vowel_marks_are_all_ignored(mark: str) -> None:
    assert drop_long_vowel_marks(f"ユ{mark}キ") == "ユキ"
    assert same(f"ユ{mark}キ", "ユーキ", "ユキ")


def test_long_vowel_negative() -> None:
    assert drop_long_vowel_marks("ユウキ") == "ユウキ"  # a written vowel is not a mark
    assert not same("ユーキ", "ユウキ")  # ユ is ウ段: the オ段 rule does not apply


# -- step 4 ---------------------------------------------------------------------------------------
def test_v_sounds() -> None:
    assert fold_v_sounds("ヴァイオリン") == "バイオリン"
    assert fold_v_sounds("ヴィ") == "ビ"
    assert fold_v_sounds("ヴェ") == "ベ"
    assert fold_v_sounds("ヴォ") == "ボ"
    assert fold_v_sounds("ヴ") == "ブ"
    assert fold_v_sounds("ウ\u3099ァ") == "バ"
    assert fold_v_sounds("ウァ") == "ウァ"
    assert fold_v_sounds("チ\u3099ツ\u3099") == "ヂヅ"
    assert same("ﾁﾁﾞﾜ", "チヂワ", "ちぢわ", "ちち゛わ") and same("ﾂﾂﾞｷ", "ツヅキ", "ツズキ")
    assert same("ヴァイオリン", "バイオリン", "ゔぁいおりん", "ｳﾞｧｲｵﾘﾝ")
    assert same("ヴィ", "ビ") and same("ヴ", "ブ")
    assert not same("ヴァ", "ウア")


# -- step 5 ---------------------------------------------------------------------------------------
def test_voicing_is_ignored() -> None:
    assert ignore_voicing("ガギグゲゴ") == "カキクケコ"
    assert ignore_voicing("バパ") == "ハハ"
    assert ignore_voicing("カ\u3099") == "カ"
    assert ignore_voicing("ヂヅ") == "シス"
    assert ignore_voicing("ヾ") == "ヽ"
    # the specification's pairs
    for a, b in [
        ("ヂ", "ジ"),
        ("ズ", "ヅ"),
        ("ヒ", "ピ"),
        ("ハシモト", "バシモト"),
        ("ハシモト", "パシモト"),
    ]:
        assert same(a, b), (a, b)


def test_voicing_negative() -> None:
    assert ignore_voicing("カサタ") == "カサタ"
    assert not same("カ", "サ")
    # ヂ goes with ジ (spec), hence not with チ
    assert not same("ヂ", "チ")
    assert not same("ヅ", "ツ")


# -- step 6 ---------------------------------------------------------------------------------------
def test_small_kana() -> None:
    assert fold_small_kana("ァィゥェォッャュョヮヵヶ") == "アイウエオツヤユヨワカケ"
    assert fold_small_kana("ㇰㇱㇿ") == "クシロ"
    for a, b in [("ッ", "ツ"), ("ャ", "ヤ"), ("ュ", "ユ"), ("ョ", "ヨ")]:
        assert same(a, b)
    assert same("キッカワ", "キツカワ")
    assert fold_small_kana("アツ") == "アツ"
    assert not same("キッカワ", "キカワ")


# -- step 7 ---------------------------------------------------------------------------------------
def test_kana_pairs() -> None:
    assert fold_kana_pairs("ヲヱヰワ") == "オエイハ"
    assert same("オ", "ヲ") and same("ワ", "ハ") and same("ヱ", "エ") and same("ヰ", "イ")
    assert same("ワタナベ", "ハタナベ")  # documented over-match of the spec's ワ/ハ pair
    assert fold_kana_pairs("オエイハ") == "オエイハ"
    assert not same("ワ", "ア")


# -- step 8 ---------------------------------------------------------------------------------------
def test_iteration_marks() -> None:
    assert expand_iteration_marks("サヽキ") == "ササキ"
    assert expand_iteration_marks("ヽア") == "ア"
    assert same("サヽキ", "ササキ", "さゝき")
    assert same("スヾキ", "スズキ", "すゞき", "ススキ")
    assert expand_iteration_marks("ササキ") == "ササキ"


# -- step 9 ---------------------------------------------------------------------------------------
def test_o_row_extension() -> None:
    assert fold_o_row_extension("サトウ") == "サト"
    assert fold_o_row_extension("サトオ") == "サト"
    assert fold_o_row_extension("コウオ") == "コ"
    assert fold_o_row_extension("ウメ") == "ウメ"  # only from the 2nd character
    assert fold_o_row_extension("ユウコ") == "ユウコ"  # ユ is ウ段
    assert same("サトウ", "サトオ", "サトー", "サト", "さとう", "ｻﾄｰ")
    assert same("コウノ", "コノ")  # consequence of the rule, documented
    assert same("オオノ", "オノ")
    assert same("キョウコ", "キヨコ")
    assert not same("サトウ", "サイトウ")
    assert not same("ユウコ", "ユコ")


def test_spaces_do_not_block_the_o_row_rule() -> None:
    # documented: spaces are removed first, so the rule applies across 氏/名
    assert kana_search_key("サトウ ウメ") == "サトメ"
    assert kana_search_tokens("サトウ ウメ") == ["サト", "ウメ"]


def test_tokens() -> None:
    assert kana_search_tokens("さとう　ゆうこ") == ["サト", "ユウコ"]
    assert kana_search_tokens(" ジョン・スミス ") == ["シヨン", "スミス"]
    assert kana_search_tokens("  ") == []
    assert kana_search_tokens("") == []


def test_examples() -> None:
    assert kana_search_key("さとう　ゆうこ") == "サトユウコ"
    assert kana_search_key("") == ""
    assert kana_search_key("山田") == "山田"  # non-kana passes through


@given(st.text(max_size=20))
def test_key_is_idempotent_on_any_text(text: str) -> None:
    key = kana_search_key(text)
    assert kana_search_key(key) == key


@given(kana_text)
def test_key_is_idempotent_on_kana(text: str) -> None:
    key = kana_search_key(text)
    assert kana_search_key(key) == key


@given(kana_text)
def test_key_equals_the_steps_in_order(text: str) -> None:
    folded = text
    for step in STEPS:
        folded = step(folded)
    assert kana_search_key(text) == folded


@given(st.text(alphabet=st.sampled_from(KANA_ALPHABET[:300]), max_size=12))
def test_invariant_under_hiragana_katakana(text: str) -> None:
    assert kana_search_key(jaconv.hira2kata(text)) == kana_search_key(text)
    assert kana_search_key(jaconv.kata2hira(text)) == kana_search_key(text)


@given(kana_text)
def test_invariant_under_width(text: str) -> None:
    key = kana_search_key(text)
    assert kana_search_key(jaconv.z2h(text, kana=True, ascii=True, digit=True)) == key
    assert kana_search_key(jaconv.h2z(text, kana=True, ascii=True, digit=True)) == key

