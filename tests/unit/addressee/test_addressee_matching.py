"""Candidate matching and the exact-duplicate rule of the 住登外者 inquiry (kikan.addressee.matching)."""

from datetime import date
from typing import Any

from kikan.addressee.matching import is_exact, matched_items, probe_of, rank
from kikan.addressee.model import search_keys


def row(no: str = "000000000000019", version: int = 1, **attrs: Any) -> dict[str, Any]:
    a = {"kind": "person", **attrs}
    return {"integrated_no": no, "version": version, **a, **search_keys(a)}


TARO = {"family_name": "山田", "given_name": "太郎", "family_name_kana": "ヤマダ", "given_name_kana": "タロウ",
        "birth_date": date(1970, 4, 1), "sex": "1", "address": "大阪府大阪市北区梅町３番地"}  # fmt: skip


def test_same_name_reading_and_birth_date_is_exact_despite_spelling_variants() -> None:
    stored = row(**{**TARO, "family_name": "山田", "given_name_kana": "タロー", "address": "京都府京都市"})
    probe = probe_of({"kind": "person", **TARO, "family_name_kana": "ﾔﾏﾀﾞ"})
    assert is_exact(probe, stored)
    assert "氏名" in matched_items(probe, stored) and "生年月日" in matched_items(probe, stored)


def test_variant_kanji_fold_to_the_same_name() -> None:
    stored = row(**{**TARO, "family_name": "髙橋"})
    assert is_exact(probe_of({**TARO, "family_name": "高橋"}), stored)


def test_another_birth_date_is_only_a_candidate() -> None:
    stored = row(**{**TARO, "birth_date": date(1971, 4, 1)})
    probe = probe_of(TARO)
    assert not is_exact(probe, stored)
    assert "生年月日" not in matched_items(probe, stored)


def test_another_reading_is_not_exact_but_a_missing_one_is_no_obstacle() -> None:
    assert not is_exact(probe_of(TARO), row(**{**TARO, "given_name_kana": "フトシ"}))
    assert is_exact(probe_of(TARO), row(**{**TARO, "family_name_kana": None, "given_name_kana": None}))


def test_without_birth_date_the_address_decides() -> None:
    no_birth = {**TARO, "birth_date": None}
    assert is_exact(probe_of(no_birth), row(**TARO))
    assert not is_exact(probe_of({**no_birth, "address": "東京都港区"}), row(**TARO))
    assert not is_exact(probe_of({**no_birth, "address": None}), row(**TARO))


def test_a_probe_with_a_birth_date_never_equals_a_record_without_one() -> None:
    assert not is_exact(probe_of(TARO), row(**{**TARO, "birth_date": None}))


def test_corporations_match_on_corporate_number_else_name_and_address() -> None:
    corp = {"kind": "corporation", "corporate_no": "7000012050002", "corporate_name": "国税庁",
            "address": "東京都千代田区霞が関３－１－１"}  # fmt: skip
    stored = row(**corp)
    assert is_exact(probe_of({**corp, "corporate_name": "財務省国税庁"}), stored)
    assert not is_exact(probe_of({**corp, "corporate_no": "1180301018771"}), stored)
    no_number = {**corp, "corporate_no": None}
    assert is_exact(probe_of(no_number), stored)
    assert not is_exact(probe_of({**no_number, "address": "大阪府"}), stored)
    assert not is_exact(probe_of(TARO), stored)  # a person is never a corporation


def test_rank_puts_exact_first_and_reports_the_matching_past_version() -> None:
    old = row("000000000000027", 1, **{**TARO, "address": "東京都港区竹町２番地"})
    new = row("000000000000027", 2, **{**TARO, "birth_date": None, "address": "大阪府大阪市"})
    other = row("000000000000035", 1, **{**TARO, "given_name": "太", "given_name_kana": "フトシ"})
    probe = probe_of({**TARO, "birth_date": None, "address": "東京都港区竹町２番地"})
    ranked = rank(probe, [other, new, old])
    assert [c.integrated_no for c in ranked] == ["000000000000027", "000000000000035"]
    assert ranked[0].exact and ranked[0].matched_version == 1
    assert not ranked[1].exact
