"""Registry rows of a household: ``juki_history`` snapshots, ``juki_resident``, ``juki_household``.

標準仕様書 1.2.1: every change of a person is a full snapshot (all items copied), key (宛名番号,
履歴番号), 履歴番号 1..n; the current record is the highest. The rows of a person are built from
the newest backwards: the last row is the person's present (or removal) state, and each older row
undoes one change (:class:`~kikan.synthetic.people.Change` keeps the values before it).
住所を定めた年月日, 届出の年月日 and 異動前住所 are then derived oldest-first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter
from typing import Any

from kikan.synthetic.dice import Dice
from kikan.synthetic.people import YEAR, Person
from kikan.synthetic.world import Household, addressee_no

_ADDRESS_EVENTS = frozenset({"101", "104", "105", "111", "301"})
_REMOVAL_TEXT = {"211": "死亡", "201": "転出", "203": "国外転出"}
_CLEAR_REMOVAL = {"status": "resident", "removal_reason": None, "removal_on": None, "moved_out_to_planned": None,
                  "moved_out_to": None, "move_out_planned_on": None, "move_in_notice_on": None}  # fmt: skip
_NOTICE_CODES = frozenset({"312", "314", "211"})  # 通知日 (戸籍法第9条の通知, 法第30条の50)
_PLACES = ("本庁市民課", "本庁市民課", "本庁市民課", "北出張所", "南出張所", "駅前サービスセンター")


#: Columns the seed fills (others stay NULL / default).
HISTORY_COLUMNS: tuple[str, ...] = (
    "tenant_id", "addressee_no", "history_no", "household_no", "status", "resident_kind", "family_name",
    "given_name", "family_name_kana", "given_name_kana", "kana_confirmed", "former_family_name",
    "former_family_name_kana", "former_kana_confirmed", "birth_date", "sex", "relationship", "household_order",
    "head_name", "honseki", "hitto_name", "became_resident_on", "address_set_on", "notified_on", "address",
    "katagaki", "address_code", "postal_code", "town_code", "previous_address", "previous_postal_code",
    "prior_address", "individual_number_enc", "individual_number_hash", "juminhyo_code", "elector_registered",
    "nhi_insured", "nhi_acquired_on", "elderly_medical_insured", "elderly_medical_acquired_on", "ltc_insured",
    "ltc_acquired_on", "pension_insured", "basic_pension_no", "pension_kind", "pension_acquired_on",
    "removal_reason", "removal_on", "moved_out_to_planned", "moved_out_to", "move_out_planned_on",
    "move_in_notice_on", "alpha_name", "tsusho", "tsusho_kana", "tsusho_recorded_on", "nationality",
    "foreign_resident_on", "art30_45_category", "residence_status", "period_of_stay", "stay_expires_on",
    "residence_card_no", "name_priority", "event_code", "event_on", "reported_on", "processed_on",
    "input_place", "notice_on", "requested_on", "applied_on", "kana_key", "name_key", "alt_kana_key", "alt_name_key", "address_key", "recorded_at",
    "recorded_by", "request_id", "migrated", "cancelled",
)  # fmt: skip
_EMPTY: dict[str, Any] = dict.fromkeys(HISTORY_COLUMNS)
history_tuple = itemgetter(*HISTORY_COLUMNS)  # row dict → tuple in HISTORY_COLUMNS order (C speed)

RESIDENT_COLUMNS: tuple[str, ...] = (
    "tenant_id", "addressee_no", "history_no", "household_no", "status", "resident_kind", "birth_date", "sex",
    "town_code", "juminhyo_code", "individual_number_hash", "version",
)  # fmt: skip
HOUSEHOLD_COLUMNS: tuple[str, ...] = (
    "tenant_id", "household_no", "head_addressee_no", "address", "katagaki", "address_code", "town_code",
    "postal_code", "status", "version",
)  # fmt: skip
_pointer = itemgetter(*RESIDENT_COLUMNS[:-1])


def _d(ordinal: int | None) -> date | None:
    return None if ordinal is None else date.fromordinal(ordinal)


def _dates(code: str, on: int, dice: Dice, as_of: int) -> tuple[int | None, int]:
    """(届出日, 処理日) of an 異動 on ``on``: 届出 within 14 days mostly (法第22条〜第25条)."""
    if code in _NOTICE_CODES:  # 職権: from a 戸籍 or 入管庁 notice
        return None, min(on + dice.int(1, 10), as_of)
    if code in ("201", "203"):  # 転出届 comes before the move (法第24条: あらかじめ)
        rep = on - dice.int(0, 14)
        return rep, rep
    if code in ("344", "351", "361"):
        return on, on
    late = dice.int(15, 90) if dice.chance(0.04) else dice.int(0, 14)
    rep = min(on + late, as_of)
    return rep, min(rep + (dice.int(0, 3) if code == "111" else 0), as_of)


def _hitto(p: Person, h: Household) -> str | None:
    """筆頭者 (戸籍の表示): the husband of the head couple for its family, else the person."""
    if p.kind != "japanese":
        return None
    male = next(
        (
            m
            for m in h.members
            if m.relationship in ("世帯主", "夫") and m.sex == "1" and m.kind == "japanese"
        ),
        None,
    )
    couple = (male or h.members[0]).full_name
    rel = p.relationship
    if rel.endswith("（未届）"):
        return p.full_name
    if rel in ("世帯主", "妻", "夫", "子", "子の子"):
        return couple
    if rel in ("子の妻", "子の夫"):
        son = next((m for m in h.members if m.relationship == "子" and m.sex == "1"), None)
        return son.full_name if son else p.full_name
    if rel in ("父", "母"):
        father = next((m for m in h.members if m.relationship == "父"), None)
        return (father or p).full_name
    return p.full_name


def _welfare(p: Person, as_of: int) -> dict[str, Any]:
    """Entries of other registers on the 住民票 (法第7条第10号〜第11号の2): a plausible status."""
    age = int((as_of - p.birth) / YEAR)
    out: dict[str, Any] = {"elector_registered": p.kind == "japanese" and age >= 18}
    b = date.fromordinal(p.birth)
    if age >= 75:
        out.update(
            elderly_medical_insured=True,
            elderly_medical_acquired_on=max(_on_birthday(b, 75), date.fromordinal(p.entry_on)),
        )
    elif p.seq % 100 < (70 if age >= 65 else 20):
        out.update(nhi_insured=True, nhi_acquired_on=_d(p.entry_on))
    if age >= 65:
        out.update(
            ltc_insured=True,
            ltc_acquired_on=max(_on_birthday(b, 65) - timedelta(days=1), date.fromordinal(p.entry_on)),
        )
    if 20 <= age < 60:
        kind = "1" if p.seq % 10 < 3 else "3" if p.sex == "2" and p.seq % 10 == 3 else "2"
        out.update(pension_insured=True, pension_kind=kind, basic_pension_no=f"{(p.seq * 7919) % 10**10:010d}",
                   pension_acquired_on=_on_birthday(b, 20) - timedelta(days=1))  # fmt: skip
    return out


def _on_birthday(b: date, years: int) -> date:
    try:
        return b.replace(year=b.year + years)
    except ValueError:  # 2月29日生まれ
        return b.replace(year=b.year + years, day=28)


def person_rows(
    p: Person, h: Household, dice: Dice, as_of: int, numbers: tuple[str, str, str], *,
    keys: Callable[[dict[str, Any]], dict[str, str]], tenant_id: str, request_id: str,
) -> list[dict[str, Any]]:  # fmt: skip
    """All history rows of one person, oldest first. ``numbers``: (住民票コード, 個人番号暗号文, 照合用ハッシュ)."""
    head = h.head if not (p.removed and p.relationship == "世帯主") else p
    base: dict[str, Any] = {
        **_EMPTY,
        "tenant_id": tenant_id, "addressee_no": addressee_no(p), "household_no": h.household_no,
        "status": "removed" if p.removed else "resident", "resident_kind": p.kind,
        "family_name": p.family, "given_name": p.given, "family_name_kana": p.family_kana,
        "given_name_kana": p.given_kana, "kana_confirmed": p.kana_ok, "former_family_name": p.former,
        "former_family_name_kana": p.former_kana, "former_kana_confirmed": True if p.former else None,
        "birth_date": date.fromordinal(p.birth), "sex": p.sex, "relationship": p.relationship,
        "household_order": p.order, "head_name": head.full_name,
        "honseki": h.honseki if p.kind == "japanese" else None, "hitto_name": _hitto(p, h),
        "became_resident_on": _d(p.entry_on), "address": h.place.address, "katagaki": h.katagaki,
        "address_code": h.place.address_code, "postal_code": h.place.town.postal_code,
        "town_code": h.place.town.town_code, "previous_address": p.previous_place,
        "previous_postal_code": p.previous_postal, "juminhyo_code": numbers[0],
        "individual_number_enc": numbers[1], "individual_number_hash": numbers[2],
        "migrated": False, "cancelled": False, "recorded_by": "system:seed", "request_id": request_id,
        **_welfare(p, as_of), **(p.foreign or {}),
    }  # fmt: skip
    events: list[tuple[str, int, dict[str, Any] | None]] = [(p.entry_code, p.entry_on, None)]
    events += [(c.code, c.on, c.before) for c in p.changes]
    if p.removal:
        r = p.removal
        base.update(removal_reason=_REMOVAL_TEXT[r["code"]], removal_on=_d(r["on"]))
        if r["code"] != "211":
            base.update(moved_out_to_planned=r["to"], move_out_planned_on=_d(r["on"]))
            if r["code"] == "201" and dice.chance(0.85) and r["on"] + 30 < as_of:
                base.update(moved_out_to=r["to"], move_in_notice_on=_d(r["on"] + dice.int(5, 30)))
        events.append((r["code"], r["on"], _CLEAR_REMOVAL))
    states: list[dict[str, Any]] = []
    state = base
    for code, on, before in reversed(events):
        states.append({**state, "event_code": code, "event_on": date.fromordinal(on)})
        if before:
            state = {**state, **before}
    states.reverse()
    return _finish(states, dice, as_of, keys)


def _finish(
    states: list[dict[str, Any]], dice: Dice, as_of: int, keys: Callable[[dict[str, Any]], dict[str, str]]
) -> list[dict[str, Any]]:
    set_on = notified = prior = None
    last_processed = 0
    for n, row in enumerate(states, start=1):
        code, on = row["event_code"], row["event_on"].toordinal()
        reported, processed = _dates(code, on, dice, as_of)
        processed = max(processed, last_processed)
        last_processed = processed
        if code in _ADDRESS_EVENTS:
            set_on, notified = row["event_on"], _d(reported)
            prior = states[n - 2]["address"] if code == "301" else row.get("previous_address")
        # recorded during office hours, 09:00-17:00 JST (= 00:00-08:00 UTC) of the 処理日
        at = datetime.fromordinal(processed).replace(tzinfo=UTC) + timedelta(seconds=dice.int(0, 8 * 3600))
        if code in _NOTICE_CODES:
            row["notice_on"] = _d(min(on + dice.int(0, 5), processed))
        elif code == "351":
            row["requested_on"] = row["event_on"]  # 旧氏の記載の請求日
        elif code == "361":
            row["applied_on"] = row["event_on"]  # 通称の記載の申出日
        row.update(history_no=n, reported_on=_d(reported), processed_on=_d(processed), address_set_on=set_on,
                   notified_on=notified, prior_address=prior, recorded_at=at,
                   input_place=dice.pick(_PLACES), **keys(row))  # fmt: skip
    return states


def resident_row(last: dict[str, Any]) -> tuple[Any, ...]:
    """The ``juki_resident`` pointer (RESIDENT_COLUMNS order) from the person's last history row.

    ``version`` = 履歴番号: the pointer moved once per row, as the repository would have moved it.
    """
    return (*_pointer(last), last["history_no"])


def household_row(h: Household, tenant_id: str) -> tuple[Any, ...]:
    """The ``juki_household`` row (HOUSEHOLD_COLUMNS order)."""
    return (tenant_id, h.household_no, addressee_no(h.head), h.place.address, h.katagaki, h.place.address_code,
            h.place.town.town_code, h.place.town.postal_code, h.status, 1)  # fmt: skip
