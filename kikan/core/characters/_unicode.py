"""Code point classes shared by the search keys and the character check."""

from __future__ import annotations

VARIATION_SELECTORS = frozenset([*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)])
"""Standardized (U+FE00–FE0F) and ideographic (U+E0100–E01EF, IVS) variation selectors."""

TEXT_PRESENTATION_SELECTOR = 0xFE0E
EMOJI_PRESENTATION_SELECTOR = 0xFE0F

_IDEOGRAPH_RANGES = (
    (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs (incl. the 12 unified ones such as 﨑 U+FA11)
    (0x20000, 0x3FFFF),  # SIP and TIP: Extensions B–I and the Compatibility Supplement
)

# Emoji_Presentation=Yes code points of the BMP (Unicode emoji-data.txt); everything in U+1F000–1FAFF
# is treated as a pictograph as well (mahjong, cards, enclosed supplements, emoji, flags, skin tones).
_BMP_EMOJI_PRESENTATION = frozenset(
    [
        *range(0x231A, 0x231C), *range(0x23E9, 0x23ED), 0x23F0, 0x23F3, *range(0x25FD, 0x25FF),
        *range(0x2614, 0x2616), *range(0x2648, 0x2654), 0x267F, 0x2693, 0x26A1, *range(0x26AA, 0x26AC),
        *range(0x26BD, 0x26BF), *range(0x26C4, 0x26C6), 0x26CE, 0x26D4, 0x26EA, *range(0x26F2, 0x26F4),
        0x26F5, 0x26FA, 0x26FD, 0x2705, *range(0x270A, 0x270C), 0x2728, 0x274C, 0x274E,
        *range(0x2753, 0x2756), 0x2757, *range(0x2795, 0x2798), 0x27B0, 0x27BF, *range(0x2B1B, 0x2B1D),
        0x2B50, 0x2B55, 0x20E3, EMOJI_PRESENTATION_SELECTOR,
    ]
)  # fmt: skip


def is_ideograph(cp: int) -> bool:
    """A CJK (unified or compatibility) ideograph, i.e. a valid base for an IVS."""
    return any(start <= cp <= end for start, end in _IDEOGRAPH_RANGES)


def is_pictograph(cp: int) -> bool:
    """Emoji or pictographic symbol (default emoji presentation, or in the U+1F000–1FAFF blocks)."""
    return 0x1F000 <= cp <= 0x1FAFF or cp in _BMP_EMOJI_PRESENTATION


def is_private_use(cp: int) -> bool:
    """Private Use Area: U+E000–F8FF and planes 15–16 (where vendor 外字 live)."""
    return 0xE000 <= cp <= 0xF8FF or 0xF0000 <= cp <= 0x10FFFD


def code_point_label(ch: str) -> str:
    return f"U+{ord(ch):04X}"
