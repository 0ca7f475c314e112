"""Shared pieces of the Modulus 11 check-digit schemes used by Japanese public identifiers.

All four identifiers in this package weight the digits of the base number 2, 3, 4, 5, 6, 7, 2, 3, …
counted from the rightmost digit (M11W2-7).  They differ only in how the remainder becomes a digit,
which each module defines next to its legal basis.
"""

from __future__ import annotations

from .errors import IdentifierError

_FULL_WIDTH_DIGITS = frozenset("０１２３４５６７８９")


def require_digits(value: str, *, field: str, length: int | None) -> None:
    """Refuse anything but ASCII digits of the expected length.

    Full-width digits (０-９) are refused rather than folded: this layer validates what will be
    stored, and a silent conversion would hide an input-method problem from the operator.  Convert
    explicitly at the form boundary if a screen wants to accept them.
    """
    if not isinstance(value, str):
        raise TypeError(f"{field} must be given as str, not {type(value).__name__}")
    if not value:
        raise IdentifierError(field, "missing", f"{field}が入力されていません")
    if any(ch in _FULL_WIDTH_DIGITS for ch in value):
        raise IdentifierError(
            field, "full_width", f"{field}は半角数字で入力してください（全角数字は受け付けません）"
        )
    if not (value.isascii() and value.isdigit()):
        raise IdentifierError(
            field, "format", f"{field}は数字のみで入力してください（空白・ハイフン等は含めません）"
        )
    if length is not None and len(value) != length:
        raise IdentifierError(field, "length", f"{field}は{length}桁で入力してください")


def weighted_remainder(base: str) -> int:
    """Σ digit × weight mod 11, weights 2..7 cycling from the rightmost digit of ``base``."""
    total = 0
    weight = 2
    for ch in reversed(base):
        total += (ord(ch) - 48) * weight
        weight = 2 if weight == 7 else weight + 1
    return total % 11


def eleven_minus_remainder(remainder: int) -> str:
    """11 − r, with r ∈ {0, 1} giving 0 (the convention of 個人番号 and 住民票コード)."""
    return "0" if remainder <= 1 else str(11 - remainder)


def check_last_digit(value: str, expected: str, field: str, term: str) -> None:
    if value[-1] != expected:
        raise IdentifierError(field, "check_digit", f"{field}の{term}が正しくありません")
