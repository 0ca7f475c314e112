"""個人住民税（市町村民税・道府県民税所得割・均等割、森林環境税）の税額計算。FY2025/FY2026.

Public API::

    calculate(case: TaxpayerCase, params: ParameterLookup | None = None) -> TaxResult
    parse_case(data: Mapping[str, Any]) -> TaxpayerCase          # ValidationFailed on bad input
    calculate_batch(columns, params, fiscal_year, *, designated_city=False, grade=1) -> dict[str, ndarray]
    national_parameters() -> ParameterSet                         # parameters/*.yaml with table models
    TAXPAYER_INPUTS, RELATIVE_INPUTS, OUTPUTS                     # batch column catalogue

See ``README.md`` for the legal basis, the order of the calculation and the simplifications.
"""

from .batch import calculate_batch
from .calc import calculate, case_columns, parse_case
from .columns import OUTPUTS, RELATIVE_INPUTS, TAXPAYER_INPUTS
from .model import TaxpayerCase, TaxResult
from .params import YearParams, national_parameters, year_params

__all__ = [
    "OUTPUTS",
    "RELATIVE_INPUTS",
    "TAXPAYER_INPUTS",
    "TaxResult",
    "TaxpayerCase",
    "YearParams",
    "calculate",
    "calculate_batch",
    "case_columns",
    "national_parameters",
    "parse_case",
    "year_params",
]
