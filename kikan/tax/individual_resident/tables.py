"""Pydantic models of the ``table`` parameters in ``parameters/*.yaml`` (validated at load time).

Rates are written as decimal strings in the YAML and parsed as :class:`~decimal.Decimal`; the rule
functions turn them into exact integer ratios (see :mod:`.vec`).
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, RootModel


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SalaryBracket(_Frozen):
    lower: int
    upper: int | None
    fixed: int | None = None
    step: int = 1
    rate: Decimal = Decimal(1)
    add: int = 0


class SalaryTable(RootModel[tuple[SalaryBracket, ...]]):
    model_config = ConfigDict(frozen=True)


class PensionBracket(_Frozen):
    lower: int
    rate: Decimal
    deduction: int


class PensionReduction(_Frozen):
    other_income_over: int
    reduction: int


class PensionTable(_Frozen):
    age_threshold: int
    under65: tuple[PensionBracket, ...]
    age65: tuple[PensionBracket, ...]
    reductions: tuple[PensionReduction, ...]


class ChildCareAdjustment(_Frozen):
    salary_threshold: int
    salary_cap: int
    rate: Decimal
    dependant_age_below: int


class UpperAmount(_Frozen):
    upper: int | None
    amount: int


class UpperAmountTable(RootModel[tuple[UpperAmount, ...]]):
    model_config = ConfigDict(frozen=True)


class SpouseRow(_Frozen):
    taxpayer_upper: int
    general: int
    elderly: int


class SpouseTable(RootModel[tuple[SpouseRow, ...]]):
    model_config = ConfigDict(frozen=True)


class SpouseSpecialRow(_Frozen):
    spouse_upper: int
    amounts: tuple[int, int, int]


class SpouseSpecialTable(RootModel[tuple[SpouseSpecialRow, ...]]):
    model_config = ConfigDict(frozen=True)


class DependantTable(_Frozen):
    minimum_age: int
    specific_ages: tuple[int, int]
    elderly_age: int
    general: int
    specific: int
    elderly: int
    elderly_cohabiting: int


class PersonalStatusTable(_Frozen):
    disability_general: int
    disability_special: int
    disability_special_cohabiting: int
    widow: int
    widow_income_limit: int
    single_parent: int
    single_parent_income_limit: int
    working_student: int
    working_student_income_limit: int


class RateBracket(_Frozen):
    upper: int | None
    rate: Decimal
    add: int = 0


class LifeInsuranceTable(_Frozen):
    new: tuple[RateBracket, ...]
    old: tuple[RateBracket, ...]
    mixed_cap: int
    total_cap: int


class EarthquakeTable(_Frozen):
    rate: Decimal
    earthquake_cap: int
    old_long_term: tuple[RateBracket, ...]
    total_cap: int


class MedicalTable(_Frozen):
    floor_amount: int
    floor_rate: Decimal
    cap: int


class SelfMedicationTable(_Frozen):
    floor_amount: int
    cap: int


class CasualtyTable(_Frozen):
    income_rate: Decimal
    disaster_floor: int


class GradeRow(_Frozen):
    base: int
    dependant_addition: int


class PerCapitaExemption(_Frozen):
    fixed_addition: int
    grades: dict[str, GradeRow]


class IncomeLevyExemption(_Frozen):
    base: int
    fixed_addition: int
    dependant_addition: int


class Shares(_Frozen):
    ordinary: Decimal
    designated: Decimal


class AdjustmentRates(_Frozen):
    threshold: int
    minimum_base: int
    income_limit: int
    municipal: Decimal
    prefectural: Decimal
    municipal_designated: Decimal
    prefectural_designated: Decimal


class SpouseSpecialDifference(_Frozen):
    below: int
    amounts: tuple[int, int, int]


class PersonalDifference(_Frozen):
    basic: int
    spouse_general: tuple[int, int, int]
    spouse_elderly: tuple[int, int, int]
    spouse_special: tuple[SpouseSpecialDifference, ...]
    dependant_general: int
    dependant_specific: int
    dependant_elderly: int
    dependant_elderly_cohabiting: int
    specific_relative: int
    disability_general: int
    disability_special: int
    disability_special_cohabiting: int
    widow: int
    single_parent_mother: int
    single_parent_father: int
    working_student: int


class SplitRates(_Frozen):
    municipal: Decimal
    prefectural: Decimal


class LowHigh(_Frozen):
    low: SplitRates
    high: SplitRates


class DividendKinds(_Frozen):
    profit: LowHigh
    trust: LowHigh


class DividendTable(_Frozen):
    threshold: int
    ordinary: DividendKinds
    designated: DividendKinds


class HousingCap(_Frozen):
    rate: Decimal
    cap: int


class HousingTable(_Frozen):
    standard: HousingCap
    specified: HousingCap


class DonationBasic(_Frozen):
    floor: int
    income_cap_rate: Decimal
    municipal: Decimal
    prefectural: Decimal
    municipal_designated: Decimal
    prefectural_designated: Decimal


class IncomeTaxRate(_Frozen):
    upper: int | None
    rate: Decimal


class DonationSpecial(_Frozen):
    floor: int
    base_rate: Decimal
    surtax_factor: Decimal
    negative_rate: Decimal
    cap_rate: Decimal
    income_tax_rates: tuple[IncomeTaxRate, ...]


NS = "tax.individual_resident"

MODELS: dict[str, type[BaseModel]] = {
    f"{NS}.salary_income.table": SalaryTable,
    f"{NS}.pension_income.table": PensionTable,
    f"{NS}.income_adjustment.child_care": ChildCareAdjustment,
    f"{NS}.basic_deduction.table": UpperAmountTable,
    f"{NS}.spouse_deduction.table": SpouseTable,
    f"{NS}.spouse_special_deduction.table": SpouseSpecialTable,
    f"{NS}.dependant_deduction.table": DependantTable,
    f"{NS}.specific_relative_deduction.table": UpperAmountTable,
    f"{NS}.personal_status_deduction.table": PersonalStatusTable,
    f"{NS}.life_insurance.table": LifeInsuranceTable,
    f"{NS}.earthquake_insurance.table": EarthquakeTable,
    f"{NS}.medical_deduction.table": MedicalTable,
    f"{NS}.self_medication_deduction.table": SelfMedicationTable,
    f"{NS}.casualty_deduction.table": CasualtyTable,
    f"{NS}.nontaxable.per_capita.table": PerCapitaExemption,
    f"{NS}.nontaxable.income_levy.table": IncomeLevyExemption,
    f"{NS}.nontaxable.income_levy_adjustment_share": Shares,
    f"{NS}.credit_share.municipal": Shares,
    f"{NS}.adjustment_credit.rates": AdjustmentRates,
    f"{NS}.adjustment_credit.personal_difference": PersonalDifference,
    f"{NS}.dividend_credit.table": DividendTable,
    f"{NS}.housing_loan_credit.table": HousingTable,
    f"{NS}.donation_credit.basic": DonationBasic,
    f"{NS}.donation_credit.special": DonationSpecial,
}
