"""異動事由 codes and the domain events of the resident registry.

標準仕様書 1.2.2 異動事由: each system keeps its own 異動事由コード, and that code must map both ways
to the standard's categories, grouped 記載 / 消除 / 修正. :data:`REASONS` is kikan's code table;
:func:`category_of` and :func:`codes_for` are the two directions. A 「転居取消」 category must not
exist (【実装しない機能】): a cancelled 転居 is 異動の取消し（修正）.

One 異動 emits ONE event (a 転入 of a four-person household is one ``ResidentMovedIn`` listing
four persons). Payloads carry the standard items of each affected person, never the encrypted
個人番号 or its hash — only ``individual_number_changed``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from kikan.core.events import DomainEvent
from kikan.juki.items import ITEMS

RECORD, REMOVE, MODIFY = "記載", "消除", "修正"
GROUPS = (RECORD, REMOVE, MODIFY)

#: The standard's categories (1.2.2), per group, in the standard's order.
CATEGORIES: dict[str, tuple[str, ...]] = {
    RECORD: (
        "国内転入", "国外転入等", "出生", "職権記載（帰化等）", "職権記載（国籍喪失）", "職権記載",
        "改製", "再製", "異動の取消し（増）",
    ),
    REMOVE: (
        "国内転出", "国外転出", "死亡", "職権消除（帰化等）", "職権消除（国籍喪失）", "職権消除",
        "改製", "再製", "異動の取消し（減）",
    ),
    MODIFY: (
        "転居", "軽微な修正", "職権修正", "誤記修正", "個人番号の変更請求", "個人番号の職権修正",
        "個人番号の職権記載", "住民票コードの変更請求", "住民票コードの職権記載", "世帯分離", "世帯合併",
        "世帯変更", "世帯主変更", "旧氏の記載", "旧氏の変更", "旧氏の削除", "通称の記載", "通称の削除",
        "異動の取消し（修正）",
    ),
}  # fmt: skip


@dataclass(frozen=True)
class Reason:
    """One kikan 異動事由コード: its name, standard (group, category), event type, who it applies to."""

    code: str
    name: str
    group: str
    category: str
    event_type: str
    residents: str = "any"  # any | japanese | foreign (1.2.2 ※日本人住民のみ / ※外国人住民のみ)

    @property
    def standard(self) -> tuple[str, str]:
        return (self.group, self.category)


def _r(code: str, name: str, category: str, event_type: str, residents: str = "any") -> Reason:
    group = {"1": RECORD, "2": REMOVE, "3": MODIFY}[code[0]]
    return Reason(code, name, group, category, event_type, residents)


REASONS: tuple[Reason, ...] = (
    _r("101", "転入", "国内転入", "ResidentMovedIn"),
    _r("102", "特例転入", "国内転入", "ResidentMovedIn"),
    _r("104", "国外からの転入", "国外転入等", "ResidentMovedIn"),
    _r("105", "法第30条の46転入", "国外転入等", "ResidentMovedIn", "foreign"),
    _r("106", "法第30条の47届出", "国外転入等", "ResidentMovedIn", "foreign"),
    _r("111", "出生", "出生", "ResidentBorn"),
    _r("121", "職権記載（帰化）", "職権記載（帰化等）", "ResidentNaturalized", "japanese"),
    _r("122", "職権記載（国籍取得）", "職権記載（帰化等）", "ResidentNaturalized", "japanese"),
    _r("123", "職権記載（国籍喪失）", "職権記載（国籍喪失）", "ResidentLostNationality", "foreign"),
    _r("131", "職権記載", "職権記載", "ResidentRecordedByAuthority"),
    _r("141", "改製（記載）", "改製", "ResidentRecordRemade"),
    _r("151", "再製（記載）", "再製", "ResidentRecordReproduced"),
    _r("191", "異動の取消し（増）", "異動の取消し（増）", "MoveCancelled"),
    _r("201", "転出", "国内転出", "ResidentMovedOut"),
    _r("202", "特例転出", "国内転出", "ResidentMovedOut"),
    _r("203", "国外転出", "国外転出", "ResidentMovedOut"),
    _r("211", "死亡", "死亡", "ResidentDied"),
    _r("221", "職権消除（帰化）", "職権消除（帰化等）", "ResidentNaturalized", "foreign"),
    _r("222", "職権消除（国籍取得）", "職権消除（帰化等）", "ResidentNaturalized", "foreign"),
    _r("223", "職権消除（国籍喪失）", "職権消除（国籍喪失）", "ResidentLostNationality", "japanese"),
    _r("231", "職権消除", "職権消除", "ResidentRemovedByAuthority"),
    _r("241", "改製（消除）", "改製", "ResidentRecordRemade"),
    _r("251", "再製（消除）", "再製", "ResidentRecordReproduced"),
    _r("291", "異動の取消し（減）", "異動の取消し（減）", "MoveCancelled"),
    _r("301", "転居", "転居", "ResidentMovedWithin"),
    _r("311", "軽微な修正", "軽微な修正", "ResidentRecordCorrected"),
    _r("312", "職権修正", "職権修正", "ResidentRecordCorrected"),
    _r("313", "誤記修正", "誤記修正", "ResidentRecordCorrected"),
    _r("314", "入管庁長官通知による修正（法第30条の50）", "職権修正", "ResidentRecordCorrected", "foreign"),
    _r("321", "個人番号の変更請求", "個人番号の変更請求", "IndividualNumberChanged"),
    _r("322", "個人番号の職権修正", "個人番号の職権修正", "IndividualNumberChanged"),
    _r("323", "個人番号の職権記載", "個人番号の職権記載", "IndividualNumberChanged"),
    _r("331", "住民票コードの変更請求", "住民票コードの変更請求", "ResidentRecordCodeChanged"),
    _r("332", "住民票コードの職権記載", "住民票コードの職権記載", "ResidentRecordCodeChanged"),
    _r("341", "世帯分離", "世帯分離", "HouseholdSplit"),
    _r("342", "世帯合併", "世帯合併", "HouseholdMerged"),
    _r("343", "世帯変更", "世帯変更", "HouseholdChanged"),
    _r("344", "世帯主変更", "世帯主変更", "HouseholdHeadChanged"),
    _r("351", "旧氏の記載", "旧氏の記載", "FormerSurnameRecorded", "japanese"),
    _r("352", "旧氏の変更", "旧氏の変更", "FormerSurnameChanged", "japanese"),
    _r("353", "旧氏の削除", "旧氏の削除", "FormerSurnameDeleted", "japanese"),
    _r("361", "通称の記載", "通称の記載", "AliasRecorded", "foreign"),
    _r("362", "通称の削除", "通称の削除", "AliasDeleted", "foreign"),
    _r("391", "異動の取消し（修正）", "異動の取消し（修正）", "MoveCancelled"),
)
REASON_BY_CODE: dict[str, Reason] = {r.code: r for r in REASONS}
#: 改製（記載）・再製（記載）: the row that starts a new 住民票 for the same 宛名番号. The 住民票 in
#: force is the rows from the last such row on; the rows before it (ending with 改製（消除）/
#: 再製（消除）) are the 改製前の住民票 (改製原住民票) / 再製前の住民票.
NEW_RECORD_CODES: frozenset[str] = frozenset({"141", "151"})
EVENT_TYPES: frozenset[str] = frozenset(r.event_type for r in REASONS)


def reason(code: str) -> Reason:
    try:
        return REASON_BY_CODE[code]
    except KeyError:
        raise ValueError(f"未定義の異動事由コード {code}") from None


def category_of(code: str) -> tuple[str, str]:
    """kikan code → the standard's (group, category) (1.2.2)."""
    return reason(code).standard


