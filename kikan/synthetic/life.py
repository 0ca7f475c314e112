"""Life events that give each person 1–4 history rows (標準仕様書 1.2 異動履歴).

Per household: an arrival date (転入, 101 / 国外から 104 / 法第30条の46 105) — members born later
enter by 出生 (111); sometimes a later 転居 (301) inside the municipality. Per person, sometimes:
a wife's life here before marriage (her parents' household, maiden name → 職権修正 312 on the
戸籍 notice of marriage → 転居 301 into the husband's household: so she is found by her past
name), 旧氏の記載 (351), 世帯主変更 (344) after the head's death, foreigners' 在留期間更新 (314)
and 通称の記載 (361). About 3% extra people are removed (除票): the late husband of a widow
(死亡 211), a grown child who moved away (転出 201 / 国外転出 203), people who left altogether.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kikan.synthetic.addresses import Place, elsewhere
from kikan.synthetic.dice import Dice
from kikan.synthetic.people import YEAR, Change, Person, age_at, birth_for_age, japanese, surname

MAX_ROWS = 4
#: Optional changes dropped first when a person would get more than MAX_ROWS rows.
_DROP_ORDER = ("351", "361", "314", "301")


def arrival(dice: Dice, head: Person, as_of: int, *, recent: bool = False) -> int:
    """When the household came (or was formed) here: after the head turned 18, within 45 years."""
    earliest = max(head.birth + int(18 * YEAR), as_of - int((12 if recent else 45) * YEAR))
    latest = as_of - 14
    if earliest >= latest:
        return latest
    return earliest + int(dice.u() ** 0.8 * (latest - earliest))


def enter(p: Person, dice: Dice, arrived: int, nationality: str | None) -> None:
    """出生 if born after the household arrived, else 転入 with a 転入前住所."""
    if p.birth >= arrived:
        p.entry_code, p.entry_on = "111", p.birth
        return
    p.entry_on = arrived
    if nationality and (p.foreign or {}).get("art30_45_category") != "特別永住者" and dice.chance(0.7):
        p.entry_code, p.previous_place = "105", nationality
    elif nationality is None and dice.chance(0.03):
        p.entry_code, p.previous_place = (
            "104",
            dice.pick(
                ("アメリカ合衆国", "中華人民共和国", "タイ王国", "ドイツ連邦共和国", "オーストラリア連邦")
            ),
        )
    else:
        place = elsewhere(dice)
        p.entry_code, p.previous_place, p.previous_postal = "101", place.address, place.town.postal_code


def moved_within(members: list[Person], dice: Dice, old: Place, old_katagaki: str | None, on: int) -> None:
    """転居 (住民基本台帳法第23条): members already here get a row whose previous values are the old home."""
    before = _place_values(old, old_katagaki)
    for p in members:
        if p.entry_on < on:
            p.changes.append(Change("301", on, dict(before)))


def _place_values(place: Place, katagaki: str | None) -> dict[str, Any]:
    return {"address": place.address, "katagaki": katagaki, "address_code": place.address_code,
            "postal_code": place.town.postal_code, "town_code": place.town.town_code}  # fmt: skip


def married_here(wife: Person, dice: Dice, parents: Any, joined: int) -> None:
    """The wife lived in her parents' household here; marriage changed her 氏, then she moved in.

    ``parents`` is an earlier household (its head gives her maiden name). Rows: entry in the
    parents' household (maiden name) → 職権修正 312 (氏の変更, 戸籍法による通知) → 転居 301.
    """
    head = parents.head
    married_on = joined - dice.int(10, 120)
    wife.entry_code, wife.entry_on = (
        ("111", wife.birth) if dice.chance(0.5) else ("101", min(married_on - 400, parents.arrived))
    )
    if wife.entry_on >= married_on or wife.entry_on < wife.birth:
        wife.entry_code, wife.entry_on = "111", wife.birth
    if wife.entry_code == "101":
        place = elsewhere(dice)
        wife.previous_place, wife.previous_postal = place.address, place.town.postal_code
    wife.changes.append(Change("312", married_on, {
        "family_name": head.family, "family_name_kana": head.family_kana, "honseki": parents.honseki,
        "hitto_name": head.full_name,
    }))  # fmt: skip
    wife.changes.append(Change("301", joined, {
        "household_no": parents.household_no, "relationship": "子", "household_order": len(parents.members) + 1,
        "head_name": head.full_name, **_place_values(parents.place, parents.katagaki),
    }))  # fmt: skip
    wife.maiden = (head.family, head.family_kana)


def former_name_recorded(p: Person, dice: Dice, as_of: int) -> None:
    """旧氏の記載 (住民基本台帳法施行令第30条の13, 令和元年11月5日から): at the person's request."""
    start = max(p.entry_on, date(2019, 11, 5).toordinal()) + 1
    if start >= as_of - 7:
        return
    if p.maiden is None:
        n = surname(dice)
        p.maiden = (n.text, n.kana)
    p.former, p.former_kana = p.maiden
    p.changes.append(
        Change(
            "351",
            dice.int(start, as_of - 7),
            {"former_family_name": None, "former_family_name_kana": None, "former_kana_confirmed": None},
        )
    )


