"""Which months a payment pays and on which day (支払期月, pure).

児童手当法第8条第4項: 2・4・6・8・10・12月 (each paying the two preceding months; before 2024-10
the 2・6・10月 schedule); 児童扶養手当法第7条第3項: 1・3・5・7・9・11月. The schedule of each month
comes from the calculation core's parameters (``payment.months``), so a month is paid in the
payment month its own regime names (e.g. 2024-09 in 2024-10). The pay day is the municipality's
(規則で定める日); on a closed day it moves to the previous business day (地方自治法第4条の2).
"""

from __future__ import annotations

from datetime import date

from kikan.core.calendar import BusinessCalendar
from kikan.core.errors import FieldError, ValidationFailed
from kikan.core.rules import ParameterLookup
from kikan.welfare import month_label, month_start, payment_month
from kikan.welfare.child_allowance.params import resolve_month as ca_month
from kikan.welfare.child_rearing_allowance.params import resolve_month as cra_month

from ..cases.model import ALLOWANCES


def payment_months(allowance: str, lookup: ParameterLookup, month: int) -> tuple[int, ...]:
    """The calendar months that are 支払期月 for ``month`` (from the core's parameters)."""
    resolve = ca_month if allowance == "child_allowance" else cra_month
    return resolve(lookup, month_start(month), field_name="payment_month").payment_months


def regular_months(allowance: str, lookup: ParameterLookup, pay: int) -> list[int]:
    """Months whose 支払期月 is ``pay`` (normally the two preceding months); refuses a month that
    is not a 支払期月 of the allowance."""
    months = [m for m in range(pay - 4, pay) if payment_month(m, payment_months(allowance, lookup, m)) == pay]
    if not months:
        name = ALLOWANCES[allowance]
        raise ValidationFailed(
            [FieldError("payment_month", f"{month_label(pay)} は{name}の支払期月ではありません")]
        )
    return months


def transfer_date(pay: int, pay_day: int, calendar: BusinessCalendar | None = None) -> date:
    """振込指定日: ``pay_day`` of the payment month, the previous business day when closed."""
    cal = calendar or BusinessCalendar()
    return cal.previous_business_day(month_start(pay).replace(day=pay_day))
