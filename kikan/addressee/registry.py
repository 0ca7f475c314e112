"""What 団体内統合宛名 takes from the resident registry's published data (pure).

Basis: 共通機能標準仕様書 団体内統合宛名 (the 住基 system sends its persons; the 団体内統合宛名 system
assigns the 団体内統合宛名番号 and keeps the 副本 of their 基本4情報) and 住民記録システム標準仕様書
7.x (送信 to 団体内統合宛名 is required; importing the 団体内統合宛名番号 back into the 住基 system is a
【実装しない機能】). Input is the registry's events (``kikan.juki.events``: one event per 異動, each
affected person's new history row in ``payload["persons"]``) or its current snapshots; nothing here
or anywhere in this function ever writes to the registry.

For a person removed by 転出 the address kept is the 転出先 (確定, else 予定): that is where a
business reaches a former resident.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from kikan.addressee.model import PERSON, REMOVED, RESIDENT
from kikan.juki.events import AGGREGATE, EVENT_TYPES

_MOVED_OUT = ("国内転出", "国外転出")


def is_registry_event(event_type: str, aggregate_type: str) -> bool:
    """A 異動 event of the registry (the only ones carrying ``persons``)."""
    return event_type in EVENT_TYPES and aggregate_type == AGGREGATE


def _date(value: Any) -> date | None:
    if value is None or value == "" or isinstance(value, date):
        return value or None
    return date.fromisoformat(str(value)[:10])


def status_of(snapshot: Mapping[str, Any]) -> str:
    return REMOVED if snapshot.get("status") == "removed" else RESIDENT


def attributes(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """基本4情報 of one registry history row (event payload person or current snapshot)."""
    status = status_of(snapshot)
    address, katagaki, postal = snapshot.get("address"), snapshot.get("katagaki"), snapshot.get("postal_code")
    if status == REMOVED and snapshot.get("removal_reason") in _MOVED_OUT:
        destination = snapshot.get("moved_out_to") or snapshot.get("moved_out_to_planned")
        if destination:
            address, katagaki, postal = destination, None, None
    return {
        "kind": PERSON,
        "status": status,
        "family_name": snapshot.get("family_name"),
        "given_name": snapshot.get("given_name"),
        "family_name_kana": snapshot.get("family_name_kana"),
        "given_name_kana": snapshot.get("given_name_kana"),
        "birth_date": _date(snapshot.get("birth_date")),
        "sex": snapshot.get("sex"),
        "corporate_no": None,
        "corporate_name": None,
        "corporate_name_kana": None,
        "address": address,
        "katagaki": katagaki,
        "postal_code": postal,
        "remarks": None,
    }


def persons(payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The persons of one 異動 event with 宛名番号 and 履歴番号 (others are ignored)."""
    out = []
    for p in payload.get("persons") or []:
        if isinstance(p, Mapping) and p.get("addressee_no") and isinstance(p.get("history_no"), int):
            out.append(dict(p))
    return out


def reason_of(snapshot: Mapping[str, Any], event_name: str | None = None) -> str:
    code = snapshot.get("event_code") or ""
    return f"住民記録の異動（{event_name or code}）" if (event_name or code) else "住民記録の取込み"
