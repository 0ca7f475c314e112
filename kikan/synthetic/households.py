"""Household composition (世帯構成) with standard 続柄 and 世帯員の並び順.

Shares follow the 2020 census household types (単独 38%, 夫婦のみ 20%, 夫婦と子 25%, ひとり親と子 9%,
その他 8%), shifted towards one-person households because the 住民基本台帳 counts more 世帯 than
the census (世帯分離 of elderly parents; 2.1 persons per 世帯 against 2.2). Ages come from the 2020
census pyramid (:class:`AgeSampler`), reweighted per role. 続柄 values are those of 標準仕様書
1.1.11 (世帯主, 妻, 夫, 子, 父, 母, 子の妻, 子の夫, 子の子, 弟, 妹, 縁故者, 同居人 …); members are listed
in the order of 同 5.2: 世帯主 → 配偶者 → 子 (by birth) → the child's family → 父母 → 兄弟姉妹 →
others → 縁故者 → 同居人.
"""

from __future__ import annotations

from collections.abc import Callable

from kikan.synthetic import foreign
from kikan.synthetic.data import Choice, Name
from kikan.synthetic.dice import Dice
from kikan.synthetic.people import YEAR, AgeSampler, Person, birth_for_age, japanese, profile_factor, surname

Profile = tuple[tuple[int, int, float], ...]

SINGLE, COUPLE, FAMILY, SINGLE_PARENT, THREE_GENERATIONS, OTHER = range(6)
TYPES: Choice[int] = Choice.of(range(6), [0.35, 0.2, 0.27, 0.09, 0.045, 0.045])
FOREIGN_TYPES: Choice[int] = Choice.of([SINGLE, COUPLE, FAMILY], [0.6, 0.12, 0.28])
#: Share of households that are foreign (tuned so that ~2% of residents are foreign, with the
#: foreign spouses of Japanese residents).
FOREIGN_HOUSEHOLD_SHARE = 0.02

P_SINGLE: Profile = ((18, 34, 1.35), (35, 64, 1.0), (65, 79, 0.9), (80, 105, 1.2))
P_COUPLE: Profile = ((22, 34, 0.5), (35, 54, 0.35), (55, 69, 1.3), (70, 84, 1.35), (85, 105, 0.7))
P_FAMILY: Profile = ((24, 29, 0.3), (30, 39, 0.8), (40, 54, 1.6), (55, 70, 0.9))
#: Share of children still living with their parents, by age.
AT_HOME: Profile = ((0, 17, 1.0), (18, 24, 0.7), (25, 32, 0.3), (33, 40, 0.12))
P_PARENT: Profile = ((22, 34, 0.6), (35, 54, 1.3), (55, 74, 0.9), (75, 95, 0.8))


