"""児童扶養手当（児童扶養手当法・施行令）の手当月額計算: 全部支給・一部支給、所得制限、公的年金との差額、
支払期月（奇数月）、現況届。令和6年4月分〜令和8年3月分（2024年11月の改正を含む）。

Public API::

    calculate(case: ChildRearingCase, params: ParameterLookup | None = None) -> ChildRearingResult
    parse_case(data: Mapping[str, Any]) -> ChildRearingCase        # ValidationFailed on bad input
    calculate_batch(columns, params, on) -> dict[str, ndarray]
    national_parameters() -> ParameterSet
    month_params(lookup, on) -> MonthParams
    income_year(month_index, start_month) -> int                   # 前年 / 前々年
    CLAIMANT_INPUTS, OBLIGOR_INPUTS, CHILD_INPUTS, OUTPUTS          # batch column catalogue

See ``README.md`` for the legal basis, the modelling choices and the parameter sources.
"""

from .batch import CHILD_INPUTS, CLAIMANT_INPUTS, OBLIGOR_INPUTS, OUTPUTS, calculate_batch
from .calc import calculate, income_year, parse_case
from .model import ChildRearingCase, ChildRearingResult
from .params import MonthParams, month_params, national_parameters

__all__ = [
    "CHILD_INPUTS",
    "CLAIMANT_INPUTS",
    "OBLIGOR_INPUTS",
    "OUTPUTS",
    "ChildRearingCase",
    "ChildRearingResult",
    "MonthParams",
    "calculate",
    "calculate_batch",
    "income_year",
    "month_params",
    "national_parameters",
    "parse_case",
]
