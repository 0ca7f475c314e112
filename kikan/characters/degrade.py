"""Degradation for output channels that cannot carry 行政事務標準文字 (CP932 / JIS X 0213 partners).

Basis: デジタル庁「地方公共団体情報システムの文字要件」— output to systems without IVS or MJ support
falls back through the MJ縮退マップ (IPA/CITPC, Ver.1.2.0) and the fallback must be known to the
operator; データ要件・連携要件標準仕様書 (files for partners in Shift_JIS/EUC).  Stored text is never
changed: only the outgoing copy is, and every substitution is reported.

Per grapheme (base + IVS/SVS), in this order, the first hit wins:

1. encodable as it is → unchanged;
2. another Unicode mapping of the same JIS code (〜/～, −/－, ―/—, ¢/￠ …) → rule ``JIS同一符号``;
3. the MJ縮退マップ, tables in :data:`~kikan.characters.mjmaster.SHRINK_RULES` order (JIS包摂規準 first:
   the same 字体, e.g. an IVS variant → its base; then 法務省告示582号, 戸籍統一文字 親字正字, the 民一2842号
   / 民二5202号 tables, 読み字形による類推, 辞書類等による関連字) → rule = the table's name;
4. the base without its variation selector → rule ``異体字セレクタ除去`` (without a combining voicing
   mark: ``結合文字除去``, e.g. か゚ → か in CP932);
5. 国税庁 JIS縮退マップ via jntajis ``jnta_shrink_translit`` → rule ``国税庁JIS縮退マップ``;
6. NFKC compatibility decomposition (①→1, ㈱→(株)) → rule ``互換分解(NFKC)``;
7. nothing fits → 〓 (geta, U+3013) → rule ``変換不能（〓）``.

Private Use Area characters (外字) always end as 〓: their bytes would mean nothing to the receiver.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

import jntajis

from kikan.characters.mjmaster import SHRINK_RULES, Master, master
from kikan.characters.text import VARIATION_SELECTORS, encodable, graphemes, is_private_use

GETA = "〓"
TARGETS = {"cp932": "cp932", "jisx0213": "euc_jis_2004", "sjis": "shift_jis", "jisx0208": "euc_jp"}
"""Target names accepted by :func:`degrade` besides any Python codec name."""

RULE_SAME_CODE = "JIS同一符号"
RULE_DROP_SELECTOR = "異体字セレクタ除去"
RULE_DROP_MARK = "結合文字除去"
RULE_NTA = "国税庁JIS縮退マップ"
RULE_NFKC = "互換分解(NFKC)"
RULE_GETA = "変換不能（〓）"
LOSSLESS_RULES = frozenset({RULE_SAME_CODE})
"""Rules that keep the character (only its Unicode spelling changes); all others are lossy."""

_SAME_CODE = {
    "〜": "～", "～": "〜", "−": "－", "－": "−", "―": "—", "—": "―", "‖": "∥", "∥": "‖",
    "¢": "￠", "￠": "¢", "£": "￡", "￡": "£", "¬": "￢", "￢": "¬", "¥": "￥", "￥": "¥",
}  # fmt: skip


class Substitution(NamedTuple):
    """One replaced grapheme: ``position`` is its code point index in the original text."""

    position: int
    original: str
    replacement: str
    rule: str

    @property
    def lossy(self) -> bool:
        return self.rule not in LOSSLESS_RULES


@dataclass(frozen=True)
class DegradeResult:
    text: str
    target: str
    substitutions: list[Substitution] = field(default_factory=list)

    @property
    def lossless(self) -> bool:
        return all(not s.lossy for s in self.substitutions)

    @property
    def unconvertible(self) -> list[Substitution]:
        return [s for s in self.substitutions if s.rule == RULE_GETA]


def codec_of(target: str) -> str:
    """``"cp932"``/``"jisx0213"``/…/any Python codec name → the codec used to test encodability."""
    name = TARGETS.get(target.lower(), target)
    try:
        "a".encode(name)
    except LookupError:
        raise ValueError(f"未対応の文字コードです: {target}") from None
    return name


def _mj_shrink(g: str, codec: str, m: Master) -> tuple[str, str] | None:
    rows = m.lookup(g)
    if len(rows) != 1:  # a plain code point shared by several IVS-only glyphs: same 縮退 in practice
        rows = rows[:1]
    for row in rows:
        for s in m.shrink(row.mj):
            if s.target != g and encodable(s.target, codec):
                return s.target, s.rule
    return None


def _one(g: str, codec: str, m: Master) -> tuple[str, str] | None:
    """(replacement, rule) for a grapheme that does not encode as it is."""
    if all(is_private_use(c) for c in g[:1]):
        return GETA, RULE_GETA
    alt = "".join(_SAME_CODE.get(c, c) for c in g)
    if alt != g and encodable(alt, codec):
        return alt, RULE_SAME_CODE
    hit = _mj_shrink(g, codec, m)
    if hit is not None:
        return hit
    if len(g) > 1 and encodable(g[0], codec):
        return g[0], RULE_DROP_SELECTOR if ord(g[1]) in VARIATION_SELECTORS else RULE_DROP_MARK
    if len(g) > 1 and (hit := _mj_shrink(g[0], codec, m)) is not None:
        return hit
    nta = jntajis.jnta_shrink_translit(g[0], passthrough=True)
    if nta != g[0] and encodable(nta, codec):
        return nta, RULE_NTA
    nfkc = unicodedata.normalize("NFKC", g)
    if nfkc and nfkc != g and encodable(nfkc, codec):
        return nfkc, RULE_NFKC
    return GETA, RULE_GETA


def degrade(text: str, target: str = "cp932", *, source: Master | None = None) -> DegradeResult:
    """``text`` made encodable in ``target`` (``"cp932"``, ``"jisx0213"`` or a codec name), with every
    substitution reported as ``(position, original, replacement, rule)``.  Text that already encodes
    comes back unchanged with an empty report."""
    codec = codec_of(target)
    if _fast_ok(text, codec):
        return DegradeResult(text, target)
    m = source or master()
    out: list[str] = []
    subs: list[Substitution] = []
    for pos, g in graphemes(text):
        if encodable(g, codec):
            out.append(g)
            continue
        replacement, rule = _one(g, codec, m) or (GETA, RULE_GETA)
        out.append(replacement)
        subs.append(Substitution(pos, g, replacement, rule))
    return DegradeResult("".join(out), target, subs)


def _fast_ok(text: str, codec: str) -> bool:
    if any(is_private_use(c) for c in text):
        return False
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def encode_for_partner(text: str, encoding: str = "cp932") -> tuple[bytes, DegradeResult]:
    """``(bytes, report)``: ``text`` degraded for ``encoding`` and encoded.  Never raises on content;
    the report lists each substitution (lossy ones must be shown to the operator)."""
    result = degrade(text, encoding)
    return result.text.encode(codec_of(encoding)), result


__all__ = [
    "GETA", "SHRINK_RULES", "DegradeResult", "Substitution", "codec_of", "degrade", "encode_for_partner",
]  # fmt: skip
