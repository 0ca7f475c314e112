"""Record shapes of the datasets, built from the businesses' published events and snapshots.

An *item* of a page is ``{"id", "seq", "event_id", "event_type", "occurred_on", "recorded_at",
"data"}``: ``data`` follows the dataset's JSON Schema; ``id`` is stable and unique per delivered
record (what an idempotent consumer keys on); the event fields are null in snapshots.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from kikan.applications.events import SUBMITTED
from kikan.applications.status import label as status_label
from kikan.linkage.datasets import (
    MOVE_HEAD,
    MOVE_PERSON_FIELDS,
    RESIDENT_FIELDS,
    SUPPORT_MEASURE_FIELDS,
    TAX_HOUSEHOLD_ITEMS,
    TAX_STATUS_ITEMS,
)

RESIDENT_NAMES = tuple(f.name for f in RESIDENT_FIELDS)
PERSON_NAMES = tuple(f.name for f in MOVE_PERSON_FIELDS)
MOVE_HEAD_NAMES = tuple(f.name for f in MOVE_HEAD)
_PERSON_SET = frozenset(PERSON_NAMES)
SUPPORT_MEASURE_NAMES = tuple(f.name for f in SUPPORT_MEASURE_FIELDS)
#: The columns of ``juki_block`` a 支援措置 record is computed from (never the reason or the details).
SUPPORT_SOURCE_COLUMNS = ("block_id", "parent_block_id", "addressee_no", "processes", "start_on", "end_on",
                          "released_on", "support_stage", "created_at", "version")  # fmt: skip
_ENVELOPE = ("event_id", "event_type")


def jsonable(v: Any) -> Any:
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return v


def resident(
    person: Mapping[str, Any], *, from_event: bool = False, protected: bool = False
) -> dict[str, Any]:
    """A ``juki.residents`` record from an event person or a current history row (no 個人番号), with
    ``protected`` (支援措置対象 at the time of the pull; the feed sets it).

    Event payloads are JSON already (dates as ISO text); database rows need converting.
    """
    if from_event:
        return {**{n: person.get(n) for n in RESIDENT_NAMES}, "protected": protected}
    return {**{n: jsonable(person.get(n)) for n in RESIDENT_NAMES}, "protected": protected}


def resident_id(data: Mapping[str, Any]) -> str:
    return f"{data['addressee_no']}-{data['history_no']}"


def republished_id(id_: str, event_id: str) -> str:
    """The id of a record published again because of a 支援措置 event (``<id>#<event id>``): the same
    history row or 世帯 state with a changed ``protected`` must not look already processed."""
    return f"{id_}#{event_id}"


def move(event_id: str, event_type: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """A ``juki.moves`` record: the 異動 event, its persons' items, extra keys under ``details``."""
    head = {n: payload.get(n) for n in MOVE_HEAD_NAMES if n not in _ENVELOPE}
    known = set(MOVE_HEAD_NAMES) | {"persons"}
    details = {k: v for k, v in payload.items() if k not in known}
    persons = [
        p if p.keys() == _PERSON_SET else {n: p.get(n) for n in PERSON_NAMES}
        for p in payload.get("persons") or []
    ]
    return {
        "event_id": event_id,
        "event_type": event_type,
        **head,
        "details": details or None,
        "persons": persons,
    }


def household_nos(payload: Mapping[str, Any], aggregate_id: str) -> list[str]:
    """Households an event touched: its aggregate, every person's 世帯番号 and the 世帯番号 keys of the
    payload (``from_household_no``, ``merged_household_no`` …), first-seen order."""
    seen: dict[str, None] = {}
    for v in (
        aggregate_id,
        payload.get("household_no"),
        *(p.get("household_no") for p in payload.get("persons") or []),
    ):
        if isinstance(v, str) and v:
            seen.setdefault(v)
    for k, v in payload.items():
        if k.endswith("household_no") and isinstance(v, str) and v:
            seen.setdefault(v)
    return list(seen)


def household(row: Mapping[str, Any], members: list[str], protected: Collection[str] = ()) -> dict[str, Any]:
    """A ``juki.households`` record; ``protected``: the persons under 支援措置 (only members count)."""
    shielded = [m for m in members if m in protected]
    return {
        "household_no": row["household_no"], "head_addressee_no": row.get("head_addressee_no"),
        "address": row.get("address"), "katagaki": row.get("katagaki"), "address_code": row.get("address_code"),
        "town_code": row.get("town_code"), "postal_code": row.get("postal_code"), "status": row.get("status"),
        "version": row.get("version"), "member_addressee_nos": members, "protected": bool(shielded),
        "protected_member_addressee_nos": shielded,
    }  # fmt: skip


def support_measure(
    addressee_no: str, rows: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, Any], str] | None:
    """A ``juki.support_measures`` record from one person's 支援措置 rows (:data:`SUPPORT_SOURCE_COLUMNS`),
    and the token that identifies this state (block ids and versions of the chain).

    A measure and its extensions form a chain (``parent_block_id``). The record describes the chain
    not yet ended (the latest one if several), else the one ended last: ``start_on`` / ``end_on`` are
    its first period, ``extended_until`` the end of its last extension, ``ended_on`` the day it ended.
    ``protected`` is true while the chain's last row is not ended — from its registration, even before
    its start date, since no event marks that date. None when the person has no measure.
    """
    if not rows:
        return None
    by_id = {r["block_id"]: r for r in rows}
    child = {r["parent_block_id"]: r for r in rows if r["parent_block_id"] in by_id}
    chains: list[list[Mapping[str, Any]]] = []
    for root in (r for r in rows if r["parent_block_id"] not in by_id):
        chain = [root]
        while chain[-1]["block_id"] in child and len(chain) <= len(rows):
            chain.append(child[chain[-1]["block_id"]])
        chains.append(chain)
    if not chains:  # a cycle cannot come from the services; treat every row as its own chain
        chains = [[r] for r in rows]

    def order(c: list[Mapping[str, Any]]) -> tuple[bool, str, str]:
        return (c[-1]["released_on"] is None, str(c[-1]["start_on"]), str(c[0]["created_at"]))

    chain = max(chains, key=order)
    first, last = chain[0], chain[-1]
    protected = last["released_on"] is None
    processes = {p for p in str(last["processes"] or "").split(",") if p}
    data = {
        "addressee_no": addressee_no, "protected": protected, "stage": last["support_stage"],
        "start_on": jsonable(first["start_on"]), "end_on": jsonable(first["end_on"]),
        "extended_until": jsonable(last["end_on"]) if len(chain) > 1 else None,
        "ended_on": None if protected else jsonable(last["released_on"]),
        "restrict_third_party_issuance": protected and "certificate" in processes,
        "conceal_address": protected and "inquiry" in processes,
    }  # fmt: skip
    token = "|".join(sorted(f"{r['block_id']}:{r['version']}" for r in rows))
    return data, token


