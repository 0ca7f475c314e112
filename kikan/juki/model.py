"""Resident registry domain rules (pure: no I/O, no clock — ``today`` is always a parameter).

- 続柄 (住民記録システム標準仕様書 1.1.11): a closed list; anything else is refused.
- 世帯員の並び順 (同 5.2): the only ordering rule the standard allows, as a pure sort.
- Date and character checks that every 異動 runs before it writes anything
  (同 4.0.3 異動日・処理日, 4.1.0.2 届出日, 11.1 エラー・アラート項目; 住民基本台帳法第22条〜第25条,
  第30条の46・第30条の47: 届出は14日以内).

The 異動事由 code catalogue (1.2.2) lives in :mod:`kikan.juki.events`, next to the event types
its categories map to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from kikan.characters import STANDARD_CHARACTER_SET
from kikan.core.characters import check_standard_characters
from kikan.core.errors import FieldError, ValidationFailed

# --- 続柄 (1.1.11) ----------------------------------------------------------------------------

HEAD = "世帯主"
#: ② of 1.1.11: the terms that may stand alone or be chained with 「の」.
BASE_TERMS: tuple[str, ...] = (
    "夫", "妻", "夫（未届）", "妻（未届）", "子", "子（子の夫）", "子（子の妻）",
    "父", "母", "兄", "姉", "弟", "妹",
)  # fmt: skip
DISTANT = "縁故者"
LODGER = "同居人"
#: ③: 「世代」 is the number of terms joined with 「の」, counted mechanically.
MAX_GENERATIONS = 4
SPOUSES = frozenset({"夫", "妻", "夫（未届）", "妻（未届）"})
SIBLINGS = ("兄", "姉", "弟", "妹")
PARENTS = ("父", "母")

#: Terms people type that the standard forbids (【実装しない機能】), with the chained form to use.
_FORBIDDEN_HINTS: dict[str, str] = {
    "祖父": "父の父／母の父", "祖母": "父の母／母の母", "孫": "子の子", "曾孫": "子の子の子",
    "甥": "兄の子／弟の子／姉の子／妹の子", "姪": "兄の子／弟の子／姉の子／妹の子",
    "おじ": "父の兄／父の弟／母の兄／母の弟", "おば": "父の姉／父の妹／母の姉／母の妹",
    "叔父": "父の弟／母の弟", "伯父": "父の兄／母の兄", "叔母": "父の妹／母の妹", "伯母": "父の姉／母の姉",
    "長男": "子", "長女": "子", "次男": "子", "次女": "子", "養子": "子", "養女": "子",
    "義父": "妻の父／夫の父", "義母": "妻の母／夫の母", "嫁": "子の妻", "婿": "子の夫",
    "準世帯主": "（なし：世帯主との続柄を入力）", "家事使用人": "同居人",
}  # fmt: skip
_ASCII_PARENS = str.maketrans({"(": "（", ")": "）"})


def split_relationship(text: str) -> list[str]:
    """Split a chained 続柄 at each 「の」 that is not inside （…）: 妻の父 → [妻, 父]."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "（":
            depth += 1
        elif ch == "）":
            depth -= 1
        if ch == "の" and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return parts


def normalize_relationship(text: str) -> str:
    """Trim blanks and use full-width parentheses, the only spelling 1.1.11 lists."""
    return re.sub(r"[\s\u3000]", "", text or "").translate(_ASCII_PARENS)


def relationship_error(text: str) -> str | None:
    """Why ``text`` is not a 続柄 the standard allows (1.1.11), or None when it is allowed."""
    rel = normalize_relationship(text)
    if not rel:
        return "続柄を入力してください"
    if rel in (HEAD, DISTANT, LODGER):
        return None
    terms = split_relationship(rel)
    if all(t in BASE_TERMS for t in terms):
        if len(terms) <= MAX_GENERATIONS:
            return None
        return (
            f"続柄は「の」で{MAX_GENERATIONS}世代までです。5世代以上となる場合は「{DISTANT}」としてください"
        )
    hint = _FORBIDDEN_HINTS.get(rel)
    if hint:
        return f"続柄「{rel}」は標準仕様書で管理できない続柄です（{hint} を使用してください）"
    return f"続柄「{rel}」は管理できない続柄です（世帯主、夫、妻、子、父、母、兄、姉、弟、妹等を「の」でつないだもの、縁故者、同居人）"


def is_valid_relationship(text: str) -> bool:
    return relationship_error(text) is None


def generations(rel: str) -> int:
    """Number of chained terms (0 for 世帯主・縁故者・同居人)."""
    rel = normalize_relationship(rel)
    return 0 if rel in (HEAD, DISTANT, LODGER) else len(split_relationship(rel))


# --- 世帯員の並び順 (5.2) ----------------------------------------------------------------------

