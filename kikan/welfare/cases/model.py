"""The case (受給者台帳) of one recipient and one allowance: its state, children and versions.

A case is never overwritten: each change (認定請求, 認定, 額改定, 支給停止, 消滅, 現況届 …) is a
new version holding the whole :class:`CaseState`, the month it applies from, its reason and actor,
and the monthly amount computed by the allowance's calculation core with its trace. Pure: no I/O.

Legal basis: 児童手当法第7条（認定）・第8条（支給期間）・第9条（額の改定）・第26条（届出）;
児童扶養手当法第6条（認定）・第7条（支給期間）・第8条（額の改定）・第9条〜第14条（支給の制限）・
第28条（届出）、同法施行規則第4条（現況届）.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kikan.welfare import MONTH_MAX, MONTH_MIN, month_index

Allowance = Literal["child_allowance", "child_rearing_allowance"]
ALLOWANCES: dict[str, str] = {"child_allowance": "児童手当", "child_rearing_allowance": "児童扶養手当"}
#: 顧客コード / file names: one digit per allowance.
ALLOWANCE_CODES: dict[str, int] = {"child_allowance": 1, "child_rearing_allowance": 2}

Status = Literal["claimed", "certified", "rejected", "extinguished"]
STATUS_LABELS: dict[str, str] = {
    "claimed": "認定請求中",
    "certified": "認定（受給中）",
    "rejected": "却下",
    "extinguished": "消滅",
}
EndReason = Literal["moved_out", "death", "custody_lost", "no_child", "other"]
END_REASONS: dict[str, str] = {
    "moved_out": "転出",
    "death": "死亡",
    "custody_lost": "監護・養育をしなくなった",
    "no_child": "支給対象児童がいなくなった（年齢到達等）",
    "other": "その他",
}
ClaimantKind = Literal["mother", "father", "caretaker"]
CLAIMANT_KINDS: dict[str, int] = {"mother": 0, "father": 1, "caretaker": 2}
PensionKind = Literal["none", "disability_basic", "other"]
PENSION_KINDS: dict[str, int] = {"none": 0, "disability_basic": 1, "other": 2}

#: Version reasons: code → (label, legal basis).
REASONS: dict[str, tuple[str, str]] = {
    "claim": ("認定請求", "児童手当法第7条 / 児童扶養手当法第6条"),
    "certify": ("認定", "児童手当法第7条・第8条 / 児童扶養手当法第6条・第7条"),
    "reject": ("却下", "児童手当法第7条 / 児童扶養手当法第6条"),
    "migrated": ("移行（旧システムで認定済み）", "児童手当法第7条・第8条 / 児童扶養手当法第6条・第7条（データ移行）"),
    "increase": ("額改定（増額）", "児童手当法第9条第1項・第2項 / 児童扶養手当法第8条第1項"),
    "decrease": ("額改定（減額）", "児童手当法第9条第3項 / 児童扶養手当法第8条第3項"),
    "aging_decrease": (
        "額改定（減額・年齢到達）",
        "児童手当法第6条・第9条第3項 / 児童扶養手当法第3条・第8条第3項",
    ),
    "suspend": ("支給停止", "児童手当法第11条 / 児童扶養手当法第9条〜第15条"),
    "resume": ("支給停止の解除", "児童手当法第11条 / 児童扶養手当法第9条〜第15条"),
    "extinguish": ("消滅", "児童手当法第8条第2項 / 児童扶養手当法第7条第1項"),
    "status_report": ("現況届", "児童扶養手当法施行規則第4条"),
    "income_revision": ("所得の変更による額改定", "児童扶養手当法第9条・施行令第2条の4"),
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CaseChild(_Model):
    """A child the recipient 監護・養育 (or an older child counted for 児童手当の出生順位)."""

    child_id: str = Field(min_length=1, max_length=15, description="児童の宛名番号")
    name: str = Field(default="", max_length=100, description="児童の氏名（一覧用）")
    birth_date: date = Field(description="生年月日")
    supported: bool = Field(
        default=True, description="監護相当・生計費の負担（児童手当: 22歳年度末までの子を数える）"
    )
    in_facility: bool = Field(default=False, description="施設入所等")
    disabled: bool = Field(default=False, description="政令で定める程度の障害（児童扶養手当: 20歳未満まで）")
    added_on: date | None = Field(default=None, description="額改定請求日（認定後に加わった児童）")
    added_event_on: date | None = Field(
        default=None, description="増額の異動日（出生日・転入日。15日特例の起算）"
    )
    left_on: date | None = Field(default=None, description="監護しなくなった日（減額はその翌月から）")


class Suspension(_Model):
    """支給停止: months ``from_month``..``until_month`` (month indices; until open = None)."""

    from_month: int
    until_month: int | None = None
    reason: str = ""

    def covers(self, month: int) -> bool:
        return self.from_month <= month and (self.until_month is None or month <= self.until_month)


class CaseState(_Model):
    """Everything the amount depends on, as of one version."""

    allowance: Allowance
    recipient: str = Field(description="受給者（請求者）の宛名番号")
    recipient_kana: str = Field(default="", max_length=100, description="受給者の氏名（フリガナ）")
    household_no: str | None = None
    spouse: str | None = Field(
        default=None, description="配偶者（もう一方の養育者）の宛名番号（児童手当の受給者の判定）"
    )
    designated_main: bool = Field(default=False, description="生計を維持する程度の高い者として指定されている")
    separated: bool = Field(default=False, description="父母が別居し生計を同じくしない")
    public_servant: bool = Field(default=False, description="公務員（児童手当は所属庁が支給）")
    claim_on: date = Field(description="認定請求日")
    event_on: date | None = Field(default=None, description="異動日（出生・転入。15日特例）")
    event_source: str | None = Field(default=None, description="異動日の出典（registry:<event_id> / staff）")
    status: Status = "claimed"
    decided_on: date | None = None
    ended_on: date | None = None
    end_reason: EndReason | None = None
    children: tuple[CaseChild, ...] = ()
    suspensions: tuple[Suspension, ...] = ()
    claimant_kind: ClaimantKind = "mother"
    cra_reason: str | None = Field(default=None, description="児童扶養手当の支給要件（離婚・死亡・未婚 …）")
    obligors: tuple[str, ...] = Field(default=(), description="配偶者・扶養義務者の宛名番号（児童扶養手当）")
    pension_kind: PensionKind = "none"
    pension_annual: int = 0
    status_reports: tuple[int, ...] = Field(default=(), description="現況届を受け付けた年")

    @property
    def label(self) -> str:
        return ALLOWANCES[self.allowance]

    def child(self, child_id: str) -> CaseChild | None:
        return next((c for c in self.children if c.child_id == child_id), None)


def month_or(day: date | None, default: int) -> int:
    return month_index(day) if day is not None else default


def end_month_of(state: CaseState) -> int:
    """Last month paid: the month of the 消滅 event (児童手当法第8条第2項, 児童扶養手当法第7条第1項)."""
    return month_or(state.ended_on, MONTH_MAX)


__all__ = [
    "ALLOWANCES",
    "ALLOWANCE_CODES",
    "CLAIMANT_KINDS",
    "END_REASONS",
    "MONTH_MAX",
    "MONTH_MIN",
    "PENSION_KINDS",
    "REASONS",
    "STATUS_LABELS",
    "Allowance",
    "CaseChild",
    "CaseState",
    "EndReason",
    "Status",
    "Suspension",
    "end_month_of",
    "month_or",
]
