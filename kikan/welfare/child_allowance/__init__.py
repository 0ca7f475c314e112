"""児童手当（児童手当法、令和6年法律第47号による2024年10月の改正の前後）の支給額計算。

Public API::

    calculate(case: ChildAllowanceCase, params: ParameterLookup | None = None) -> ChildAllowanceResult
    parse_case(data: Mapping[str, Any]) -> ChildAllowanceCase      # ValidationFailed on bad input
    calculate_batch(columns, params, on, *, children_out=False) -> dict[str, ndarray]
    national_parameters() -> ParameterSet                           # parameters/*.yaml
    month_params(lookup, on) -> MonthParams                         # the values in force in a month
    choose_recipient / start_month / end_month                      # vectorised timing rules
    HOUSEHOLD_INPUTS, CHILD_INPUTS, OUTPUTS                         # batch column catalogue

See ``README.md`` for the legal basis, the modelling choices and the parameter sources.
"""

from .batch import CHILD_INPUTS, HOUSEHOLD_INPUTS, OUTPUTS, calculate_batch
from .calc import calculate, parse_case
from .model import ChildAllowanceCase, ChildAllowanceResult
from .params import MonthParams, month_params, national_parameters
from .timing import choose_recipient, end_month, start_month

__all__ = [
    "CHILD_INPUTS",
    "HOUSEHOLD_INPUTS",
    "OUTPUTS",
    "ChildAllowanceCase",
    "ChildAllowanceResult",
    "MonthParams",
    "calculate",
    "calculate_batch",
    "choose_recipient",
    "end_month",
    "month_params",
    "national_parameters",
    "parse_case",
    "start_month",
]
