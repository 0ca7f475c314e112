"""The synthetic population: determinism, households, identifiers, shape of the population."""

from __future__ import annotations

import collections
from datetime import date
from typing import Any

import pytest

from kikan.core.identity import (
    validate_addressee_number,
    validate_household_number,
    validate_individual_number,
    validate_resident_record_code,
)
from kikan.juki.keys import search_keys
from kikan.juki.model import HEAD, is_valid_relationship, sort_members
from kikan.synthetic import Chunk, generate, plain
from kikan.synthetic.addresses import towns_for
from kikan.synthetic.data import age_pyramid
from kikan.synthetic.rows import HOUSEHOLD_COLUMNS, RESIDENT_COLUMNS

TENANT = "131041"  # 東京都新宿区
AS_OF = date(2025, 11, 1)
N = 15_000


def _run(seed: int, n: int = N, tenant: str = TENANT) -> list[Chunk]:
    return list(generate(tenant, n, seed, as_of=AS_OF, protect=plain, chunk_size=5_000))


@pytest.fixture(scope="module")
def chunks() -> list[Chunk]:
    return _run(7)


@pytest.fixture(scope="module")
def history(chunks: list[Chunk]) -> list[dict[str, Any]]:
    return [r for c in chunks for r in c.history]


@pytest.fixture(scope="module")
def current(history: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for r in history:
        if r["addressee_no"] not in out or r["history_no"] > out[r["addressee_no"]]["history_no"]:
            out[r["addressee_no"]] = r
    return out


@pytest.fixture(scope="module")
def present(current: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in current.values() if r["status"] == "resident"]


def _rows(chunks: list[Chunk]) -> list[tuple[Any, ...]]:
    return [tuple(sorted((k, str(v)) for k, v in r.items())) for c in chunks for r in c.history]


def test_same_seed_same_rows_and_different_seed_different_rows() -> None:
    first, again, other = _run(7, 3000), _run(7, 3000), _run(8, 3000)
    assert _rows(again) == _rows(first)
    assert [c.residents for c in again] == [c.residents for c in first]
    assert [c.households for c in again] == [c.households for c in first]
    assert _rows(other) != _rows(first)
    names = [{r["family_name"] + r["given_name"] for r in c.history[:300]} for c in (first[0], other[0])]
    assert names[0] != names[1]


def test_exactly_the_requested_number_of_present_residents(chunks: list[Chunk], present: list[dict]) -> None:
    assert sum(c.present for c in chunks) == N == len(present)
    assert [c.present for c in chunks[:-1]] and all(c.present >= 5_000 for c in chunks[:-1])


def test_about_three_percent_removed_as_jyohyo(current: dict[str, dict[str, Any]]) -> None:
    removed = [r for r in current.values() if r["status"] == "removed"]
    assert 0.015 * N < len(removed) < 0.045 * N
    assert {r["removal_reason"] for r in removed} <= {"死亡", "転出", "国外転出"}
    assert {r["event_code"] for r in removed} <= {"211", "201", "203"}
    assert all(r["removal_on"] and r["removal_on"] <= AS_OF for r in removed)


def test_every_household_has_one_head_and_standard_relationships(
    chunks: list[Chunk], present: list[dict]
) -> None:
    members: dict[str, list[dict]] = collections.defaultdict(list)
    for r in present:
        members[r["household_no"]].append(r)
    active = {h[1] for c in chunks for h in c.households if h[HOUSEHOLD_COLUMNS.index("status")] == "active"}
    assert set(members) == active
    for no, ms in members.items():
        assert [m["relationship"] for m in ms].count(HEAD) == 1, no
        assert all(is_valid_relationship(m["relationship"]) for m in ms)
        assert len({m["head_name"] for m in ms}) == 1
    singles = sum(len(ms) == 1 for ms in members.values()) / len(members)
    assert 0.33 < singles < 0.45  # 2020 census: 単独世帯 38%
    rels = collections.Counter(r["relationship"] for r in present)
    assert {"世帯主", "妻", "子", "夫", "母", "父", "子の子", "子の妻", "同居人"} <= set(rels)


def test_members_are_stored_in_the_standard_order(present: list[dict]) -> None:
    members: dict[str, list[dict]] = collections.defaultdict(list)
    for r in present:
        members[r["household_no"]].append(r)
    checked = 0
    for ms in members.values():
        stored = sorted(ms, key=lambda m: m["household_order"])
        assert [m["household_order"] for m in stored] == list(range(1, len(ms) + 1))
        assert [m["addressee_no"] for m in sort_members(stored)] == [m["addressee_no"] for m in stored]
        checked += len(ms) > 2
    assert checked > 500


def test_identifiers_have_valid_check_digits_and_are_unique(chunks: list[Chunk], current: dict) -> None:
    codes = [r["juminhyo_code"] for r in current.values()]
    numbers = [r["individual_number_enc"].removeprefix("plain:") for r in current.values()]
    for code in codes:
        validate_resident_record_code(code)
    for number in numbers:
        validate_individual_number(number)
    for no in current:
        validate_addressee_number(no)
    for c in chunks:
        for h in c.households:
            validate_household_number(h[1])
    assert len(set(codes)) == len(codes) and len(set(numbers)) == len(numbers)
    nos = sorted(int(no[:-1]) for no in current)
    assert nos == list(range(1, len(nos) + 1))  # gap-free 宛名番号 sequence from an empty tenant


def test_about_two_percent_foreign_with_their_items(present: list[dict]) -> None:
    foreign = [r for r in present if r["resident_kind"] == "foreign"]
    assert 0.012 * N < len(foreign) < 0.035 * N
    for r in foreign:
        assert (
            r["alpha_name"] and r["nationality"] and r["art30_45_category"] in ("中長期在留者", "特別永住者")
        )
        card = r["residence_card_no"]
        assert len(card) == 12 and card[:2].isalpha() and card[2:10].isdigit() and card[10:].isalpha()
        assert r["foreign_resident_on"] >= date(2012, 7, 9)
        if r["art30_45_category"] == "中長期在留者":
            assert r["residence_status"]
            assert (r["period_of_stay"] is None) == (r["stay_expires_on"] is None)
        assert r["honseki"] is None
    assert any(r["tsusho"] for r in foreign) and any(r["art30_45_category"] == "特別永住者" for r in foreign)


def test_age_pyramid_follows_the_2020_census(present: list[dict]) -> None:
    bands = age_pyramid()
    total = sum(b.persons for b in bands)
    counts = collections.Counter()
    for r in present:
        b = r["birth_date"]
        age = AS_OF.year - b.year - ((AS_OF.month, AS_OF.day) < (b.month, b.day))
        counts[next(i for i, band in enumerate(bands) if band.start <= age <= band.end)] += 1
    for i, band in enumerate(bands):
        assert abs(counts[i] / N - band.persons / total) < 0.013, (band, counts[i] / N)
    old = sum(counts[i] for i, b in enumerate(bands) if b.start >= 65) / N
    target = sum(b.persons for b in bands if b.start >= 65) / total
    assert abs(old - target) < 0.025
    males = sum(r["sex"] == "1" for r in present) / N
    assert 0.46 < males < 0.52


def test_variant_kanji_and_ivs_names_are_present(present: list[dict], history: list[dict]) -> None:
    names = {r["family_name"] for r in history} | {
        r["former_family_name"] for r in history if r["former_family_name"]
    }
    assert {"髙橋", "山﨑"} <= names
    assert any("\U000e010f" <= ch <= "\U000e011f" for n in names for ch in n)  # Moji_Joho IVS of 邉
    assert any("渡邉" in n or "渡邊" in n for n in names)
    ivs = next(r for r in history if any(0xE0100 <= ord(c) <= 0xE01EF for c in r["family_name"]))
    assert ivs["name_key"].startswith("渡辺") or ivs["name_key"].startswith("斎藤")


def test_readings_are_katakana_and_mostly_confirmed(present: list[dict]) -> None:
    for r in present[:3000]:
        assert all(
            "\u30a0" <= c <= "\u30ff" or c == " " for c in r["family_name_kana"] + r["given_name_kana"]
        )
    unconfirmed = sum(not r["kana_confirmed"] for r in present) / N
    assert 0.005 < unconfirmed < 0.08


def test_addresses_use_the_real_towns_and_postal_codes(current: dict) -> None:
    towns = {t.town_code: t for t in towns_for(TENANT)}
    for r in current.values():
        town = towns[r["town_code"]]
        assert r["address"].startswith(f"東京都新宿区{town.name}")
        assert r["postal_code"] == town.postal_code
        assert r["address_code"].startswith(r["town_code"])
    assert any(r["katagaki"] and r["katagaki"].endswith("号室") for r in current.values())
    assert len({r["town_code"] for r in current.values()}) > 50


def test_history_rows_are_consistent(history: list[dict]) -> None:
    by: dict[str, list[dict]] = collections.defaultdict(list)
    for r in history:
        by[r["addressee_no"]].append(r)
    sizes = collections.Counter(len(v) for v in by.values())
    assert set(sizes) <= {1, 2, 3, 4} and sizes[2] > 0 and sizes[3] > 0
    for rows in by.values():
        assert [r["history_no"] for r in rows] == list(range(1, len(rows) + 1))
        assert rows[0]["event_code"] in {"101", "104", "105", "111"}
        events = [r["event_on"] for r in rows]
        assert events == sorted(events)
        processed = [r["processed_on"] for r in rows]
        assert processed == sorted(processed) and processed[-1] <= AS_OF
        for r in rows:
            assert r["event_on"] <= r["processed_on"] or r["event_code"] in ("201", "203")
            assert r["reported_on"] is None or r["reported_on"] <= r["processed_on"]
            assert r["recorded_at"].date() == r["processed_on"]
        if rows[0]["event_code"] == "111":
            assert rows[0]["event_on"] == rows[0]["birth_date"]
        assert all(r["became_resident_on"] == rows[0]["event_on"] for r in rows)
    codes = collections.Counter(r["event_code"] for r in history)
    assert {"301", "312", "344", "351", "314"} <= set(codes)


def test_past_names_are_in_the_history(history: list[dict]) -> None:
    """A wife who lived here before marriage: maiden name on the first row, 職権修正 (312) changes it."""
    by: dict[str, list[dict]] = collections.defaultdict(list)
    for r in history:
        by[r["addressee_no"]].append(r)
    married = [rows for rows in by.values() if any(r["event_code"] == "312" for r in rows)]
    assert married
    for rows in married:
        i = next(i for i, r in enumerate(rows) if r["event_code"] == "312")
        assert rows[i - 1]["family_name"] != rows[i]["family_name"]
        assert rows[i - 1]["name_key"] != rows[-1]["name_key"]


def test_cached_search_keys_equal_search_keys(history: list[dict]) -> None:
    for r in history[::97]:
        assert {
            k: r[k] for k in ("kana_key", "name_key", "alt_kana_key", "alt_name_key", "address_key")
        } == search_keys(r)


def test_residents_point_at_the_last_history_row(chunks: list[Chunk], current: dict) -> None:
    for c in chunks:
        for p in c.residents:
            row = dict(zip(RESIDENT_COLUMNS, p, strict=True))
            last = current[row["addressee_no"]]
            assert row["history_no"] == last["history_no"] == row["version"]
            assert row["status"] == last["status"] and row["household_no"] == last["household_no"]


def test_designated_city_uses_its_wards() -> None:
    rows = [r for c in _run(1, 300, "141003") for r in c.history]  # 横浜市: towns are under the wards
    assert all(r["address"].startswith("神奈川県横浜市") and "区" in r["address"] for r in rows)
