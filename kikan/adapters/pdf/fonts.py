"""The font files certificates are printed with, referenced by absolute path.

- IPAmj明朝 (``ipamjm.ttf``, Debian ``fonts-ipamj-mincho``): names and addresses, so that a
  character registered with an Ideographic Variation Sequence (Moji_Joho collection) prints
  with the registered glyph (文字情報基盤 / 行政事務標準文字; standards.md §5).
- IPAex明朝 / IPAexゴシック (``fonts-ipaexfont``): body text and labels, and the fallback.

A deployment may point elsewhere with ``KIKAN_FONT_IPAMJ``, ``KIKAN_FONT_IPAEX_MINCHO``,
``KIKAN_FONT_IPAEX_GOTHIC``. A missing font is a deployment error (:class:`FontMissing`),
never a silent substitution: a certificate must not print a variant name with another glyph.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path


class FontMissing(RuntimeError):
    """A required font file is not installed (a deployment problem, not a user error)."""


@dataclass(frozen=True)
class FontSpec:
    family: str  # the CSS family name (also the name embedded in the PDF)
    file_name: str
    env: str
    package: str
    candidates: tuple[str, ...]


FONTS: dict[str, FontSpec] = {
    "mj": FontSpec(
        "IPAmjMincho", "ipamjm.ttf", "KIKAN_FONT_IPAMJ", "fonts-ipamj-mincho",
        ("/usr/share/fonts/truetype/ipamj/ipamjm.ttf", "/usr/share/fonts/opentype/ipamj/ipamjm.ttf"),
    ),
    "mincho": FontSpec(
        "IPAexMincho", "ipaexm.ttf", "KIKAN_FONT_IPAEX_MINCHO", "fonts-ipaexfont-mincho",
        ("/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf", "/usr/share/fonts/truetype/ipaexfont-mincho/ipaexm.ttf"),
    ),
    "gothic": FontSpec(
        "IPAexGothic", "ipaexg.ttf", "KIKAN_FONT_IPAEX_GOTHIC", "fonts-ipaexfont-gothic",
        ("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf", "/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf"),
    ),
}
SEARCH_ROOTS = ("/usr/share/fonts", "/usr/local/share/fonts")


@cache
def font_path(key: str) -> Path:
    """Absolute path of font ``key`` (mj | mincho | gothic); raises FontMissing with the fix."""
    spec = FONTS[key]
    override = os.environ.get(spec.env, "").strip()
    if override:
        p = Path(override)
        if p.is_file():
            return p.resolve()
        raise FontMissing(f"{spec.env}={override} のフォントファイルがありません（{spec.family}）")
    for c in spec.candidates:
        if Path(c).is_file():
            return Path(c)
    for root in SEARCH_ROOTS:
        if Path(root).is_dir():
            found = next(iter(sorted(Path(root).rglob(spec.file_name))), None)
            if found is not None:
                return found.resolve()
    raise FontMissing(
        f"証明書の印刷に必要なフォント {spec.family}（{spec.file_name}）が見つかりません。"
        f"`apt-get install -y {spec.package}` でインストールするか、{spec.env} にファイルの絶対パスを設定してください。"
    )


def font_face_css() -> str:
    """``@font-face`` rules for all certificate fonts, by absolute ``file://`` URL."""
    rules = []
    for key, spec in FONTS.items():
        rules.append(
            f"@font-face {{ font-family: '{spec.family}'; src: url('{font_path(key).as_uri()}'); }}"
        )
    return "\n".join(rules)
