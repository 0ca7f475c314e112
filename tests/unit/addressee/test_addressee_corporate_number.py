"""法人番号の検査用数字 (法人番号の指定等に関する省令 第2条)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kikan.addressee import corporate_number as cn
from kikan.core.identity import IdentifierError

# Published numbers (国税庁 法人番号公表サイト https://www.houjin-bangou.nta.go.jp/):
REAL = [
    "7000012050002",  # 国税庁 (the NTA itself)
    "1180301018771",  # トヨタ自動車株式会社
    "7010705000725",  # 日本税理士会連合会 (Wikipedia「法人番号」の例)
    "4011001098993",  # 株式会社FoundingBase (Qiita の検算例)
]


@pytest.mark.parametrize("number", REAL)
def test_published_numbers_are_valid(number: str) -> None:
    assert cn.is_valid(number)
    assert cn.make(number[1:]) == number


def test_worked_example_of_the_formula() -> None:
    # 基礎番号 123456789012, Pn from the right with Qn = 1 (odd n) / 2 (even n):
    # 2x1 + 1x2 + 0x1 + 9x2 + 8x1 + 7x2 + 6x1 + 5x2 + 4x1 + 3x2 + 2x1 + 1x2 = 74; 74 mod 9 = 2; 9 - 2 = 7
    assert cn.compute_check_digit("123456789012") == "7"
    # 国税庁: 000012050002 -> 2 + 5 + 2 + 1x2 = 11; 11 mod 9 = 2; 9 - 2 = 7
    assert cn.compute_check_digit("000012050002") == "7"


def reference(base: str) -> str:
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base), start=1))
    return str(9 - total % 9)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_check_digit_is_one_to_nine_and_matches_the_formula(base: str) -> None:
    d = cn.compute_check_digit(base)
    assert d == reference(base) and d in "123456789"
    assert cn.is_valid(d + base)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(0, 11), st.integers(1, 9))
def test_single_digit_errors_are_detected_except_zero_nine(base: str, pos: int, delta: int) -> None:
    number = cn.make(base)
    digits = list(number)
    old = int(digits[pos + 1])
    new = (old + delta) % 10
    digits[pos + 1] = str(new)
    changed = "".join(digits)
    if {old, new} == {0, 9}:
        assert cn.is_valid(changed)  # 9 ≡ 0 (mod 9): the documented blind spot
    else:
        assert not cn.is_valid(changed)


@pytest.mark.parametrize(
    ("value", "reason"),
    [("700001205000", "length"), ("7000-12050002", "format"), ("７０００012050002", "full_width"),
     ("", "missing"), ("8000012050002", "check_digit"), ("0000012050002", "check_digit")],
)  # fmt: skip
def test_bad_numbers_are_refused_naming_the_field(value: str, reason: str) -> None:
    with pytest.raises(IdentifierError) as e:
        cn.validate(value)
    assert e.value.field == "法人番号" and e.value.reason == reason
