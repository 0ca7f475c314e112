"""Input and output models of the one-case 児童扶養手当 calculation (pydantic; JSON schema with
Japanese descriptions). Months are ``"YYYY-MM"`` in outputs."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Yen = int
Count = int


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PersonIncome(_Model):
    """所得の年ごとの所得の内訳（11月〜12月分は前年、1月〜10月分は前々年の所得を使う）。"""

    income_year: int = Field(ge=2000, le=2100, description="所得の年（暦年）")
    salary_pension_income: Yen = Field(
        0, ge=0, description="給与所得と公的年金等に係る雑所得の合計（10万円を控除する前）"
    )
    other_income: Yen = Field(0, description="その他の所得（事業・不動産・一時・雑等の所得金額の合計）")
    deductions: Yen = Field(
        0, ge=0, description="雑損・医療費・小規模企業共済等掛金・配偶者特別控除の相当額の合計"
    )
    disabled_persons: Count = Field(
        0, ge=0, le=30, description="障害者控除の対象人数（本人・配偶者・扶養親族）"
    )
    special_disabled_persons: Count = Field(0, ge=0, le=30, description="特別障害者控除の対象人数")
    working_student: bool = Field(False, description="勤労学生控除")
    widow: bool = Field(False, description="寡婦控除（受給資格者が父又は母のときは控除しない）")
    single_parent: bool = Field(False, description="ひとり親控除（受給資格者が父又は母のときは控除しない）")
    dependants: Count = Field(0, ge=0, le=30, description="税法上の扶養親族等の数（16歳未満を含む）")
    elderly_dependants: Count = Field(0, ge=0, le=30, description="うち老人控除対象配偶者・老人扶養親族の数")
    specified_dependants: Count = Field(
        0, ge=0, le=30, description="うち特定扶養親族・16〜18歳の扶養親族の数（本人の限度額に加算）"
    )


class ClaimantIncome(PersonIncome):
    child_support: Yen = Field(0, ge=0, description="父又は母から受けた養育費の年額（8割を所得に含める）")
    nontaxable_pension: Yen = Field(
        0, ge=0, description="非課税公的年金給付等（障害基礎年金等を受給する場合に所得に含める）"
    )


class Obligor(_Model):
    id: str = Field(
        min_length=1, max_length=40, description="配偶者（父又は母が障害の場合）・同居の扶養義務者の識別子"
    )
    incomes: list[PersonIncome] = Field(default_factory=list, description="年ごとの所得")


class Child(_Model):
    id: str = Field(min_length=1, max_length=40)
    birth_date: date
    disabled: bool = Field(False, description="政令で定める程度の障害の状態（20歳未満まで対象）")
    in_facility: bool = Field(False, description="児童福祉施設に入所・里親に委託（対象外: 第4条第2項）")
    added_on: date | None = Field(
        None, description="額改定請求日（認定後に対象となった児童。その翌月から増額）"
    )
    left_on: date | None = Field(None, description="監護しなくなった日等（減額はその翌月から）")


Reason = Literal[
    "divorce",
    "death",
    "parent_disability",
    "unknown_whereabouts",
    "abandonment",
    "dv_protection_order",
    "detention",
    "unmarried",
    "unknown_parents",
]
PensionKind = Literal["none", "disability_basic", "other"]


class Pension(_Model):
    kind: PensionKind = Field(
        "none",
        description="none / disability_basic（障害基礎年金等: 子の加算部分と比較） / other（遺族年金・老齢年金等）",
    )
    annual_amount: Yen = Field(
        0, ge=0, description="比較する年金の年額（disability_basic は子の加算額の年額）"
    )


class ChildRearingCase(_Model):
    """児童扶養手当の1受給資格者の計算の入力。"""

    period_from: date = Field(description="計算期間の開始月（その月の任意の日）")
    period_to: date = Field(description="計算期間の終了月（この月を含む）")
    claim_on: date = Field(description="認定請求日（翌月分から支給: 第7条第1項）")
    unable_from: date | None = Field(None, description="災害等やむを得ない理由で請求できなくなった日")
    unable_until: date | None = Field(
        None, description="その理由がやんだ日（その翌日から15日以内の請求なら unable_from の翌月分から）"
    )
    ended_on: date | None = Field(None, description="受給資格の消滅日（その月分まで支給）")
    claimant_kind: Literal["mother", "father", "caretaker"] = Field(
        description="受給資格者（母 / 父 / 父母に代わる養育者）"
    )
    reason: Reason = Field(
        description="支給要件（第4条第1項各号: 離婚・死亡・障害・生死不明・遺棄・DV保護命令・拘禁・未婚・父母不明）"
    )
    cared_by_partner: bool = Field(
        False, description="父又は母の配偶者（事実婚を含む）に養育されている（障害の場合を除き対象外）"
    )
    children: list[Child] = Field(min_length=1, max_length=20)
    incomes: list[ClaimantIncome] = Field(default_factory=list, description="受給資格者の年ごとの所得")
    obligors: list[Obligor] = Field(default_factory=list, description="配偶者・生計を同じくする扶養義務者")
    pension: Pension = Field(
        default_factory=lambda: Pension(kind="none", annual_amount=0),
        description="公的年金給付（差額支給: 第13条の2）",
    )

    @model_validator(mode="after")
    def _consistent(self) -> ChildRearingCase:
        if self.period_to < self.period_from:
            raise ValueError("period_to は period_from 以降の日付にしてください")
        if (self.unable_from is None) != (self.unable_until is None):
            raise ValueError("unable_from と unable_until は両方指定してください")
        if len({c.id for c in self.children}) != len(self.children):
            raise ValueError("children の id が重複しています")
        return self


class MonthRearing(_Model):
    month: str
    status: str
    income_year: int | None = Field(description="所得の年（前年 / 前々年）")
    income: Yen = Field(description="所得額（受給資格者）")
    full_limit: Yen
    partial_limit: Yen
    eligible_children: int
    first_amount: Yen = Field(description="本体")
    additional_amount: Yen = Field(description="第2子以降加算の合計")
    allowance: Yen = Field(description="年金との調整前の手当月額")
    pension_monthly: Yen = Field(description="比較した年金の月額")
    amount: Yen = Field(description="支給月額（差額支給後）")


class Payment(_Model):
    paid_in: str = Field(description="支払期月 YYYY-MM（第7条第3項: 奇数月）")
    months: list[str]
    amount: Yen


class StatusReport(_Model):
    year: int
    due_from: date = Field(description="現況届の提出期間の初日（8月1日）")
    due_to: date = Field(description="提出期間の末日（8月31日）")


class ChildRearingResult(_Model):
    entitled: bool
    start_month: str | None
    end_month: str | None
    months: list[MonthRearing]
    payments: list[Payment]
    status_reports: list[StatusReport] = Field(description="期間中の現況届（施行規則第4条）")
    total: Yen
    notes: list[str]
    unverified_parameters: list[str]
    trace: dict[str, Any]
