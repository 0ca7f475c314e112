"""Input and output models of the one-case 児童手当 calculation (pydantic; JSON schema with
Japanese descriptions, for the API and simulators). Months are ``"YYYY-MM"`` in outputs."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Yen = int


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LimitIncome(_Model):
    """所得制限の判定に使う所得（2024年9月分までの月の計算にだけ使う）。"""

    income_year: int = Field(
        ge=2000, le=2100, description="所得の年（暦年）。6月〜12月分は前年、1月〜5月分は前々年"
    )
    income: Yen = Field(0, ge=0, description="所得額（給与所得・事業所得等の合計）")
    deductions: Yen = Field(
        0, ge=0, description="諸控除の合計（障害者・寡婦・勤労学生・雑損・医療費等。施行令第3条第2項）"
    )
    dependants: int = Field(0, ge=0, le=30, description="税法上の扶養親族等の数（前年末）")
    elderly_dependants: int = Field(0, ge=0, le=30, description="うち老人控除対象配偶者・老人扶養親族の数")


class Guardian(_Model):
    id: str = Field(
        min_length=1, max_length=40, description="養育者の識別子（例: father / mother、宛名番号）"
    )
    income: Yen = Field(0, ge=0, description="所得額（生計を維持する程度の判定。税情報から）")
    lives_with_children: bool = Field(True, description="児童と同居している")
    public_servant: bool = Field(False, description="公務員（手当は所属庁から支給: 児童手当法第17条）")
    limit_incomes: list[LimitIncome] = Field(
        default_factory=list, description="所得制限の判定用所得（年ごと、改正前の月のみ）"
    )


class Child(_Model):
    id: str = Field(min_length=1, max_length=40, description="児童の識別子")
    birth_date: date = Field(description="生年月日")
    supported: bool = Field(
        True,
        description="監護相当・生計費の負担がある（18歳年度末後〜22歳年度末の子を第3子以降の算定に含める条件）",
    )
    in_facility: bool = Field(False, description="施設入所等児童（手当は施設の設置者・里親等に支給）")
    added_on: date | None = Field(
        None, description="額改定請求日（認定請求の後に生まれた・監護を始めた児童。なければ増額しない）"
    )
    added_event_on: date | None = Field(None, description="増額の異動日（15日特例の起算。省略時は生年月日）")
    left_on: date | None = Field(None, description="監護しなくなった日（減額はその翌月から）")


EndReason = Literal["moved_out", "death", "custody_lost", "other"]


class ChildAllowanceCase(_Model):
    """児童手当の1世帯の計算の入力。"""

    period_from: date = Field(description="計算期間の開始月（その月の任意の日）")
    period_to: date = Field(description="計算期間の終了月（その月の任意の日、この月を含む）")
    claim_on: date = Field(description="認定請求日")
    event_on: date | None = Field(
        None,
        description="出生日・前住所地の転出予定日等（請求がその翌日から15日以内なら翌月分から: 第8条第3項）",
    )
    ended_on: date | None = Field(
        None, description="受給資格の消滅日（転出予定日・死亡日等。その月分まで支給）"
    )
    end_reason: EndReason | None = Field(None, description="消滅の事由")
    newly_eligible_by_reform: bool = Field(
        False,
        description="2024年10月の改正で新たに受給資格が生じた（経過措置: 2025-03-31までの請求で2024年10月分から）",
    )
    guardians: list[Guardian] = Field(
        min_length=1, max_length=2, description="児童を監護する父母等（1〜2人）"
    )
    separated: bool = Field(False, description="父母が別居し生計を同じくしていない（離婚協議中等）")
    main_guardian: str | None = Field(None, description="生計を維持する程度の高い者として指定する養育者の id")
    children: list[Child] = Field(
        min_length=1, max_length=20, description="監護する子（22歳年度末までの子を含む）"
    )

    @model_validator(mode="after")
    def _consistent(self) -> ChildAllowanceCase:
        if self.period_to < self.period_from:
            raise ValueError("period_to は period_from 以降の日付にしてください")
        ids = [g.id for g in self.guardians]
        if len(set(ids)) != len(ids):
            raise ValueError("guardians の id が重複しています")
        if self.main_guardian is not None and self.main_guardian not in ids:
            raise ValueError("main_guardian は guardians の id で指定してください")
        if len({c.id for c in self.children}) != len(self.children):
            raise ValueError("children の id が重複しています")
        return self


class ChildMonth(_Model):
    child: str
    band: str = Field(description="年齢区分（3歳未満 / 3歳以上… / 対象外）")
    birth_order: int = Field(description="出生順位（第3子以降の算定。数えない子は0）")
    amount: Yen = Field(description="受給者への支給額")
    facility_amount: Yen = Field(description="施設等受給資格者への支給額")


class MonthAmount(_Model):
    month: str = Field(description="対象月 YYYY-MM")
    regime: Literal["reform_2024", "pre_reform"] = Field(description="適用した規定（2024年10月改正の後/前）")
    status: str = Field(description="支給区分")
    amount: Yen = Field(description="受給者への月額")
    facility_amount: Yen = Field(description="施設等への月額")
    children: list[ChildMonth]


class Payment(_Model):
    paid_in: str = Field(description="支払期月 YYYY-MM（児童手当法第8条第4項）")
    months: list[str] = Field(description="支払う月分")
    amount: Yen


class ChildAllowanceResult(_Model):
    recipient: str = Field(description="受給者（養育者の id）")
    recipient_reason: str
    recipient_basis: str
    payer: Literal["municipality", "employer"] = Field(description="支給者（市町村 / 公務員の所属庁）")
    payer_basis: str
    entitled: bool = Field(description="期間内に受給者への支給がある")
    start_month: str | None = Field(description="支給開始月")
    end_month: str | None = Field(description="支給終了月（消滅事由の月）")
    months: list[MonthAmount]
    payments: list[Payment] = Field(description="受給者への支払（支払期月ごと）")
    total: Yen
    facility_total: Yen
    facility_children: list[str] = Field(description="施設等に支給する児童（第4条第1項第3号・第4号）")
    notes: list[str]
    unverified_parameters: list[str]
    trace: dict[str, Any]
