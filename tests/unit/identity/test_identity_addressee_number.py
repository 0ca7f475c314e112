import pytest
from hypothesis import given
from hypothesis import strategies as st

from kikan.core.identity import (
    IdentifierError,
    addressee_number,
    make_addressee_number,
    make_household_number,
    validate_addressee_number,
    validate_household_number,
)
from kikan.core.identity._mod11 import weighted_remainder


def reference_check_digit(base: str) -> int:
    total = sum(int(d) * (2 + i % 6) for i, d in enumerate(reversed(base)))
    r = total % 11
    return 0 if r in (0, 1) else 11 - r


def test_worked_examples() -> None:
    # base 00000000000001: 1 x 2 = 2, r = 2, check = 9
    assert make_addressee_number(1) == "000000000000019"
    # base ...0000012: 2x2 + 1x3 = 7, r = 7, check = 4
    assert make_addressee_number(12) == "000000000000124"
    # base ...00000011: 1x2 + 1x3 = 5 -> 6;  ...0000000000006: 6x2 = 12, r = 1 -> 0 (kikan convention)
    assert make_addressee_number(11) == "000000000000116"
    assert make_addressee_number(6) == "000000000000060"
    # r = 0 -> 0 (the case the 標準仕様書 states): 123456 -> 6x2+5x3+4x4+3x5+2x6+1x7 = 77 = 7 x 11
    assert make_addressee_number(123456, width=7) == "1234560"


@given(st.integers(1, 10**14 - 1))
def test_made_numbers_validate_and_match_reference(seq: int) -> None:
    number = make_addressee_number(seq)
    assert len(number) == 15
    assert int(number[:-1]) == seq
    assert number[-1] == str(reference_check_digit(number[:-1]))
    validate_addressee_number(number)
    assert addressee_number.is_valid(number)


def test_width() -> None:
    assert make_addressee_number(42, width=8) == "0000042" + addressee_number.compute_check_digit("0000042")
    with pytest.raises(IdentifierError) as info:
        make_addressee_number(10**7, width=8)
    assert info.value.reason == "range"
    with pytest.raises(IdentifierError):
        make_addressee_number(0)
    with pytest.raises(ValueError):
        make_addressee_number(1, width=1)
    assert addressee_number.is_valid(make_addressee_number(42, width=8), width=None)
    assert not addressee_number.is_valid(make_addressee_number(42, width=8))  # default width 15


def test_household_number_messages_name_the_field() -> None:
    number = make_household_number(7)
    validate_household_number(number)
    broken = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(IdentifierError) as info:
        validate_household_number(broken)
    assert str(info.value) == "世帯番号のチェックデジットが正しくありません"
    with pytest.raises(IdentifierError, match="宛名番号のチェックデジット"):
        validate_addressee_number(broken)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("00000000000001", "length"),
        ("０００００００００００００１９", "full_width"),
        ("00000000000001A", "format"),
    ],
)
def test_malformed(value: str, reason: str) -> None:
    with pytest.raises(IdentifierError) as info:
        validate_addressee_number(value)
    assert info.value.reason == reason


def test_any_width_still_needs_two_digits() -> None:
    with pytest.raises(IdentifierError):
        validate_addressee_number("7", width=None)
    with pytest.raises(IdentifierError) as info:
        addressee_number.compute_check_digit("")
    assert info.value.reason == "missing"


@given(st.integers(1, 10**14 - 1), st.integers(0, 14), st.integers(1, 9))
def test_single_digit_change_detected_unless_remainder_moves_between_0_and_1(
    seq: int, position: int, delta: int
) -> None:
    number = make_addressee_number(seq)
    mutated = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    undetected = addressee_number.is_valid(mutated)
    if position == 14:
        assert not undetected
    else:
        assert undetected == ({weighted_remainder(number[:-1]), weighted_remainder(mutated[:-1])} == {0, 1})