class Composer:
    """Builds the members of one household; numbers, dates and addresses come later."""

    def __init__(self, dice: Dice, ages: AgeSampler, as_of: int):
        self.dice, self.ages, self.as_of = dice, ages, as_of

    # -- people ------------------------------------------------------------------------------
    def birth(self, lo: int, hi: int, profile: Profile = ()) -> int:
        return birth_for_age(self.ages.age(self.dice, lo, hi, profile), self.as_of, self.dice)

    def age_of(self, birth: int) -> int:
        return int((self.as_of - birth) / YEAR)

    def sex_for(self, birth: int, male_bias: float = 1.0) -> str:
        share = self.ages.male_share[min(self.age_of(birth), 105)] * male_bias
        return "1" if self.dice.u() < share else "2"

    def children(
        self, mother_birth: int, count: int, family: Name, make: Callable[..., Person]
    ) -> list[Person]:
        """Up to ``count`` children; grown-up ones have often left home (:data:`AT_HOME`)."""
        mother_age = self.age_of(mother_birth)
        lo, hi = max(0, mother_age - 44), min(mother_age - 19, 40)
        if hi < lo:
            return []
        kids = []
        for _ in range(count):
            age = self.ages.age(self.dice, lo, hi)
            if self.dice.u() < profile_factor(age, AT_HOME):
                b = birth_for_age(age, self.as_of, self.dice)
                kids.append(make(self.sex_for(b), b, "子", family))
        return sorted(kids, key=lambda p: p.birth)

    def spouse_birth(self, birth: int) -> int:
        b = birth + int(self.dice.normal(2.0, 3.0) * YEAR)
        return min(b, self.as_of - int(18.2 * YEAR))

    # -- households --------------------------------------------------------------------------
    def japanese(self, kind: int) -> list[Person]:
        d, fam = self.dice, surname(self.dice)

        def jp(sex: str, birth: int, rel: str, family: Name) -> Person:
            return japanese(d, sex, birth, rel, family)

        if kind == SINGLE:
            b = self.birth(18, 105, P_SINGLE)
            age = self.age_of(b)
            bias = 1.25 if age < 50 else 0.7 if age >= 70 else 1.0
            return [jp(self.sex_for(b, bias), b, "世帯主", fam)]
        if kind in (COUPLE, FAMILY):
            profile = P_COUPLE if kind == COUPLE else P_FAMILY
            hb = self.birth(22 if kind == COUPLE else 24, 100, profile)
            wb = self.spouse_birth(hb)
            if d.chance(0.94):
                head, wife = jp("1", hb, "世帯主", fam), jp("2", wb, "妻", fam)
                members = [head, wife]
            else:  # the wife is 世帯主
                wife, husband = jp("2", wb, "世帯主", fam), jp("1", hb, "夫", fam)
                members = [wife, husband]
            if d.chance(0.006):  # 内縁: 妻（未届）/ 夫（未届）, own surname
                other = members[1]
                other.relationship += "（未届）"
                n = surname(d)
                other.family, other.family_kana = n.text, n.kana
            if kind == FAMILY:
                count = 1 if d.u() < 0.4 else 2 if d.u() < 0.78 else 3 if d.u() < 0.93 else 4
                members += self.children(wb, count, fam, jp)
            return members
        if kind == SINGLE_PARENT:
            pb = self.birth(22, 95, P_PARENT)
            parent = jp("2" if d.chance(0.8) else "1", pb, "世帯主", fam)
            return [parent, *self.children(pb, 1 if d.chance(0.6) else 2, fam, jp)]
        if kind == THREE_GENERATIONS:
            return self._three_generations(fam, jp)
        return self._other(fam, jp)

    def _three_generations(self, fam: Name, jp: Callable[..., Person]) -> list[Person]:
        d = self.dice
        if d.chance(0.5):  # grandparents head the household; a married child and grandchildren
            hb = self.birth(58, 92)
            members = [jp("1", hb, "世帯主", fam), jp("2", self.spouse_birth(hb), "妻", fam)]
            cb = hb + int((26 + d.u() * 10) * YEAR)
            child = jp("1" if d.chance(0.8) else "2", min(cb, self.as_of - int(22 * YEAR)), "子", fam)
            in_law = jp("2" if child.sex == "1" else "1", self.spouse_birth(child.birth),
                        "子の妻" if child.sex == "1" else "子の夫", fam)  # fmt: skip
            mother = child if child.sex == "2" else in_law
            kids = self.children(mother.birth, 1 + int(d.u() * 3), fam, jp)
            for k in kids:
                k.relationship = "子の子"
            return [*members, child, in_law, *kids]
        hb = self.birth(32, 58)  # a couple with children, living with the head's parents
        head = jp("1", hb, "世帯主", fam)
        wife = jp("2", self.spouse_birth(hb), "妻", fam)
        kids = self.children(wife.birth, 1 + int(d.u() * 3), fam, jp)
        fb = hb - int((27 + d.u() * 8) * YEAR)
        parents = [jp("1", fb, "父", fam)] if d.chance(0.55) else []
        parents.append(jp("2", self.spouse_birth(fb), "母", fam))
        return [head, wife, *kids, *parents]

    def _other(self, fam: Name, jp: Callable[..., Person]) -> list[Person]:
        d = self.dice
        hb = self.birth(20, 90)
        head = jp(self.sex_for(hb), hb, "世帯主", fam)
        u = d.u()
        if u < 0.45:  # siblings
            sb = hb + int(d.normal(0, 4) * YEAR)
            sb = min(sb, self.as_of - int(15 * YEAR))
            sex = self.sex_for(sb)
            older = sb < hb
            rel = ("兄" if older else "弟") if sex == "1" else ("姉" if older else "妹")
            return [head, jp(sex, sb, rel, fam)]
        if u < 0.65 and self.age_of(hb) >= 60:  # grandparent and grandchild
            gb = hb + int((50 + d.u() * 15) * YEAR)
            gb = min(gb, self.as_of - int(d.u() * 18 * YEAR) - 1)
            return [head, jp(self.sex_for(gb), gb, "子の子", fam)]
        rel = "縁故者" if u < 0.8 else "同居人"
        ob = self.birth(18, 90)
        return [head, jp(self.sex_for(ob), ob, rel, surname(d))]

    def foreign(self, kind: int) -> list[Person]:
        d = self.dice
        nat = foreign.nationality(d)
        fam = foreign.name_part(d, foreign.foreign_names()[(nat.code, "family")])

        def fp(sex: str, birth: int, rel: str, _family: object = None) -> Person:
            return foreign.person(d, nat, sex, birth, rel, self.as_of, family_alpha=fam)

        if kind == SINGLE:
            b = self.birth(18, 90, ((18, 34, 4.0), (35, 49, 1.5), (50, 64, 0.6), (65, 90, 0.4)))
            return [foreign.person(d, nat, self.sex_for(b), b, "世帯主", self.as_of)]
        hb = self.birth(22, 75, ((22, 44, 3.0), (45, 75, 0.8)))
        wb = self.spouse_birth(hb)
        members = [fp("1", hb, "世帯主"), fp("2", wb, "妻")]
        if kind == FAMILY:
            members += self.children(wb, 1 + int(d.u() * 3), Name("", ""), fp)
        return members

    def foreign_spouse(self, members: list[Person]) -> None:
        """Replace the 妻 of a Japanese couple by a foreign wife (日本人の配偶者等), with a 通称 sometimes."""
        for i, m in enumerate(members):
            if m.relationship == "妻":
                d = self.dice
                nat = foreign.nationality(d)
                head = members[0]
                wife = foreign.person(
                    d, nat, "2", m.birth, "妻", self.as_of,
                    tsusho_family=Name(head.family, head.family_kana) if d.chance(0.5) else None,
                )  # fmt: skip
                f = wife.foreign or {}
                if f.get("art30_45_category") == foreign.MEDIUM_LONG:
                    f["residence_status"] = "日本人の配偶者等" if d.chance(0.6) else "永住者"
                    if f["residence_status"] == "永住者":
                        f.update(period_of_stay=None, stay_expires_on=None)
                        f.pop("_granted_on", None)
                members[i] = wife
                return
