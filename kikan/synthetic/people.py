"""People of a synthetic municipality: who they are (names, sex, birth, nationality).

Plain mutable objects filled by :mod:`kikan.synthetic.households`; :mod:`kikan.synthetic.rows`
turns them into registry rows. Dates are proleptic ordinals (``date.toordinal``) while generating.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kikan.synthetic.data import Choice, Name, age_pyramid, cohort_of, given_names, surnames, variants
from kikan.synthetic.dice import Dice

SPACE = "\u3000"  # between 氏 and 名 in composite fields (世帯主の氏名, 筆頭者, 通称)
YEAR = 365.2425


@dataclass(frozen=True)
class Change:
    """One later 異動 of a person: its 異動事由 code, date, and the item values BEFORE it."""

    code: str
    on: int
    before: dict[str, Any]


@dataclass(eq=False)
class Person:
    sex: str
    birth: int
    relationship: str
    family: str
    given: str
    family_kana: str
    given_kana: str
    kind: str = "japanese"
    kana_ok: bool = True
    former: str | None = None
    former_kana: str | None = None
    maiden: tuple[str, str] | None = None  # 氏 before marriage (kept for 旧氏の記載)
    foreign: dict[str, Any] | None = None
    entry_code: str = "101"
    entry_on: int = 0
    previous_place: str | None = None
    previous_postal: str | None = None
    changes: list[Change] = field(default_factory=list)
    removal: dict[str, Any] | None = None  # 除票: reason, date, destination
    seq: int = 0  # order of generation (the 宛名番号 sequence)
    addressee_no: str = ""
    order: int = 0  # 世帯員の並び順

    @property
    def full_name(self) -> str:
        return f"{self.family}{SPACE}{self.given}"

    @property
    def removed(self) -> bool:
        return self.removal is not None


class AgeSampler:
    """Ages drawn from the 2020 census pyramid, restricted to a range and reweighted by a profile."""

    def __init__(self) -> None:
        per_year = [0.0] * 106
        for band in age_pyramid():
            for a in range(band.start, min(band.end, 105) + 1):
                per_year[a] = band.persons / (band.end - band.start + 1)
        self.per_year = per_year
        self.male_share = [0.5] * 106
        for band in age_pyramid():
            for a in range(band.start, min(band.end, 105) + 1):
                self.male_share[a] = band.male_share
        self._cache: dict[tuple[int, int, tuple[tuple[int, int, float], ...]], Choice[int]] = {}

    def choice(self, lo: int, hi: int, profile: tuple[tuple[int, int, float], ...] = ()) -> Choice[int]:
        key = (lo, hi, profile)
        found = self._cache.get(key)
        if found is None:
            ages = list(range(lo, min(hi, 105) + 1))
            weights = [self.per_year[a] * profile_factor(a, profile) for a in ages]
            found = self._cache[key] = Choice.of(ages, weights)
        return found

    def age(self, dice: Dice, lo: int, hi: int, profile: tuple[tuple[int, int, float], ...] = ()) -> int:
        return self.choice(lo, hi, profile).pick(dice.u())


def profile_factor(age: int, profile: tuple[tuple[int, int, float], ...]) -> float:
    for lo, hi, f in profile:
        if lo <= age <= hi:
            return f
    return 1.0


def birth_for_age(age: int, as_of: int, dice: Dice) -> int:
    """A birth date (ordinal) giving ``age`` full years on ``as_of``."""
    return as_of - int((age + dice.u() * 0.997) * YEAR) - 1


def age_at(birth: int, on: int) -> int:
    b, d = date.fromordinal(birth), date.fromordinal(on)
    return d.year - b.year - ((d.month, d.day) < (b.month, b.day))


def surname(dice: Dice) -> Name:
    """A surname, sometimes in a registered 異体字 (髙橋, 渡邉 + IVS …); the reading is unchanged."""
    base = surnames().pick(dice.u())
    u = dice.u()
    for variant, share in variants().get(base.text, ()):
        if u < share:
            return Name(variant, base.kana)
        u -= share
    return base


def given(dice: Dice, sex: str, birth: int) -> Name:
    return given_names(sex)[cohort_of(date.fromordinal(birth).year)].pick(dice.u())


def japanese(dice: Dice, sex: str, birth: int, relationship: str, family: Name) -> Person:
    g = given(dice, sex, birth)
    return Person(sex=sex, birth=birth, relationship=relationship, family=family.text, given=g.text,
                  family_kana=family.kana, given_kana=g.kana, kana_ok=dice.chance(0.97))  # fmt: skip