_FAR = date.max


def _birth(m: Mapping[str, Any]) -> date:
    b = m.get("birth_date")
    return b if isinstance(b, date) else _FAR


def _is_hitto(m: Mapping[str, Any]) -> int:
    """0 when the person is the 筆頭者 of their 戸籍 (listed first among 父母・祖父母), else 1."""
    own = re.sub(r"[\s\u3000]", "", f"{m.get('family_name') or ''}{m.get('given_name') or ''}")
    hitto = re.sub(r"[\s\u3000]", "", m.get("hitto_name") or "")
    return 0 if own and own == hitto else 1


def _child_family_member(terms: list[str]) -> bool:
    """A member of the family (準婚を含む) of one of the head's children, other than the child."""
    if terms in (["子（子の夫）"], ["子（子の妻）"]):
        return True
    if len(terms) < 2 or terms[0] != "子" or any(t != "子" for t in terms[1:-1]):
        return False
    return terms[-1] == "子" or terms[-1] in SPOUSES


def member_sort_key(
    m: Mapping[str, Any], *, family_heads: Mapping[str, tuple[date, str]], family_of: Mapping[str, str]
) -> tuple[Any, ...]:
    """Sort key of one member under 5.2 (see :func:`sort_members`)."""
    rel = normalize_relationship(m.get("relationship") or "")
    no = str(m.get("addressee_no") or "")
    birth = _birth(m)
    if rel == HEAD:
        return (1, (), 1, 0, birth, no)
    if rel in SPOUSES:
        return (1, (), 2, 0, birth, no)
    if rel == DISTANT:
        return (4, (2,), 0, 0, birth, no)
    if rel == LODGER or not is_valid_relationship(rel):
        return (4, (3,), 0, 0, birth, no)
    terms = split_relationship(rel)
    if rel == "子" and no not in family_heads:
        return (1, (), 3, 0, birth, no)
    if rel == "子" or _child_family_member(terms):
        # 第2順位: the family of a head's child, families by that child's birth date and 宛名番号
        anchor = no if rel == "子" else family_of.get(no, "")
        fam = family_heads.get(anchor, (_FAR, "~"))
        spouse = terms[0].startswith("子（") or (len(terms) == 2 and terms[-1] in SPOUSES)
        inner = 1 if rel == "子" else 2 if spouse else 3
        return (2, fam, inner, len(terms), birth, no)
    if len(terms) == 1 and rel in PARENTS:
        return (3, (), 1, _is_hitto(m), birth, no)
    if len(terms) == 1 and rel in SIBLINGS:
        return (3, (), 2, 0, birth, no)
    if len(terms) == 2 and terms[0] in PARENTS and terms[1] in PARENTS:
        return (3, (), 3, _is_hitto(m), birth, no)
    # 第4順位 4-1 親族: the spouse's parents / siblings / grandparents follow 第3順位's order
    if terms[0] in SPOUSES and len(terms) == 2 and terms[1] in PARENTS:
        return (4, (1, 1), 0, _is_hitto(m), birth, no)
    if terms[0] in SPOUSES and len(terms) == 2 and terms[1] in SIBLINGS:
        return (4, (1, 2), 0, 0, birth, no)
    if terms[0] in SPOUSES and len(terms) == 3 and terms[1] in PARENTS and terms[2] in PARENTS:
        return (4, (1, 3), 0, _is_hitto(m), birth, no)
    return (4, (1, 4), 0, 0, birth, no)


def sort_members(
    members: Sequence[Mapping[str, Any]], *, family_of: Mapping[str, str] | None = None
) -> list[Mapping[str, Any]]:
    """Household members in the order of 標準仕様書 5.2 (世帯員の並び順).

    第1順位 世帯主 → 配偶者 → 子 (生年月日, then 宛名番号); 第2順位 families of the head's
    children (the child, its spouse, its children), families ordered by the child's birth date;
    第3順位 父母 (筆頭者 first) → 兄弟姉妹 → 祖父母; 第4順位 other relatives (the spouse's parents,
    siblings and grandparents in 第3順位's order, then the others by birth date) → 縁故者 → 同居人.

    ``family_of`` links a 第2順位 member (子の妻, 子の子 …) to the 宛名番号 of the head's child
    whose family it is; 続柄 alone cannot tell two married children's families apart. Without a
    link, a household with exactly one 子 attaches them to that child; otherwise unlinked
    members follow the linked families. (5.2 lets staff reorder by hand; this is the default.)
    """
    links = dict(family_of or {})

    def rel(m: Mapping[str, Any]) -> str:
        return normalize_relationship(m.get("relationship") or "")

    def no(m: Mapping[str, Any]) -> str:
        return str(m.get("addressee_no") or "")

    children = [m for m in members if rel(m) == "子"]
    rank2 = [m for m in members if rel(m) != "子" and is_valid_relationship(rel(m)) and generations(rel(m)) > 0
             and _child_family_member(split_relationship(rel(m)))]  # fmt: skip
    if len(children) == 1:
        for m in rank2:
            links.setdefault(no(m), no(children[0]))
    with_family = {links[no(m)] for m in rank2 if no(m) in links}
    family_heads = {no(c): (_birth(c), no(c)) for c in children if no(c) in with_family}
    return sorted(members, key=lambda m: member_sort_key(m, family_heads=family_heads, family_of=links))


