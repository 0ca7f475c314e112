"""Validation of names and addresses against 行政事務標準文字, with the full MJ master.

Basis: デジタル庁「地方公共団体情報システムの文字要件」(行政事務標準文字, 2023 告示) and 住民記録システム
標準仕様書 第5章 文字 / 11.1 エラー項目: names and addresses use MJ文字 (with Moji_Joho IVS) and the
MJ+ additions; legacy 外字 (Private Use Area) must be 同定 (identified) before or at migration.

:class:`StandardCharacterSet` implements ``kikan.core.characters.CharacterSet``, so the registry's
check (``check_standard_characters(text, STANDARD_CHARACTER_SET)``) judges against the whole master:

- every MJ glyph, written as its code point, its Moji_Joho IVS, its SVS or its compatibility ideograph;
- every character with a single JIS X 0213:2004 code (kana, 全角英数, symbols; plane 1 and 2);
- ASCII letters, digits and punctuation (番地, アルファベット氏名);
- the combining kana voicing marks U+3099/U+309A (JIS X 0213 codes か゚ セ゚ ㇷ゚ … as one character);
- rows of extension tables (the MJ+ additions once an official list is installed; see ``mjmaster``).

Rejected: a variation selector sequence not registered for MJ (e.g. an Adobe-Japan1-only IVS),
half-width katakana (JIS X 0201, not part of JIS X 0213: convert at input/migration), Private Use
Area characters (unidentified 外字), emoji, controls.  Text is never changed: this only reports.
"""

from __future__ import annotations

from kikan.characters.mjmaster import Master, master
from kikan.characters.text import COMBINING_KANA_MARKS, is_basic, jisx0213_code
from kikan.core.characters import CharIssue, CharIssueKind, check_standard_characters

Issue = CharIssue
IssueKind = CharIssueKind


class StandardCharacterSet:
    """MJ ∪ JIS X 0213 ∪ basic ASCII ∪ extension rows.  ``sequence`` is one character or a base with
    its variation selector (the ``CharacterSet`` protocol of ``kikan.core.characters``)."""

    def __init__(self, source: Master | None = None):
        self._source = source

    @property
    def master(self) -> Master:
        return self._source if self._source is not None else master()

    def __contains__(self, sequence: object, /) -> bool:
        if not isinstance(sequence, str) or not sequence:
            return False
        if sequence in self.master:
            return True
        if len(sequence) != 1:
            return False
        # a combining voicing mark is judged alone by the core check; JIS X 0213 codes か゚ etc.
        return (
            is_basic(sequence) or ord(sequence) in COMBINING_KANA_MARKS or jisx0213_code(sequence) is not None
        )


STANDARD_CHARACTER_SET = StandardCharacterSet()
"""The character set the registry should check names and addresses with (loads the master lazily)."""


def validate(text: str, charset: StandardCharacterSet = STANDARD_CHARACTER_SET) -> list[Issue]:
    """Problems that keep ``text`` (氏名, 住所, 方書 …) from being 行政事務標準文字; empty if none.

    Each issue has the position (code point index), the character, its code point and a Japanese
    message (``kikan.core.characters.check_standard_characters`` with the full master)."""
    return check_standard_characters(text, charset)


def is_standard(text: str) -> bool:
    return not validate(text)