def late_husband(widow: Person, dice: Dice, as_of: int, arrived: int) -> Person:
    """The widow's husband, who headed the household until he died (死亡 → 世帯主変更 344)."""
    hb = min(widow.birth - int(dice.normal(2.5, 2.5) * YEAR), widow.birth + int(3 * YEAR))
    died = max(arrived + 30, as_of - dice.int(30, 10 * 365))
    husband = japanese(dice, "1", hb, "世帯主", surname(dice))
    husband.family, husband.family_kana = widow.family, widow.family_kana
    husband.entry_code, husband.entry_on = widow.entry_code, widow.entry_on
    husband.previous_place, husband.previous_postal = widow.previous_place, widow.previous_postal
    husband.removal = {"code": "211", "on": died}
    widow.relationship = "世帯主"
    widow.changes.append(
        Change(
            "344",
            died + dice.int(1, 13),
            {"relationship": "妻", "household_order": 2, "head_name": husband.full_name},
        )
    )
    return husband


def moved_out(p: Person, dice: Dice, on: int) -> None:
    """転出 (法第24条) — to another municipality (201) or abroad (203)."""
    if dice.chance(0.12):
        p.removal = {
            "code": "203",
            "on": on,
            "to": dice.pick(("アメリカ合衆国", "オーストラリア連邦", "大韓民国", "シンガポール共和国")),
        }
    else:
        p.removal = {"code": "201", "on": on, "to": elsewhere(dice).address}


def grown_child(mother: Person, fam: Any, dice: Dice, as_of: int, arrived: int) -> Person | None:
    """A child (18–35) who has moved away: kept as a 除票 row of the household."""
    age = dice.int(18, 35)
    b = birth_for_age(age, as_of, dice)
    if age_at(mother.birth, b) < 19:
        return None
    child = japanese(dice, "1" if dice.chance(0.5) else "2", b, "子", fam)
    enter(child, dice, arrived, None)
    left = as_of - dice.int(20, 6 * 365)
    if left <= max(child.entry_on, child.birth + int(18 * YEAR)):
        return None
    moved_out(child, dice, left)
    return child


def cap_rows(p: Person) -> None:
    """At most MAX_ROWS rows: entry + changes (+ removal); drop optional changes first."""
    p.changes.sort(key=lambda c: c.on)
    limit = MAX_ROWS - 1 - (1 if p.removal else 0)
    for code in _DROP_ORDER:
        while len(p.changes) > limit and any(c.code == code for c in p.changes):
            victim = next(c for c in p.changes if c.code == code)
            if code == "301" and any(c.code == "312" for c in p.changes):
                break  # the marriage path needs its 転居
            p.changes.remove(victim)
            if code == "351":
                p.former = p.former_kana = None
