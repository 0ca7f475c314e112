"""Search keys for names and addresses written in kanji: 異体字 folding (住民記録システム標準仕様書 2.1.2).

Basis: 住民記録システム標準仕様書 2.1.2「検索文字入力」: 「検索文字から、異体字や正字も包含した検索ができる
こと」(「辺」で検索時は「邊」「边」「邉」「𨘢」等 …), and 2.1.3「基本検索」 (氏名・住所, past ones included).

The key is for comparison only; stored text is never normalised (not even NFC, which would rewrite CJK
compatibility ideographs).  ``name_search_key(text)``:

1. NFKC, ``casefold``, NFKC again (inside the key only): width of letters and digits, CJK
   compatibility ideographs → unified, case of alphabet names.
2. One ``str.translate`` pass that
   - drops variation selectors (IVS U+E0100–E01EF and U+FE00–FE0F), so 邉 and 邉+U+E0100 match;
   - drops whitespace (氏と名の間の空白を無視);
   - folds hiragana to katakana and ヶ/ヵ to ケ/カ;
   - folds 異体字 to one representative: the curated pairs of ``variants`` (for JIS X 0208
     characters), and, for every other character, the MJ縮退マップ bundled with jntajis (schemes: JIS
     包摂規準・UCS統合規則, 法務省告示582号別表, 法務省戸籍法関連通達・通知) when its candidates all lead to one
     better-ranked character (JIS X 0208 第1水準 < 第2水準 < JIS X 0213 < other).  Ambiguous shrinks
     (e.g. 㐄 → 牛 or 井) are left alone.  This gives 髙→高, 﨑→崎, 德→徳, 𠮷→吉, 濵→浜.

The MJ-derived part is built from the installed jntajis on first use (≈0.2–0.3 s) and then cached; call
``prepare_name_search`` at start-up to pay that cost early.  Its data is CC BY-SA (MJ縮退マップ) and is
not copied into this repository.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import cache

import jntajis

from ._unicode import VARIATION_SELECTORS
from .variants import curated_pairs

_SHRINK_COMBO = int(
    jntajis.MJShrinkSchemeCombo.JIS_INCORPORATION_UCS_UNIFICATION_RULE
    | jntajis.MJShrinkSchemeCombo.MOJ_NOTICE_582
    | jntajis.MJShrinkSchemeCombo.MOJ_FAMILY_REGISTER_ACT_RELATED_NOTICE
)
_SCANNED_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x323AF))
_EXTRA_DELETIONS = (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)  # zero-width characters, key only
_WHITESPACE_SPLIT = re.compile(r"\s+")


def _jis_rank(ch: str) -> int:
    """1/2 = JIS X 0208 第1/第2水準 kanji, 3 = other JIS X 0208 or JIS X 0213, 4 = neither."""
    try:
        euc = ch.encode("euc_jp")
    except UnicodeEncodeError:
        euc = b""
    if len(euc) == 2 and 0xB0 <= euc[0] <= 0xF4:
        return 1 if euc[0] <= 0xCF else 2
    try:
        ch.encode("euc_jis_2004")
    except UnicodeEncodeError:
        return 4
    return 3


def _resolve(table: dict[str, str]) -> dict[str, str]:
    """Follow chains (齊 → 斉 → 斎) so that no target is itself a source."""
    resolved: dict[str, str] = {}
    for source in table:
        target, seen = table[source], {source}
        while target in table and target not in seen:
            seen.add(target)
            target = table[target]
        if target != source:
            resolved[source] = target
    return resolved


def _mj_shrink_pairs(curated: Mapping[str, str]) -> dict[str, str]:
    """Unambiguous MJ縮退マップ folds for every scanned character that is not in JIS X 0208."""
    candidates: dict[str, list[str]] = {}
    for start, end in _SCANNED_RANGES:
        for cp in range(start, end + 1):
            ch = chr(cp)
            if unicodedata.normalize("NFKC", ch) != ch:
                continue  # never seen inside a key: NFKC maps it to its unified ideograph first
            found = jntajis.mj_shrink_candidates(ch, _SHRINK_COMBO)
            if found != [ch]:
                candidates[ch] = [unicodedata.normalize("NFKC", c) for c in found]

    memo: dict[str, str] = {}

    def final(ch: str) -> str:
        if ch in curated:
            return curated[ch]
        if ch in memo:
            return memo[ch]
        rank = _jis_rank(ch)
        memo[ch] = ch
        if rank > 2:  # JIS X 0208 characters fold only through the curated pairs
            targets = {final(c) for c in candidates.get(ch, ()) if len(c) == 1 and _jis_rank(c) < rank}
            if len(targets) == 1:
                memo[ch] = targets.pop()
        return memo[ch]

    return {ch: final(ch) for ch in candidates if final(ch) != ch}


def _base_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {cp: None for cp in VARIATION_SELECTORS}
    table.update({cp: None for cp in range(0x3100) if chr(cp).isspace()})
    table.update({cp: None for cp in _EXTRA_DELETIONS})
    table.update({cp: chr(cp + 0x60) for cp in range(0x3041, 0x3097)})  # ぁ..ゖ → ァ..ヶ
    table.update({0x309D: "ヽ", 0x309E: "ヾ"})
    for small, large in (("ヵ", "カ"), ("ヶ", "ケ"), ("ゕ", "カ"), ("ゖ", "ケ")):
        table[ord(small)] = large
    return table


def _variant_table(extra: Mapping[str, str]) -> dict[int, str | None]:
    curated = _resolve({**curated_pairs(), **extra})
    variants = _resolve({**_mj_shrink_pairs(curated), **curated})
    table = _base_table()
    table.update({ord(source): target for source, target in variants.items()})
    return table


@cache
def _default_table() -> dict[int, str | None]:
    return _variant_table({})


def _normalize(text: str, table: Mapping[int, str | None]) -> str:
    # NFKC around casefold: casefold may decompose (ẗ → t + U+0308) what NFKC composes
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold()).translate(table)


def _fold(text: str, table: Mapping[int, str | None]) -> str:
    key = _normalize(text, table)
    # Deleting a space or selector (or folding ヶ → ケ) can bring a base and a combining mark together:
    # normalise again until stable.  Each round can only compose, so a few rounds always suffice.
    for _ in range(4):
        if unicodedata.is_normalized("NFKC", key):
            break
        key = _normalize(key, table)
    return key


def name_search_key(text: str) -> str:
    """Folded key for a kanji (or alphabet) name or address; equal keys mean "same for search".

    Basis: 住民記録システム標準仕様書 2.1.2 (異体字・正字を包含した検索, 氏と名の間のスペースを無視).
    Examples: ``name_search_key("髙橋") == name_search_key("高橋")``;
    ``name_search_key("渡邉\\U000E0100") == name_search_key("渡辺")``.
    """
    return _fold(text, _default_table())


def name_search_tokens(text: str) -> list[str]:
    """Keys of the whitespace-separated parts (e.g. 名 only), empty parts dropped."""
    table = _default_table()
    return [key for part in _WHITESPACE_SPLIT.split(text) if (key := _fold(part, table))]


def name_search_key_with(extra_variants: Mapping[str, str]) -> Callable[[str], str]:
    """A ``name_search_key`` that also folds a tenant's registered variants (``{variant: standard}``).

    Basis: 住民記録システム標準仕様書 2.1.2 「外字を登録する際に、異体字を合わせて登録した場合は、それも包含して
    検索できること」.  Build once per tenant and reuse: building scans the MJ縮退マップ again.
    """
    table = _variant_table({unicodedata.normalize("NFKC", k): v for k, v in extra_variants.items()})

    def key(text: str) -> str:
        return _fold(text, table)

    return key


def prepare_name_search() -> None:
    """Build the folding table now instead of on the first key (e.g. before seeding a million rows)."""
    _default_table()
