"""The notice documents: breakdown lines, 納付書 summing to the tax, 和暦 dates, 12 monthly amounts."""

from __future__ import annotations

from datetime import date

import pytest

from kikan.tax.individual_resident import notices as nt
from tests.unit.tax_notices.notice_factory import FY, ISSUER, TAXPAYER, lines, row, schedule

ISSUED = date(2026, 6, 10)


def notice(r):  # type: ignore[no-untyped-def]
    return nt.tax_notice(r, lines(r), TAXPAYER, ISSUER, issued_on=ISSUED)


def test_breakdown_lines_of_a_salaried_person():
    r = row(salary=5_000_000, social_insurance=700_000)
    b = nt.breakdown(r, ISSUER)
    salary = b.incomes[0]
    assert (salary.label, salary.revenue, salary.amount) == ("給与所得", 5_000_000, 3_560_000)
    assert b.incomes[-1].label == "合計所得金額" and b.incomes[-1].amount == 3_560_000
    deductions = {x.label: x.amount for x in b.deductions}
    assert deductions == {"社会保険料控除": 700_000, "基礎控除": 430_000}
    assert b.income_deductions == 1_130_000 and b.taxable_income == 2_430_000
    levy = {x.label: x for x in b.levy_rows}
    assert (levy["算出所得割額"].municipal, levy["算出所得割額"].prefectural) == (145_800, 97_200)
    assert levy["税額控除: 調整控除"].total == 2_500
    assert levy["税額"].municipal == r["municipal_tax"] and levy["税額"].prefectural == r["prefectural_tax"]
    assert b.total_tax == levy["税額"].total + b.forest_environment_tax == r["total_tax"]
    assert b.rates == ("6%", "4%", "10%")
    assert (b.municipal_label, b.prefectural_label) == ("特別区民税", "都民税")


def test_zero_lines_are_left_out_and_a_pensioner_shows_the_pension_line():
    b = nt.breakdown(row(pension=3_000_000, age=70), ISSUER)
    assert [x.label for x in b.incomes] == ["公的年金等に係る雑所得", "合計所得金額"]
    assert b.incomes[0].revenue == 3_000_000 and b.incomes[0].amount == 1_900_000
    assert [x.label for x in b.deductions] == ["基礎控除"]
    assert not any(x.label.startswith("税額控除: 配当") for x in b.levy_rows)


def test_ordinary_slips_sum_to_the_annual_tax_with_dates_in_wareki():
    r = row(salary=1_500_000)
    doc = notice(r)
    assert r["ordinary_amount"] == r["total_tax"] == 44_500
    assert [s.period_label for s in doc.slips] == ["第1期", "第2期", "第3期", "第4期"]
    assert [s.amount for s in doc.slips] == [11_500, 11_000, 11_000, 11_000]  # 1,000円未満は第1期へ
    assert sum(s.amount for s in doc.slips) == r["total_tax"]
    assert doc.slips[0].due_on == date(2026, 6, 30) and doc.slips[0].due_on_text == "令和8年6月30日"
    # 10月31日 and 1月31日 fall on closed days in 2026/2027: the next business day (第20条の5第2項)
    assert [s.due_on_text for s in doc.slips[2:]] == ["令和8年11月2日", "令和9年2月1日"]
    assert doc.fiscal_year_text == "令和8年度" and doc.issued_on_text == "令和8年6月10日"
    assert [x.label for x in doc.collection] == ["普通徴収"]


def test_first_year_pension_special_collection_splits_between_slips_and_pension():
    r = row(pension=3_000_000, age=70, pension_special=True)
    doc = notice(r)
    assert r["pension_amount"] > 0 and r["ordinary_amount"] > 0
    assert sum(s.amount for s in doc.slips) == r["ordinary_amount"]
    assert len(doc.slips) == 2  # 初年度: 年金特徴分の半分を第1期・第2期の普通徴収で
    assert r["ordinary_amount"] + r["salary_amount"] + r["pension_amount"] == r["total_tax"]
    pension = [i for i in doc.installments if i.method == "pension"]
    assert [i.period_label for i in pension] == ["10月分", "12月分", "2月分"]
    assert sum(i.amount for i in pension) == r["pension_amount"]
    assert pension[-1].month_text == "令和9年2月"


