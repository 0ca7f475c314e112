"""One-case calculation: :func:`calculate` turns a :class:`TaxpayerCase` into a :class:`TaxResult`.

It runs the same vectorised rules as the batch (:func:`~.pipeline.compute` on one row plus its
relatives) and records a :class:`~kikan.core.rules.Trace` naming every parameter used (key, legal
basis, source, period, verified) and every rounding (地方税法第20条の4の2). Pure: no I/O, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import numpy as np
from pydantic import ValidationError

from kikan.core.calendar import age_on
from kikan.core.errors import FieldError, ValidationFailed
from kikan.core.rules import ParameterLookup, Trace
from kikan.core.rules.rounding import BASIS_TAX_AMOUNT, BASIS_TAX_BASE

from .batch import resolve_params
from .columns import OUTPUTS, TAXPAYER_INPUTS
from .model import Dependant, Exemption, Spouse, TaxpayerCase, TaxResult, _Aged
from .params import YearParams, national_parameters
from .pipeline import compute
from .rules.levy import REASONS
from .rules.relatives import Relatives

_DIS = {"none": 0, "general": 1, "special": 2}
_PARENT = {"none": 0, "mother": 1, "father": 2}

# (output, parameter keys relative to the namespace); rates list both keys, only the resolved one is cited.
STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("salary_income_before_adjustment", ("salary_income.table",)),
    ("income_adjustment_deduction", ("income_adjustment.child_care", "income_adjustment.pension_and_salary")),
    ("salary_income", ()),
    ("pension_income", ("pension_income.table",)),
    ("transfer_income", ("transfer_income.special_deduction",)),
    ("occasional_income", ("occasional_income.special_deduction",)),
    ("total_income", ("half_taxation.rate",)),
    ("aggregate_income", ()),
    ("household_members", ("relative_income_limit", "dependant_deduction.table")),
    ("basic_deduction", ("basic_deduction.table",)),
    ("spouse_deduction", ("spouse_deduction.table", "relative_income_limit")),
    ("spouse_special_deduction", ("spouse_special_deduction.table", "relative_income_limit")),
    ("dependant_deduction", ("dependant_deduction.table", "relative_income_limit")),
    ("specific_relative_deduction", ("specific_relative_deduction.table",)),
    ("disability_deduction", ("personal_status_deduction.table",)),
    ("widow_deduction", ("personal_status_deduction.table",)),
    ("single_parent_deduction", ("personal_status_deduction.table",)),
    ("working_student_deduction", ("personal_status_deduction.table", "working_student.other_income_limit")),
    ("social_insurance_deduction", ()),
    ("small_enterprise_deduction", ()),
    ("life_insurance_deduction", ("life_insurance.table",)),
    ("earthquake_insurance_deduction", ("earthquake_insurance.table",)),
    ("medical_deduction", ("medical_deduction.table", "self_medication_deduction.table")),
    ("casualty_deduction", ("casualty_deduction.table",)),
    ("income_deductions", ()),
    ("taxable_income", ()),
    ("per_capita_limit", ("nontaxable.per_capita.table",)),
    ("income_levy_limit", ("nontaxable.income_levy.table",)),
    ("exemption_reason", ("nontaxable.status_income_limit", "nontaxable.minor_age")),
    ("personal_difference", ("adjustment_credit.personal_difference",)),
    ("income_levy_gross_municipal", ("income_levy.rate.municipal", "income_levy.rate.municipal_designated")),
    (
        "income_levy_gross_prefectural",
        ("income_levy.rate.prefectural", "income_levy.rate.prefectural_designated"),
    ),
    ("adjustment_credit_municipal", ("adjustment_credit.rates",)),
    ("adjustment_credit_prefectural", ("adjustment_credit.rates",)),
    ("dividend_credit_municipal", ("dividend_credit.table",)),
    ("dividend_credit_prefectural", ("dividend_credit.table",)),
    ("housing_loan_credit_municipal", ("housing_loan_credit.table", "credit_share.municipal")),
    ("housing_loan_credit_prefectural", ("housing_loan_credit.table", "credit_share.municipal")),
    ("donation_basic_municipal", ("donation_credit.basic",)),
    ("donation_basic_prefectural", ("donation_credit.basic",)),
    ("donation_special_municipal", ("donation_credit.special", "credit_share.municipal")),
    ("donation_special_prefectural", ("donation_credit.special", "credit_share.municipal")),
    ("donation_filing_municipal", ("donation_credit.filing_special", "donation_credit.special")),
    ("donation_filing_prefectural", ("donation_credit.filing_special", "donation_credit.special")),
    ("foreign_tax_credit_municipal", ()),
    ("foreign_tax_credit_prefectural", ()),
    ("exemption_adjustment_municipal", ("nontaxable.income_levy_adjustment_share",)),
    ("exemption_adjustment_prefectural", ("nontaxable.income_levy_adjustment_share",)),
    ("income_levy_before_rounding_municipal", ()),
    ("income_levy_before_rounding_prefectural", ()),
    ("income_levy_municipal", ()),
    ("income_levy_prefectural", ()),
    ("per_capita_municipal", ("per_capita_levy.municipal",)),
    ("per_capita_prefectural", ("per_capita_levy.prefectural",)),
    ("forest_environment_tax", ("forest_environment_tax",)),
    ("municipal_tax", ()),
    ("prefectural_tax", ()),
    ("total_tax", ("calculation.supported",)),
)
_ROUNDED = {
    "taxable_income": ("floor_tax_base", 1000, BASIS_TAX_BASE),
    "income_levy_municipal": ("floor_tax_amount", 100, BASIS_TAX_AMOUNT),
    "income_levy_prefectural": ("floor_tax_amount", 100, BASIS_TAX_AMOUNT),
}


def parse_case(data: Mapping[str, Any]) -> TaxpayerCase:
    """Validate raw JSON-like input; errors become :class:`ValidationFailed` naming each field."""
    try:
        return TaxpayerCase.model_validate(data)
    except ValidationError as exc:
        errors = [
            FieldError(".".join(str(x) for x in err["loc"]) or "case", _message(err)) for err in exc.errors()
        ]
        raise ValidationFailed(errors) from None


def _message(err: Any) -> str:
    kind = err.get("type", "")
    if kind == "greater_than_equal":
        return f"{err['ctx']['ge']} 以上で指定してください"
    if kind == "extra_forbidden":
        return "不明な項目です"
    if kind == "missing":
        return "必須項目です"
    if kind.startswith("int") or kind.startswith("bool") or kind.startswith("date"):
        return "形式が正しくありません"
    return str(err.get("msg", "入力内容に誤りがあります")).removeprefix("Value error, ")


def _age(person: _Aged, income_year: int) -> int:
    if person.age is not None:
        return person.age
    assert person.birth_date is not None
    return age_on(person.birth_date, date(income_year, 12, 31))


def case_columns(case: TaxpayerCase) -> tuple[dict[str, np.ndarray], Relatives]:
    """The one-row taxpayer columns and the relatives table of ``case``."""
    year = case.fiscal_year - 1
    i, d, lf = case.incomes, case.deductions, case.deductions.life_insurance
    tp, im = case.taxpayer, case.intermediates
    values: dict[str, int] = dict(i.model_dump())
    values.update(
        age=_age(tp, year),
        given_total_income=-1 if im.total_income is None else im.total_income,
        given_aggregate_income=-1 if im.aggregate_income is None else im.aggregate_income,
        given_income_deductions=-1 if im.income_deductions is None else im.income_deductions,
        social_insurance=d.social_insurance,
        small_enterprise_mutual_aid=d.small_enterprise_mutual_aid,
        life_new_general=lf.new_general,
        life_old_general=lf.old_general,
        life_care_medical=lf.care_medical,
        life_new_annuity=lf.new_annuity,
        life_old_annuity=lf.old_annuity,
        earthquake_premium=d.earthquake_premium,
        old_long_term_premium=d.old_long_term_premium,
        medical_expenses=max(d.medical_expenses - d.medical_reimbursement, 0),
        self_medication_expenses=d.self_medication_expenses,
        use_self_medication=int(d.use_self_medication),
        casualty_loss=d.casualty_loss,
        casualty_disaster_expenses=d.casualty_disaster_expenses,
        disability=_DIS[tp.disability],
        widow=int(tp.widow),
        single_parent=_PARENT[tp.single_parent],
        working_student=int(tp.working_student),
        public_assistance=int(tp.public_assistance),
        housing_loan_unabsorbed=case.housing_loan.unabsorbed_amount,
        income_tax_taxable_income=case.housing_loan.income_tax_taxable_income,
        housing_loan_specified=int(case.housing_loan.specified),
        donation_hometown=case.donations.hometown,
        donation_community_chest=case.donations.community_chest,
        donation_designated_both=case.donations.designated_both,
        donation_designated_prefectural=case.donations.designated_prefectural,
        donation_designated_municipal=case.donations.designated_municipal,
        one_stop=int(case.donations.one_stop),
        foreign_tax_credit_municipal=case.foreign_tax_credit.municipal,
        foreign_tax_credit_prefectural=case.foreign_tax_credit.prefectural,
    )
    columns = {k: np.asarray([values[k]], dtype=np.int64) for k in TAXPAYER_INPUTS}
    people: list[Spouse | Dependant] = ([case.spouse] if case.spouse else []) + list(case.dependants)
    m = len(people)

    def col(values: list[int]) -> np.ndarray:
        return np.asarray(values, dtype=np.int64).reshape(m)

    rel = Relatives(
        owner=np.zeros(m, dtype=np.intp),
        is_spouse=col([isinstance(x, Spouse) for x in people]) > 0,
        age=col([_age(x, year) for x in people]),
        total_income=col([x.total_income for x in people]),
        cohabiting_ascendant=col(
            [isinstance(x, Dependant) and x.lineal_ascendant and x.cohabiting for x in people]
        )
        > 0,
        disability=col([_DIS[x.disability] for x in people]),
        cohabiting=col([x.cohabiting for x in people]) > 0,
    )
    return columns, rel


def _trace(out: dict[str, int], p: YearParams, case: TaxpayerCase) -> Trace:
    trace = Trace("individual_resident_tax")
    for name, keys in STEPS:
        used = p.keys(*keys)
        note = OUTPUTS[name]
        if name == "exemption_reason":
            note = REASONS[out[name]]
        if name in _ROUNDED:
            method, unit, basis = _ROUNDED[name]
            before = (
                max(out["aggregate_income"] - out["income_deductions"], 0)
                if name == "taxable_income"
                else out[name.replace("income_levy_", "income_levy_before_rounding_")]
            )
            trace.rounded(
                name, before, out[name], method=method, unit=unit, basis=basis, parameters=used, note=note
            )
        else:
            trace.add(name, out[name], parameters=used, note=note)
    return trace


def calculate(case: TaxpayerCase, params: ParameterLookup | None = None) -> TaxResult:
    """Compute one taxpayer's 個人住民税 (FY2025/FY2026) with every intermediate and its trace.

    ``params`` defaults to the national parameters; pass a tenant's ``TenantParameterView`` to
    apply 超過課税 and other ordinance overlays. Bad input raises :class:`ValidationFailed`.
    """
    lookup = params if params is not None else national_parameters()
    p = resolve_params(
        lookup, case.fiscal_year, designated_city=case.tenant.designated_city, grade=case.tenant.grade
    )
    columns, rel = case_columns(case)
    arrays = compute(columns, rel, p)
    out = {k: int(v[0]) for k, v in arrays.items()}
    trace = _trace(out, p, case)
    return TaxResult(
        fiscal_year=case.fiscal_year,
        total_tax=out["total_tax"],
        municipal_tax=out["municipal_tax"],
        prefectural_tax=out["prefectural_tax"],
        forest_environment_tax=out["forest_environment_tax"],
        exemption=Exemption(
            per_capita_exempt=bool(out["per_capita_exempt"]),
            income_levy_exempt=bool(out["income_levy_exempt"]),
            reason_code=out["exemption_reason"],
            reason=REASONS[out["exemption_reason"]],
        ),
        amounts={k: out[k] for k in OUTPUTS},
        unverified_parameters=sorted(rv.key for rv in p.resolved.values() if not rv.verified),
        trace=trace.to_dict(),
    )
