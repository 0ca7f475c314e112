"""Shared helpers for the 住民検索 integration tests (imported by the test_search_* modules; no tests here).

People are written straight into ``juki_history`` / ``juki_resident`` with the search keys of
:func:`kikan.juki.keys.search_keys`, so each test controls every history row exactly.
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.juki_search import search
from kikan.adapters.db.tables.juki import juki_history, juki_resident
from kikan.adapters.security.crypto import MyNumberCipher, generate_key
from kikan.core.identity import make_addressee_number, make_household_number
from kikan.juki.keys import search_keys
from kikan.juki.search import SearchPage, SearchQuery

TODAY = date(2025, 11, 1)
CIPHER = MyNumberCipher.from_text(generate_key())
ADDRESS = "東京都新宿区西新宿二丁目8番1号"
_seq = itertools.count(1)

BASE: dict[str, Any] = {
    "status": "resident", "resident_kind": "japanese", "family_name": "青木", "given_name": "太郎",
    "family_name_kana": "アオキ", "given_name_kana": "タロウ", "kana_confirmed": True,
    "birth_date": date(1980, 4, 1), "sex": "1", "relationship": "世帯主", "address": ADDRESS,
    "postal_code": "1600023", "town_code": "131040001", "address_code": "131040001002",
    "event_code": "101", "event_on": date(2010, 4, 1),
}  # fmt: skip


def person(uow: Any, *rows: dict[str, Any], number: str | None = None) -> str:
    """Write one person with one history row per mapping (each row: BASE + the previous row + it)."""
    seq = next(_seq)
    no, household = make_addressee_number(seq), make_household_number(seq)
    state: dict[str, Any] = {**BASE, "household_no": household}
    if number:
        state.update(
            individual_number_enc=CIPHER.encrypt(number), individual_number_hash=CIPHER.lookup_hash(number)
        )
    for i, changes in enumerate(rows or ({},), start=1):
        state = {**state, **changes}
        row = {**state, **search_keys(state), "tenant_id": uow.tenant_id, "addressee_no": no, "history_no": i,
               "recorded_at": datetime(2020, 1, 1, tzinfo=UTC), "recorded_by": "test"}  # fmt: skip
        uow.conn.execute(sa.insert(juki_history), row)
    uow.conn.execute(sa.insert(juki_resident), {
        "tenant_id": uow.tenant_id, "addressee_no": no, "history_no": len(rows or ({},)),
        "household_no": state["household_no"], "status": state["status"], "resident_kind": state["resident_kind"],
        "birth_date": state["birth_date"], "sex": state["sex"], "town_code": state.get("town_code"),
        "juminhyo_code": state.get("juminhyo_code"), "individual_number_hash": state.get("individual_number_hash"),
        "version": 1,
    })  # fmt: skip
    return no


def find(db: Any, ctx: Any, **conditions: Any) -> SearchPage:
    """Run a search in its own unit of work (committed, so the audit row is kept)."""
    limit = conditions.pop("limit", 50)
    offset = conditions.pop("offset", 0)
    with db.uow(ctx) as uow:
        page = search(uow, SearchQuery(**conditions), today=TODAY, limit=limit, offset=offset, cipher=CIPHER)
        uow.commit()
    return page


def nos(page: SearchPage) -> set[str]:
    return {x.addressee_no for x in page.items}
