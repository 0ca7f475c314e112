"""法人番号 (corporate number): 13 digits, a check digit followed by the 12-digit 基礎番号.

Basis: 行政手続における特定の個人を識別するための番号の利用等に関する法律 (番号法) 第39条 (法人番号の
指定), 番号法施行令 第35条第1項 (法人番号 = 検査用数字 1桁 + 基礎番号 12桁, 検査用数字は財務省令で定める
算式で算出), 法人番号の指定等に関する省令 (平成26年財務省令第70号) 第2条 (検査用数字を算出する算式):

    検査用数字 = 9 − ( ( Σ_{n=1..12} Pn × Qn ) を 9 で除した余り )
    Pn: 基礎番号の最下位の桁を1桁目としたときの n 桁目の数字
    Qn: n が奇数のとき 1、n が偶数のとき 2

The published text of 第2条 places the parentheses so that it can be misread as taking the
remainder of each product; the only reading that yields one digit (1–9) is the one above, which is
also what 国税庁 法人番号公表サイト numbers satisfy (国税庁 7000012050002, checked in the tests).
The check digit is never 0 (so a 13-digit number starting with 0 is never valid), and a 0↔9
substitution of one digit is not detected (9 ≡ 0 mod 9).
"""

from __future__ import annotations

from kikan.core.identity import IdentifierError

FIELD = "法人番号"
_FULL_WIDTH = frozenset("０１２３４５６７８９")


def _require(value: str, length: int, field: str) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{field} must be given as str, not {type(value).__name__}")
    if not value:
        raise IdentifierError(field, "missing", f"{field}が入力されていません")
    if any(ch in _FULL_WIDTH for ch in value):
        raise IdentifierError(
            field, "full_width", f"{field}は半角数字で入力してください（全角数字は受け付けません）"
        )
    if not (value.isascii() and value.isdigit()):
        raise IdentifierError(
            field, "format", f"{field}は数字のみで入力してください（空白・ハイフン等は含めません）"
        )
    if len(value) != length:
        raise IdentifierError(field, "length", f"{field}は{length}桁で入力してください")


def compute_check_digit(base: str) -> str:
    """検査用数字 of a 12-digit 基礎番号 (法人番号の指定等に関する省令 第2条)."""
    _require(base, 12, f"{FIELD}（基礎番号）")
    total = sum(int(ch) * (1 if n % 2 else 2) for n, ch in enumerate(reversed(base), start=1))
    return str(9 - total % 9)


def make(base: str) -> str:
    """The 13-digit 法人番号 of a 12-digit 基礎番号 (番号法施行令 第35条第1項: 検査用数字を先頭に置く)."""
    return compute_check_digit(base) + base


def validate(number: str) -> None:
    """Raise :class:`IdentifierError` unless ``number`` is 13 digits with the right 検査用数字."""
    _require(number, 13, FIELD)
    if number[0] != compute_check_digit(number[1:]):
        raise IdentifierError(FIELD, "check_digit", f"{FIELD}の検査用数字（先頭の1桁）が正しくありません")


def is_valid(number: str) -> bool:
    try:
        validate(number)
    except IdentifierError:
        return False
    return True
