"""Exact integer arithmetic on ``int64`` yen arrays.

Rates are kept as exact ratios ``(numerator, denominator)`` taken from the YAML decimals, so
``amount × 4.025%`` is computed as ``amount × 161 // 4000`` — never through binary floats.
Every helper is element-wise and works for arrays of any length (one taxpayer is length 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

import numpy as np
import numpy.typing as npt

Yen = npt.NDArray[np.int64]
Mask = npt.NDArray[np.bool_]
Ratio = tuple[int, int]


def ratio(value: Decimal | Fraction | int | str) -> Ratio:
    """Exact ratio of a decimal rate: ``Decimal("0.84895")`` -> ``(16979, 20000)``."""
    f = Fraction(str(value)) if isinstance(value, (Decimal, str)) else Fraction(value)
    return f.numerator, f.denominator


def fraction(r: Ratio) -> Fraction:
    return Fraction(r[0], r[1])


def yen(a: npt.ArrayLike) -> Yen:
    return np.asarray(a, dtype=np.int64)


def zeros(n: int) -> Yen:
    return np.zeros(n, dtype=np.int64)


def mul_floor(a: Yen, r: Ratio) -> Yen:
    """``floor(a × r)`` (1円未満切捨て)."""
    return (a * r[0]) // r[1]


def mul_ceil(a: Yen, r: Ratio) -> Yen:
    """``ceil(a × r)`` (1円未満切上げ)."""
    return -((-a * r[0]) // r[1])


def mul_floor_var(a: Yen, num: Yen, den: Yen) -> Yen:
    """Element-wise ``floor(a × num / den)`` with per-element ratios."""
    return (a * num) // den


def mul_ceil_var(a: Yen, num: Yen, den: Yen) -> Yen:
    return -((-a * num) // den)


def floor_unit(a: Yen, unit: int) -> Yen:
    return (a // unit) * unit


def clip0(a: Yen) -> Yen:
    return np.maximum(a, 0)


def band_index(values: Yen, uppers: Sequence[int | None]) -> npt.NDArray[np.intp]:
    """Index of the first band whose inclusive ``upper`` is >= value (``None`` = unbounded)."""
    finite = [u for u in uppers if u is not None]
    idx = np.searchsorted(np.asarray(finite, dtype=np.int64), values, side="left")
    return np.minimum(idx, len(uppers) - 1)


def lower_index(values: Yen, lowers: Sequence[int]) -> npt.NDArray[np.intp]:
    """Index of the last band whose inclusive ``lower`` is <= value."""
    idx = np.searchsorted(np.asarray(lowers, dtype=np.int64), values, side="right") - 1
    return np.maximum(idx, 0)


def pick(index: npt.NDArray[np.intp], table: Sequence[int]) -> Yen:
    return np.asarray(table, dtype=np.int64)[index]


def as_bool(a: npt.ArrayLike) -> Mask:
    return np.asarray(a).astype(bool)
