"""The whole calculation as one pass of vectorised rules over N taxpayers (and M relatives).

:func:`compute` is shared by the one-case :func:`~.calc.calculate` (N = 1) and the batch
:func:`~.batch.calculate_batch`; there is no per-person Python loop. Order (地方税法第313条〜):
所得 → 合計所得金額・総所得金額等 → 所得控除 → 課税総所得金額 → 非課税判定 → 算出所得割 →
調整控除 → 配当控除 → 住宅借入金等特別税額控除 → 寄附金税額控除 → 外国税額控除 →
非課税限度額に係る調整 → 100円未満切捨て → 均等割・森林環境税。
"""

from __future__ import annotations

import numpy as np

from .params import YearParams
from .rules import credits, deductions, income, levy, relatives
from .rules.relatives import Relatives
from .vec import Yen, clip0


def _given(given: Yen, computed: Yen) -> Yen:
    return np.where(given >= 0, given, computed).astype(np.int64)


def compute(c: dict[str, Yen], rel: Relatives, p: YearParams) -> dict[str, Yen]:
    """Compute every output of :data:`~.columns.OUTPUTS` for the taxpayer columns ``c``."""
    n = len(c["salary_revenue"])
    out: dict[str, Yen] = {}
    members, child_flag = relatives.flags(rel, p, n)
    out["household_members"] = members

    # 所得（第313条第2項: 所得税の例）
    eligible = child_flag | (c["disability"] == 2)
    before = income.salary_income(c["salary_revenue"], p.salary)
    adj1 = np.minimum(income.child_care_adjustment(c["salary_revenue"], eligible, p.child_care), before)
    sal1 = before - adj1
    others = (
        c["business_income"]
        + c["real_estate_income"]
        + c["interest_income"]
        + c["dividend_income"]
        + c["dividend_trust_income"]
        + clip0(c["misc_income"])
    )

    def aggregate_of(ordinary: Yen) -> tuple[Yen, Yen, Yen]:
        return income.aggregate_income(
            ordinary,
            c["transfer_short_gain"],
            c["transfer_long_gain"],
            c["occasional_gain"],
            transfer_special=p.transfer_special,
            occasional_special=p.occasional_special,
            half_rate=p.half_rate,
        )

    non_pension, _, _ = aggregate_of(sal1 + others)
    pension = income.pension_income(c["pension_revenue"], c["age"], non_pension, p.pension)
    adj2 = income.pension_salary_adjustment(sal1, pension, p.pension_salary_cap)
    salary = sal1 - adj2
    ordinary = salary + pension + others
    computed, transfer, occasional = aggregate_of(ordinary)
    total = _given(c["given_total_income"], _given(c["given_aggregate_income"], computed))
    aggregate = _given(c["given_aggregate_income"], _given(c["given_total_income"], computed))
    out.update(
        salary_income_before_adjustment=before,
        income_adjustment_deduction=adj1 + adj2,
        salary_income=salary,
        pension_income=pension,
        ordinary_income=ordinary,
        transfer_income=transfer,
        occasional_income=occasional,
        total_income=total,
        aggregate_income=aggregate,
    )

    # 所得控除（第314条の2）
    out.update(relatives.deductions(rel, p, total[rel.owner], n))
    out["basic_deduction"] = deductions.basic(total, p.basic)
    dis, wid, parent, student = deductions.personal_status(
        c["disability"],
        c["widow"] > 0,
        c["single_parent"],
        c["working_student"] > 0,
        total,
        total - salary,
        p.status,
        p.student_other_income_limit,
    )
    out["disability_deduction"] = dis + out.pop("relative_disability_deduction")
    out.update(widow_deduction=wid, single_parent_deduction=parent, working_student_deduction=student)
    out["social_insurance_deduction"] = clip0(c["social_insurance"])
    out["small_enterprise_deduction"] = clip0(c["small_enterprise_mutual_aid"])
    out["life_insurance_deduction"] = deductions.life_insurance(
        c["life_new_general"],
        c["life_old_general"],
        c["life_care_medical"],
        c["life_new_annuity"],
        c["life_old_annuity"],
        p.life,
    )
    out["earthquake_insurance_deduction"] = deductions.earthquake(
        c["earthquake_premium"], c["old_long_term_premium"], p.earthquake
    )
    out["medical_deduction"] = deductions.medical(
        c["medical_expenses"],
        c["self_medication_expenses"],
        c["use_self_medication"] > 0,
        aggregate,
        p.medical,
        p.self_medication,
    )
    out["casualty_deduction"] = deductions.casualty(
        c["casualty_loss"], c["casualty_disaster_expenses"], aggregate, p.casualty
    )
    parts = [
        "basic_deduction",
        "spouse_deduction",
        "spouse_special_deduction",
        "dependant_deduction",
        "specific_relative_deduction",
        "disability_deduction",
        "widow_deduction",
        "single_parent_deduction",
        "working_student_deduction",
        "social_insurance_deduction",
        "small_enterprise_deduction",
        "life_insurance_deduction",
        "earthquake_insurance_deduction",
        "medical_deduction",
        "casualty_deduction",
    ]
    summed = np.sum([out[k] for k in parts], axis=0).astype(np.int64)
    out["income_deductions"] = _given(c["given_income_deductions"], summed)
    taxable = levy.taxable_income(aggregate, out["income_deductions"])
    out["taxable_income"] = taxable

    # 人的控除差（第314条の6第1号イ）
    d = p.difference
    own = (
        np.where(out["basic_deduction"] > 0, d.basic, 0)
        + np.select(
            [c["disability"] == 2, c["disability"] == 1], [d.disability_special, d.disability_general], 0
        )
        + np.where(wid > 0, d.widow, 0)
        + np.where(
            parent > 0, np.where(c["single_parent"] == 2, d.single_parent_father, d.single_parent_mother), 0
        )
        + np.where(student > 0, d.working_student, 0)
    )
    difference = (own + out.pop("relative_difference")).astype(np.int64)
    out["personal_difference"] = difference

    # 非課税（第295条・附則第3条の3）
    status = (c["disability"] > 0) | (c["age"] < p.minor_age) | (c["widow"] > 0) | (c["single_parent"] > 0)
    pc_exempt, il_exempt, reason, pc_limit, il_limit = levy.exemption(
        public_assistance=c["public_assistance"] > 0,
        status=status,
        total_income=total,
        aggregate=aggregate,
        members=members,
        p=p,
    )
    out.update(per_capita_limit=pc_limit, income_levy_limit=il_limit, exemption_reason=reason)
    out["per_capita_exempt"] = pc_exempt.astype(np.int64)
    out["income_levy_exempt"] = il_exempt.astype(np.int64)

    # 所得割と税額控除（市町村分・道府県分それぞれ）
    gm = np.where(il_exempt, 0, levy.gross_levy(taxable, p.rate_municipal)).astype(np.int64)
    gp = np.where(il_exempt, 0, levy.gross_levy(taxable, p.rate_prefectural)).astype(np.int64)
    out.update(income_levy_gross_municipal=gm, income_levy_gross_prefectural=gp)
    am, ap = levy.adjustment_credit(taxable, difference, total, p)
    out["adjustment_credit_municipal"], lm = credits.apply(gm, am)
    out["adjustment_credit_prefectural"], lp = credits.apply(gp, ap)
    after_adjust = (lm.copy(), lp.copy())
    dm, dp = credits.dividend(taxable, c["dividend_income"], c["dividend_trust_income"], p)
    out["dividend_credit_municipal"], lm = credits.apply(lm, dm)
    out["dividend_credit_prefectural"], lp = credits.apply(lp, dp)
    hm, hp = credits.housing_loan(
        c["housing_loan_unabsorbed"], c["income_tax_taxable_income"], c["housing_loan_specified"] > 0, p
    )
    out["housing_loan_credit_municipal"], lm = credits.apply(lm, hm)
    out["housing_loan_credit_prefectural"], lp = credits.apply(lp, hp)
    shared = c["donation_hometown"] + c["donation_community_chest"] + c["donation_designated_both"]
    bm, bp = credits.donation_basic(
        shared + c["donation_designated_municipal"],
        shared + c["donation_designated_prefectural"],
        aggregate,
        p,
    )
    out["donation_basic_municipal"], lm = credits.apply(lm, bm)
    out["donation_basic_prefectural"], lp = credits.apply(lp, bp)
    rn, rd, sn, sd = credits.special_rate(taxable, difference, p)
    sm, sp = credits.donation_special(c["donation_hometown"], (rn, rd), after_adjust, p)
    out["donation_special_municipal"], lm = credits.apply(lm, sm)
    out["donation_special_prefectural"], lp = credits.apply(lp, sp)
    fm, fp = credits.filing_special((sm, sp), (rn, rd), (sn, sd), c["one_stop"] > 0, p)
    out["donation_filing_municipal"], lm = credits.apply(lm, fm)
    out["donation_filing_prefectural"], lp = credits.apply(lp, fp)
    out["foreign_tax_credit_municipal"], lm = credits.apply(lm, c["foreign_tax_credit_municipal"])
    out["foreign_tax_credit_prefectural"], lp = credits.apply(lp, c["foreign_tax_credit_prefectural"])
    xm, xp = levy.exemption_adjustment(aggregate, lm, lp, il_limit, p)
    xm, xp = np.where(il_exempt, 0, xm), np.where(il_exempt, 0, xp)
    out["exemption_adjustment_municipal"], lm = credits.apply(lm, xm)
    out["exemption_adjustment_prefectural"], lp = credits.apply(lp, xp)
    out.update(income_levy_before_rounding_municipal=lm, income_levy_before_rounding_prefectural=lp)
    out["income_levy_municipal"] = levy.final_levy(lm)
    out["income_levy_prefectural"] = levy.final_levy(lp)

    # 均等割・森林環境税（第310条・第38条、森林環境税法第5条・第7条）
    out["per_capita_municipal"] = np.where(pc_exempt, 0, p.per_capita_municipal).astype(np.int64)
    out["per_capita_prefectural"] = np.where(pc_exempt, 0, p.per_capita_prefectural).astype(np.int64)
    out["forest_environment_tax"] = np.where(pc_exempt, 0, p.forest_tax).astype(np.int64)
    out["municipal_tax"] = out["income_levy_municipal"] + out["per_capita_municipal"]
    out["prefectural_tax"] = out["income_levy_prefectural"] + out["per_capita_prefectural"]
    out["total_tax"] = out["municipal_tax"] + out["prefectural_tax"] + out["forest_environment_tax"]
    return out
