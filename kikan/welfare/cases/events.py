"""Published events of the welfare cases (what other businesses may import and consume).

``WelfareCaseChanged``: one per case version (認定請求, 認定, 額改定, 支給停止, 消滅 …), carrying ids,
months and the amount only — never names or incomes. The registry keeps 児童手当 受給開始年月・
受給終了年月 as managed items (標準仕様書 住民記録 1.1), which it may take from these events.
"""

from __future__ import annotations

from kikan.core.events import DomainEvent
from kikan.welfare import MONTH_MAX, month_label

CASE_CHANGED = "WelfareCaseChanged"
AGGREGATE = "welfare_case"
EVENT_TYPES = frozenset({CASE_CHANGED})


def case_changed(
    *,
    case_id: str,
    version: int,
    allowance: str,
    recipient: str,
    status: str,
    reason_code: str,
    valid_from: str,
    monthly_amount: int,
    start_month: int | None,
    end_month: int | None,
) -> DomainEvent:
    return DomainEvent(
        event_type=CASE_CHANGED,
        aggregate_type=AGGREGATE,
        aggregate_id=case_id,
        payload={
            "case_id": case_id,
            "version": version,
            "allowance": allowance,
            "recipient": recipient,
            "status": status,
            "reason_code": reason_code,
            "valid_from": valid_from,
            "monthly_amount": monthly_amount,
            "start_month": month_label(start_month) if start_month is not None else None,
            "end_month": month_label(end_month) if end_month not in (None, MONTH_MAX) else None,
        },
        occurred_on=valid_from,
    )
