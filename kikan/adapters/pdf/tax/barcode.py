"""A placeholder barcode for the 納付書: Interleaved 2 of 5 (ITF) of the 納付番号, drawn as inline SVG.

Real municipal slips carry the コンビニ収納 barcode (GS1-128) and, since 2023, the 地方税統一QRコード
(eL-QR, eLTAX). Both need agreements and numbering kikan does not have yet: this ITF only proves
the layout and that the 納付番号 prints machine-readably. It is future work to replace it.
"""

from __future__ import annotations

from markupsafe import Markup

# narrow (0) / wide (1) elements of each digit (ITF)
_PATTERNS = ("00110", "10001", "01001", "11000", "00101", "10100", "01100", "00011", "10010", "01010")
NARROW, WIDE = 1, 3


def itf_modules(digits: str) -> list[tuple[bool, int]]:
    """(is_bar, width in narrow units) for ``digits`` (even count) with start and stop codes."""
    if len(digits) % 2 or not digits.isdigit():
        raise ValueError("ITF needs an even number of digits")
    out: list[tuple[bool, int]] = [(True, NARROW), (False, NARROW), (True, NARROW), (False, NARROW)]
    for i in range(0, len(digits), 2):
        bars, spaces = _PATTERNS[int(digits[i])], _PATTERNS[int(digits[i + 1])]
        for b, s in zip(bars, spaces, strict=True):
            out += [(True, WIDE if b == "1" else NARROW), (False, WIDE if s == "1" else NARROW)]
    return out + [(True, WIDE), (False, NARROW), (True, NARROW)]


def itf_svg(digits: str, *, height: int = 40) -> Markup:
    """Inline SVG of the ITF barcode (10 narrow units of quiet zone on each side)."""
    x, bars = 10, []
    for is_bar, width in itf_modules(digits):
        if is_bar:  # one path for all bars: one SVG element to lay out instead of ~140
            bars.append(f"M{x} 0h{width}v{height}h-{width}z")
        x += width
    total = x + 10
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="itf" viewBox="0 0 {total} {height}" '
        f'preserveAspectRatio="none" role="img" aria-label="{digits}"><path d="{"".join(bars)}"/></svg>'
    )
