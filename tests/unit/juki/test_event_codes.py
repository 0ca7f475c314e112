"""異動事由 (標準仕様書 1.2.2): kikan codes ↔ the standard's categories, both ways; event payloads."""

from __future__ import annotations

from datetime import date

import pytest

from kikan.juki.events import (
    CATEGORIES,
    MODIFY,
    REASONS,
    RECORD,
    REMOVE,
    category_of,
    codes_for,
    make_event,
    payload_for,
)

J210 = {  # verbatim from 1.2.2 (j210)
    RECORD: ["国内転入", "国外転入等", "出生", "職権記載（帰化等）", "職権記載（国籍喪失）", "職権記載", "改製", "再製",
             "異動の取消し（増）"],
    REMOVE: ["国内転出", "国外転出", "死亡", "職権消除（帰化等）", "職権消除（国籍喪失）", "職権消除", "改製", "再製",
             "異動の取消し（減）"],
    MODIFY: ["転居", "軽微な修正", "職権修正", "誤記修正", "個人番号の変更請求", "個人番号の職権修正", "個人番号の職権記載",
             "住民票コードの変更請求", "住民票コードの職権記載", "世帯分離", "世帯合併", "世帯変更", "世帯主変更",
             "旧氏の記載", "旧氏の変更", "旧氏の削除", "通称の記載", "通称の削除", "異動の取消し（修正）"],
}  # fmt: skip


def test_categories_are_the_standards() -> None:
    assert {g: list(c) for g, c in CATEGORIES.items()} == J210


def test_every_category_has_a_code_and_maps_back() -> None:
    for group, cats in CATEGORIES.items():
        for cat in cats:
            codes = codes_for(group, cat)
            assert codes, (group, cat)
            assert all(category_of(c) == (group, cat) for c in codes)


def test_every_code_maps_to_exactly_one_standard_category() -> None:
    codes = [r.code for r in REASONS]
    assert len(codes) == len(set(codes))
    for r in REASONS:
        group, cat = category_of(r.code)
        assert cat in CATEGORIES[group]
        assert r.code in codes_for(group, cat)


def test_code_families_follow_the_group() -> None:
    first = {RECORD: "1", REMOVE: "2", MODIFY: "3"}
    assert all(r.code[0] == first[r.group] for r in REASONS)


def test_no_tenkyo_torikeshi_category() -> None:
    """「転居取消」 must not be a category (1.2.2 【実装しない機能】)."""
    assert all("転居取消" not in r.name and "転居取消" not in r.category for r in REASONS)
    with pytest.raises(ValueError):
        codes_for(MODIFY, "転居取消")


def test_restricted_categories_by_resident_kind() -> None:
    assert {r.residents for r in REASONS if r.category == "職権記載（帰化等）"} == {"japanese"}
    assert {r.residents for r in REASONS if r.category == "職権消除（帰化等）"} == {"foreign"}
    assert {r.residents for r in REASONS if r.category == "職権記載（国籍喪失）"} == {"foreign"}
    assert {r.residents for r in REASONS if r.category == "職権消除（国籍喪失）"} == {"japanese"}


def test_unknown_code() -> None:
    with pytest.raises(ValueError):
        category_of("999")


def _snap(no: str, hist: int, number_hash: str | None) -> dict:
    return {
        "addressee_no": no, "history_no": hist, "event_code": "101", "household_no": "H1", "family_name": "青木",
        "birth_date": date(2003, 1, 7), "individual_number_enc": "k1:SECRET", "individual_number_hash": number_hash,
    }  # fmt: skip


def test_payload_lists_every_person_without_the_number() -> None:
    snaps = [_snap("A1", 1, "hash-a"), _snap("A2", 3, "hash-b")]
    prev = {("A2", 3): {"individual_number_hash": "hash-b"}}
    p = payload_for(snaps, code="101", event_on=date(2024, 4, 1), reported_on=date(2024, 4, 5),
                    processed_on=date(2024, 4, 10), household_no="H1", previous=prev)  # fmt: skip
    assert p["category"] == "国内転入" and p["group"] == RECORD
    assert (p["event_on"], p["reported_on"], p["processed_on"]) == ("2024-04-01", "2024-04-05", "2024-04-10")
    assert [(x["addressee_no"], x["history_no"]) for x in p["persons"]] == [("A1", 1), ("A2", 3)]
    assert p["persons"][0]["birth_date"] == "2003-01-07"
    assert [x["individual_number_changed"] for x in p["persons"]] == [True, False]
    text = repr(p)
    assert "SECRET" not in text and "hash-a" not in text
    assert "individual_number_enc" not in p["persons"][0] and "individual_number_hash" not in p["persons"][0]


def test_one_event_typed_by_the_code() -> None:
    e = make_event([_snap("A1", 1, None)], code="344", event_on=date(2024, 4, 1), reported_on=None,
                   processed_on=date(2024, 4, 1), household_no="H1")  # fmt: skip
    assert (e.event_type, e.aggregate_type, e.aggregate_id, e.occurred_on) == (
        "HouseholdHeadChanged",
        "household",
        "H1",
        "2024-04-01",
    )
