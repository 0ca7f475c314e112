"""更正: installments that fell due stay, the rest is spread again; differences per installment."""

from __future__ import annotations

from datetime import date

from kikan.core.calendar import BusinessCalendar
from kikan.tax.individual_resident import national_parameters
from kikan.tax.individual_resident.correction import correct, extra_due_on
from kikan.tax.individual_resident.schedule import collection_params, due_dates, periods, respread

CP = collection_params(national_parameters(), 2026)
CAL = BusinessCalendar()
DATES = {
    "dates": {k: [d.isoformat() for d in v] for k, v in due_dates(2026, CP, CAL).items()},
    "months": periods(2026, CP),
}
UNITS = {"ordinary": 1000, "salary": 100, "pension": 100}


def test_respread_keeps_what_fell_due() -> None:
    due = [date(2026, 6, 30), date(2026, 8, 31), date(2026, 11, 2), date(2027, 2, 1)]
    assert respread([12_600, 11_000, 11_000, 11_000], due, date(2026, 9, 1), 60_000, 1000) == (
        [12_600, 11_000, 18_400, 18_000], 0)  # fmt: skip
    assert respread([12_600, 11_000, 11_000, 11_000], due, date(2026, 9, 1), 20_000, 1000) == (
        [12_600, 11_000, 0, 0], -3_600)  # fmt: skip
    assert respread([12_600, 11_000, 11_000, 11_000], due, date(2027, 3, 1), 50_000, 1000) == (
        [12_600, 11_000, 11_000, 11_000], 4_400)  # fmt: skip


def test_increase_in_ordinary_collection_is_spread_over_the_remaining_installments() -> None:
    c = correct({"ordinary": [12_600, 11_000, 11_000, 11_000]}, {"ordinary": [15_600, 15_000, 15_000, 15_000]},
                DATES, date(2026, 9, 1), UNITS)  # fmt: skip
    assert c.installments == {"ordinary": [12_600, 11_000, 19_000, 18_000]}  # 60,600 − 23,600 = 37,000
    assert c.direction == "increase" and c.difference == 15_000 and c.overpaid == 0
    assert [(x["no"], x["difference"]) for x in c.lines] == [(1, 0), (2, 0), (3, 8_000), (4, 7_000)]


def test_decrease_of_special_collection_after_two_months() -> None:
    before = {"salary": [24_000] + [23_500] * 11}
    regular = {"salary": [21_500] + [21_000] * 11}  # 252,500
    c = correct(before, regular, DATES, date(2026, 9, 1), UNITS)
    # June–August are over on 9/1 (deducted by the employer); 181,500 over the 9 months left
    assert c.installments["salary"] == [24_000, 23_500, 23_500, 20_700] + [20_100] * 8
    assert c.direction == "decrease" and c.difference == -30_000
    assert sum(x["difference"] for x in c.lines) == -30_000


def test_surplus_of_one_method_goes_to_the_others_then_overpayment() -> None:
    before = {"salary": [24_000] + [23_500] * 11}
    regular = {"ordinary": [71_600, 70_000, 70_000, 70_000]}  # the employer's report was withdrawn
    c = correct(before, regular, DATES, date(2026, 9, 1), UNITS)
    assert c.installments["salary"] == [24_000, 23_500, 23_500] + [0] * 9
    assert c.installments["ordinary"] == [0, 0, 105_600, 105_000]  # 281,600 − 71,000 over the open 納期
    assert c.overpaid == 0
    small = correct(before, {"ordinary": [10_000, 0, 0, 0]}, DATES, date(2026, 9, 1), UNITS)
    assert small.overpaid == 61_000 and small.installments["overpaid"] == 61_000
    assert "ordinary" not in small.installments


def test_increase_after_the_last_installment_becomes_an_extra_installment() -> None:
    c = correct({"ordinary": [12_600, 11_000, 11_000, 11_000]}, {"ordinary": [15_600, 15_000, 15_000, 15_000]},
                DATES, date(2027, 3, 15), UNITS, shift=CAL.shift_due_date)  # fmt: skip
    assert c.installments["extra"] == [{"due_on": "2027-04-30", "amount": 15_000}]
    assert c.lines[-1] == {"method": "ordinary", "method_label": "普通徴収", "no": 5, "due_on": "2027-04-30",
                           "before": 0, "after": 15_000, "difference": 15_000}  # fmt: skip
    assert c.installments["ordinary"] == [12_600, 11_000, 11_000, 11_000]
    assert extra_due_on(date(2027, 1, 31)) == date(2027, 2, 28)


def test_additional_assessment_from_nothing_and_unchanged_tax() -> None:
    c = correct({}, {"ordinary": [12_600, 11_000, 11_000, 11_000]}, DATES, date(2026, 9, 1), UNITS)
    assert c.installments == {"ordinary": [0, 0, 23_600, 22_000]} and c.direction == "increase"
    same = correct({"ordinary": [12_600, 11_000, 11_000, 11_000]}, {"ordinary": [12_600, 11_000, 11_000, 11_000]},
                   DATES, date(2026, 9, 1), UNITS)  # fmt: skip
    assert same.direction == "none" and same.difference == 0 and all(x["difference"] == 0 for x in same.lines)
