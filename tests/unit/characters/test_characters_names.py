
import jntajis
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kikan.core.characters import name_search_key, name_search_key_with, name_search_tokens
from kikan.core.characters.names import _default_table
from kikan.core.characters.variants import JOYO_TRADITIONAL_FORMS, NAME_VARIANTS, curated_pairs

IVS = [chr(cp) for cp in (0xE0100, 0xE0101, 0xE0102, 0xE010F, 0xE011A, 0xE01EF)]


def same(*names: str) -> bool:
    return len({name_search_key(n) for n in names}) == 1


@pytest.mark.parametrize(
    ("variant", "standard"),
    [
        ("髙", "高"),  # MJ縮退マップ (JIS包摂規準・UCS統合規則); 髙 is not JIS X 0213
        ("﨑", "崎"),  # U+FA11, JIS X 0213
        ("邉", "辺"),
        ("邊", "辺"),
        ("濱", "浜"),
        ("濵", "浜"),
        ("齋", "斎"),
        ("齊", "斎"),
        ("斉", "斎"),  # kikan choice, documented
        ("澤", "沢"),
        ("廣", "広"),
        ("德", "徳"),
        ("眞", "真"),
        ("國", "国"),
        ("𠮷", "吉"),
        ("嶋", "島"),
        ("櫻", "桜"),
        ("龍", "竜"),
    ],
)
def test_variant_folds(variant: str, standard: str) -> None:
    assert name_search_key(variant) == standard
    assert same(f"山{variant}太郎", f"山{standard}太郎")


@pytest.mark.parametrize("selector", IVS + ["\ufe00"])
def test_with_and_without_ivs(selector: str) -> None:
    assert same("渡邉" + selector, "渡邉", "渡辺", "渡邊" + selector)
    assert same("髙" + selector + "橋", "高橋")
    assert same("山﨑" + selector, "山崎")


def test_specification_examples() -> None:
    # 住民記録システム標準仕様書 2.1.2: 辺 ⇔ 邊 边 邉 𨘢, 浜 ⇔ 濱 濵 滨, 藤 ⇔ 䕨 籘 籐
    assert same("辺", "邊", "边", "邉", "𨘢")
    assert same("浜", "濱", "濵", "滨")
    assert same("藤", "䕨", "籘", "籐")
    assert not same("浜", "頻")  # listed by the spec, but a distinct common character: not folded


@pytest.mark.parametrize(
    ("a", "b"), [("書", "昼"), ("師", "帥"), ("功", "切"), ("牛", "井"), ("高", "橋"), ("辺", "近")]
)
def test_distinct_jis_x_0208_characters_stay_distinct(a: str, b: str) -> None:
    # the MJ縮退マップ lists 書→昼 etc. among its candidates; kikan must not fold those
    assert not same(a, b)


def test_whitespace_width_case_and_kana() -> None:
    assert same("山田 太郎", "山田　太郎", "山田太郎", " 山田\t太郎 ")
    assert same("ＴＡＲＯ　Ｙａｍａｄａ", "taro yamada", "TARO YAMADA")
    assert same("さくら", "サクラ", "ｻｸﾗ")
    assert same("一ヶ谷", "一ケ谷", "一ヵ谷".replace("ヵ", "ケ"))
    assert same("神", "\ufa19")  # CJK compatibility ideograph, unified by NFKC inside the key
    assert not same("山田太郎", "山田次郎")


def test_tokens() -> None:
    assert name_search_tokens("渡邉　太郎") == ["渡辺", "太郎"]
    assert name_search_tokens(" ") == []


def test_stored_text_is_untouched() -> None:
    original = "山﨑\U000e0100 髙"
    copy = str(original)
    name_search_key(original)
    assert original == copy and "\ufa11" in original


def test_tenant_registered_variants() -> None:
    key = name_search_key_with({"\ue000": "辺"})  # a 外字 registered with its variant (spec 2.1.2)
    assert key("渡\ue000") == key("渡邉") == "渡辺"
    assert name_search_key("渡\ue000") != "渡辺"


def test_curated_pairs_are_backed_by_the_mj_shrink_map() -> None:
    combo = int(
        jntajis.MJShrinkSchemeCombo.JIS_INCORPORATION_UCS_UNIFICATION_RULE
        | jntajis.MJShrinkSchemeCombo.MOJ_NOTICE_582
        | jntajis.MJShrinkSchemeCombo.MOJ_FAMILY_REGISTER_ACT_RELATED_NOTICE
    )
    for group in (JOYO_TRADITIONAL_FORMS, NAME_VARIANTS):
        for pair in group.split():
            variant, standard = pair[0], pair[1]
            related = standard in jntajis.mj_shrink_candidates(variant, combo) or variant in (
                jntajis.mj_shrink_candidates(standard, combo)
            )
            assert related, pair


def test_table_targets_are_fixed_points() -> None:
    table = _default_table()
    for source, target in table.items():
        if target:
            assert all(ord(ch) not in table for ch in target), (chr(source), target)
    assert all(len(pair) == 2 for pair in curated_pairs().items())


@pytest.mark.parametrize("text", ["w\xa1\xa41T\xa8m", "t\u0308", "\u1e97", "ヶ\u3099", "a \u0301", "ℌ", "ǰ"])
def test_key_is_idempotent_on_composition_traps(text: str) -> None:
    # e.g. ¨ becomes " \u0308"; deleting the space composes t + \u0308, which casefold decomposes again
    key = name_search_key(text)
    assert name_search_key(key) == key


@given(st.text(max_size=20))
def test_key_is_idempotent(text: str) -> None:
    key = name_search_key(text)
    assert name_search_key(key) == key


kanji = st.sampled_from(list("渡邉辺邊髙高橋﨑崎齋斎濱浜𠮷吉山田太郎德徳"))


@given(st.lists(st.tuples(kanji, st.sampled_from(["", *IVS])), max_size=8))
def test_variation_selectors_never_matter(parts: list[tuple[str, str]]) -> None:
    with_vs = "".join(base + vs for base, vs in parts)
    without = "".join(base for base, _ in parts)
    assert name_search_key(with_vs) == name_search_key(without)

