"""The curated data files of ``kikan/synthetic/data/`` (TSV, ``#`` comments), loaded once.

Each file says where its figures come from in its header. Weights become cumulative tables so
that a uniform number picks an entry with one ``bisect`` (see :class:`Choice`).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Generic, TypeVar

DATA = Path(__file__).parent / "data"
T = TypeVar("T")

#: Birth cohorts of the given-name files, by first birth year of each cohort.
COHORT_STARTS = (0, 1945, 1965, 1985, 2005)


def rows(name: str) -> list[list[str]]:
    """Tab-separated rows of ``data/<name>``, comment lines (``#``) and blank lines skipped."""
    out = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            out.append(line.split("\t"))
    return out


@dataclass(frozen=True)
class Choice(Generic[T]):
    """Weighted choice driven by a uniform number in [0, 1): ``pick(u)``."""

    items: tuple[T, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, items: Sequence[T], weights: Sequence[float]) -> Choice[T]:
        pairs = [(i, float(w)) for i, w in zip(items, weights, strict=True) if w > 0]
        if not pairs:
            raise ValueError("no item has a positive weight")
        cum = tuple(itertools.accumulate(w for _, w in pairs))
        return cls(tuple(i for i, _ in pairs), tuple(c / cum[-1] for c in cum))

    def pick(self, u: float) -> T:
        return self.items[min(bisect.bisect_right(self.cumulative, u), len(self.items) - 1)]


@dataclass(frozen=True)
class Name:
    text: str
    kana: str


@cache
def surnames() -> Choice[Name]:
    data = rows("surnames.tsv")
    return Choice.of([Name(r[0], r[1]) for r in data], [float(r[2]) for r in data])


@cache
def given_names(sex: str) -> tuple[Choice[Name], ...]:
    """One choice per birth cohort (:data:`COHORT_STARTS`); ``sex`` is "1" (male) or "2" (female)."""
    data = rows("given_male.tsv" if sex == "1" else "given_female.tsv")
    names = [Name(r[0], r[1]) for r in data]
    return tuple(Choice.of(names, [float(r[2 + k]) for r in data]) for k in range(len(COHORT_STARTS)))


def cohort_of(birth_year: int) -> int:
    return bisect.bisect_right(COHORT_STARTS, birth_year) - 1


@cache
def variants() -> dict[str, tuple[tuple[str, float], ...]]:
    """base surname → ((variant spelling, share), …) — 異体字 and IVS spellings."""
    out: dict[str, list[tuple[str, float]]] = {}
    for r in rows("variants.tsv"):
        out.setdefault(r[0], []).append((r[1], float(r[2])))
    return {k: tuple(v) for k, v in out.items()}


@dataclass(frozen=True)
class AgeBand:
    start: int
    end: int
    persons: int
    male_share: float


@cache
def age_pyramid() -> tuple[AgeBand, ...]:
    return tuple(AgeBand(int(r[0]), int(r[1]), int(r[2]), float(r[3])) for r in rows("age_pyramid.tsv"))


@dataclass(frozen=True)
class Nationality:
    code: str
    name: str
    kanji_names: bool
    special_permanent_share: float


@cache
def nationalities() -> Choice[Nationality]:
    data = rows("foreign_nationalities.tsv")
    items = [Nationality(r[0], r[1], r[3] == "kanji", float(r[4])) for r in data]
    return Choice.of(items, [float(r[2]) for r in data])


@dataclass(frozen=True)
class ForeignName:
    alpha: str
    kanji: str | None
    kana: str


@cache
def foreign_names() -> dict[tuple[str, str], tuple[ForeignName, ...]]:
    """(nationality code, part) → names; part is family | male | female."""
    out: dict[tuple[str, str], list[ForeignName]] = {}
    for r in rows("foreign_names.tsv"):
        out.setdefault((r[0], r[1]), []).append(ForeignName(r[2], None if r[3] == "-" else r[3], r[4]))
    return {k: tuple(v) for k, v in out.items()}


@dataclass(frozen=True)
class ResidenceStatus:
    name: str
    periods: tuple[str, ...]


@cache
def residence_statuses() -> Choice[ResidenceStatus]:
    data = rows("residence_status.tsv")
    items = [ResidenceStatus(r[0], () if r[2] == "-" else tuple(r[2].split(","))) for r in data]
    return Choice.of(items, [float(r[1]) for r in data])


@cache
def apartment_parts() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for r in rows("apartments.tsv"):
        out.setdefault(r[0], []).append(r[1] if len(r) > 1 else "")
    return {k: tuple(v) for k, v in out.items()}
