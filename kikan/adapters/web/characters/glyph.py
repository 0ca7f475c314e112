"""Small PNG previews of MJ glyphs, drawn server-side in IPAmj明朝 (``fonts-ipamj-mincho``).

The font (46 MB) is too big to serve to browsers, so 同定 screens show a 64×64 PNG per candidate.
Variation sequences (Moji_Joho IVS) need Pillow's raqm layout; without it (or without the font) no
image is made and the page falls back to the code points and the text in a local 'IPAmjMincho'.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from kikan.characters.text import VARIATION_SELECTORS, is_private_use

FONT_PATHS = (
    Path("/usr/share/fonts/truetype/ipamj/ipamjm.ttf"),
    Path("/usr/share/fonts/opentype/ipamj/ipamjm.ttf"),
)
SIZE = 64


@lru_cache(maxsize=1)
def _font() -> tuple[Any, bool] | None:
    """(font, supports IVS) or None when Pillow or the font is missing."""
    try:
        from PIL import ImageFont, features
    except ImportError:
        return None
    path = next((p for p in FONT_PATHS if p.exists()), None)
    if path is None:
        return None
    raqm = bool(features.check("raqm"))
    layout = ImageFont.Layout.RAQM if raqm else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), int(SIZE * 0.8), layout_engine=layout), raqm


def available() -> bool:
    return _font() is not None


@lru_cache(maxsize=4096)
def glyph_png(sequence: str) -> bytes | None:
    """A PNG of one grapheme, or None if it cannot be drawn faithfully here."""
    loaded = _font()
    if loaded is None or not sequence or len(sequence) > 4 or is_private_use(sequence[0]):
        return None  # a PUA code point means nothing in IPAmj明朝
    font, raqm = loaded
    if not raqm and any(ord(c) in VARIATION_SELECTORS for c in sequence):
        return None  # the basic layout would silently draw the base glyph: a wrong preview
    from PIL import Image, ImageDraw

    image = Image.new("L", (SIZE, SIZE), 255)
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = draw.textbbox((0, 0), sequence, font=font)
    if right <= left:
        return None  # the font has no glyph
    draw.text(
        ((SIZE - (right - left)) / 2 - left, (SIZE - (bottom - top)) / 2 - top), sequence, font=font, fill=0
    )
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def glyph_path(sequence: str) -> str:
    """The URL of a preview: ``/chars/glyph/9089-E011A.png``."""
    return "/chars/glyph/" + "-".join(f"{ord(c):X}" for c in sequence) + ".png"
