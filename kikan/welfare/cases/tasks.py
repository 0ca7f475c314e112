"""Work for staff (事務処理の案内) opened by registry events and batches: kinds, titles, due dates.

Titles are what staff see in the queue; ``basis`` names the rule that makes the work necessary.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .ports import NewTask


@dataclass(frozen=True)
class TaskKind:
    title: str
    basis: str
    days: int | None = None  # due = event date + days (15日特例 etc.)


KINDS: dict[str, TaskKind] = {
    "birth_revision": TaskKind(
        "出生: 受給世帯で額改定の請求が必要", "児童手当法第9条第1項・第2項 / 児童扶養手当法第8条第1項", 15
    ),
    "birth_claim": TaskKind("出生: 認定請求の案内", "児童手当法第7条・第8条第3項（15日特例）", 15),
    "move_in_claim": TaskKind("転入: 認定請求の案内", "児童手当法第7条・第8条第3項（15日特例）", 15),
    "move_in_revision": TaskKind(
        "転入: 受給世帯に児童が転入（額改定の請求の案内）", "児童手当法第9条第1項", 15
    ),
    "move_out_extinguish": TaskKind(
        "転出: 消滅処理（消滅通知の送付）", "児童手当法第8条第2項・第26条 / 児童扶養手当法第7条第1項"
    ),
    "death_extinguish": TaskKind(
        "死亡: 消滅処理（消滅通知の送付）", "児童手当法第8条第2項 / 児童扶養手当法第7条第1項"
    ),
    "extinguish_notice": TaskKind(
        "消滅: 消滅通知の送付", "児童手当法施行規則 / 児童扶養手当法施行規則（通知）"
    ),
    "child_left": TaskKind(
        "児童の転出・死亡: 額改定（減額）又は消滅の確認", "児童手当法第9条第3項 / 児童扶養手当法第8条第3項"
    ),
    "household_check": TaskKind(
        "世帯変更: 受給者と児童の監護・同居の確認", "児童手当法第4条 / 児童扶養手当法第4条"
    ),
    "aging_notice": TaskKind("年齢到達: 額改定（減額）・消滅の通知", "児童手当法第9条第3項・第8条第2項"),
    "cancelled_move": TaskKind("異動の取消し: 関連する手当の処理の確認", "住民記録の異動の取消し"),
    "status_report_missing": TaskKind(
        "現況届: 未提出（支給の差止めの確認）", "児童扶養手当法施行規則第4条・法第15条", 0
    ),
    "overpaid": TaskKind("過払い: 返納又は内払調整の確認", "児童手当法第13条 / 児童扶養手当法第14条の2"),
    "income_tax_update": TaskKind(
        "所得: 課税状況の更正で職員登録の所得を置換え（確認）",
        "児童手当法第4条第3項 / 児童扶養手当法第9条・施行令第4条（税務の公開データ tax.assessment_status）",
    ),
    "income_unknown": TaskKind(
        "所得: 課税状況から所得が分からない（申告の勧奨又は所得の登録）",
        "児童扶養手当法第9条・施行令第4条（税務の公開データ tax.assessment_status）",
    ),
}


def task(
    kind: str,
    *,
    key: str,
    source: str,
    detail: str = "",
    case_id: str | None = None,
    addressee_no: str | None = None,
    event_on: date | None = None,
) -> NewTask:
    """A task of ``kind``; ``key`` makes it unique (the same event never opens it twice)."""
    k = KINDS[kind]
    due = event_on + timedelta(days=k.days) if event_on is not None and k.days is not None else None
    text = f"{detail}（{k.basis}）" if detail else k.basis
    return NewTask(kind=kind, title=k.title, dedupe_key=f"{kind}:{key}", source=source, detail=text[:1000],
                   case_id=case_id, addressee_no=addressee_no, due_on=due)  # fmt: skip
