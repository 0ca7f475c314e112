"""Rules engine core: law that changes yearly lives as data (see ``README.md`` in this package).

Public API::

    load_parameter_dir(path, *, models=None) -> ParameterSet
    ParameterSet.value(key, *, fiscal_year=None, on=None) -> ResolvedValue
    TenantParameterView(national, overlays).value(...)   # ordinance overlays, origin "tenant"
    Overlay, OverlayStore, InMemoryOverlayStore
    Trace, rounding (scalar), vector_rounding (numpy; import explicitly)
"""

from .errors import (
    AmbiguousPeriod,
    ParameterError,
    ParameterLookupError,
    ParameterNotInForce,
    Problem,
    UnknownParameter,
)
from .loader import load_parameter_dir, load_parameter_files
from .overlays import InMemoryOverlayStore, Overlay, OverlayStore, TenantParameterView
from .parameters import (
    Origin,
    Parameter,
    ParameterLookup,
    ParameterSet,
    ResolvedValue,
    TenantSection,
)
from .periods import DateSpan, Effective, FiscalYearSpan, fiscal_year_of
from .trace import ParameterUse, RoundingApplied, Trace, TraceStep
from .values import UNITS, TableModel, Unit

__all__ = [
    "UNITS",
    "AmbiguousPeriod",
    "DateSpan",
    "Effective",
    "FiscalYearSpan",
    "InMemoryOverlayStore",
    "Origin",
    "Overlay",
    "OverlayStore",
    "Parameter",
    "ParameterError",
    "ParameterLookup",
    "ParameterLookupError",
    "ParameterNotInForce",
    "ParameterSet",
    "ParameterUse",
    "Problem",
    "ResolvedValue",
    "RoundingApplied",
    "TableModel",
    "TenantParameterView",
    "TenantSection",
    "Trace",
    "TraceStep",
    "Unit",
    "UnknownParameter",
    "fiscal_year_of",
    "load_parameter_dir",
    "load_parameter_files",
]
