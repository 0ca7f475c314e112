"""Identifier check digits: 全国地方公共団体コード, 宛名番号/世帯番号, 個人番号, 住民票コード.

Pure functions, no I/O.  Each identifier has a module with ``compute_check_digit``, ``validate``
(returns None or raises ``IdentifierError``) and ``is_valid``; the flat names below are shortcuts.
Each module's docstring names its legal basis.
"""

from . import addressee_number, individual_number, local_government_code, resident_record_code
from .addressee_number import make_addressee_number, make_household_number, validate_household_number
from .addressee_number import validate as validate_addressee_number
from .designated_cities import DESIGNATED_CITIES, PREFECTURE_NAMES, DesignatedCity
from .errors import IdentifierError
from .individual_number import mask as mask_individual_number
from .individual_number import validate as validate_individual_number
from .local_government_code import compute_check_digit as compute_local_government_check_digit
from .local_government_code import designated_city_for, is_designated_city, prefecture_code, prefecture_of
from .local_government_code import validate as validate_local_government_code
from .resident_record_code import validate as validate_resident_record_code

__all__ = [
    "DESIGNATED_CITIES",
    "PREFECTURE_NAMES",
    "DesignatedCity",
    "IdentifierError",
    "addressee_number",
    "compute_local_government_check_digit",
    "designated_city_for",
    "individual_number",
    "is_designated_city",
    "local_government_code",
    "make_addressee_number",
    "make_household_number",
    "mask_individual_number",
    "prefecture_code",
    "prefecture_of",
    "resident_record_code",
    "validate_addressee_number",
    "validate_household_number",
    "validate_individual_number",
    "validate_local_government_code",
    "validate_resident_record_code",
]
