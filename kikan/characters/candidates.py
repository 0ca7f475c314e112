"""Candidates for 同定 (identifying) a legacy 外字 with 行政事務標準文字, ranked.

Basis: デジタル庁「地方公共団体情報システムの文字要件」(同定支援); the MJ文字情報一覧表 (住基ネット統一文字コード,
戸籍統一文字番号) and the MJ縮退マップ (variant relations) of IPA/CITPC.

Evidence, strongest first (score):

- 100 the vendor table names the MJ文字図形名;
- 95  the vendor table (or legacy data) carries the 住基ネット統一文字コード (住基ネット統一文字 are a subset of MJ);
- 90  the same code point: a non-standard sequence (e.g. an unregistered IVS) → the MJ glyphs on its base;
- 70  the first kanji of the glyph description is itself an MJ glyph ("はしご高" → 高 …);
- 60  the IVS variants on that kanji;
- 20–55 MJ characters whose 縮退 target is such a character, by MJ縮退マップ table (JIS包摂規準 55,
  法務省告示582号 50, 戸籍統一文字 親字正字 45, 民一2842号/民二5202号 40, 読み字形による類推 30,
  辞書類等による関連字 20): its variant family (高 → 髙, 辺 → 邉 邊 and their IVS glyphs);
- the later kanji of the description count 40 less (they are often words such as 異体, 一点).

The ranking only orders the list: staff confirm every mapping.
"""

from __future__ import annotations

from dataclasses import dataclass

from kikan.characters.gaiji import LegacyCode
from kikan.characters.mjmaster import Master, MjChar, master
from kikan.characters.text import is_private_use

RULE_SCORES = {
    "JIS包摂規準UCS統合規則": 55,
    "法務省告示582号別表第四_一": 50,
    "法務省告示582号別表第四_二": 50,
    "戸籍統一文字情報_親字正字": 45,
    "民一2842号通達別表_誤字俗字正字一覧表_俗字": 40,
    "民一2842号通達別表_誤字俗字正字一覧表_別字": 40,
    "民一2842号通達別表_誤字俗字正字一覧表_無印": 40,
    "民二5202号通知別表_正字俗字等対照表": 40,
    "読み字形による類推": 30,
    "辞書類等による関連字": 20,
}


@dataclass(frozen=True)
class Candidate:
    mj: MjChar
    score: int
    basis: str

    @property
    def text(self) -> str:
        """The standard text the 外字 would be replaced with (IVS sequence where the glyph needs one)."""
        return self.mj.sequence


def _is_han(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3FFFF
    ) and not is_private_use(ch)


class _Ranking:
    def __init__(self) -> None:
        self.best: dict[str, Candidate] = {}

    def add(self, row: MjChar | None, score: int, basis: str) -> None:
        if row is None:
            return
        old = self.best.get(row.mj)
        if old is None or old.score < score:
            self.best[row.mj] = Candidate(row, score, basis)

    def ranked(self, limit: int) -> list[Candidate]:
        return sorted(self.best.values(), key=lambda c: (-c.score, c.mj.mj))[:limit]


def _family(ch: str, m: Master, r: _Ranking, label: str, penalty: int = 0) -> None:
    for row in m.lookup(ch):
        r.add(row, 70 - penalty, f"{label}「{ch}」")
    for row in m.variants_on(ch):
        r.add(row, 60 - penalty, f"{label}「{ch}」の異体字（IVS）")
    for s in m.shrunk_from(ch):
        r.add(
            m.get(s.mj), RULE_SCORES.get(s.rule, 10) - penalty, f"縮退マップ（{s.rule}）で「{ch}」になる文字"
        )


def propose(
    code: LegacyCode | None = None,
    grapheme: str | None = None,
    *,
    source: Master | None = None,
    limit: int = 30,
) -> list[Candidate]:
    """Ranked candidates for one legacy character (its table entry and/or the grapheme itself)."""
    m = source or master()
    r = _Ranking()
    if code is not None and code.mj_name:
        r.add(m.get(code.mj_name), 100, f"外字表のMJ文字図形名 {code.mj_name}")
    if code is not None and code.juki_code:
        for row in m.by_juki(code.juki_code):
            r.add(row, 95, f"住基ネット統一文字コード {code.juki_code} が一致")
    if grapheme and not is_private_use(grapheme[0]):
        for row in m.variants_on(grapheme[0]):
            r.add(row, 90, f"同じ符号位置（U+{ord(grapheme[0]):04X}）のMJ文字")
        _family(grapheme[0], m, r, "同じ文字")
    described = dict.fromkeys(c for c in (code.description if code else "") if _is_han(c))
    # the first kanji of "はしご高" / "邉（しんにょう一点）" is the subject
    for n, ch in enumerate(described):
        _family(ch, m, r, "字形の説明の文字", penalty=0 if n == 0 else 40)
    return r.ranked(limit)