def codes_for(group: str, category: str) -> tuple[str, ...]:
    """The standard's (group, category) → kikan codes (1.2.2, the other direction)."""
    if category not in CATEGORIES.get(group, ()):
        raise ValueError(f"標準仕様書にない異動事由の区分 {group}/{category}")
    return tuple(r.code for r in REASONS if r.standard == (group, category))


# --- payloads ---------------------------------------------------------------------------------

AGGREGATE = "household"
PUBLIC_ITEMS: tuple[str, ...] = tuple(i.name for i in ITEMS if not i.secret)


def _json(v: Any) -> Any:
    return v.isoformat() if isinstance(v, date) else v


def person_payload(snapshot: Mapping[str, Any], previous: Mapping[str, Any] | None) -> dict[str, Any]:
    """The standard items of one history row, 個人番号 replaced by ``individual_number_changed``."""
    out: dict[str, Any] = {
        "addressee_no": snapshot["addressee_no"],
        "history_no": snapshot["history_no"],
        "event_code": snapshot.get("event_code"),
    }
    out.update({name: _json(snapshot.get(name)) for name in PUBLIC_ITEMS})
    before = previous.get("individual_number_hash") if previous else None
    out["individual_number_changed"] = snapshot.get("individual_number_hash") != before
    return out


def payload_for(
    snapshots: Sequence[Mapping[str, Any]],
    *,
    code: str,
    event_on: date,
    reported_on: date | None,
    processed_on: date,
    household_no: str,
    previous: Mapping[tuple[str, int], Mapping[str, Any]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The payload of one 異動's event: 異動事由 (code and standard category), 異動日, 届出日, 処理日,
    世帯番号 and each affected person's new history row (宛名番号, 履歴番号, standard items).

    ``previous`` maps (宛名番号, 履歴番号 of the new row) to the row it follows, so that
    ``individual_number_changed`` can be computed without ever putting the number in the event.
    """
    r = reason(code)
    prev = previous or {}
    return {
        "event_code": r.code,
        "event_name": r.name,
        "group": r.group,
        "category": r.category,
        "event_on": event_on.isoformat(),
        "reported_on": reported_on.isoformat() if reported_on else None,
        "processed_on": processed_on.isoformat(),
        "household_no": household_no,
        "persons": [person_payload(s, prev.get((s["addressee_no"], s["history_no"]))) for s in snapshots],
        **dict(extra or {}),
    }


def make_event(
    snapshots: Sequence[Mapping[str, Any]],
    *,
    code: str,
    event_on: date,
    reported_on: date | None,
    processed_on: date,
    household_no: str,
    previous: Mapping[tuple[str, int], Mapping[str, Any]] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> DomainEvent:
    """The one :class:`DomainEvent` of a 異動, typed by its 異動事由 (``ResidentMovedIn`` …)."""
    payload = payload_for(
        snapshots,
        code=code,
        event_on=event_on,
        reported_on=reported_on,
        processed_on=processed_on,
        household_no=household_no,
        previous=previous,
        extra=extra,
    )
    return DomainEvent(
        event_type=reason(code).event_type,
        aggregate_type=AGGREGATE,
        aggregate_id=household_no,
        payload=payload,
        occurred_on=event_on.isoformat(),
    )
