"""Resident registry persistence: full-snapshot history rows and the current pointers.

標準仕様書 1.2.1 異動履歴の管理: one row per change per person, ALL items copied, key (宛名番号,
履歴番号), 履歴番号 a simple sequence from 1, the current record = the highest 履歴番号.
``juki_resident`` / ``juki_household`` point at the current state and carry a ``version``;
every write moves a pointer with ``UPDATE … WHERE version = :v`` so that two clerks working on
the same household cannot both win (optimistic locking; the loser gets :class:`Conflict`).

Every query filters ``tenant_id`` itself (SQLite has no row-level security).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db import counters
from kikan.adapters.db.tables.juki import juki_history, juki_household, juki_resident
from kikan.core.errors import Conflict, FieldError, ValidationFailed
from kikan.core.identity import make_addressee_number, make_household_number
from kikan.juki.events import NEW_RECORD_CODES
from kikan.juki.items import ITEMS
from kikan.juki.keys import search_keys

ITEM_NAMES: tuple[str, ...] = tuple(i.name for i in ITEMS)
CONFLICT_MESSAGE = "他の職員が同じ世帯を更新しました。画面を再表示してください"
_POINTER_COPY = ("household_no", "status", "resident_kind", "birth_date", "sex", "town_code",
                 "juminhyo_code", "individual_number_hash")  # fmt: skip
_HOUSEHOLD_FIELDS = (
    "head_addressee_no",
    "address",
    "katagaki",
    "address_code",
    "town_code",
    "postal_code",
    "status",
)

h, r, hh = juki_history.c, juki_resident.c, juki_household.c


@dataclass(frozen=True)
class RowInfo:
    """What one 異動 records on each row it writes (1.2.1: 異動事由, 異動日, 処理日, 届出日 …)."""

    event_code: str
    event_on: date
    processed_on: date
    move_id: str
    reported_on: date | None = None
    notice_on: date | None = None
    applied_on: date | None = None
    requested_on: date | None = None
    note: str | None = None
    input_place: str | None = None
    input_terminal: str | None = None
    move_details: Mapping[str, Any] | None = field(default=None)


# --- reads ------------------------------------------------------------------------------------


def _snapshot(row: Any, version: int | None = None) -> dict[str, Any]:
    d = dict(row._mapping)
    if version is not None:
        d["version"] = version
    return d


def current(uow: Any, addressee_no: str) -> dict[str, Any] | None:
    """The person's current snapshot (all items of the highest 履歴番号) plus the pointer ``version``."""
    return current_many(uow, [addressee_no]).get(addressee_no)


def current_many(uow: Any, addressee_nos: Iterable[str]) -> dict[str, dict[str, Any]]:
    nos = list(dict.fromkeys(addressee_nos))
    if not nos:
        return {}
    q = (
        sa.select(juki_history, r.version.label("version"))
        .join(juki_resident, sa.and_(r.tenant_id == h.tenant_id, r.addressee_no == h.addressee_no,
                                     r.history_no == h.history_no))
        .where(h.tenant_id == uow.tenant_id, h.addressee_no.in_(nos))
    )  # fmt: skip
    return {row.addressee_no: _snapshot(row) for row in uow.conn.execute(q).all()}


def current_page(uow: Any, after_addressee_no: str = "", limit: int = 1000) -> list[dict[str, Any]]:
    """Current snapshots of every person (除票 included), 宛名番号 ascending, one page after a key.

    The registry's published way for other common functions to read the whole tenant.
    """
    q = (
        sa.select(juki_history, r.version.label("version"))
        .join(juki_resident, sa.and_(r.tenant_id == h.tenant_id, r.addressee_no == h.addressee_no,
                                     r.history_no == h.history_no))
        .where(h.tenant_id == uow.tenant_id, r.addressee_no > after_addressee_no)
        .order_by(r.addressee_no)
        .limit(limit)
    )  # fmt: skip
    return [_snapshot(row) for row in uow.conn.execute(q).all()]


