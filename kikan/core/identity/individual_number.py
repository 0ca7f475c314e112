"""個人番号 (マイナンバー): 11 digits derived from the 住民票コード plus one 検査用数字.

Legal basis:
- 行政手続における特定の個人を識別するための番号の利用等に関する法律 (番号法) 第8条: 個人番号 are generated
  by 地方公共団体情報システム機構 from the 住民票コード.
- 番号法施行令 第8条: a 個人番号 is that 11-digit number followed by one 検査用数字, an integer 0–9
  computed from the 11 digits 「総務省令で定める算式により」.
- 平成26年総務省令第85号 (制定時の題名「…通知カード及び個人番号カード並びに情報提供ネットワークシステムに
  よる特定個人情報の提供等に関する省令」) 第5条, the formula:

      検査用数字 = 11 − (Σ_{n=1..11} Pn × Qn mod 11);  0 when (Σ Pn × Qn mod 11) ≤ 1
      Pn = the n-th digit counting the lowest digit of the 11 as n = 1
      Qn = n + 1 for 1 ≤ n ≤ 6;  n − 5 for 7 ≤ n ≤ 11      (i.e. weights 2..7, 2..6 from the right)

Checked against the 省令 text as quoted by J-LIS (月刊J-LIS 平成27年7月号 番号移行サポートセンター Q&A) and
the well-known valid test number 123456789018.  A single-digit change goes undetected exactly when it
moves the remainder between 0 and 1 (both give 0).
"""

from __future__ import annotations

from . import _mod11
from .errors import IdentifierError

FIELD = "個人番号"
TERM = "検査用数字"


def compute_check_digit(base: str) -> str:
    """検査用数字 of the first 11 digits (平成26年総務省令第85号第5条, 番号法施行令第8条)."""
    _mod11.require_digits(base, field=f"{FIELD}（{TERM}を除く11桁）", length=11)
    return _mod11.eleven_minus_remainder(_mod11.weighted_remainder(base))


def validate(number: str) -> None:
    """Raise ``IdentifierError`` unless ``number`` is 12 ASCII digits with the right 検査用数字.

    Basis: 番号法施行令第8条, 平成26年総務省令第85号第5条.  Separators (``1234 5678 9018``) and
    full-width digits are refused, not stripped.  The message never repeats the number.
    """
    _mod11.require_digits(number, field=FIELD, length=12)
    _mod11.check_last_digit(number, compute_check_digit(number[:11]), FIELD, TERM)


def is_valid(number: str) -> bool:
    """``validate`` as a predicate."""
    try:
        validate(number)
    except IdentifierError:
        return False
    return True


def mask(number: str, visible_tail: int = 0, *, mask_char: str = "*") -> str:
    """Mask a 個人番号 for display: every digit by default (``"************"``).

    番号法 does not prescribe a display format; Japanese practice (and 個人情報保護委員会「特定個人情報の
    適正な取扱いに関するガイドライン（行政機関等編）」's 安全管理措置) is to show none of it unless the
    function needs it, so the default hides all.  ``visible_tail`` (at most 4) keeps that many trailing
    digits for screens that must let staff confirm which card is meant.  The input is not validated:
    a malformed value is masked all the same.
    """
    if not 0 <= visible_tail <= 4:
        raise ValueError("visible_tail must be between 0 and 4")
    shown = number[len(number) - visible_tail :] if visible_tail else ""
    return mask_char * (len(number) - len(shown)) + shown
