import pytest
from hypothesis import given
from hypothesis import strategies as st

from kikan.core.identity import IdentifierError, resident_record_code
from kikan.core.identity._mod11 import weighted_remainder


def reference_check_digit(base: str) -> int:
    weights = [2, 3, 4, 5, 6, 7, 2, 3, 4, 5]  # from the rightmost digit of the 10-digit base
    r = sum(int(d) * w for d, w in zip(reversed(base), weights, strict=True)) % 11
    return 0 if r <= 1 else 11 - r


@given(st.from_regex(r"\A[0-9]{10}\Z"))
def test_matches_the_documented_formula(base: str) -> None:
    assert resident_record_code.compute_check_digit(base) == str(reference_check_digit(base))
    resident_record_code.validate(base + str(reference_check_digit(base)))


def test_examples() -> None:
    assert resident_record_code.is_valid("12345678903")
    assert resident_record_code.is_valid("00000000000")
    with pytest.raises(IdentifierError) as info:
        resident_record_code.validate("12345678904")
    assert str(info.value) == "住民票コードの検査数字が正しくありません"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("1234567890", "length"),
        ("123456789012", "length"),
        ("１２３４５６７８９０３", "full_width"),
        ("1234567890X", "format"),
    ],
)
def test_malformed(value: str, reason: str) -> None:
    with pytest.raises(IdentifierError) as info:
        resident_record_code.validate(value)
    assert info.value.reason == reason
    assert info.value.field == "住民票コード"


@given(st.from_regex(r"\A[0-9]{10}\Z"), st.integers(0, 10), st.integers(1, 9))
def test_single_digit_change_detected_unless_remainder_moves_between_0_and_1(
    base: str, position: int, delta: int
) -> None:
    code = base + resident_record_code.compute_check_digit(base)
    mutated = code[:position] + str((int(code[position]) + delta) % 10) + code[position + 1 :]
    undetected = resident_record_code.is_valid(mutated)
    if position == 10:
        assert not undetected
    else:
        assert undetected == ({weighted_remainder(code[:10]), weighted_remainder(mutated[:10])} == {0, 1})
