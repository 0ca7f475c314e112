"""Grapheme splitting and JIS X 0213 helpers used by the check, the 外字 mapping and the degradation.

A *grapheme* here is what one 文字 of a name is: a base code point followed by its variation
selector (SVS U+FE00–FE0F or IVS U+E0100–E01EF, e.g. 邉 + U+E011A) and any combining kana voicing
marks (U+3099/U+309A, e.g. か + ゚).  Positions are 0-based code point indexes into the str.
"""

from __future__ import annotations

from functools import lru_cache

VARIATION_SELECTORS = frozenset([*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])
COMBINING_KANA_MARKS = frozenset([0x3099, 0x309A])
CP932_USER_DEFINED = range(0xE000, 0xE758)
"""The PUA range that the CP932 user-defined area (F040–F9FC, 1,880 codes) decodes to."""


def graphemes(text: str) -> list[tuple[int, str]]:
    """``[(position, grapheme), …]``; a lone variation selector or mark at the start is its own item."""
    out: list[tuple[int, str]] = []
    for i, ch in enumerate(text):
        cp = ord(ch)
        if out and (cp in VARIATION_SELECTORS or cp in COMBINING_KANA_MARKS):
            pos, g = out[-1]
            out[-1] = (pos, g + ch)
        else:
            out.append((i, ch))
    return out


def code_points(sequence: str) -> str:
    """``"邉\\U000E011A"`` → ``"U+9089 U+E011A"``."""
    return " ".join(f"U+{ord(c):04X}" for c in sequence)


def parse_code_points(text: str) -> str:
    """Inverse of :func:`code_points` (``"U+9089 U+E011A"`` or ``"9089-E011A"``); ValueError if malformed."""
    parts = text.replace("-", " ").replace(",", " ").split()
    if not parts:
        raise ValueError("empty")
    return "".join(chr(int(p.upper().removeprefix("U+"), 16)) for p in parts)


def is_private_use(ch: str) -> bool:
    """Private Use Area: U+E000–F8FF and planes 15–16 (where vendor 外字 live)."""
    cp = ord(ch)
    return 0xE000 <= cp <= 0xF8FF or 0xF0000 <= cp <= 0x10FFFD


@lru_cache(maxsize=65536)
def jisx0213_code(sequence: str) -> str | None:
    """The JIS X 0213:2004 面-区-点 of ``sequence`` (e.g. ``"1-78-21"``), or None if it has no single
    code there.  ASCII (JIS X 0201 Roman, 1 byte) and half-width katakana have none."""
    try:
        b = sequence.encode("euc_jis_2004")
    except UnicodeEncodeError:
        return None
    if len(b) == 2 and b[0] >= 0xA1:
        return f"1-{b[0] - 0xA0:02d}-{b[1] - 0xA0:02d}"
    if len(b) == 3 and b[0] == 0x8F:
        return f"2-{b[1] - 0xA0:02d}-{b[2] - 0xA0:02d}"
    return None


def is_basic(ch: str) -> bool:
    """ASCII letters, digits, space and punctuation: allowed in addresses (番地 1-2-3) and in the
    アルファベット氏名 of 外国人住民 (住民基本台帳法第30条の45)."""
    return len(ch) == 1 and 0x20 <= ord(ch) <= 0x7E


@lru_cache(maxsize=65536)
def encodable(sequence: str, codec: str) -> bool:
    """True if ``sequence`` encodes in ``codec``.  Private Use Area characters never count: in CP932
    they would become user-defined (外字) bytes that mean nothing to the receiver."""
    if any(is_private_use(c) for c in sequence):
        return False
    try:
        sequence.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def cp932_gaiji_code(ch: str) -> str | None:
    """The CP932 user-defined-area code (``"F040"``) of a PUA character U+E000–E757, else None."""
    if len(ch) != 1 or ord(ch) not in CP932_USER_DEFINED:
        return None
    return ch.encode("cp932").hex().upper()


def cp932_gaiji_char(code: str) -> str | None:
    """The PUA character of a CP932 user-defined-area code (``"F040"`` → U+E000), else None."""
    try:
        raw = bytes.fromhex(code.strip().upper().removeprefix("0X"))
        ch = raw.decode("cp932")
    except (ValueError, UnicodeDecodeError):
        return None
    return ch if len(raw) == 2 and len(ch) == 1 and ord(ch) in CP932_USER_DEFINED else None
