"""kikan の暦カーネル: 和暦・年齢・学年・年度・開庁日。

All functions are pure: nothing here reads the clock, so "today" is always a parameter.
Legal bases are cited in each module's docstring.
"""

from __future__ import annotations

from .age import age_on, date_reaching_age, first_march31_after_reaching
from .business import BusinessCalendar
from .eras import ERAS, Era, era_by_abbreviation, era_by_code, era_by_name, era_of, load_eras
from .errors import CalendarRangeError, EraDefinitionError, WarekiError
from .parsing import parse_wareki, wareki_to_date
from .school import SchoolGrade, fiscal_year_of, fiscal_year_range, school_entry_date, school_grade_on
from .wareki import WarekiDate, WarekiStyle, format_wareki, to_wareki

__all__ = [
    "ERAS",
    "BusinessCalendar",
    "CalendarRangeError",
    "Era",
    "EraDefinitionError",
    "SchoolGrade",
    "WarekiDate",
    "WarekiError",
    "WarekiStyle",
    "age_on",
    "date_reaching_age",
    "era_by_abbreviation",
    "era_by_code",
    "era_by_name",
    "era_of",
    "first_march31_after_reaching",
    "fiscal_year_of",
    "fiscal_year_range",
    "format_wareki",
    "load_eras",
    "parse_wareki",
    "school_entry_date",
    "school_grade_on",
    "to_wareki",
    "wareki_to_date",
]
