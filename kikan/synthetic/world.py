"""The stream of households of one synthetic municipality, numbered and placed, with their lives.

Numbers (宛名番号 / 世帯番号 sequences) are handed out in generation order, starting after the
tenant's counters, so the rows are identical for the same seed and starting counters.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from kikan.synthetic import addresses, foreign, life
from kikan.synthetic.addresses import Place, Town
from kikan.synthetic.data import Name
from kikan.synthetic.dice import Dice
from kikan.synthetic.households import (
    COUPLE,
    FAMILY,
    FOREIGN_HOUSEHOLD_SHARE,
    FOREIGN_TYPES,
    SINGLE,
    TYPES,
    Composer,
)  # fmt: skip
from kikan.synthetic.numbers import Sequence
from kikan.synthetic.people import YEAR, AgeSampler, Person

APARTMENT_SHARE = 0.42


@dataclass(eq=False)
class Household:
    members: list[Person]  # present members in 世帯員の並び順, then removed ones
    place: Place
    katagaki: str | None
    arrived: int
    honseki: str | None
    status: str = "active"  # active | dissolved
    household_no: str = ""  # given by World.accept
    moved_on: int = 0  # 転居 inside the municipality (0: none)
    head: Person = field(init=False)

    def __post_init__(self) -> None:
        self.head = self.members[0]

    @property
    def present(self) -> list[Person]:
        return [m for m in self.members if not m.removed]


class World:
    def __init__(self, tenant_id: str, seed: int, as_of: int, first_person: int, first_household: int):
        self.dice = Dice([seed, int(tenant_id), first_person])
        self.as_of = as_of
        self.towns = addresses.town_choice(addresses.towns_for(tenant_id), self.dice)
        self.composer = Composer(self.dice, AgeSampler(), as_of)
        self.person_numbers, self.household_numbers = Sequence(first_person), Sequence(first_household)
        self.buildings: list[tuple[Place, str, int]] = []
        self.recent: deque[Household] = deque(maxlen=500)

    # -- places ------------------------------------------------------------------------------
    def town(self) -> Town:
        return self.towns.pick(self.dice.u())

    def dwelling(self) -> tuple[Place, str | None]:
        d = self.dice
        if d.chance(APARTMENT_SHARE):
            if not self.buildings or d.chance(0.08):
                town = self.town()
                self.buildings.append(
                    (addresses.place(town, d), addresses.building_name(d, town), d.int(2, 14))
                )
            place, name, floors = d.pick(self.buildings)
            return place, addresses.katagaki(name, floors, d)
        return addresses.place(self.town(), d), None

    # -- households --------------------------------------------------------------------------
    def households(self) -> Iterator[Household]:
        """Endless: each regular household, and now and then a household that left (all removed)."""
        while True:
            yield self._household()
            if self.dice.chance(0.012):
                yield self._departed()

    def _household(self) -> Household:
        d, c = self.dice, self.composer
        is_foreign = d.chance(FOREIGN_HOUSEHOLD_SHARE)
        kind = FOREIGN_TYPES.pick(d.u()) if is_foreign else TYPES.pick(d.u())
        members = c.foreign(kind) if is_foreign else c.japanese(kind)
        if not is_foreign and kind in (COUPLE, FAMILY) and d.chance(0.012):
            c.foreign_spouse(members)
        nationality = members[0].foreign["nationality"] if members[0].foreign else None
        h = self._new(members, recent=is_foreign and not _special(members[0]))
        for p in members:
            life.enter(p, d, h.arrived, nationality if p.foreign else None)
        self._lives(h, kind)
        return h

    def _departed(self) -> Household:
        d, c = self.dice, self.composer
        members = c.japanese(SINGLE)
        h = self._new(members, recent=False)
        h.status = "dissolved"
        life.enter(members[0], d, h.arrived, None)
        left = max(h.arrived + 60, self.as_of - d.int(20, 5 * 365))
        if left >= self.as_of - 7:
            left = self.as_of - 7
        life.moved_out(members[0], d, left)
        return h

    def _new(self, members: list[Person], *, recent: bool) -> Household:
        place, katagaki = self.dwelling()
        arrived = life.arrival(self.dice, members[0], self.as_of, recent=recent)
        town = place.town if self.dice.chance(0.55) else self.dice.pick(addresses.elsewhere_towns())
        honseki = addresses.honseki(town, self.dice)
        return Household(members, place, katagaki, arrived, honseki)

    def _lives(self, h: Household, kind: int) -> None:
        d, as_of = self.dice, self.as_of
        members = h.members
        if as_of - h.arrived > 400 and d.chance(0.3):
            old, old_k = self.dwelling()
            h.moved_on = d.int(h.arrived + 180, as_of - 14)
            life.moved_within(members, d, old, old_k, h.moved_on)
        wife = next(
            (
                m
                for m in members
                if m.relationship in ("妻", "世帯主") and m.sex == "2" and m.kind == "japanese"
            ),
            None,
        )
        if wife is not None and kind in (COUPLE, FAMILY) and wife.relationship == "妻":
            candidates = [d.pick(self.recent) for _ in range(6)] if self.recent else []
            parents = next((x for x in candidates if x.head.birth + int(20 * YEAR) < wife.birth
                            and x.head.kind == "japanese" and x.status == "active"
                            and x.head.family != wife.family), None)  # fmt: skip
            joined = max(h.arrived, h.moved_on, wife.birth + int(20 * YEAR)) + d.int(1, 200)
            if parents is not None and joined < as_of - 30 and d.chance(0.1):
                wife.changes.clear()
                life.married_here(wife, d, parents, joined)
            if d.chance(0.05):
                life.former_name_recorded(wife, d, as_of)
        head, age = members[0], self.composer.age_of(members[0].birth)
        if kind == SINGLE and head.sex == "2" and head.kind == "japanese" and age >= 65 and d.chance(0.2):
            members.append(life.late_husband(head, d, as_of, h.arrived))
        if kind == COUPLE and head.kind == "japanese" and 45 <= age <= 75 and d.chance(0.35):
            mother = members[1] if members[1].sex == "2" else head
            child = life.grown_child(mother, Name(head.family, head.family_kana), d, as_of, h.arrived)
            if child is not None:
                members.append(child)
        for p in members:
            if p.foreign:
                foreign.settle(p, d, as_of)
            life.cap_rows(p)

    def accept(self, h: Household) -> Household:
        """Number an accepted household (世帯番号, 宛名番号 in member order) and remember it."""
        h.household_no = self.household_numbers.next()
        for i, p in enumerate(h.present, start=1):
            p.order = i
        for i, p in enumerate(m for m in h.members if m.removed):
            p.order = 1 if p.relationship == "世帯主" else len(h.present) + 1 + i
        for p in h.members:
            p.addressee_no = self.person_numbers.next()
            p.seq = self.person_numbers.last
        if h.status == "active" and h.head.removed:  # the widow heads it now
            h.head = h.present[0]
        self.recent.append(h)
        return h


def _special(p: Person) -> bool:
    return bool(p.foreign and p.foreign.get("art30_45_category") == foreign.SPECIAL_PERMANENT)


def addressee_no(p: Person) -> str:
    return p.addressee_no
