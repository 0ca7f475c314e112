"""Commands of the case services (pydantic; the API bodies). :func:`parse` turns bad input into
:class:`~kikan.core.errors.ValidationFailed` with a Japanese message naming each field."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kikan.core.errors import FieldError, ValidationFailed
from kikan.welfare import validation_failed
from kikan.welfare.child_rearing_allowance.model import Reason as CraReason

from .model import Allowance, ClaimantKind, EndReason, PensionKind

Month = str  # "YYYY-MM"
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
C = TypeVar("C", bound=BaseModel)


class _Cmd(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _CaseCmd(_Cmd):
    case_id: str = Field(min_length=10, max_length=10, pattern=r"^\d{10}$", description="受給者番号（10桁）")
    expected_version: int | None = Field(default=None, ge=1, description="楽観的排他: 画面に表示した版")


class ChildInput(_Cmd):
    child_id: str = Field(min_length=1, max_length=15, description="児童の宛名番号")
    name: str = Field(default="", max_length=100, description="児童の氏名")
    birth_date: date = Field(description="生年月日")
    supported: bool = Field(default=True, description="監護相当・生計費の負担")
    in_facility: bool = Field(default=False, description="施設入所等")
    disabled: bool = Field(default=False, description="政令で定める程度の障害（児童扶養手当）")


class FileClaim(_Cmd):
    """認定請求 (児童手当法第7条 / 児童扶養手当法第6条)."""

    allowance: Allowance = Field(
        description="child_allowance 児童手当 / child_rearing_allowance 児童扶養手当"
    )
    recipient: str = Field(min_length=1, max_length=15, description="請求者の宛名番号")
    recipient_kana: str = Field(default="", max_length=100, description="請求者の氏名（フリガナ）")
    household_no: str | None = Field(default=None, max_length=15, description="請求者の世帯番号")
    spouse: str | None = Field(
        default=None, max_length=15, description="配偶者の宛名番号（児童手当: 受給者の判定）"
    )
    designated_main: bool = Field(default=False, description="生計を維持する程度の高い者として指定")
    separated: bool = Field(default=False, description="父母が別居し生計を同じくしない")
    public_servant: bool = Field(default=False, description="公務員（児童手当は所属庁が支給）")
    claim_on: date = Field(description="認定請求日")
    event_on: date | None = Field(
        None, description="出生日・転出予定日等（15日特例）。省略時は住民記録の異動から"
    )
    children: list[ChildInput] = Field(min_length=1, max_length=20, description="監護・養育する児童")
    claimant_kind: ClaimantKind = Field(default="mother", description="児童扶養手当: 母 / 父 / 養育者")
    cra_reason: CraReason | None = Field(
        default=None, description="児童扶養手当の支給要件（divorce, death, unmarried …）"
    )
    obligors: list[str] = Field(default_factory=list, max_length=10, description="扶養義務者の宛名番号")
    pension_kind: PensionKind = "none"
    pension_annual: int = Field(default=0, ge=0)


class MigrateCertifiedCase(FileClaim):
    """データ移行: a case the previous system had already certified (認定済み), recorded as version 1
    with the reason ``migrated``; the amount and the first month still come from the calculation core."""

    case_id: str | None = Field(
        default=None, pattern=r"^\d{10}$", description="旧システムの受給者番号（10桁、省略時は採番）"
    )
    decided_on: date = Field(description="認定日（旧システムの決定日）")


class Certify(_CaseCmd):
    """認定: the amount and the first month are computed by the calculation core."""

    decided_on: date | None = Field(default=None, description="決定日（省略時は処理日）")


class Reject(_CaseCmd):
    reason: str = Field(min_length=1, max_length=200, description="却下の理由")


class AddChild(_CaseCmd):
    """額改定（増額）の請求: a child born or taken into care after the 認定."""

    child: ChildInput
    requested_on: date = Field(description="額改定請求日")
    event_on: date | None = Field(
        default=None, description="出生日・転入日等（15日特例）。省略時は住民記録・生年月日"
    )


class ChildLeft(_CaseCmd):
    """額改定（減額）: a child no longer 監護 (転出・死亡・施設入所 …), from the next month."""

    child_id: str = Field(min_length=1, max_length=15)
    left_on: date = Field(description="監護しなくなった日")
    reason: str = Field(default="", max_length=200)


class Suspend(_CaseCmd):
    from_month: Month = Field(pattern=MONTH_PATTERN, description="支給停止の開始月 YYYY-MM")
    until_month: Month | None = Field(
        default=None, pattern=MONTH_PATTERN, description="終了月（省略時は解除まで）"
    )
    reason: str = Field(min_length=1, max_length=200, description="支給停止の理由")


class Resume(_CaseCmd):
    from_month: Month = Field(pattern=MONTH_PATTERN, description="支給を再開する月 YYYY-MM")
    reason: str = Field(default="", max_length=200)


class Extinguish(_CaseCmd):
    """消滅: payable through the month of the event (児童手当法第8条第2項)."""

    ended_on: date = Field(description="消滅事由の生じた日（転出予定日・死亡日等）")
    end_reason: EndReason
    note: str = Field(default="", max_length=200)


class RecordStatusReport(_CaseCmd):
    """現況届 (児童扶養手当法施行規則第4条: 毎年8月1日〜31日)."""

    received_on: date
    year: int = Field(ge=2000, le=2100, description="現況届の年")
    obligors: list[str] | None = Field(default=None, description="扶養義務者（変更があれば）")
    pension_kind: PensionKind | None = None
    pension_annual: int | None = Field(default=None, ge=0)


class RecordIncome(_Cmd):
    """所得（税務の課税状況の代わりに職員が登録、又は取込み）."""

    addressee_no: str = Field(min_length=1, max_length=15)
    income_year: int = Field(ge=2000, le=2100, description="所得の年（暦年）")
    total_income: int = Field(default=0, ge=0, description="合計所得金額")
    items: dict[str, int] = Field(default_factory=dict, description="児童扶養手当の所得の内訳")
    source: Literal["staff", "tax"] = "staff"


class RegisterAccount(_Cmd):
    """受給者の振込口座."""

    addressee_no: str = Field(min_length=1, max_length=15, description="受給者の宛名番号")
    bank_code: str = Field(pattern=r"^\d{4}$", description="金融機関コード（4桁）")
    bank_name: str = Field(default="", max_length=30, description="金融機関名（カナ）")
    branch_code: str = Field(pattern=r"^\d{3}$", description="支店コード（3桁）")
    branch_name: str = Field(default="", max_length=30, description="支店名（カナ）")
    account_type: Literal[1, 2, 4, 9] = Field(default=1, description="預金種目 1 普通 2 当座 4 貯蓄 9 その他")
    account_no: str = Field(pattern=r"^\d{1,7}$", description="口座番号（7桁以内）")
    holder_kana: str = Field(min_length=1, max_length=100, description="口座名義（カナ）")
    closed: bool = Field(default=False, description="解約（口座を使わない）")


class SetPayer(_Cmd):
    """振込依頼人（市区町村の支払口座）."""

    allowance: Allowance
    requester_code: str = Field(pattern=r"^\d{1,10}$", description="振込依頼人コード（委託者コード）")
    requester_name: str = Field(min_length=1, max_length=80, description="振込依頼人名（カナ）")
    bank_code: str = Field(pattern=r"^\d{4}$")
    bank_name: str = Field(default="", max_length=30)
    branch_code: str = Field(pattern=r"^\d{3}$")
    branch_name: str = Field(default="", max_length=30)
    account_type: Literal[1, 2, 9] = 1
    account_no: str = Field(pattern=r"^\d{1,7}$")
    pay_day: int = Field(default=10, ge=1, le=28, description="支払日（日）。閉庁日は前の開庁日")


class CompleteTask(_Cmd):
    task_id: str = Field(min_length=1, max_length=12)
    note: str = Field(default="", max_length=500)


def parse(cls: type[C], data: Mapping[str, Any]) -> C:
    """Validate raw input into a command; errors name each field in Japanese."""
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise validation_failed(exc) from None


def month_of(label: str, field: str) -> int:
    try:
        y, m = label.split("-")
        return int(y) * 12 + int(m) - 1
    except ValueError:
        raise ValidationFailed([FieldError(field, "YYYY-MM の形式で指定してください")]) from None