def history(uow: Any, addressee_no: str) -> list[dict[str, Any]]:
    """Every history row of the person, 履歴番号 ascending (cancelled rows included, flagged)."""
    q = (
        sa.select(juki_history)
        .where(h.tenant_id == uow.tenant_id, h.addressee_no == addressee_no)
        .order_by(h.history_no)
    )
    return [_snapshot(row) for row in uow.conn.execute(q).all()]


def record_start(rows: Sequence[Mapping[str, Any]]) -> int:
    """履歴番号 where the 住民票 of ``rows`` (one person, any order) begins: the last
    改製（記載）/再製（記載） row that is not cancelled, or 1 when the record was never remade."""
    starts = [
        int(x["history_no"])
        for x in rows
        if x.get("event_code") in NEW_RECORD_CODES and not x.get("cancelled")
    ]
    return max(starts, default=1)


def current_record_history(uow: Any, addressee_no: str) -> list[dict[str, Any]]:
    """The rows of the 住民票 in force: from the last 改製・再製 on (a remade 住民票 carries the
    items over, not the 異動履歴 of the 改製原住民票)."""
    rows = history(uow, addressee_no)
    start = record_start(rows)
    return [x for x in rows if x["history_no"] >= start]


@dataclass(frozen=True)
class ClosedRecord:
    """A 住民票 closed by 改製 (改製原住民票) or 再製 (再製前の住民票), kept as a 除票.

    ``record`` is its last row (消除事由 改製/再製, 事由の生じた年月日 = 改製日/再製日);
    ``rows`` are all its rows, oldest first (its own 異動履歴).
    """

    addressee_no: str
    code: str
    history_no: int
    closed_on: date | None
    record: dict[str, Any]
    rows: list[dict[str, Any]]

    @property
    def details(self) -> dict[str, Any]:
        return dict(self.record.get("move_details") or {})


def closed_records(uow: Any, addressee_no: str, codes: Sequence[str] = ("241",)) -> list[ClosedRecord]:
    """The 改製原住民票 (``241``; with ``251`` also the 再製前の住民票) of a person, oldest first."""
    rows = history(uow, addressee_no)
    out: list[ClosedRecord] = []
    for x in rows:
        if x.get("event_code") in codes and not x.get("cancelled"):
            earlier = [y for y in rows if y["history_no"] <= x["history_no"]]
            start = record_start([y for y in earlier if y["history_no"] < x["history_no"]])
            out.append(ClosedRecord(addressee_no, x["event_code"], x["history_no"], x.get("event_on"), x,
                                    [y for y in earlier if y["history_no"] >= start]))  # fmt: skip
    return out


def remake_candidates(
    uow: Any, *, remade_on: date, town_code: str | None = None, after_household_no: str = "", limit: int = 100
) -> list[tuple[str, list[str]]]:
    """Households (世帯番号 ascending, after a key) with residents not yet remade on ``remade_on``,
    with those residents' 宛名番号: what a 一括改製 still has to do (a finished household is never
    returned again, so a second run finds nothing)."""
    done = (
        sa.select(h.addressee_no)
        .where(h.tenant_id == r.tenant_id, h.addressee_no == r.addressee_no, h.event_code == "141",
               h.event_on == remade_on, h.cancelled.is_(False))
        .exists()
    )  # fmt: skip
    cond = [r.tenant_id == uow.tenant_id, r.status == "resident", r.household_no > after_household_no, ~done]
    if town_code:
        cond.append(r.town_code == town_code)
    households = [
        x.household_no
        for x in uow.conn.execute(
            sa.select(r.household_no)
            .where(*cond)
            .group_by(r.household_no)
            .order_by(r.household_no)
            .limit(limit)
        ).all()
    ]
    if not households:
        return []
    members: dict[str, list[str]] = {hno: [] for hno in households}
    q = sa.select(r.household_no, r.addressee_no).where(*cond, r.household_no.in_(households))
    for x in uow.conn.execute(q.order_by(r.household_no, r.addressee_no)).all():
        members[x.household_no].append(x.addressee_no)
    return [(hno, nos) for hno, nos in members.items() if nos]


