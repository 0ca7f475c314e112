"""Resolve every parameter the calculation needs for one fiscal year and one tenant.

:func:`year_params` looks each key up through a :class:`~kikan.core.rules.ParameterLookup`
(a national :class:`~kikan.core.rules.ParameterSet` or a tenant's ``TenantParameterView`` with
its 超過課税 overlays) and returns a :class:`YearParams`: plain typed values for the vectorised
rules plus the :class:`~kikan.core.rules.ResolvedValue` of each key, so the trace can cite the
legal basis, source and period of every value used.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from kikan.core.rules import ParameterLookup, ParameterSet, ResolvedValue, load_parameter_dir
from kikan.core.rules.values import thaw

from . import tables as t
from .vec import Ratio, ratio

PARAMETER_DIR = Path(__file__).resolve().parent / "parameters"
M = TypeVar("M", bound=BaseModel)


@lru_cache(maxsize=1)
def national_parameters() -> ParameterSet:
    """The national parameter set of this business, validated with its table models."""
    return load_parameter_dir(PARAMETER_DIR, models=t.MODELS)


@dataclass(frozen=True)
class YearParams:
    """Typed parameter values for one fiscal year and tenant (指定都市か, 級地)."""

    fiscal_year: int
    designated: bool
    grade: int
    resolved: dict[str, ResolvedValue]
    rate_municipal: Ratio
    rate_prefectural: Ratio
    per_capita_municipal: int
    per_capita_prefectural: int
    forest_tax: int
    credit_share_municipal: Ratio
    salary: t.SalaryTable
    pension: t.PensionTable
    child_care: t.ChildCareAdjustment
    pension_salary_cap: int
    transfer_special: int
    occasional_special: int
    half_rate: Ratio
    relative_income_limit: int
    basic: t.UpperAmountTable
    spouse: t.SpouseTable
    spouse_special: t.SpouseSpecialTable
    dependant: t.DependantTable
    specific_relative: t.UpperAmountTable
    status: t.PersonalStatusTable
    student_other_income_limit: int
    life: t.LifeInsuranceTable
    earthquake: t.EarthquakeTable
    medical: t.MedicalTable
    self_medication: t.SelfMedicationTable
    casualty: t.CasualtyTable
    status_income_limit: int
    minor_age: int
    per_capita_exemption: t.GradeRow
    per_capita_fixed_addition: int
    income_levy_exemption: t.IncomeLevyExemption
    exemption_share_prefectural: Ratio
    adjustment: t.AdjustmentRates
    adjustment_municipal: Ratio
    adjustment_prefectural: Ratio
    difference: t.PersonalDifference
    dividend: t.DividendKinds
    dividend_threshold: int
    housing: t.HousingTable
    donation_basic: t.DonationBasic
    donation_municipal: Ratio
    donation_prefectural: Ratio
    donation_special: t.DonationSpecial
    filing_special: bool

    def keys(self, *names: str) -> list[ResolvedValue]:
        """Resolved values of the given relative keys (for trace steps)."""
        return [self.resolved[n] for n in names if n in self.resolved]


class _Resolver:
    def __init__(self, lookup: ParameterLookup, fiscal_year: int) -> None:
        self.lookup = lookup
        self.fy = fiscal_year
        self.resolved: dict[str, ResolvedValue] = {}

    def get(self, key: str) -> ResolvedValue:
        rv = self.lookup.value(f"{t.NS}.{key}", fiscal_year=self.fy)
        self.resolved[key] = rv
        return rv

    def model(self, key: str, model: type[M]) -> M:
        value: Any = self.get(key).value
        return value if isinstance(value, model) else model.model_validate(thaw(value))


def year_params(lookup: ParameterLookup, fiscal_year: int, *, designated: bool, grade: int) -> YearParams:
    """Resolve the parameters in force in ``fiscal_year`` (raises ``ParameterLookupError``)."""
    r = _Resolver(lookup, fiscal_year)
    r.get("calculation.supported").as_bool()
    d = "_designated" if designated else ""
    adj = r.model("adjustment_credit.rates", t.AdjustmentRates)
    basic = r.model("donation_credit.basic", t.DonationBasic)
    share = r.model("credit_share.municipal", t.Shares)
    exempt_share = r.model("nontaxable.income_levy_adjustment_share", t.Shares)
    per_capita = r.model("nontaxable.per_capita.table", t.PerCapitaExemption)
    dividend = r.model("dividend_credit.table", t.DividendTable)
    if str(grade) not in per_capita.grades:
        raise ValueError(f"級地 {grade} は非課税限度額の表にありません")
    return YearParams(
        fiscal_year=fiscal_year,
        designated=designated,
        grade=grade,
        resolved=r.resolved,
        rate_municipal=ratio(r.get(f"income_levy.rate.municipal{d}").as_rate()),
        rate_prefectural=ratio(r.get(f"income_levy.rate.prefectural{d}").as_rate()),
        per_capita_municipal=r.get("per_capita_levy.municipal").as_int(),
        per_capita_prefectural=r.get("per_capita_levy.prefectural").as_int(),
        forest_tax=r.get("forest_environment_tax").as_int(),
        credit_share_municipal=ratio(share.designated if designated else share.ordinary),
        salary=r.model("salary_income.table", t.SalaryTable),
        pension=r.model("pension_income.table", t.PensionTable),
        child_care=r.model("income_adjustment.child_care", t.ChildCareAdjustment),
        pension_salary_cap=r.get("income_adjustment.pension_and_salary").as_int(),
        transfer_special=r.get("transfer_income.special_deduction").as_int(),
        occasional_special=r.get("occasional_income.special_deduction").as_int(),
        half_rate=ratio(r.get("half_taxation.rate").as_rate()),
        relative_income_limit=r.get("relative_income_limit").as_int(),
        basic=r.model("basic_deduction.table", t.UpperAmountTable),
        spouse=r.model("spouse_deduction.table", t.SpouseTable),
        spouse_special=r.model("spouse_special_deduction.table", t.SpouseSpecialTable),
        dependant=r.model("dependant_deduction.table", t.DependantTable),
        specific_relative=r.model("specific_relative_deduction.table", t.UpperAmountTable),
        status=r.model("personal_status_deduction.table", t.PersonalStatusTable),
        student_other_income_limit=r.get("working_student.other_income_limit").as_int(),
        life=r.model("life_insurance.table", t.LifeInsuranceTable),
        earthquake=r.model("earthquake_insurance.table", t.EarthquakeTable),
        medical=r.model("medical_deduction.table", t.MedicalTable),
        self_medication=r.model("self_medication_deduction.table", t.SelfMedicationTable),
        casualty=r.model("casualty_deduction.table", t.CasualtyTable),
        status_income_limit=r.get("nontaxable.status_income_limit").as_int(),
        minor_age=r.get("nontaxable.minor_age").as_int(),
        per_capita_exemption=per_capita.grades[str(grade)],
        per_capita_fixed_addition=per_capita.fixed_addition,
        income_levy_exemption=r.model("nontaxable.income_levy.table", t.IncomeLevyExemption),
        exemption_share_prefectural=ratio(exempt_share.designated if designated else exempt_share.ordinary),
        adjustment=adj,
        adjustment_municipal=ratio(adj.municipal_designated if designated else adj.municipal),
        adjustment_prefectural=ratio(adj.prefectural_designated if designated else adj.prefectural),
        difference=r.model("adjustment_credit.personal_difference", t.PersonalDifference),
        dividend=dividend.designated if designated else dividend.ordinary,
        dividend_threshold=dividend.threshold,
        housing=r.model("housing_loan_credit.table", t.HousingTable),
        donation_basic=basic,
        donation_municipal=ratio(basic.municipal_designated if designated else basic.municipal),
        donation_prefectural=ratio(basic.prefectural_designated if designated else basic.prefectural),
        donation_special=r.model("donation_credit.special", t.DonationSpecial),
        filing_special=r.get("donation_credit.filing_special").as_bool(),
    )
