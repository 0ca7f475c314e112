"""Rounding of money (``int`` yen) under 地方税法第20条の4の2 (端数計算), plus generic helpers.

Paragraphs, checked against the text of 地方税法第20条の4の2 (課税標準額、税額等の端数計算):

* 第1項 -- 課税標準額: 1,000円未満の端数, or the whole amount if under 1,000円, is cut off
  (ただし政令で定める地方税を除く: 地方税法施行令第6条の17第1項).
* 第2項 -- 延滞金・加算金の計算の基礎となる税額: 1,000円未満切捨て; under 2,000円 entirely.
* 第3項 -- 確定金額: 100円未満の端数, or the whole amount if under 100円, is cut off
  (ただし政令で定める地方税は1円未満: 地方税法施行令第6条の17第2項).
* 第5項 -- 延滞金・加算金の確定金額: 100円未満切捨て; under 1,000円 entirely.
* 第6項 -- 分割納付: fractions under 1,000円 of each installment (or installments wholly under
  1,000円) are all added to the first installment; the proviso lets a municipality provide
  otherwise by ordinance (条例), hence the ``unit`` parameter of :func:`split_installments`.

Generic helpers (:func:`floor_to`, :func:`ceil_to`, :func:`round_half_up_to`) carry no legal basis
of their own; the vectorised numpy variants live in :mod:`kikan.core.rules.vector_rounding`.
Amounts are ``int`` (numpy integer scalars accepted); floats and bools are refused.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from types import MappingProxyType
from typing import SupportsIndex

ARTICLE = "地方税法第20条の4の2"
BASIS_TAX_BASE = f"{ARTICLE}第1項"
BASIS_LATE_FEE_BASE = f"{ARTICLE}第2項"
BASIS_TAX_AMOUNT = f"{ARTICLE}第3項"
BASIS_LATE_FEE_AMOUNT = f"{ARTICLE}第5項"
BASIS_INSTALLMENTS = f"{ARTICLE}第6項"

BASIS: Mapping[str, str] = MappingProxyType(
    {
        "floor_tax_base": BASIS_TAX_BASE,
        "floor_late_fee_base": BASIS_LATE_FEE_BASE,
        "floor_tax_amount": BASIS_TAX_AMOUNT,
        "floor_late_fee_amount": BASIS_LATE_FEE_AMOUNT,
        "split_installments": BASIS_INSTALLMENTS,
    }
)
"""Legal basis of each statutory rounding function, by function name."""


def _yen(amount: object, name: str = "amount") -> int:
    if isinstance(amount, bool):
        raise TypeError(f"{name} must be an integer number of yen, got bool")
    if not isinstance(amount, SupportsIndex) or isinstance(amount, float):
        raise TypeError(f"{name} must be an integer number of yen, got {type(amount).__name__}")
    return operator.index(amount)


def _unit(unit: object) -> int:
    value = _yen(unit, "unit")
    if value <= 0:
        raise ValueError(f"unit must be positive, got {value}")
    return value


def _non_negative(amount: object) -> int:
    value = _yen(amount)
    if value < 0:
        raise ValueError(f"amount must not be negative, got {value}")
    return value


def floor_to(amount: SupportsIndex, unit: SupportsIndex) -> int:
    """Largest multiple of ``unit`` not above ``amount`` (toward -infinity for negatives)."""
    u = _unit(unit)
    return (_yen(amount) // u) * u


def ceil_to(amount: SupportsIndex, unit: SupportsIndex) -> int:
    """Smallest multiple of ``unit`` not below ``amount``."""
    u = _unit(unit)
    return -((-_yen(amount)) // u) * u


def round_half_up_to(amount: SupportsIndex, unit: SupportsIndex) -> int:
    """Nearest multiple of ``unit``; exact halves go away from zero (四捨五入).

    ``round_half_up_to(1500, 1000) == 2000``; ``round_half_up_to(-1500, 1000) == -2000``.
    """
    u, a = _unit(unit), _yen(amount)
    magnitude = ((abs(a) * 2 + u) // (2 * u)) * u
    return magnitude if a >= 0 else -magnitude


def floor_tax_base(amount: SupportsIndex) -> int:
    """課税標準額の端数計算 (地方税法第20条の4の2第1項): cut off fractions under 1,000円.

    The whole amount is cut off when it is under 1,000円.  Does not apply to the taxes excluded by
    地方税法施行令第6条の17第1項 (利子割等) -- the caller decides.  1,234,567 -> 1,234,000.
    """
    return floor_to(_non_negative(amount), 1000)


def floor_late_fee_base(tax: SupportsIndex) -> int:
    """延滞金・加算金の計算の基礎となる税額 (地方税法第20条の4の2第2項).

    Cut off fractions under 1,000円; the whole amount when under 2,000円 (no late fee then).
    """
    value = _non_negative(tax)
    return 0 if value < 2000 else floor_to(value, 1000)


def floor_tax_amount(amount: SupportsIndex) -> int:
    """確定金額の端数計算 (地方税法第20条の4の2第3項): cut off fractions under 100円.

    The whole amount is cut off when it is under 100円.  The 1-yen exception of the proviso
    (地方税法施行令第6条の17第2項) is not applied here.  45,678 -> 45,600.
    """
    return floor_to(_non_negative(amount), 100)


def floor_late_fee_amount(amount: SupportsIndex) -> int:
    """延滞金・加算金の確定金額 (地方税法第20条の4の2第5項): cut off under 100円; nothing if under 1,000円."""
    value = _non_negative(amount)
    return 0 if value < 1000 else floor_to(value, 100)


def split_installments(total: SupportsIndex, n: SupportsIndex, unit: SupportsIndex = 1000) -> list[int]:
    """分割納付の各納期の金額 (地方税法第20条の4の2第6項).

    Each installment is ``total / n`` floored to ``unit`` (1,000円 by statute; a municipality may
    provide otherwise by ordinance -- e.g. 100円 -- under the proviso of the same paragraph); all
    fractions go to the first installment.  45,600 in 4 -> [12,600, 11,000, 11,000, 11,000].
    If every installment would be under ``unit``, the whole total falls in the first one.
    """
    value = _non_negative(total)
    count = _yen(n, "n")
    if count < 1:
        raise ValueError(f"n must be at least 1, got {count}")
    regular = floor_to(value // count, unit)
    return [value - regular * (count - 1)] + [regular] * (count - 1)
