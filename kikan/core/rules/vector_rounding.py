"""Vectorised (numpy) variants of :mod:`kikan.core.rules.rounding`, for batch runs (一括賦課).

Inputs are integer arrays (``int64`` or any integer dtype; Python int sequences are converted);
float arrays are refused, because money is integral yen.  Results are ``int64`` arrays and agree
element-wise with the scalar functions of the same name (property-tested).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from .rounding import (
    BASIS_INSTALLMENTS,
    BASIS_LATE_FEE_AMOUNT,
    BASIS_LATE_FEE_BASE,
    BASIS_TAX_AMOUNT,
    BASIS_TAX_BASE,
)

__all__ = [
    "BASIS_INSTALLMENTS",
    "BASIS_LATE_FEE_AMOUNT",
    "BASIS_LATE_FEE_BASE",
    "BASIS_TAX_AMOUNT",
    "BASIS_TAX_BASE",
    "ceil_to",
    "floor_late_fee_amount",
    "floor_late_fee_base",
    "floor_tax_amount",
    "floor_tax_base",
    "floor_to",
    "round_half_up_to",
    "split_installments",
]

YenArray = npt.NDArray[np.int64]


def _yen(amounts: npt.ArrayLike) -> YenArray:
    array: np.ndarray[Any, Any] = np.asarray(amounts)
    if array.dtype == np.bool_ or not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"amounts must be an integer array of yen, got dtype {array.dtype}")
    return array.astype(np.int64, copy=False)


def _unit(unit: int) -> int:
    if isinstance(unit, bool) or int(unit) != unit or unit <= 0:
        raise ValueError(f"unit must be a positive integer, got {unit!r}")
    return int(unit)


def _non_negative(amounts: npt.ArrayLike) -> YenArray:
    array = _yen(amounts)
    if array.size and array.min() < 0:
        raise ValueError("amounts must not be negative")
    return array


def floor_to(amounts: npt.ArrayLike, unit: int) -> YenArray:
    """Element-wise :func:`kikan.core.rules.rounding.floor_to`."""
    u = _unit(unit)
    return (_yen(amounts) // u) * u


def ceil_to(amounts: npt.ArrayLike, unit: int) -> YenArray:
    """Element-wise :func:`kikan.core.rules.rounding.ceil_to`."""
    u = _unit(unit)
    return -((-_yen(amounts)) // u) * u


def round_half_up_to(amounts: npt.ArrayLike, unit: int) -> YenArray:
    """Element-wise :func:`kikan.core.rules.rounding.round_half_up_to` (halves away from zero)."""
    u, a = _unit(unit), _yen(amounts)
    magnitude = ((np.abs(a) * 2 + u) // (2 * u)) * u
    return np.where(a >= 0, magnitude, -magnitude).astype(np.int64)


def floor_tax_base(amounts: npt.ArrayLike) -> YenArray:
    """課税標準額 1,000円未満切捨て (地方税法第20条の4の2第1項), element-wise."""
    return floor_to(_non_negative(amounts), 1000)


def floor_late_fee_base(taxes: npt.ArrayLike) -> YenArray:
    """延滞金の基礎となる税額 (地方税法第20条の4の2第2項): 1,000円未満切捨て, under 2,000円 -> 0."""
    a = _non_negative(taxes)
    return np.where(a < 2000, 0, (a // 1000) * 1000).astype(np.int64)


def floor_tax_amount(amounts: npt.ArrayLike) -> YenArray:
    """確定金額 100円未満切捨て (地方税法第20条の4の2第3項), element-wise."""
    return floor_to(_non_negative(amounts), 100)


def floor_late_fee_amount(amounts: npt.ArrayLike) -> YenArray:
    """延滞金の確定金額 (地方税法第20条の4の2第5項): 100円未満切捨て, under 1,000円 -> 0."""
    a = _non_negative(amounts)
    return np.where(a < 1000, 0, (a // 100) * 100).astype(np.int64)


def split_installments(totals: npt.ArrayLike, n: int, unit: int = 1000) -> YenArray:
    """Element-wise :func:`kikan.core.rules.rounding.split_installments` (地方税法第20条の4の2第6項).

    Returns an array of shape ``(len(totals), n)``; column 0 is the first installment.
    """
    a, u = _non_negative(totals), _unit(unit)
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError(f"n must be at least 1, got {n!r}")
    regular = ((a // n) // u) * u
    out = np.repeat(regular[..., np.newaxis], n, axis=-1)
    out[..., 0] = a - regular * (n - 1)
    return out