# --- checks run before a 異動 writes anything (11.1 エラー・アラート) ----------------------------

#: 住民基本台帳法第22条〜第25条, 第30条の46, 第30条の47: 「…日から十四日以内に」届け出る.
NOTIFICATION_DAYS = 14


@dataclass
class Problems:
    """Errors (refuse: nothing is written) and alerts (注意喚起: returned to the caller)."""

    errors: list[FieldError] = field(default_factory=list)
    alerts: list[FieldError] = field(default_factory=list)

    def error(self, field_name: str, message: str) -> None:
        self.errors.append(FieldError(field_name, message))

    def alert(self, field_name: str, message: str) -> None:
        self.alerts.append(FieldError(field_name, message))

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ValidationFailed(list(self.errors))


def parse_iso_date(text: str) -> date:
    """ISO ``YYYY-MM-DD`` → date; ValueError with a Japanese message for 2月30日 and the like."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text.strip())
    if not m:
        raise ValueError("日付は YYYY-MM-DD の形式で入力してください")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        raise ValueError(f"存在しない日付です（{text.strip()}）") from None


def check_event_on(p: Problems, event_on: date, today: date, *, future_allowed: bool = False) -> None:
    """異動日 ≤ 処理日, except for 転出 (標準仕様書 4.0.3: 異動日は、転出を除き、処理当日以前の日のみ)."""
    if not future_allowed and event_on > today:
        p.error("異動日", f"異動日は処理日（{today.isoformat()}）以前の日付を入力してください")


def check_reported_on(
    p: Problems, reported_on: date | None, event_on: date, today: date, *, before_event_allowed: bool = False
) -> None:
    """届出日 ≤ 処理日 (4.1.0.2); a report of a move cannot precede it, except 転出 (法第24条: あらかじめ)."""
    if reported_on is None:
        return
    if reported_on > today:
        p.error("届出日", f"届出日は処理日（{today.isoformat()}）以前の日付を入力してください")
    elif not before_event_allowed and reported_on < event_on:
        p.error("届出日", "届出日は異動日以降の日付を入力してください")


def check_deadline(p: Problems, event_on: date, reported_on: date | None, article: str) -> None:
    """Alert (not an error) when the 届出 comes more than 14 days after the 異動日.

    住民基本台帳法 ``article`` (第22条 転入, 第23条 転居, 第24条 転出, 第25条 世帯変更,
    第30条の46/47): 十四日以内. The period starts the day after the 異動日 (民法第140条). A late
    report is still accepted; the mayor may have to notify the 簡易裁判所 (法第52条第2項, 過料).
    """
    if reported_on is None:
        return
    if reported_on > event_on + timedelta(days=NOTIFICATION_DAYS):
        days = (reported_on - event_on).days
        p.alert(
            "届出日",
            f"異動日から{days}日後の届出です（住民基本台帳法{article}の届出期間14日を経過）。"
            "届出期間経過通知の要否を確認してください",
        )


def check_birth_on(p: Problems, birth_on: date | None, today: date, field_name: str = "生年月日") -> None:
    if birth_on is not None and birth_on > today:
        p.error(field_name, f"{field_name}に未来の日付（{birth_on.isoformat()}）は入力できません")


def check_death_on(p: Problems, death_on: date, birth_on: date | None, today: date) -> None:
    """死亡日 must fall between 生年月日 and 処理日 (logically impossible otherwise, 11.1)."""
    if death_on > today:
        p.error("死亡日", "死亡日に未来の日付は入力できません")
    if birth_on is not None and death_on < birth_on:
        p.error("死亡日", f"死亡日が生年月日（{birth_on.isoformat()}）より前です")


def check_text(p: Problems, field_name: str, value: str | None) -> None:
    """Names and addresses must be 行政事務標準文字 (標準仕様書 第5章 文字, 11.1 エラー項目)."""
    if not value:
        return
    issues = check_standard_characters(value, STANDARD_CHARACTER_SET)
    if issues:
        detail = "、".join(i.message for i in issues[:3])
        p.error(field_name, f"{field_name}に行政事務標準文字以外の文字が含まれています（{detail}）")
