"""Degrading text for CP932 (Shift_JIS, Windows) files for legacy partners — and saying so.

Stored names and addresses are MJ characters, with IVS where needed (architecture: characters are
stored exactly as registered). A CP932 file cannot carry IVS, characters outside JIS X 0208 + the
NEC/IBM extensions, nor municipal 外字 (private use area). Each such character is degraded, in order:

1. ``ivs``: the variation selector is dropped when the base character is in CP932
   (葛󠄂 U+845B U+E0102 → 葛);
2. ``mj_shrink``: the first candidate of the MJ縮退マップ (文字情報技術促進協議会, bundled with
   jntajis: JIS包摂規準・UCS統合規則, 法務省告示582号, 戸籍法関連通達, 読み・字形による推定) that is in
   CP932 (𠮷 → 吉, 屛 → 屏);
3. ``jis_translit``: jntajis' 国税庁 JIS X 0208 transliteration (é → ｅ);
4. ``unmappable``: 〓 (下駄記号, the customary mark for a character that could not be output).

Every degradation is reported (:class:`Substitution`), so that the partner and the municipality know
which records need a look. Characters CP932 does carry (including its NEC special characters and
IBM extensions such as 髙 and ①) are kept. Private-use characters are never written as CP932
user-defined characters: their meaning differs between systems.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import jntajis

GETA = "〓"
_C = jntajis.MJShrinkSchemeCombo
_SHRINK = (
    _C.JIS_INCORPORATION_UCS_UNIFICATION_RULE
    | _C.MOJ_NOTICE_582
    | _C.MOJ_FAMILY_REGISTER_ACT_RELATED_NOTICE
    | _C.INFERENCE_BY_READING_AND_GLYPH
)


@dataclass(frozen=True)
class Substitution:
    position: int  # index (code points) in the original text
    original: str  # the character as stored, with its variation selector if any
    replacement: str
    method: str  # ivs | mj_shrink | jis_translit | unmappable

    @property
    def code_points(self) -> str:
        return " ".join(f"U+{ord(c):04X}" for c in self.original)


def _is_selector(cp: int) -> bool:
    return 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF


def _is_private(cp: int) -> bool:
    return 0xE000 <= cp <= 0xF8FF or cp >= 0xF0000


def representable(text: str) -> bool:
    """True when ``text`` can be written to a CP932 file without changing its meaning."""
    if any(_is_private(ord(c)) or _is_selector(ord(c)) for c in text):
        return False
    try:
        text.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


@lru_cache(maxsize=8192)
def _degrade_char(base: str) -> tuple[str, str]:
    if representable(base):
        return base, "ivs"
    if not _is_private(ord(base)):
        for cand in jntajis.mj_shrink_candidates(base, _SHRINK):
            if cand != base and representable(cand):
                return cand, "mj_shrink"
        translit = jntajis.jnta_shrink_translit(base, "\ufffd")
        if "\ufffd" not in translit and translit != base and representable(translit):
            return translit, "jis_translit"
    return GETA, "unmappable"


def _units(text: str) -> list[tuple[int, str]]:
    """(position, base character + its variation selectors)."""
    out: list[tuple[int, str]] = []
    for i, ch in enumerate(text):
        if out and _is_selector(ord(ch)) and not _is_selector(ord(out[-1][1][0])):
            out[-1] = (out[-1][0], out[-1][1] + ch)
        else:
            out.append((i, ch))
    return out


def degrade_for_cp932(text: str) -> tuple[str, list[Substitution]]:
    """``text`` made CP932-safe, and one :class:`Substitution` per character that changed."""
    if text.isascii() or representable(text):
        return text, []
    parts: list[str] = []
    subs: list[Substitution] = []
    for pos, unit in _units(text):
        if len(unit) == 1 and representable(unit):
            parts.append(unit)
            continue
        base = unit[0]
        if _is_selector(ord(base)):  # a stray selector: nothing to show
            replacement, method = "", "ivs"
        else:  # unit is not representable: either a selector follows a CP932 base (→ "ivs"), or the base is not
            replacement, method = _degrade_char(base)
        parts.append(replacement)
        subs.append(Substitution(pos, unit, replacement, method))
    return "".join(parts), subs
