"""Fuzzy search keys for フリガナ (住民記録システム標準仕様書 2.1.2「検索文字入力」).

The specification requires that a reading search ignore: 清音・濁音・半濁音 (examples ヂ/ジ, ズ/ヅ, ワ/ハ,
ヴァ/バ, ヴィ/ビ, ヴ/ブ, オ/ヲ, ヒ/ピ); 拗音・促音 small vs large kana (ッ/ツ, ャ/ヤ, ュ/ユ, ョ/ヨ); the space
between 氏 and 名; 長音 and the dash-like characters typed for it (ー ― － ‐ ｰ -); full- vs half-width
spaces; and that ウ after an オ段 kana (from the 2nd character) be searched as オ.  名-only search is
also required, hence ``kana_search_tokens``.

``kana_search_key`` applies the steps below, in this order; each is a public function so it can be
tested and reasoned about alone.  Two readings match iff their keys are equal.

1. ``fold_script_and_width``: hiragana → katakana, half-width katakana → full-width, full-width
   letters/digits → ASCII, upper → lower case (then ``str.casefold`` for other scripts).
2. ``drop_separators``: all whitespace (全角・半角) and the 中黒 ・/･ of foreign names are ignored.
3. ``drop_long_vowel_marks``: ー ｰ ― － ‐ - and similar dashes and wave dashes are ignored.
4. ``fold_v_sounds``: ヴァ→バ, ヴィ→ビ, ヴェ→ベ, ヴォ→ボ, ヴ→ブ (so ヴァ matches バ, as the spec asks).  First
   チ/ツ/ウ + a separate voiced mark (from ﾁﾞ, ち゛) are joined into ヂ/ヅ/ヴ, the kana whose folding in
   steps 4–5 differs from their base's.
5. ``ignore_voicing``: dakuten/handakuten are dropped (ガ→カ, バ/パ→ハ); ヂ→シ and ヅ→ス because the spec
   pairs ヂ with ジ and ヅ with ズ — so ヂ does not match チ.
6. ``fold_small_kana``: ァィゥェォッャュョヮヵヶ and the small ㇰ…ㇿ → large.
7. ``fold_kana_pairs``: ヲ→オ, ヱ→エ, ヰ→イ, ワ→ハ (the spec's ワ/ハ pair is applied everywhere, not only to
   the particle, so ワタナベ also matches ハタナベ — acceptable for a candidate search).
8. ``expand_iteration_marks``: ヽ/ヾ repeat the previous kana (サヽキ = ササキ).
9. ``fold_o_row_extension``: after an オ段 kana, a run of ウ/オ is dropped.  The spec only asks that
   オ段+ウ match オ段+オ and that 長音 be ignorable; kikan drops the vowel so that サトウ, サトオ, サトー and
   サト share one key (the spec's matches are a subset).  Consequences: コウノ = コノ, オオノ = オノ;
   サトウ ≠ サイトウ.  Spaces are already gone, so the rule also applies across 氏/名 (サトウ ウメ = サトメ):
   name parts are compared with ``kana_search_tokens`` when that matters.

Speed: steps 1–3 and 5–7 are precomposed into ``str.translate`` tables (a single pass unless the text
holds ヴ or a separate voiced mark); about 500,000 keys per CPU-second for typical names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

_COMBINING_VOICED, _COMBINING_SEMI_VOICED = "\u3099", "\u309a"

_HALF_WIDTH_KATAKANA = "｡｢｣､･ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ"
_FULL_WIDTH_KATAKANA = "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"


def _table(pairs: Iterable[tuple[str, str]], deleted: Iterable[str] = ()) -> dict[int, str | None]:
    table: dict[int, str | None] = {ord(source): target for source, target in pairs}
    table.update({ord(ch): None for ch in deleted})
    return table


_SCRIPT_AND_WIDTH = _table(
    [
        *((chr(cp), chr(cp + 0x60)) for cp in range(0x3041, 0x3097)),  # ぁ..ゖ → ァ..ヶ
        ("ゝ", "ヽ"),
        ("ゞ", "ヾ"),
        *zip(_HALF_WIDTH_KATAKANA, _FULL_WIDTH_KATAKANA, strict=True),
        ("ﾞ", _COMBINING_VOICED),
        ("ﾟ", _COMBINING_SEMI_VOICED),
        ("゛", _COMBINING_VOICED),
        ("゜", _COMBINING_SEMI_VOICED),
        *((chr(cp), chr(cp - 0xFEE0).lower()) for cp in range(0xFF01, 0xFF5F)),  # ！..～ → ASCII
        *((chr(cp), chr(cp).lower()) for cp in range(0x41, 0x5B)),
    ]
)
_SEPARATORS = "・･" + "".join(ch for ch in map(chr, range(0x3100)) if ch.isspace())
_SEPARATOR_TABLE = _table((), _SEPARATORS)
_LONG_VOWEL_MARKS = "ーｰ―－‐-‑‒–—⁃−─━〜～~"
_LONG_VOWEL_TABLE = _table((), _LONG_VOWEL_MARKS)

_VOICED = "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポヴヷヸヹヺヾ"
_UNVOICED = "カキクケコサシスセソタシステトハヒフヘホハヒフヘホウワヰヱヲヽ"  # ヂ→シ, ヅ→ス (spec pairs)
_VOICING_TABLE = _table(zip(_VOICED, _UNVOICED, strict=True), (_COMBINING_VOICED, _COMBINING_SEMI_VOICED))
_SMALL_TABLE = _table(
    zip(
        "ァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ",
        "アイウエオツヤユヨワカケクシストヌハヒフヘホムラリルレロ",
        strict=True,
    )
)
_PAIRS_TABLE = _table(zip("ヲヱヰワ", "オエイハ", strict=True))

_JOINED_VOICED = tuple(
    (base + _COMBINING_VOICED, voiced) for base, voiced in zip("チツウ", "ヂヅヴ", strict=True)
)
_V_SOUNDS = (("ヴァ", "バ"), ("ヴィ", "ビ"), ("ヴェ", "ベ"), ("ヴォ", "ボ"), ("ヴ", "ブ"))
_O_ROW_EXTENSION = re.compile("(?<=[オコソトノホモヨロ])[ウオ]+")
_SPLIT = re.compile(f"[{re.escape(_SEPARATORS)}]+")


def fold_script_and_width(text: str) -> str:
    """Step 1: hiragana → katakana, half-width → full-width katakana, full-width ASCII → ASCII, lower case."""
    return text.translate(_SCRIPT_AND_WIDTH).casefold()


def drop_separators(text: str) -> str:
    """Step 2: remove whitespace (U+0020, U+3000, tabs, …) and the 中黒 ・ ･."""
    return text.translate(_SEPARATOR_TABLE)


def drop_long_vowel_marks(text: str) -> str:
    """Step 3: remove 長音 and everything typed for it (ー ｰ ― － ‐ - and other dashes, 〜 ～ ~)."""
    return text.translate(_LONG_VOWEL_TABLE)


def fold_v_sounds(text: str) -> str:
    """Step 4: ヴ+small vowel → the バ行 kana, lone ヴ → ブ; チ/ツ/ウ + voiced mark → ヂ/ヅ/ヴ first."""
    if _COMBINING_VOICED in text:
        for base, voiced in _JOINED_VOICED:
            text = text.replace(base, voiced)
    if "ヴ" in text:
        for source, target in _V_SOUNDS:
            text = text.replace(source, target)
    return text


def ignore_voicing(text: str) -> str:
    """Step 5: drop dakuten/handakuten (ガ→カ, パ→ハ); ヂ→シ and ヅ→ス per the spec's ヂ/ジ, ヅ/ズ pairs."""
    return text.translate(_VOICING_TABLE)