def row(uow: Any, addressee_no: str, history_no: int) -> dict[str, Any] | None:
    q = sa.select(juki_history).where(
        h.tenant_id == uow.tenant_id, h.addressee_no == addressee_no, h.history_no == history_no
    )
    found = uow.conn.execute(q).first()
    return _snapshot(found) if found else None


def rows_of_move(uow: Any, move_id: str) -> list[dict[str, Any]]:
    q = sa.select(juki_history).where(h.tenant_id == uow.tenant_id, h.move_id == move_id)
    return [_snapshot(x) for x in uow.conn.execute(q.order_by(h.addressee_no, h.history_no)).all()]


def household(uow: Any, household_no: str) -> dict[str, Any] | None:
    q = sa.select(juki_household).where(hh.tenant_id == uow.tenant_id, hh.household_no == household_no)
    found = uow.conn.execute(q).first()
    return dict(found._mapping) if found else None


def household_members(uow: Any, household_no: str) -> list[dict[str, Any]]:
    """Current snapshots of the household's present residents, in 世帯員の並び順 (stored order)."""
    q = sa.select(r.addressee_no).where(
        r.tenant_id == uow.tenant_id, r.household_no == household_no, r.status == "resident"
    )
    nos = [x.addressee_no for x in uow.conn.execute(q).all()]
    members = list(current_many(uow, nos).values())
    return sorted(members, key=lambda m: (m.get("household_order") or 0, m["addressee_no"]))


