"""Rounding helpers (地方税法第20条の4の2) and their numpy variants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kikan.core.rules import rounding
from kikan.core.rules import vector_rounding as vr
from kikan.core.rules.rounding import (
    BASIS,
    ceil_to,
    floor_late_fee_amount,
    floor_late_fee_base,
    floor_tax_amount,
    floor_tax_base,
    floor_to,
    round_half_up_to,
    split_installments,
)

amounts = st.integers(min_value=-(10**15), max_value=10**15)
non_negative = st.integers(min_value=0, max_value=10**15)
units = st.sampled_from([1, 10, 100, 1000, 10000]) | st.integers(min_value=1, max_value=10**6)


def test_statutory_examples() -> None:
    assert floor_tax_base(1_234_567) == 1_234_000
    assert floor_tax_base(999) == 0  # 全額1,000円未満は切捨て
    assert floor_tax_amount(45_678) == 45_600
    assert floor_tax_amount(99) == 0
    assert split_installments(45_600, 4) == [12_600, 11_000, 11_000, 11_000]
    assert split_installments(45_600, 4, unit=100) == [11_400, 11_400, 11_400, 11_400]
    assert split_installments(2_500, 4) == [2_500, 0, 0, 0]  # installments wholly under 1,000 yen
    assert floor_late_fee_base(1_999) == 0 and floor_late_fee_base(2_999) == 2_000
    assert floor_late_fee_amount(999) == 0 and floor_late_fee_amount(1_050) == 1_000


def test_basis_names_the_article_paragraph() -> None:
    assert BASIS["floor_tax_base"] == "地方税法第20条の4の2第1項"
    assert BASIS["floor_tax_amount"] == "地方税法第20条の4の2第3項"
    assert BASIS["split_installments"] == "地方税法第20条の4の2第6項"
    for name, basis in BASIS.items():
        assert basis in (getattr(rounding, name).__doc__ or ""), name


def test_generic_helpers() -> None:
    assert floor_to(-1, 100) == -100
    assert ceil_to(101, 100) == 200 and ceil_to(100, 100) == 100 and ceil_to(-150, 100) == -100
    assert round_half_up_to(1_499, 1000) == 1_000
    assert round_half_up_to(1_500, 1000) == 2_000
    assert round_half_up_to(-1_500, 1000) == -2_000
    assert floor_to(np.int64(1_234), 100) == 1_200


@pytest.mark.parametrize("bad", [1.0, True, "100", None])
def test_non_integer_amounts_are_refused(bad: object) -> None:
    with pytest.raises(TypeError):
        floor_to(bad, 100)  # type: ignore[arg-type]


def test_invalid_arguments() -> None:
    with pytest.raises(ValueError):
        floor_to(100, 0)
    with pytest.raises(ValueError):
        floor_tax_base(-1)
    with pytest.raises(ValueError):
        split_installments(100, 0)


@given(amounts, units)
def test_floor_to_never_exceeds_and_differs_by_less_than_unit(amount: int, unit: int) -> None:
    result = floor_to(amount, unit)
    assert result <= amount and amount - result < unit and result % unit == 0


@given(amounts, units)
def test_ceil_and_round_stay_within_one_unit(amount: int, unit: int) -> None:
    assert 0 <= ceil_to(amount, unit) - amount < unit
    rounded = round_half_up_to(amount, unit)
    assert rounded % unit == 0 and 2 * abs(rounded - amount) <= unit
    assert round_half_up_to(-amount, unit) == -rounded


@given(non_negative, st.integers(min_value=1, max_value=24), st.sampled_from([100, 1000]))
def test_installments_sum_to_the_total(total: int, n: int, unit: int) -> None:
    parts = split_installments(total, n, unit)
    assert sum(parts) == total and len(parts) == n
    assert all(p % unit == 0 for p in parts[1:])
    assert all(p >= 0 for p in parts) and parts[0] >= max(parts)


@given(st.lists(amounts, max_size=50), units)
def test_vector_generic_functions_match_scalar(values: list[int], unit: int) -> None:
    array = np.array(values, dtype=np.int64)
    for vector_fn, scalar_fn in [
        (vr.floor_to, floor_to),
        (vr.ceil_to, ceil_to),
        (vr.round_half_up_to, round_half_up_to),
    ]:
        result = vector_fn(array, unit)
        assert result.dtype == np.int64
        assert result.tolist() == [scalar_fn(v, unit) for v in values]


@given(st.lists(non_negative, max_size=50))
def test_vector_statutory_functions_match_scalar(values: list[int]) -> None:
    array = np.array(values, dtype=np.int64)
    for name in ("floor_tax_base", "floor_tax_amount", "floor_late_fee_base", "floor_late_fee_amount"):
        assert getattr(vr, name)(array).tolist() == [getattr(rounding, name)(v) for v in values], name


@given(st.lists(non_negative, min_size=1, max_size=20), st.integers(min_value=1, max_value=12))
def test_vector_installments_match_scalar(values: list[int], n: int) -> None:
    result = vr.split_installments(np.array(values, dtype=np.int64), n)
    assert result.shape == (len(values), n)
    assert result.tolist() == [split_installments(v, n) for v in values]


def test_vector_functions_refuse_floats_and_negatives() -> None:
    with pytest.raises(TypeError):
        vr.floor_to(np.array([1.5]), 100)
    with pytest.raises(TypeError):
        vr.floor_to(np.array([True]), 100)
    with pytest.raises(ValueError):
        vr.floor_tax_base(np.array([-1]))
    assert vr.floor_tax_base([1_234_567]).tolist() == [1_234_000]
