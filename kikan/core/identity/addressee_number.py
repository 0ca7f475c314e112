"""宛名番号 and 世帯番号: a sequence number plus one Modulus 11 (M11W2-7) check digit.

Basis: 住民記録システム標準仕様書 1.1.13「宛名番号・世帯番号」: both are assigned automatically, all digits
but the last by simple sequence (単純連番方式), the last digit being a check digit computed by
モジュラス11 (M11W２～７); 「余りが０の場合、検査付番は０とする」.  The rule applies to newly assigned
numbers only — numbers assigned before migration need not be renumbered, so ``validate`` must not be
run against migrated legacy numbers.

Algorithm (the common M11W2-7 convention):

    sum = Σ digit × weight, weights 2,3,4,5,6,7,2,3,… from the rightmost digit of the base number
    r   = sum mod 11
    check digit = 11 − r, and 0 when r is 0 or 1

The specification fixes r = 0 → 0 but does not say what r = 1 (11 − 1 = 10, two digits) becomes; kikan
chooses 0, the same convention as 個人番号 and 住民票コード.  Consequence: a single-digit change in the
base number goes undetected exactly when it moves r between 0 and 1.

The width (total digits, check digit included) is not fixed by the specification; kikan uses 15 by
default.
"""

from __future__ import annotations

from . import _mod11
from .errors import IdentifierError

ADDRESSEE_FIELD = "宛名番号"
HOUSEHOLD_FIELD = "世帯番号"
DEFAULT_WIDTH = 15


def compute_check_digit(base: str) -> str:
    """M11W2-7 check digit of a base (sequence) number, per 住民記録システム標準仕様書 1.1.13."""
    _mod11.require_digits(base, field=f"{ADDRESSEE_FIELD}（チェックデジットを除く部分）", length=None)
    return _mod11.eleven_minus_remainder(_mod11.weighted_remainder(base))


def make_addressee_number(seq: int, width: int = DEFAULT_WIDTH, *, field: str = ADDRESSEE_FIELD) -> str:
    """Zero-padded ``seq`` followed by its check digit, ``width`` digits in all.

    Basis: 住民記録システム標準仕様書 1.1.13 (単純連番 + M11W2-7).  ``seq`` starts at 1; a sequence
    that does not fit in ``width − 1`` digits is refused rather than truncated.
    """
    if width < 2:
        raise ValueError("width must leave room for at least one digit and the check digit")
    if seq < 1:
        raise IdentifierError(field, "range", f"{field}の連番は1以上です")
    base = str(seq).rjust(width - 1, "0")
    if len(base) != width - 1:
        raise IdentifierError(field, "range", f"{field}の連番が{width - 1}桁に収まりません")
    return base + compute_check_digit(base)


def make_household_number(seq: int, width: int = DEFAULT_WIDTH) -> str:
    """世帯番号: same scheme as 宛名番号 (住民記録システム標準仕様書 1.1.13)."""
    return make_addressee_number(seq, width, field=HOUSEHOLD_FIELD)


def validate(number: str, width: int | None = DEFAULT_WIDTH, *, field: str = ADDRESSEE_FIELD) -> None:
    """Raise ``IdentifierError`` unless ``number`` carries the right M11W2-7 check digit.

    Basis: 住民記録システム標準仕様書 1.1.13.  ``width=None`` accepts any length of two or more digits.
    Only for numbers kikan assigned: the specification exempts pre-existing numbers.
    """
    _mod11.require_digits(number, field=field, length=width)
    if len(number) < 2:
        raise IdentifierError(field, "length", f"{field}は2桁以上で入力してください")
    expected = _mod11.eleven_minus_remainder(_mod11.weighted_remainder(number[:-1]))
    _mod11.check_last_digit(number, expected, field, "チェックデジット")


def validate_household_number(number: str, width: int | None = DEFAULT_WIDTH) -> None:
    """``validate`` with 世帯番号 in the messages (住民記録システム標準仕様書 1.1.13)."""
    validate(number, width, field=HOUSEHOLD_FIELD)


def is_valid(number: str, width: int | None = DEFAULT_WIDTH) -> bool:
    """``validate`` as a predicate (the same for 宛名番号 and 世帯番号)."""
    try:
        validate(number, width)
    except IdentifierError:
        return False
    return True
