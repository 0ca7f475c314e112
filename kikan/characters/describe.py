"""What each character of a text is: MJ文字図形名, UCS/IVS, 住基ネット統一文字コード, 戸籍統一文字番号,
JIS X 0213 面区点 and 縮退 candidates (``kikan chars check`` and ``GET /api/v1/chars/check``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kikan.characters.mjmaster import MjChar, Shrink, master
from kikan.characters.standard import validate
from kikan.characters.text import code_points, graphemes, is_basic, is_private_use, jisx0213_code

KIND_LABELS = {
    "mj": "MJ文字",
    "extension": "行政事務標準文字（追加分）",
    "jisx0213": "JIS X 0213",
    "basic": "基本文字（ASCII）",
    "private_use": "外字（私用領域・未同定）",
    "not_standard": "標準外",
}


@dataclass(frozen=True)
class CharInfo:
    """One grapheme of the checked text.  ``jisx0213`` is the exact JIS X 0213 面-区-点 of the grapheme
    itself (None for an IVS variant: the MJ row's ``x0213`` names the code it is unified under)."""

    position: int
    grapheme: str
    code_points: str
    standard: bool
    kind: str  # a key of KIND_LABELS
    mj: list[MjChar] = field(default_factory=list)
    jisx0213: str | None = None
    shrink: list[Shrink] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def as_dict(self) -> dict[str, object]:
        return {
            "position": self.position, "grapheme": self.grapheme, "code_points": self.code_points,
            "standard": self.standard, "kind": self.kind, "kind_label": self.kind_label,
            "mj": [mj_dict(r) for r in self.mj], "jisx0213": self.jisx0213,
            "shrink": [shrink_dict(s) for s in self.shrink], "messages": self.messages,
        }  # fmt: skip


def mj_dict(r: MjChar) -> dict[str, object]:
    return {
        "mj": r.mj, "sequence": r.sequence, "code_points": code_points(r.sequence), "ucs": r.ucs,
        "ivs": r.ivs, "juki": r.juki, "koseki": r.koseki, "toki": r.toki, "x0213": r.x0213,
        "x0213_inclusion": r.x0213_incl, "policy": r.policy, "strokes": r.strokes, "note": r.note,
        "source": r.source,
    }  # fmt: skip


def shrink_dict(s: Shrink) -> dict[str, object]:
    return {"mj": s.mj, "target": s.target, "x0213": s.x0213, "rule": s.rule, "rank": s.rank}


def _kind(g: str, rows: list[MjChar], standard: bool) -> str:
    if rows:
        return "mj" if all(r.source == "MJ" for r in rows) else "extension"
    if standard:
        return "basic" if is_basic(g) else "jisx0213"
    return "private_use" if is_private_use(g[0]) else "not_standard"


def describe(text: str) -> list[CharInfo]:
    """One :class:`CharInfo` per grapheme (base + IVS/SVS or voicing mark), in order."""
    m = master()
    issues: dict[int, list[str]] = {}
    for issue in validate(text):
        issues.setdefault(issue.position, []).append(issue.message)
    out = []
    for pos, g in graphemes(text):
        rows = m.lookup(g)
        messages = [msg for i in range(pos, pos + len(g)) for msg in issues.get(i, [])]
        standard = not messages
        shrink = m.shrink(rows[0].mj) if len(rows) == 1 else []
        kind = _kind(g, rows, standard)
        out.append(CharInfo(pos, g, code_points(g), standard, kind, rows, jisx0213_code(g), shrink, messages))
    return out