def fold_small_kana(text: str) -> str:
    """Step 6: small kana (ァ ッ ャ ュ ョ ヮ ヵ ヶ ㇰ …) → large."""
    return text.translate(_SMALL_TABLE)


def fold_kana_pairs(text: str) -> str:
    """Step 7: ヲ→オ, ヱ→エ, ヰ→イ, ワ→ハ."""
    return text.translate(_PAIRS_TABLE)


def expand_iteration_marks(text: str) -> str:
    """Step 8: ヽ and ヾ repeat the previous character (voicing is ignored anyway); a leading one is dropped."""
    if "ヽ" not in text and "ヾ" not in text:
        return text
    out: list[str] = []
    for ch in text:
        if ch in "ヽヾ":
            if out:
                out.append(out[-1])
        else:
            out.append(ch)
    return "".join(out)


def fold_o_row_extension(text: str) -> str:
    """Step 9: drop ウ/オ runs after an オ段 kana (サトウ, サトオ → サト).  Expects steps 1–8 done."""
    return _O_ROW_EXTENSION.sub("", text)


def _compose(*steps: Callable[[str], str], domain: Iterable[int]) -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for cp in domain:
        folded = chr(cp)
        for step in steps:
            folded = step(folded)
        if folded != chr(cp):
            table[cp] = folded or None
    return table


_PASS_1 = _compose(
    lambda s: s.translate(_SCRIPT_AND_WIDTH),
    drop_separators,
    drop_long_vowel_marks,
    domain={*_SCRIPT_AND_WIDTH, *_SEPARATOR_TABLE, *_LONG_VOWEL_TABLE},
)
_PASS_2 = _compose(
    ignore_voicing, fold_small_kana, fold_kana_pairs, domain={*_VOICING_TABLE, *_SMALL_TABLE, *_PAIRS_TABLE}
)


# Text without these needs no step 4, so steps 1–3 and 5–7 can run as one table.
_V_TRIGGERS = frozenset("ヴゔﾞ゛" + _COMBINING_VOICED)
_PASS_1_AND_2 = {
    **_PASS_1,
    **_PASS_2,
    **{cp: (target or "").translate(_PASS_2) or None for cp, target in _PASS_1.items()},
}


def kana_search_key(text: str) -> str:
    """The folded key of a reading: ``kana_search_key(a) == kana_search_key(b)`` iff a and b match.

    Basis: 住民記録システム標準仕様書 2.1.2「検索文字入力」(あいまい検索).  Equivalent to applying steps 1–9
    of this module in order (a test checks it); e.g. ``kana_search_key("さとう　ゆうこ") == "サトユウコ"`` (ユ is not オ段).
    """
    if _V_TRIGGERS.isdisjoint(text):
        key = text.translate(_PASS_1_AND_2).casefold()
    else:
        key = fold_v_sounds(text.translate(_PASS_1).casefold()).translate(_PASS_2)
    if "ヽ" in key:
        key = expand_iteration_marks(key)
    return _O_ROW_EXTENSION.sub("", key)


def kana_search_tokens(text: str) -> list[str]:
    """Keys of the parts separated by spaces or ・, for 名-only search (spec 2.1.2); empty parts dropped."""
    return [key for part in _SPLIT.split(text) if (key := kana_search_key(part))]
