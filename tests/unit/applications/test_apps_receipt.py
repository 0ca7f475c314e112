"""受付番号 (Damm check digit) and 確認コード."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kikan.applications import (
    format_receipt_no,
    format_secret,
    is_valid_receipt_no,
    make_receipt_no,
    parse_receipt_no,
    parse_secret,
    secret_from_bytes,
)
from kikan.applications.receipt import SECRET_ALPHABET, damm_digit


def test_damm_reference_value():
    assert damm_digit("572") == "4"  # the worked example of the Damm algorithm
    assert make_receipt_no(1) == "0000000013"
    assert is_valid_receipt_no("0000000013")


@given(st.integers(min_value=1, max_value=10**9 - 1), st.integers(min_value=0, max_value=9), st.integers(0, 9))
def test_every_single_digit_error_is_detected(seq, pos, digit):
    no = make_receipt_no(seq)
    typo = no[:pos] + str(digit) + no[pos + 1:]
    assert is_valid_receipt_no(typo) == (typo == no)


@given(st.integers(min_value=1, max_value=10**9 - 1), st.integers(min_value=0, max_value=8))
def test_every_adjacent_transposition_is_detected(seq, pos):
    no = make_receipt_no(seq)
    swapped = no[:pos] + no[pos + 1] + no[pos] + no[pos + 2:]
    assert is_valid_receipt_no(swapped) == (swapped == no)


def test_parse_accepts_what_people_type():
    no = make_receipt_no(17)
    assert no == "0000000174"
    assert format_receipt_no(no) == "00000-00174"
    assert parse_receipt_no("00000-00174") == no
    assert parse_receipt_no("０００００ ００１７４") == no  # full-width digits and a space
    assert parse_receipt_no("0000000175") is None  # wrong check digit
    assert parse_receipt_no("abc") is None


def test_out_of_range_sequences_are_refused():
    with pytest.raises(ValueError):
        make_receipt_no(0)
    with pytest.raises(ValueError):
        make_receipt_no(10**9)


def test_secret_alphabet_has_no_look_alikes_and_parsing_is_forgiving():
    assert not set("01OIL") & set(SECRET_ALPHABET)
    s = secret_from_bytes(bytes(range(40, 48)))
    assert len(s) == 8 and set(s) <= set(SECRET_ALPHABET)
    assert parse_secret(" " + format_secret(s).lower() + " ") == s
    with pytest.raises(ValueError):
        secret_from_bytes(b"short")
