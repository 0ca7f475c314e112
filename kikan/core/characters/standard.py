"""First-stage check that names and addresses use 行政事務標準文字 (MJ文字 + additions, IVS allowed).

Basis: デジタル庁 地方公共団体情報システムの文字要件 (行政事務標準文字, designated 2023): standardised systems
use 行政事務標準文字 — MJ文字 with their Moji_Joho IVS, plus about 9,000 additions ("MJ+") — and legacy 外字
(Private Use Area code points) must be 同定 (identified) to those before or at migration.

``check_standard_characters`` never changes the text; it lists what an input screen or a migration
report must show.  Membership is delegated to a ``CharacterSet``: the default one accepts characters
encodable in JIS X 0213:2004 (codec ``euc_jis_2004``) or that are source characters of the MJ縮退マップ
bundled with jntajis (which is keyed by MJ characters: 髙, 𠮷 …).  jntajis offers no full MJ membership
test, so MJ characters outside JIS X 0213 that have no 縮退 entry are reported as non-standard until the
MJ+ master table (a richer ``CharacterSet``) is plugged in.  The MJ+ additions themselves are
currently assigned Private Use Area code points, so a PUA character is accepted when the given
``CharacterSet`` contains it; otherwise it is reported as unidentified 外字.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Protocol

import jntajis

from ._unicode import (
    EMOJI_PRESENTATION_SELECTOR,
    VARIATION_SELECTORS,
    code_point_label,
    is_ideograph,
    is_pictograph,
    is_private_use,
)


class CharacterSet(Protocol):
    """A set of allowed characters.  ``sequence`` is one character, or a base kanji followed by its
    variation selector (e.g. ``"邉\\U000E0102"``) so that a table of MJ IVS can judge the pair."""

    def __contains__(self, sequence: str, /) -> bool: ...


class CharIssueKind(StrEnum):
    CONTROL = "control"
    FORMAT = "format"
    SURROGATE = "surrogate"
    PRIVATE_USE = "private_use"
    EMOJI = "emoji"
    STRAY_VARIATION_SELECTOR = "stray_variation_selector"
    NOT_STANDARD = "not_standard"


_MESSAGES = {
    CharIssueKind.CONTROL: "制御文字は使用できません",
    CharIssueKind.FORMAT: "書式制御文字（ゼロ幅文字・方向制御など）は使用できません",
    CharIssueKind.SURROGATE: "不正な文字コード（対になっていないサロゲート）です",
    CharIssueKind.PRIVATE_USE: "私用領域の文字（外字）は使用できません。行政事務標準文字に同定してください",
    CharIssueKind.EMOJI: "絵文字・絵記号は使用できません",
    CharIssueKind.STRAY_VARIATION_SELECTOR: "異体字セレクタが漢字の直後にありません",
    CharIssueKind.NOT_STANDARD: "行政事務標準文字（MJ文字・JIS X 0213）にない文字です",
}


@dataclass(frozen=True, slots=True)
class CharIssue:
    """One problem: ``position`` is the 0-based index in the str (code points, not bytes or UTF-16)."""

    position: int
    char: str
    code_point: str
    kind: CharIssueKind
    message: str


_MJ_SHRINK_ALL = int(
    jntajis.MJShrinkSchemeCombo.JIS_INCORPORATION_UCS_UNIFICATION_RULE
    | jntajis.MJShrinkSchemeCombo.INFERENCE_BY_READING_AND_GLYPH
    | jntajis.MJShrinkSchemeCombo.MOJ_NOTICE_582
    | jntajis.MJShrinkSchemeCombo.MOJ_FAMILY_REGISTER_ACT_RELATED_NOTICE
)


@lru_cache(maxsize=65536)
def _jis_or_mj_shrink_source(ch: str) -> bool:
    try:
        ch.encode("euc_jis_2004")
    except UnicodeEncodeError:
        return jntajis.mj_shrink_candidates(ch, _MJ_SHRINK_ALL) != [ch]
    return True


class JisX0213OrMjShrinkSet:
    """Default ``CharacterSet``: JIS X 0213 characters plus the MJ縮退マップ's MJ characters.

    A variation selector after the base is not judged (any IVS on an accepted kanji passes).
    """

    def __contains__(self, sequence: str, /) -> bool:
        return bool(sequence) and _jis_or_mj_shrink_source(sequence[0])


DEFAULT_CHARACTER_SET: CharacterSet = JisX0213OrMjShrinkSet()


def _kind(text: str, i: int, charset: CharacterSet) -> CharIssueKind | None:
    cp = ord(text[i])
    category = unicodedata.category(text[i])
    if category == "Cs":
        return CharIssueKind.SURROGATE
    if category == "Cc":
        return CharIssueKind.CONTROL
    if cp == EMOJI_PRESENTATION_SELECTOR or is_pictograph(cp):
        return CharIssueKind.EMOJI
    if cp in VARIATION_SELECTORS:
        previous = ord(text[i - 1]) if i else None
        # a PUA base may be an MJ+ addition (or 外字) kanji: its sequence is judged with the base
        if previous is None or not (is_ideograph(previous) or is_private_use(previous)):
            return CharIssueKind.STRAY_VARIATION_SELECTOR
        return None
    if category == "Cf":
        return CharIssueKind.FORMAT
    following = text[i + 1] if i + 1 < len(text) else ""
    if following and ord(following) == EMOJI_PRESENTATION_SELECTOR:
        return CharIssueKind.EMOJI  # e.g. ❤ + U+FE0F: a text symbol asked to render as emoji
    sequence = text[i] + following if following and ord(following) in VARIATION_SELECTORS else text[i]
    if sequence in charset:
        return None
    return CharIssueKind.PRIVATE_USE if is_private_use(cp) else CharIssueKind.NOT_STANDARD


def check_standard_characters(text: str, charset: CharacterSet = DEFAULT_CHARACTER_SET) -> list[CharIssue]:
    """Problems that keep ``text`` (a name, address, 方書 …) from being 行政事務標準文字; empty if none.

    Flags control and format characters, lone surrogates, emoji and pictographs, Private Use Area code
    points not in ``charset`` (unidentified vendor 外字), variation selectors that do not follow a kanji,
    and characters not in ``charset``.  Each issue carries the position, the character, its code point
    and a Japanese message.
    """
    issues: list[CharIssue] = []
    for i, ch in enumerate(text):
        kind = _kind(text, i, charset)
        if kind is not None:
            label = code_point_label(ch)
            message = f"{i + 1}文字目（{label}）: {_MESSAGES[kind]}"
            issues.append(CharIssue(i, ch, label, kind, message))
    return issues
