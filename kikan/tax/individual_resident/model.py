"""Input and output models of the one-case calculation (pydantic; JSON schema with Japanese
descriptions, for the API and simulators).

Ages are at 31 December of the income year (前年 = ``fiscal_year − 1``), as the law judges them;
give ``age`` or ``birth_date``. Intermediate quantities (合計所得金額, 総所得金額等, 所得控除合計) may
be given instead of the raw incomes / deductions, as a simulator would.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Yen = int


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tenant(_Model):
    designated_city: bool = Field(False, description="指定都市（所得割 市8%・県2%、調整控除 市4%・県1%）")
    grade: Literal[1, 2, 3] = Field(1, description="生活保護法の級地（均等割の非課税限度額）")


class _Aged(_Model):
    age: int | None = Field(None, ge=0, le=150, description="年齢（前年12月31日現在）")
    birth_date: date | None = Field(None, description="生年月日（age の代わりに指定）")

    @model_validator(mode="after")
    def _one_age(self) -> _Aged:
        if self.age is None and self.birth_date is None:
            raise ValueError("年齢（age）か生年月日（birth_date）を指定してください")
        return self


Disability = Literal["none", "general", "special"]


class Taxpayer(_Aged):
    disability: Disability = Field(
        "none", description="障害者の区分（none / general 障害者 / special 特別障害者）"
    )
    widow: bool = Field(False, description="寡婦に該当する")
    single_parent: Literal["none", "mother", "father"] = Field(
        "none", description="ひとり親に該当する（母 / 父）"
    )
    working_student: bool = Field(False, description="勤労学生に該当する")
    public_assistance: bool = Field(False, description="1月1日現在、生活保護法の生活扶助を受けている")


class Incomes(_Model):
    salary_revenue: Yen = Field(0, ge=0, description="給与等の収入金額")
    pension_revenue: Yen = Field(0, ge=0, description="公的年金等の収入金額")
    business_income: Yen = Field(0, description="事業所得（損失は負）")
    real_estate_income: Yen = Field(0, description="不動産所得（損失は負）")
    interest_income: Yen = Field(0, ge=0, description="利子所得（総合課税分）")
    dividend_income: Yen = Field(0, ge=0, description="配当所得（総合課税、利益の配当等、配当控除の対象）")
    dividend_trust_income: Yen = Field(0, ge=0, description="配当所得（総合課税、証券投資信託の収益の分配）")
    misc_income: Yen = Field(0, description="公的年金等以外の雑所得（損失は0とみなす）")
    transfer_short_gain: Yen = Field(0, ge=0, description="総合課税の短期譲渡の差益（特別控除前）")
    transfer_long_gain: Yen = Field(0, ge=0, description="総合課税の長期譲渡の差益（特別控除前）")
    occasional_gain: Yen = Field(0, ge=0, description="一時所得の収入 − 支出（特別控除前）")


class Intermediates(_Model):
    total_income: Yen | None = Field(None, ge=0, description="合計所得金額（指定すると所得の計算に代える）")
    aggregate_income: Yen | None = Field(
        None, ge=0, description="総所得金額等（指定すると所得の計算に代える）"
    )
    income_deductions: Yen | None = Field(
        None, ge=0, description="所得控除の合計（指定すると各控除の計算に代える）"
    )


class Spouse(_Aged):
    total_income: Yen = Field(0, ge=0, description="配偶者の合計所得金額")
    disability: Disability = Field("none", description="配偶者の障害者の区分")
    cohabiting: bool = Field(True, description="納税義務者と同居（同居特別障害者の判定）")


class Dependant(_Aged):
    total_income: Yen = Field(0, ge=0, description="親族の合計所得金額")
    disability: Disability = Field("none", description="親族の障害者の区分")
    cohabiting: bool = Field(True, description="納税義務者と同居")
    lineal_ascendant: bool = Field(False, description="納税義務者又は配偶者の直系尊属（同居老親等の判定）")


class LifeInsurance(_Model):
    new_general: Yen = Field(0, ge=0, description="一般生命保険料（新契約）の支払額")
    old_general: Yen = Field(0, ge=0, description="一般生命保険料（旧契約）の支払額")
    care_medical: Yen = Field(0, ge=0, description="介護医療保険料の支払額")
    new_annuity: Yen = Field(0, ge=0, description="個人年金保険料（新契約）の支払額")
    old_annuity: Yen = Field(0, ge=0, description="個人年金保険料（旧契約）の支払額")


class Deductions(_Model):
    social_insurance: Yen = Field(0, ge=0, description="社会保険料の支払額")
    small_enterprise_mutual_aid: Yen = Field(0, ge=0, description="小規模企業共済等掛金（iDeCo 等）の支払額")
    life_insurance: LifeInsurance = Field(
        default_factory=lambda: LifeInsurance.model_validate({}), description="生命保険料"
    )
    earthquake_premium: Yen = Field(0, ge=0, description="地震保険料の支払額")
    old_long_term_premium: Yen = Field(0, ge=0, description="旧長期損害保険料の支払額")
    medical_expenses: Yen = Field(0, ge=0, description="医療費の支払額")
    medical_reimbursement: Yen = Field(0, ge=0, description="保険金等で補填される金額")
    self_medication_expenses: Yen = Field(0, ge=0, description="特定一般用医薬品等購入費")
    use_self_medication: bool = Field(False, description="セルフメディケーション税制を選択する")
    casualty_loss: Yen = Field(0, ge=0, description="雑損失の金額（損失額 − 補填額）")
    casualty_disaster_expenses: Yen = Field(0, ge=0, description="うち災害関連支出の金額")


class HousingLoan(_Model):
    unabsorbed_amount: Yen = Field(
        0, ge=0, description="所得税の住宅借入金等特別控除可能額のうち所得税から控除しきれなかった額"
    )
    income_tax_taxable_income: Yen = Field(
        0, ge=0, description="所得税の課税総所得金額等（控除限度額の計算）"
    )
    specified: bool = Field(False, description="特定取得等に該当（控除限度 7%・136,500円）")


class Donations(_Model):
    hometown: Yen = Field(0, ge=0, description="都道府県・市区町村への寄附金（ふるさと納税）")
    community_chest: Yen = Field(0, ge=0, description="住所地の共同募金会・日本赤十字社支部への寄附金")
    designated_both: Yen = Field(0, ge=0, description="都道府県・市区町村の双方が条例で指定した寄附金")
    designated_prefectural: Yen = Field(0, ge=0, description="都道府県のみが条例で指定した寄附金")
    designated_municipal: Yen = Field(0, ge=0, description="市区町村のみが条例で指定した寄附金")
    one_stop: bool = Field(False, description="ふるさと納税ワンストップ特例（申告特例控除）を適用する")


class ForeignTaxCredit(_Model):
    municipal: Yen = Field(
        0, ge=0, description="外国税額控除のうち市町村民税から控除する額（控除限度額内で算出済み）"
    )
    prefectural: Yen = Field(0, ge=0, description="外国税額控除のうち道府県民税から控除する額（同上）")


class TaxpayerCase(_Model):
    """個人住民税の計算に必要な1人分の入力。"""

    fiscal_year: int = Field(
        ..., ge=2000, le=2100, description="課税年度（西暦。2026 = 令和8年度、前年の所得に課税）"
    )
    tenant: Tenant = Field(
        default_factory=lambda: Tenant.model_validate({}),
        description="賦課する団体の属性（超過課税は ParameterLookup で渡す）",
    )
    taxpayer: Taxpayer = Field(..., description="納税義務者本人")
    incomes: Incomes = Field(
        default_factory=lambda: Incomes.model_validate({}), description="前年の収入・所得"
    )
    intermediates: Intermediates = Field(
        default_factory=lambda: Intermediates.model_validate({}), description="中間値の直接指定"
    )
    spouse: Spouse | None = Field(None, description="配偶者（生計を一にするもの）")
    dependants: list[Dependant] = Field(default_factory=list, description="生計を一にする親族（子・父母等）")
    deductions: Deductions = Field(
        default_factory=lambda: Deductions.model_validate({}), description="所得控除の基礎となる支払額等"
    )
    housing_loan: HousingLoan = Field(
        default_factory=lambda: HousingLoan.model_validate({}), description="住宅借入金等特別税額控除"
    )
    donations: Donations = Field(
        default_factory=lambda: Donations.model_validate({}), description="寄附金税額控除の対象となる寄附金"
    )
    foreign_tax_credit: ForeignTaxCredit = Field(
        default_factory=lambda: ForeignTaxCredit.model_validate({}), description="外国税額控除（簡略化）"
    )


class Exemption(_Model):
    per_capita_exempt: bool = Field(..., description="均等割（と森林環境税）が非課税")
    income_levy_exempt: bool = Field(..., description="所得割が非課税")
    reason_code: int = Field(
        ...,
        description="0 課税、1 生活扶助、2 障害者等135万円以下、3 均等割の非課税限度額以下、4 所得割の非課税限度額以下",
    )
    reason: str = Field(..., description="非課税の理由（根拠条文）")


class TaxResult(_Model):
    """計算結果: 年税額、すべての中間値（amounts）、非課税の判定、計算過程（trace）。"""

    fiscal_year: int
    total_tax: Yen = Field(..., description="年税額（市町村民税 + 道府県民税 + 森林環境税）")
    municipal_tax: Yen = Field(..., description="市町村民税額")
    prefectural_tax: Yen = Field(..., description="道府県民税額")
    forest_environment_tax: Yen = Field(..., description="森林環境税")
    exemption: Exemption
    amounts: dict[str, Yen] = Field(..., description="中間値（キーと意味は columns.OUTPUTS）")
    unverified_parameters: list[str] = Field(
        default_factory=list, description="使用したパラメータのうち条文未確認（verified: false）のもの"
    )
    trace: dict[str, Any] = Field(..., description="計算過程（各ステップのパラメータ・根拠・端数処理）")
