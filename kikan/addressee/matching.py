"""Candidate matching for the 住登外者 inquiry (照会) and the duplicate check before numbering (pure).

Basis: 共通機能標準仕様書 住登外者宛名番号管理 — a business first sends an inquiry (照会) with what it
knows of the person (氏名, フリガナ, 生年月日, 住所 …) and gets the candidates already numbered; only then
asks for a number (付番). Names and readings are compared on the registry's folded search keys
(住民記録システム標準仕様書 2.1.2: 濁音・小書き・長音・空白 ignored; 異体字 folded), never on raw text.

**Exact match** (a duplicate: numbering refuses a new number and answers with the existing one):

- person: the folded 氏名 is equal, the folded フリガナ is equal when both sides have one, and
  - with a 生年月日 in the request: the 生年月日 is equal;
  - without one (a land owner known only from the 登記簿): the folded 住所 is equal.
- corporation: the 法人番号 is equal; when either side has none, the folded 名称 and 所在地 are equal.

Every version of a record is compared, so a person found under a former name or address is still
a duplicate. Anything else that the search returned is a candidate with the list of the items
that agree (一致項目), for the staff to judge.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kikan.addressee.model import CORPORATION, PERSON, search_keys


@dataclass(frozen=True)
class Probe:
    """What an inquiry or a numbering request knows, reduced to comparable keys."""

    kind: str = PERSON
    name_key: str = ""
    kana_key: str = ""
    birth_date: date | None = None
    sex: str | None = None
    address_key: str = ""
    corporate_no: str | None = None

    @property
    def empty(self) -> bool:
        return not (
            self.name_key or self.kana_key or self.birth_date or self.address_key or self.corporate_no
        )


def probe_of(attrs: Mapping[str, Any]) -> Probe:
    keys = search_keys(attrs)
    return Probe(
        kind=attrs.get("kind") or PERSON, name_key=keys["name_key"], kana_key=keys["kana_key"],
        birth_date=attrs.get("birth_date"), sex=attrs.get("sex") or None, address_key=keys["address_key"],
        corporate_no=attrs.get("corporate_no") or None,
    )  # fmt: skip


def matched_items(probe: Probe, row: Mapping[str, Any]) -> list[str]:
    """The items (Japanese labels) on which one stored version agrees with the probe."""
    out: list[str] = []
    if probe.corporate_no and row.get("corporate_no") == probe.corporate_no:
        out.append("法人番号")
    if probe.name_key and row.get("name_key") == probe.name_key:
        out.append("名称" if probe.kind == CORPORATION else "氏名")
    elif probe.name_key and (row.get("name_key") or "").startswith(probe.name_key):
        out.append("名称（前方一致）" if probe.kind == CORPORATION else "氏名（前方一致）")
    if probe.kana_key and row.get("kana_key") == probe.kana_key:
        out.append("フリガナ")
    elif probe.kana_key and (row.get("kana_key") or "").startswith(probe.kana_key):
        out.append("フリガナ（前方一致）")
    if probe.birth_date and row.get("birth_date") == probe.birth_date:
        out.append("生年月日")
    if probe.sex and row.get("sex") == probe.sex:
        out.append("性別")
    if probe.address_key and row.get("address_key") == probe.address_key:
        out.append("住所" if probe.kind == PERSON else "所在地")
    elif probe.address_key and probe.address_key in (row.get("address_key") or ""):
        out.append("住所（部分一致）" if probe.kind == PERSON else "所在地（部分一致）")
    return out


def is_exact(probe: Probe, row: Mapping[str, Any]) -> bool:
    """The exact-match rule of the module docstring, for one stored version."""
    if row.get("kind", PERSON) != probe.kind:
        return False
    if probe.kind == CORPORATION:
        if probe.corporate_no and row.get("corporate_no"):
            return bool(row.get("corporate_no") == probe.corporate_no)
        return bool(probe.name_key and probe.address_key and row.get("name_key") == probe.name_key
                    and row.get("address_key") == probe.address_key)  # fmt: skip
    if not probe.name_key or row.get("name_key") != probe.name_key:
        return False
    if probe.kana_key and row.get("kana_key") and row.get("kana_key") != probe.kana_key:
        return False
    if probe.birth_date is not None:
        return bool(row.get("birth_date") == probe.birth_date)
    return bool(probe.address_key and row.get("address_key") == probe.address_key)


@dataclass
class Candidate:
    """One 団体内統合宛名 found by an inquiry, with why it was found."""

    integrated_no: str
    exact: bool
    matched: list[str]
    matched_version: int  # the version that agreed best (may be a past one: former name/address)
    current: dict[str, Any] = field(default_factory=dict)  # the record's current version (+ pointer)

    @property
    def score(self) -> tuple[int, int]:
        return (1 if self.exact else 0, len(self.matched))


def rank(probe: Probe, rows: Iterable[Mapping[str, Any]]) -> list[Candidate]:
    """Group stored versions by 団体内統合宛名番号 and order the candidates, exact matches first."""
    best: dict[str, Candidate] = {}
    for row in rows:
        no = str(row["integrated_no"])
        cand = Candidate(no, is_exact(probe, row), matched_items(probe, row), int(row["version"]))
        prev = best.get(no)
        if (
            prev is None
            or cand.score > prev.score
            or (cand.score == prev.score and cand.matched_version > prev.matched_version)
        ):
            if prev is not None:
                cand.exact = cand.exact or prev.exact
            best[no] = cand
        elif cand.exact:
            prev.exact = True
    return sorted(best.values(), key=lambda c: (-c.score[0], -c.score[1], c.integrated_no))