def support_measure_id(data: Mapping[str, Any], token: str) -> str:
    """``<宛名番号>@<digest>``: every transition (start, approval, extension, end, continuation) changes
    a row's version, so it gets a new id; the same state delivered twice has the same id."""
    return f"{data['addressee_no']}@{hashlib.sha256(token.encode()).hexdigest()[:12]}"


def application(
    event_id: str, event_type: str, occurred_on: str | None, payload: Mapping[str, Any]
) -> dict[str, Any]:
    """An ``applications.submitted`` record: one 受付 (with the submitted items) or one status change.

    A 受付 is status ``received``; a status change carries no items. Keys naming a 個人番号 are
    dropped from the items whatever a form asks (番号法第19条: never published here).
    """
    submitted = event_type == SUBMITTED
    status = "received" if submitted else str(payload.get("status") or "")
    data = payload.get("data") if submitted else None
    return {
        "event_id": event_id, "event_type": event_type, "receipt_no": payload.get("receipt_no"),
        "form_id": payload.get("form_id"), "form_version": payload.get("form_version"),
        "procedure": payload.get("procedure"), "procedure_name": payload.get("procedure_name"),
        "business": payload.get("business"), "command": payload.get("command"), "status": status,
        "status_ja": status_label(status), "status_on": occurred_on, "submitted_at": payload.get("submitted_at"),
        "result_ref": payload.get("result_ref"), "data": without_individual_number(data) if data is not None else None,
    }  # fmt: skip


def without_individual_number(value: Any) -> Any:
    """``value`` without any mapping key naming a 個人番号 (``individual_number…``, as the registry names it)."""
    if isinstance(value, Mapping):
        return {
            k: without_individual_number(v) for k, v in value.items() if "individual_number" not in str(k)
        }
    if isinstance(value, list):
        return [without_individual_number(v) for v in value]
    return value


def tax_status(record: Mapping[str, Any]) -> dict[str, Any]:
    """A ``tax.assessment_status`` record: the tax business's published record, the listed items only."""
    return {n: record.get(n) for n in TAX_STATUS_ITEMS}


def tax_household(record: Mapping[str, Any]) -> dict[str, Any]:
    """A ``tax.household_status`` record: the tax business's 世帯 record, the listed items only."""
    return {n: record.get(n) for n in TAX_HOUSEHOLD_ITEMS}


def tax_household_id(data: Mapping[str, Any]) -> str:
    """``<年度>-<世帯番号>@<digest of the state>``: the same state delivered twice has the same id."""
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]
    return f"{data['fiscal_year']}-{data['household_no']}@{digest}"


def item(
    id_: str,
    data: dict[str, Any],
    *,
    seq: int | None = None,
    event_id: str | None = None,
    event_type: str | None = None,
    occurred_on: str | None = None,
    recorded_at: datetime | None = None,
) -> dict[str, Any]:
    return {
        "id": id_, "seq": seq, "event_id": event_id, "event_type": event_type, "occurred_on": occurred_on,
        "recorded_at": recorded_at.isoformat() if recorded_at else None, "data": data,
    }  # fmt: skip


def csv_rows(dataset: str, data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The CSV lines of one record: one per person for ``juki.moves``, else the record itself."""
    if dataset == "juki.moves":
        head = {n: data.get(n) for n in MOVE_HEAD_NAMES}
        persons = data.get("persons") or [{}]
        return [
            {**head, "addressee_no": p.get("addressee_no"), "history_no": p.get("history_no"),
             "individual_number_changed": p.get("individual_number_changed")}
            for p in persons
        ]  # fmt: skip
    return [data]
