"""Foreign residents (外国人住民, 住民基本台帳法第30条の45) and their items.

標準仕様書 1.1.2: 氏名 (kanji where the nationality writes names in kanji) and the alphabet name,
通称 for some, 国籍・地域, the 法第30条の45 category (中長期在留者 / 特別永住者 …) with 在留資格,
在留期間, 満了日 and the 在留カード等の番号 (2 letters + 8 digits + 2 letters, as printed on the
card), 外国人住民となった年月日 (never before 2012-07-09, when foreigners entered the registry).
"""

from __future__ import annotations

import string
from datetime import date
from typing import Any

from kikan.synthetic.data import Nationality, foreign_names, nationalities, residence_statuses
from kikan.synthetic.dice import Dice
from kikan.synthetic.people import SPACE, Change, Name, Person, given, surname

#: 住民基本台帳法の一部を改正する法律 (平成21年法律第77号) took effect: foreigners became residents.
FOREIGN_RESIDENTS_FROM = date(2012, 7, 9).toordinal()
MEDIUM_LONG = "中長期在留者"
SPECIAL_PERMANENT = "特別永住者"
_LETTERS = string.ascii_uppercase


def card_number(dice: Dice) -> str:
    """在留カード番号 / 特別永住者証明書番号: 2 letters, 8 digits, 2 letters (e.g. AB12345678CD)."""
    letters = [_LETTERS[int(dice.u() * 26)] for _ in range(4)]
    return f"{letters[0]}{letters[1]}{int(dice.u() * 1e8):08d}{letters[2]}{letters[3]}"


def _months(period: str) -> int:
    years, _, rest = period.partition("年")
    if not rest and "月" in years:
        return int(years.rstrip("月"))
    return int(years) * 12 + (int(rest.rstrip("月")) if rest else 0)


def _add_months(on: int, months: int) -> int:
    d = date.fromordinal(on)
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, min(d.day, 28)).toordinal()


def nationality(dice: Dice) -> Nationality:
    return nationalities().pick(dice.u())


def person(
    dice: Dice, nat: Nationality, sex: str, birth: int, relationship: str, as_of: int, *,
    family_alpha: tuple[str, str | None, str] | None = None, tsusho_family: Name | None = None,
) -> Person:  # fmt: skip
    """A foreign resident of ``nat``; ``family_alpha`` shares a family name within a household."""
    names = foreign_names()
    fam = family_alpha or name_part(dice, names[(nat.code, "family")])
    giv = name_part(dice, names[(nat.code, "male" if sex == "1" else "female")])
    kanji = nat.kanji_names and fam[1] is not None and giv[1] is not None
    p = Person(
        sex=sex, birth=birth, relationship=relationship, kind="foreign",
        family=(fam[1] if kanji else fam[0]) or fam[0], given=(giv[1] if kanji else giv[0]) or giv[0],
        family_kana=fam[2], given_kana=giv[2], kana_ok=dice.chance(0.9),
    )  # fmt: skip
    special = dice.chance(nat.special_permanent_share)
    items: dict[str, Any] = {"alpha_name": f"{fam[0]} {giv[0]}", "nationality": nat.name,
                             "residence_card_no": card_number(dice)}  # fmt: skip
    if special:
        items.update(art30_45_category=SPECIAL_PERMANENT, residence_status=None, period_of_stay=None,
                     stay_expires_on=None)  # fmt: skip
    else:
        status = residence_statuses().pick(dice.u())
        period = dice.pick(status.periods) if status.periods else None
        items.update(art30_45_category=MEDIUM_LONG, residence_status=status.name, period_of_stay=period)
        if period:
            months = _months(period)
            granted = as_of - int(dice.u() * months * 30.4) - 1
            items["stay_expires_on"] = _add_months(granted, months)
            items["_granted_on"] = granted
        else:
            items["stay_expires_on"] = None
    wants_tsusho = (
        tsusho_family is not None or (special and dice.chance(0.6)) or (kanji and dice.chance(0.08))
    )
    if wants_tsusho:
        fam_j = tsusho_family or surname(dice)
        g = given(dice, sex, birth) if tsusho_family is None else Name(giv[0].title(), giv[2])
        items.update(
            tsusho=f"{fam_j.text}{SPACE}{g.text}", tsusho_kana=f"{fam_j.kana} {g.kana}", name_priority="通称"
        )
    p.foreign = items
    return p


def name_part(dice: Dice, options: tuple[Any, ...]) -> tuple[str, str | None, str]:
    n = dice.pick(options)
    return (n.alpha, n.kanji, n.kana)


def settle(p: Person, dice: Dice, as_of: int) -> None:
    """Dates that depend on the entry date, and the later 異動 a foreigner typically has.

    - 外国人住民となった年月日 = the entry date, or 2012-07-09 for those living here before.
    - 在留期間更新 (入管庁長官からの通知, 法第30条の50 → code 314): the previous card number and expiry
      stay on the older row, so a search by an old 在留カード番号 finds the person.
    - 通称の記載 (361, 施行令第30条の16) recorded some time after the entry for some.
    """
    f = p.foreign
    assert f is not None
    f["foreign_resident_on"] = date.fromordinal(max(p.entry_on, FOREIGN_RESIDENTS_FROM))
    granted = f.pop("_granted_on", None)
    if granted is not None and granted > p.entry_on + 60 and dice.chance(0.6):
        old_expiry = granted + dice.int(10, 80)
        p.changes.append(Change("314", granted, {
            "residence_card_no": card_number(dice), "stay_expires_on": date.fromordinal(old_expiry),
        }))  # fmt: skip
    if f.get("tsusho"):
        on = p.entry_on
        if dice.chance(0.5) and as_of - p.entry_on > 90:
            on = p.entry_on + dice.int(30, max(31, (as_of - p.entry_on) // 2))
            p.changes.append(Change("361", on, {"tsusho": None, "tsusho_kana": None, "tsusho_recorded_on": None,
                                                "name_priority": None}))  # fmt: skip
        f["tsusho_recorded_on"] = date.fromordinal(on)
    if f.get("stay_expires_on") is not None and isinstance(f["stay_expires_on"], int):
        f["stay_expires_on"] = date.fromordinal(f["stay_expires_on"])
