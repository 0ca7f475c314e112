"""Chunks of registry rows for a synthetic population (pure: no database).

``generate`` yields :class:`Chunk` s of about ``chunk_size`` present residents until exactly
``residents`` present residents exist (about 3% more people are removed — 除票 — on top). Every
row is deterministic for (tenant, seed, as_of, starting counters) except the 個人番号 ciphertext,
which uses a random nonce: pass ``protect`` to control it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Any

from kikan.core.characters import name_search_key
from kikan.juki.keys import search_keys
from kikan.synthetic.numbers import NumberSource
from kikan.synthetic.rows import household_row, person_rows, resident_row
from kikan.synthetic.world import World

CHUNK = 50_000
#: 個人番号 → (stored ciphertext, lookup hash).
Protect = Callable[[str], tuple[str, str]]
#: (住民票コード already used, 個人番号 lookup hashes already used)
Taken = tuple[Collection[str], Collection[str]]
NOTHING_TAKEN: Taken = (frozenset(), frozenset())

_NAME_FIELDS = ("family_name", "given_name", "family_name_kana", "given_name_kana", "former_family_name",
                "former_family_name_kana", "tsusho", "tsusho_kana", "alpha_name")  # fmt: skip
_name_fields = itemgetter(*_NAME_FIELDS)


@dataclass
class Chunk:
    """Rows of whole households: history as dicts (all HISTORY_COLUMNS keys), pointers as tuples
    in RESIDENT_COLUMNS / HOUSEHOLD_COLUMNS order."""

    history: list[dict[str, Any]] = field(default_factory=list)
    residents: list[tuple[Any, ...]] = field(default_factory=list)
    households: list[tuple[Any, ...]] = field(default_factory=list)
    present: int = 0  # residents with status "resident" in this chunk

    @property
    def removed(self) -> int:
        return len(self.residents) - self.present


class _Keys:
    """``search_keys`` per row, memoised on the name fields and on the address separately.

    Each key of :func:`kikan.juki.keys.search_keys` reads only its own fields (names → kana/name
    keys, 住所+方書 → address key), so the two halves can be cached independently; a test checks
    that the combination equals ``search_keys`` of the whole row.
    """

    def __init__(self) -> None:
        self.names: dict[tuple[Any, ...], dict[str, str]] = {}
        self.places: dict[tuple[Any, Any], str] = {}

    def __call__(self, row: dict[str, Any]) -> dict[str, str]:
        nk = _name_fields(row)
        found = self.names.get(nk)
        if found is None:
            found = search_keys(dict(zip(_NAME_FIELDS, nk, strict=True)))
            found.pop("address_key", None)
            self.names[nk] = found
        pk = (row["address"], row["katagaki"])
        addr = self.places.get(pk)
        if addr is None:
            if len(self.places) > 300_000:
                self.places.clear()
            # keys.py: name_search_key(住所 + 方書)[:400]; called directly, search_keys would also fold
            # every empty name field (a test checks both agree)
            addr = self.places[pk] = name_search_key((pk[0] or "") + (pk[1] or ""))[:400]
        return {**found, "address_key": addr}


class _Numbers:
    """住民票コード, and the 個人番号 already protected (ciphertext, lookup hash), avoiding ``taken``."""

    def __init__(self, source: NumberSource, protect: Protect, taken: Taken):
        self.source, self.protect = source, protect
        self.codes, self.hashes = taken

    def __call__(self) -> tuple[str, str, str]:
        code = self.source.resident_record_code()
        while code in self.codes:
            code = self.source.resident_record_code()
        enc, digest = self.protect(self.source.individual_number())
        while digest in self.hashes:
            enc, digest = self.protect(self.source.individual_number())
        return code, enc, digest


def generate(
    tenant_id: str, residents: int, seed: int, *, as_of: date, protect: Protect,
    first_person: int = 0, first_household: int = 0, chunk_size: int = CHUNK, taken: Taken = NOTHING_TAKEN,
) -> Iterator[Chunk]:  # fmt: skip
    """Chunks of rows until ``residents`` present residents have been generated.

    ``taken``: 住民票コード and 個人番号 lookup hashes already used in the tenant (when appending).
    The random streams depend on the seed, the tenant and ``first_person``: appending with the
    same seed gives other people, not copies.
    """
    world = World(tenant_id, seed, as_of.toordinal(), first_person, first_household)
    dice, today = world.dice, as_of.toordinal()
    source = NumberSource([seed, int(tenant_id), 1, first_person])
    keys, numbers = _Keys(), _Numbers(source, protect, taken)
    request_id = f"seed:{seed}"
    remaining, chunk = residents, Chunk()
    for h in world.households():
        if remaining == 0:
            break
        if len(h.present) > remaining:
            continue  # try another household; numbers are only given to accepted ones
        world.accept(h)
        remaining -= len(h.present)
        chunk.households.append(household_row(h, tenant_id))
        for p in h.members:
            rows = person_rows(
                p, h, dice, today, numbers(), keys=keys, tenant_id=tenant_id, request_id=request_id
            )
            chunk.history.extend(rows)
            chunk.residents.append(resident_row(rows[-1]))
        chunk.present += len(h.present)
        if chunk.present >= chunk_size:
            yield chunk
            chunk = Chunk()
    if chunk.residents:
        yield chunk


def plain(number: str) -> tuple[str, str]:
    """A stand-in for tests and dry runs: NOT encryption (the number itself, and a fake hash)."""
    return f"plain:{number}", f"h{number}"