def test_payment_numbers_are_28_digits_unique_with_a_check_digit():
    doc = notice(row(salary=1_500_000))
    numbers = [s.payment_no for s in doc.slips]
    assert len(set(numbers)) == 4 and all(len(n) == 28 and n.isdigit() for n in numbers)
    assert numbers[0].startswith("13101626" + TAXPAYER.addressee_no + "01" + "01")
    for n in numbers:
        weighted = sum(int(c) * (3 if i % 2 == 0 else 1) for i, c in enumerate(reversed(n[:-1])))
        assert (weighted + int(n[-1])) % 10 == 0
    assert nt.payment_number("131016", FY, "19", 1, 1) != nt.payment_number("131016", FY, "19", 2, 1)
    with pytest.raises(ValueError):
        nt.payment_number("13101X", FY, "19", 1, 1)


def test_salary_special_collection_has_no_slips_and_twelve_months():
    r = row(salary=5_000_000, special=True)
    doc = notice(r)
    assert doc.slips == () and r["salary_amount"] == r["total_tax"] == 315_500
    months, due = schedule()[1]["salary"], schedule()[0]["salary"]
    emp = nt.Employer("E0001", "株式会社テスト")
    ee = nt.employee_notice(r, TAXPAYER, emp, months, ISSUER, issued_on=date(2026, 5, 15))
    assert len(ee.monthly) == 12 and sum(ee.monthly) == ee.annual == 315_500
    assert ee.monthly[0] == 27_300 and set(ee.monthly[1:]) == {26_200}  # 100円未満は6月分へ
    assert ee.months[0] == "令和8年6月" and ee.months[-1] == "令和9年5月"
    other = row(salary=3_000_000, special=True)
    er = nt.employer_notice(
        FY, emp, [(TAXPAYER, r), (TAXPAYER, other)], months, due, ISSUER, issued_on=ISSUED
    )
    assert er.total == r["salary_amount"] + other["salary_amount"]
    assert len(er.monthly_totals) == 12 and sum(er.monthly_totals) == er.total
    assert all(sum(e.monthly) == e.annual for e in er.employees)
    assert er.remittance_due[0] == "令和8年7月10日"


def test_wareki_labels_and_issuer_names():
    assert nt.fiscal_year_text(2019) == "令和元年度" and nt.fiscal_year_text(2026) == "令和8年度"
    assert nt.fiscal_year_text(1988) == "昭和63年度" and nt.fiscal_year_text(1989) == "平成元年度"
    assert nt.month_text("2019-04") == "平成31年4月" and nt.month_text("2019-05") == "令和元年5月"
    yokohama = nt.issuer_of("141003", "横浜市", "神奈川県")
    assert (yokohama.head, yokohama.municipal_tax_label, yokohama.prefectural_tax_label) == (
        "横浜市長",
        "市民税",
        "県民税",
    )
    assert nt.issuer_of("013030", "当別町", "北海道").prefectural_tax_label == "道民税"
    assert ISSUER.head == "千代田区長"


def test_house_taxpayer_and_overpaid_notes():
    r = {**row(), "taxpayer_kind": "house", "per_capita_municipal": 3000, "per_capita_prefectural": 1000,
         "municipal_tax": 3000, "prefectural_tax": 1000, "total_tax": 4000}  # fmt: skip
    assert "家屋敷" in nt.breakdown(r, ISSUER).exemption
    over = {**row(pension=3_000_000, age=70, pension_special=True)}
    over["installments"] = {**over["installments"], "overpaid": 1200}
    assert any("1,200円" in n and "過納" in n for n in notice(over).notes)


def test_digest_follows_the_content():
    r = row(salary=1_500_000)
    a, b = notice(r), notice(r)
    assert nt.document_digest(a) == nt.document_digest(b)
    assert nt.document_digest(a) != nt.document_digest(a, salt="templates changed")
    later = nt.tax_notice(r, lines(r), TAXPAYER, ISSUER, issued_on=date(2026, 6, 11))
    assert nt.document_digest(later) != nt.document_digest(a)
