"""住民票コード: 10 random digits plus one 検査数字 (11 digits).

Legal basis:
- 住民基本台帳法第7条第13号 (住民票コード is a 住民票 item).
- 住民基本台帳法施行規則 (平成11年自治省令第35号) 第1条: the code is 「無作為に作成された十けたの数字」
  followed by 「一けたの検査数字（…総務大臣が定める算式により算出される数字）」.
- The formula is in 平成14年総務省告示第436号「住民基本台帳法施行規則第一条第二号の規定に基づき、同号の
  総務大臣が定める算式を定める件」(官報 平成14年7月25日).

NOT VERIFIED: the text of 告示第436号 could not be obtained when this was written.
This module implements the formula as commonly described — the same structure as the 個人番号's
検査用数字, one digit shorter:

    r = Σ Pn × Qn mod 11, Pn the n-th digit from the right of the 10-digit base,
        Qn = 2,3,4,5,6,7,2,3,4,5 (n = 1..10)
    検査数字 = 11 − r, and 0 when r ≤ 1

Confirm against the 告示 (or a real 住民票コード) before relying on rejections in production; until
then treat a failed check as a warning at migration.  A single-digit change goes undetected exactly
when it moves r between 0 and 1.
"""

from __future__ import annotations

from . import _mod11
from .errors import IdentifierError

FIELD = "住民票コード"
TERM = "検査数字"


def compute_check_digit(base: str) -> str:
    """検査数字 of the 10-digit base (住民基本台帳法施行規則第1条第2号; formula unverified, see module)."""
    _mod11.require_digits(base, field=f"{FIELD}（{TERM}を除く10桁）", length=10)
    return _mod11.eleven_minus_remainder(_mod11.weighted_remainder(base))


def validate(code: str) -> None:
    """Raise ``IdentifierError`` unless ``code`` is 11 ASCII digits with the right 検査数字.

    Basis: 住民基本台帳法施行規則第1条 and 平成14年総務省告示第436号 (formula not verified against the
    告示 text; see the module docstring).
    """
    _mod11.require_digits(code, field=FIELD, length=11)
    _mod11.check_last_digit(code, compute_check_digit(code[:10]), FIELD, TERM)


def is_valid(code: str) -> bool:
    """``validate`` as a predicate."""
    try:
        validate(code)
    except IdentifierError:
        return False
    return True
