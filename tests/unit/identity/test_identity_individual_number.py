import pytest
from hypothesis import given
from hypothesis import strategies as st

from kikan.core.identity import IdentifierError, individual_number, mask_individual_number
from kikan.core.identity._mod11 import weighted_remainder

# 123456789018: the widely used test number; 023456789013: leading zero kept as text;
# 983205673214: the example in a published walk-through of 平成26年総務省令第85号第5条.
KNOWN_VALID = ["123456789018", "023456789013", "983205673214", "000000000000"]


def reference_check_digit(base: str) -> int:
    """The 省令 formula written out literally: Pn from the lowest digit, Qn = n+1 (n<=6) else n-5."""
    total = 0
    for n in range(1, 12):
        p = int(base[11 - n])
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    r = total % 11
    return 0 if r <= 1 else 11 - r


@pytest.mark.parametrize("number", KNOWN_VALID)
def test_known_valid_numbers(number: str) -> None:
    individual_number.validate(number)
    assert individual_number.is_valid(number)


@pytest.mark.parametrize("last", [d for d in "0123456789" if d != "8"])
def test_every_other_last_digit_of_the_test_number_is_refused(last: str) -> None:
    with pytest.raises(IdentifierError) as info:
        individual_number.validate("12345678901" + last)
    assert str(info.value) == "個人番号の検査用数字が正しくありません"
    assert info.value.reason == "check_digit"


@given(st.from_regex(r"\A[0-9]{11}\Z"))
def test_matches_the_literal_formula(base: str) -> None:
    assert individual_number.compute_check_digit(base) == str(reference_check_digit(base))


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("12345678901", "length"),
        ("1234567890188", "length"),
        ("1234 5678 9018", "format"),
        ("1234-5678-9018", "format"),
        ("１２３４５６７８９０１８", "full_width"),
        ("12345678901８", "full_width"),
        ("abcdefghijkl", "format"),
    ],
)
def test_malformed(value: str, reason: str) -> None:
    with pytest.raises(IdentifierError) as info:
        individual_number.validate(value)
    assert info.value.reason == reason
    assert info.value.field == "個人番号"
    # the message must never echo the number (番号法: no leakage into logs)
    assert "1234" not in str(info.value) and "１２３４" not in str(info.value)


@given(st.from_regex(r"\A[0-9]{11}\Z"), st.integers(0, 11), st.integers(1, 9))
def test_single_digit_change_detected_unless_remainder_moves_between_0_and_1(
    base: str, position: int, delta: int
) -> None:
    number = base + individual_number.compute_check_digit(base)
    mutated = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    undetected = individual_number.is_valid(mutated)
    if position == 11:
        assert not undetected
    else:
        remainders = {weighted_remainder(number[:11]), weighted_remainder(mutated[:11])}
        assert undetected == (remainders == {0, 1})


def test_the_weak_case_really_exists() -> None:
    # r = 0 and r = 1 both give 0, so this pair of numbers differs in one digit and both pass
    a, b = "000000000000", "000000000060"
    assert {weighted_remainder(a[:11]), weighted_remainder(b[:11])} == {0, 1}
    assert individual_number.is_valid(a) and individual_number.is_valid(b)


def test_mask() -> None:
    assert mask_individual_number("123456789018") == "************"
    assert individual_number.mask("123456789018", visible_tail=4) == "********9018"
    assert individual_number.mask("123456789018", 2, mask_char="●") == "●●●●●●●●●●18"
    assert individual_number.mask("12-34") == "*****"  # not validated: always masked
    with pytest.raises(ValueError):
        individual_number.mask("123456789018", visible_tail=5)
    with pytest.raises(ValueError):
        individual_number.mask("123456789018", visible_tail=-1)
