"""From a validated dataset to the registry's rows, in batches of whole households.

- Batches hold whole households (a person goes with the household of their current row; households
  are never split across batches), sorted by 世帯番号, so the same files always give the same batches:
  a rerun can skip the batches already committed.
- History rows keep the legacy 宛名番号 and 履歴番号 and are flagged ``migrated``; search keys come from
  ``kikan.juki.keys.search_keys``; the 個人番号 is stored only as ``protect(number)`` (ciphertext and
  lookup hash, 番号法第12条); ``juki_resident`` points at the highest 履歴番号 (標準仕様書 1.2.1).
- ``counter_floor``: the sequence part of the largest imported number, so that the tenant's counters
  can be moved past it and a number kikan assigns later never equals a legacy one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from kikan.juki.items import HISTORY_ITEMS, ITEMS
from kikan.juki.keys import search_keys
from kikan.juki.model import HEAD
from kikan.migration.checks import Persons
from kikan.migration.parse import Row
from kikan.migration.targets import ADDRESSEE_NO, CANCELLED, EXTRA_HISTORY, HISTORY_NO, INDIVIDUAL_NUMBER

Protect = Callable[[str], tuple[str, str]]  # 個人番号 → (stored ciphertext, lookup hash)
SECRET = ("individual_number_enc", "individual_number_hash")
ITEM_COLUMNS: tuple[str, ...] = (
    ADDRESSEE_NO, HISTORY_NO, *(i.name for i in ITEMS if i.name not in SECRET), *(i.name for i in HISTORY_ITEMS),
    *(t.name for t in EXTRA_HISTORY),
)  # fmt: skip
KEY_COLUMNS = ("kana_key", "name_key", "alt_kana_key", "alt_name_key", "address_key")
HISTORY_COLUMNS: tuple[str, ...] = ("tenant_id", *ITEM_COLUMNS, *SECRET, *KEY_COLUMNS, "recorded_at",
                                    "recorded_by", "request_id", "migrated", CANCELLED)  # fmt: skip
RESIDENT_COLUMNS = ("tenant_id", "addressee_no", "history_no", "household_no", "status", "resident_kind",
                    "birth_date", "sex", "town_code", "juminhyo_code", "individual_number_hash", "version")  # fmt: skip
HOUSEHOLD_COLUMNS = ("tenant_id", "household_no", "head_addressee_no", "address", "katagaki", "address_code",
                     "town_code", "postal_code", "status", "version")  # fmt: skip
_NAME_FIELDS = ("family_name", "given_name", "family_name_kana", "given_name_kana", "former_family_name",
                "former_family_name_kana", "tsusho", "tsusho_kana", "alpha_name")  # fmt: skip
_H = {c: i for i, c in enumerate(HISTORY_COLUMNS)}


@dataclass(frozen=True)
class Batch:
    no: int  # from 1
    households: tuple[str, ...]
    persons: tuple[str, ...]  # 宛名番号, by household then number


def plan_batches(persons: Persons, households_per_batch: int) -> list[Batch]:
    """Whole households per batch, by 世帯番号; the same dataset always gives the same batches."""
    by: dict[str, list[str]] = {}
    for no, row in persons.current().items():
        by.setdefault(str(persons.get(row, "household_no")), []).append(no)
    keys = sorted(by)
    size = max(1, households_per_batch)
    out = []
    for n, start in enumerate(range(0, len(keys), size), start=1):
        chunk = tuple(keys[start : start + size])
        out.append(Batch(n, chunk, tuple(no for h in chunk for no in sorted(by[h]))))
    return out


def counter_floor(numbers: Iterable[str | None]) -> int:
    """The sequence part (all digits but the check digit) of the largest numeric number, or 0."""
    best = 0
    for n in numbers:
        if n and n.isascii() and n.isdigit() and len(n) >= 2:
            best = max(best, int(n[:-1]))
    return best


class RowBuilder:
    """Builds the table rows of one tenant's import (values in the *_COLUMNS orders above)."""

    def __init__(self, persons: Persons, *, tenant_id: str, protect: Protect, recorded_at: dt.datetime,
                 recorded_by: str, request_id: str):  # fmt: skip
        self.persons, self.protect = persons, protect
        self.tenant_id, self.recorded_at, self.recorded_by, self.request_id = (
            tenant_id,
            recorded_at,
            recorded_by,
            request_id,
        )
        index = persons.index
        self._pick = itemgetter(
            *[index.get(c, len(index)) for c in ITEM_COLUMNS]
        )  # absent → the None appended
        self._names = itemgetter(*[ITEM_COLUMNS.index(c) for c in _NAME_FIELDS])
        self._place = itemgetter(ITEM_COLUMNS.index("address"), ITEM_COLUMNS.index("katagaki"))
        self._number = index.get(INDIVIDUAL_NUMBER)
        self._cancelled = index.get(CANCELLED)
        self._name_keys: dict[tuple[Any, ...], tuple[str, ...]] = {}
        self._place_keys: dict[tuple[Any, ...], str] = {}

    def _keys(self, items: tuple[Any, ...]) -> tuple[str, ...]:
        names = self._names(items)
        nk = self._name_keys.get(names)
        if nk is None:
            k = search_keys(dict(zip(_NAME_FIELDS, names, strict=True)))
            nk = self._name_keys[names] = (k["kana_key"], k["name_key"], k["alt_kana_key"], k["alt_name_key"])
        place = self._place(items)
        ak = self._place_keys.get(place)
        if ak is None:
            ak = self._place_keys[place] = search_keys({"address": place[0], "katagaki": place[1]})[
                "address_key"
            ]
        if len(self._name_keys) > 200_000:
            self._name_keys.clear()
        if len(self._place_keys) > 200_000:
            self._place_keys.clear()
        return (*nk, ak)

    def history(self, rows: list[Row]) -> list[tuple[Any, ...]]:
        """The person's history rows; the 個人番号 is protected once per distinct number."""
        out = []
        protected: dict[str, tuple[str, str]] = {}
        for r in rows:
            ext = (*r.values, None)
            items = self._pick(ext)
            number = r.values[self._number] if self._number is not None else None
            secret: tuple[Any, Any] = (None, None)
            if number:
                secret = protected.get(number) or protected.setdefault(number, self.protect(number))
            cancelled = bool(r.values[self._cancelled]) if self._cancelled is not None else False
            out.append((self.tenant_id, *items, *secret, *self._keys(items), self.recorded_at, self.recorded_by,
                        self.request_id, True, cancelled))  # fmt: skip
        return out

    def resident(self, last: tuple[Any, ...]) -> tuple[Any, ...]:
        g = last.__getitem__
        return (self.tenant_id, g(_H["addressee_no"]), g(_H["history_no"]), g(_H["household_no"]), g(_H["status"]),
                g(_H["resident_kind"]), g(_H["birth_date"]), g(_H["sex"]), g(_H["town_code"]),
                g(_H["juminhyo_code"]), g(_H["individual_number_hash"]), 1)  # fmt: skip

    def household(self, household_no: str, members: list[tuple[Any, ...]]) -> tuple[Any, ...]:
        """``members``: the current history rows of everyone whose current 世帯番号 is this one."""
        present = [m for m in members if m[_H["status"]] == "resident"]
        head = next((m for m in present if m[_H["relationship"]] == HEAD), None)
        src = head or (present[0] if present else members[0])
        return (self.tenant_id, household_no, head[_H["addressee_no"]] if head else None, src[_H["address"]] or "",
                src[_H["katagaki"]], src[_H["address_code"]], src[_H["town_code"]], src[_H["postal_code"]],
                "active" if present else "dissolved", 1)  # fmt: skip

    def batch(
        self, batch: Batch
    ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """(history rows, resident pointers, households) of one batch."""
        history: list[tuple[Any, ...]] = []
        residents: list[tuple[Any, ...]] = []
        members: dict[str, list[tuple[Any, ...]]] = {}
        for no in batch.persons:
            rows = self.history(self.persons.rows[no])
            history.extend(rows)
            last = rows[-1]
            residents.append(self.resident(last))
            members.setdefault(last[_H["household_no"]], []).append(last)
        households = [self.household(h, members[h]) for h in batch.households]
        return history, residents, households