def find_residents(
    uow: Any, *, juminhyo_code: str | None = None, number_hashes: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Pointer rows (any status) matching a 住民票コード or one of the 個人番号 lookup hashes."""
    conds = []
    if juminhyo_code:
        conds.append(r.juminhyo_code == juminhyo_code)
    if number_hashes:
        conds.append(r.individual_number_hash.in_(list(number_hashes)))
    if not conds:
        return []
    q = sa.select(juki_resident).where(r.tenant_id == uow.tenant_id, sa.or_(*conds))
    return [dict(x._mapping) for x in uow.conn.execute(q).all()]


def find_by_residence_card(uow: Any, card_no: str) -> list[str]:
    """宛名番号s whose current row carries this 在留カード等の番号 (再転入 check, 4.1.1.2)."""
    q = (
        sa.select(h.addressee_no)
        .join(juki_resident, sa.and_(r.tenant_id == h.tenant_id, r.addressee_no == h.addressee_no,
                                     r.history_no == h.history_no))
        .where(h.tenant_id == uow.tenant_id, h.residence_card_no == card_no)
    )  # fmt: skip
    return [x.addressee_no for x in uow.conn.execute(q).all()]


def ensure_unique(
    uow: Any, *, addressee_no: str | None, juminhyo_code: str | None, number_hash: str | None
) -> None:
    """住民票コード and 個人番号 identify one person per tenant → ValidationFailed naming the field."""
    errors = []
    for fld, col, value in (("住民票コード", r.juminhyo_code, juminhyo_code),
                            ("個人番号", r.individual_number_hash, number_hash)):  # fmt: skip
        if not value:
            continue
        q = sa.select(r.addressee_no).where(r.tenant_id == uow.tenant_id, col == value)
        if addressee_no:
            q = q.where(r.addressee_no != addressee_no)
        if uow.conn.execute(q.limit(1)).first():
            errors.append(FieldError(fld, f"この{fld}は既に他の住民に記録されています"))
    if errors:
        raise ValidationFailed(errors)


# --- numbers ----------------------------------------------------------------------------------


def new_addressee_nos(uow: Any, n: int = 1) -> list[str]:
    """Fresh 宛名番号s: gap-free per-tenant sequence + M11W2-7 check digit (標準仕様書 1.1.13)."""
    last, _ = counters.advance(uow.conn, uow.tenant_id, "addressee_no", n)
    return [make_addressee_number(seq) for seq in range(last - n + 1, last + 1)]


def new_household_no(uow: Any) -> str:
    last, _ = counters.advance(uow.conn, uow.tenant_id, "household_no", 1)
    return make_household_number(last)


# --- writes -----------------------------------------------------------------------------------


def _integrity(exc: sa.exc.IntegrityError) -> ValidationFailed:
    text = str(exc.orig).lower()
    if "juminhyo" in text:
        return ValidationFailed(
            [FieldError("住民票コード", "この住民票コードは既に他の住民に記録されています")]
        )
    if "individual_number" in text:
        return ValidationFailed([FieldError("個人番号", "この個人番号は既に他の住民に記録されています")])
    raise Conflict(CONFLICT_MESSAGE) from exc


def write_snapshot(uow: Any, record: Mapping[str, Any], info: RowInfo) -> dict[str, Any]:
    """Append the next history row of ``record["addressee_no"]`` and move its pointer.

    ``record`` holds every item (missing ones are written as NULL: the row is a full snapshot).
    With ``record["version"]`` (the pointer version read earlier) the pointer moves only if
    nobody else moved it meanwhile; otherwise :class:`Conflict`. Without a pointer (a new
    person) the pointer is created at 履歴番号 1. Returns the written row (with the new version).
    """
    no = record["addressee_no"]
    t = uow.tenant_id
    pointer = uow.conn.execute(
        sa.select(r.history_no, r.version).where(r.tenant_id == t, r.addressee_no == no)
    ).first()
    values = {name: record.get(name) for name in ITEM_NAMES}
    pointer_values = {k: values[k] for k in _POINTER_COPY}
    try:
        if pointer is None:
            history_no, version = 1, 1
            uow.conn.execute(
                sa.insert(juki_resident),
                {"tenant_id": t, "addressee_no": no, "history_no": 1, "version": 1, **pointer_values},
            )
        else:
            expected = record.get("version", pointer.version)
            history_no, version = pointer.history_no + 1, expected + 1
            done = uow.conn.execute(
                sa.update(juki_resident)
                .where(r.tenant_id == t, r.addressee_no == no, r.version == expected)
                .values(history_no=history_no, version=version, **pointer_values)
            ).rowcount
            if done != 1:
                raise Conflict(CONFLICT_MESSAGE)
    except sa.exc.IntegrityError as exc:
        raise _integrity(exc) from exc
    meta = {k: getattr(info, k) for k in RowInfo.__dataclass_fields__}
    meta["move_details"] = dict(info.move_details) if info.move_details else None
    written = {
        "tenant_id": t, "addressee_no": no, "history_no": history_no, **values, **meta,
        **search_keys(values), "recorded_at": uow.now, "recorded_by": uow.actor.actor_id,
        "request_id": uow.actor.request_id or "", "migrated": False, "cancelled": False,
    }  # fmt: skip
    uow.conn.execute(sa.insert(juki_history), written)
    return {**written, "version": version}


def mark_cancelled(uow: Any, keys: Iterable[tuple[str, int]]) -> None:
    """Flag the rows of a cancelled 異動 (4.6.0.1: rows are kept, never deleted)."""
    for no, hist in keys:
        uow.conn.execute(
            sa.update(juki_history)
            .where(h.tenant_id == uow.tenant_id, h.addressee_no == no, h.history_no == hist)
            .values(cancelled=True)
        )


def create_household(uow: Any, household_no: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    values = {k: fields.get(k) for k in _HOUSEHOLD_FIELDS}
    values["status"] = values["status"] or "active"
    row_ = {"tenant_id": uow.tenant_id, "household_no": household_no, **values, "version": 1}
    uow.conn.execute(sa.insert(juki_household), row_)
    return row_


def update_household(
    uow: Any, household_no: str, expected_version: int, fields: Mapping[str, Any] | None = None
) -> int:
    """Bump the household's version (and set ``fields``) if it is still ``expected_version``.

    Every 異動 touching a household calls this before writing any person, so that concurrent
    異動 on one household serialise on this row and the second one gets :class:`Conflict`.
    """
    values = {k: v for k, v in (fields or {}).items() if k in _HOUSEHOLD_FIELDS}
    done = uow.conn.execute(
        sa.update(juki_household)
        .where(hh.tenant_id == uow.tenant_id, hh.household_no == household_no, hh.version == expected_version)
        .values(version=expected_version + 1, **values)
    ).rowcount
    if done != 1:
        raise Conflict(CONFLICT_MESSAGE)
    return expected_version + 1
