"""Batches of whole households, the registry rows, the export formatter and its degradation report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kikan.characters import GaijiMapper
from kikan.juki.keys import search_keys
from kikan.migration import Exporter, counter_floor, load_layout, parse_layout, plan_batches, validate_files
from kikan.migration.plan import HISTORY_COLUMNS, HOUSEHOLD_COLUMNS, RESIDENT_COLUMNS, RowBuilder

TODAY = dt.date(2026, 4, 1)
UTC = dt.UTC


def dataset(tmp_path: Path, legacy_gen, residents: int = 60):
    s = legacy_gen.generate_legacy_set(tmp_path, residents=residents, seed=5)
    mapper = GaijiMapper("cp932", {("cp932", c): t for c, t in s.gaiji_truth.items()})
    ds = validate_files([(p.name, p.read_bytes()) for p in s.files], s.layout, mapper, today=TODAY)
    assert ds.report.error_count == 0, ds.report.summary()
    return s, ds


def test_batches_hold_whole_households_and_are_deterministic(tmp_path, legacy_gen):
    _, ds = dataset(tmp_path, legacy_gen)
    batches = plan_batches(ds.persons, 7)
    assert batches == plan_batches(ds.persons, 7)
    current = ds.persons.current()
    seen: dict[str, int] = {}
    for b in batches:
        assert len(b.households) <= 7
        for no in b.persons:
            hh = ds.persons.get(current[no], "household_no")
            assert hh in b.households
            assert seen.setdefault(hh, b.no) == b.no  # never in two batches
    assert sorted(no for b in batches for no in b.persons) == sorted(current)


def test_counter_floor_is_the_sequence_part_of_the_largest_number():
    assert counter_floor(["0000000017", "0000000250", None, "A12", "7"]) == 25
    assert counter_floor([]) == 0


def test_row_builder(tmp_path, legacy_gen):
    s, ds = dataset(tmp_path, legacy_gen)
    calls: list[str] = []

    def protect(n: str) -> tuple[str, str]:
        calls.append(n)
        return f"enc:{n}", f"hash:{n}"

    at = dt.datetime(2026, 4, 1, tzinfo=UTC)
    b = RowBuilder(
        ds.persons, tenant_id="131016", protect=protect, recorded_at=at, recorded_by="t", request_id="r"
    )
    [batch] = plan_batches(ds.persons, 10_000)
    history, residents, households = b.batch(batch)
    assert len(history) == len(s.truth) and len(residents) == len(ds.persons.rows)
    h = [dict(zip(HISTORY_COLUMNS, r, strict=True)) for r in history]
    assert all(r["migrated"] is True and r["cancelled"] is False and r["tenant_id"] == "131016" for r in h)
    truth = {(t["addressee_no"], t["history_no"]): t for t in s.truth}
    for r in h:
        t = truth[(r["addressee_no"], r["history_no"])]
        assert r["family_name"] == t["family_name"] and r["birth_date"] == t["birth_date"]
        assert r["individual_number_enc"] == f"enc:{t['individual_number']}"
        keys = search_keys(r)
        assert all(
            r[k] == keys[k] for k in ("kana_key", "name_key", "alt_kana_key", "alt_name_key", "address_key")
        )
    assert len(calls) == len(set(calls))  # each person's number protected once for all its rows
    pointers = [dict(zip(RESIDENT_COLUMNS, r, strict=True)) for r in residents]
    last = {}
    for r in h:
        last[r["addressee_no"]] = max(last.get(r["addressee_no"], 0), r["history_no"])
    assert all(p["history_no"] == last[p["addressee_no"]] for p in pointers)
    hh = [dict(zip(HOUSEHOLD_COLUMNS, r, strict=True)) for r in households]
    for x in hh:
        heads = [r for r in h if r["addressee_no"] == x["head_addressee_no"]]
        assert x["status"] == "dissolved" or heads[-1]["relationship"] == "世帯主"


FIXED = parse_layout({
    "name": "out", "format": "fixed", "encoding": "cp932", "record_length": 24, "newline": "lf",
    "fields": [
        {"name": "宛名番号", "target": "addressee_no", "offset": 0, "length": 4},
        {"name": "履歴番号", "target": "history_no", "offset": 4, "length": 2},
        {"name": "氏", "target": "family_name", "offset": 6, "length": 8},
        {"name": "生年月日", "target": "birth_date", "offset": 14, "length": 7, "date": "wareki_code"},
    ],
})  # fmt: skip


def test_fixed_width_export_is_laid_out_in_bytes():
    e = Exporter(FIXED)
    out = e.record(
        {"addressee_no": "0012", "history_no": 3, "family_name": "山田", "birth_date": dt.date(2026, 11, 26)}
    )
    assert out == b"001203" + "山田".encode("cp932") + b"    " + b"5081126" + b"   \n"
    assert e.report.changes == []


def test_cp932_export_degrades_and_reports():
    e = Exporter(FIXED)
    out = e.record({"addressee_no": "1", "history_no": 1, "family_name": "𠮷田髙橋長い", "birth_date": None})
    assert out[6:14] == "吉田髙橋".encode("cp932")  # 𠮷 → 吉 (縮退), 髙 kept (CP932 has it), cut to 8 bytes
    rules = [(c.original, c.replacement, c.lossy) for c in e.report.changes]
    assert ("𠮷", "吉", True) in rules and ("吉田髙橋長い", "吉田髙橋", True) in rules


def test_utf8_export_keeps_ivs_and_round_trips(tmp_path):
    layout = load_layout("chukan_juki")
    e = Exporter(layout)
    row = {"addressee_no": "0000000017", "history_no": 1, "family_name": "渡邉\U000E011A", "given_name": "太郎",
           "birth_date": dt.date(1980, 1, 2), "kana_confirmed": False, "status": "resident"}  # fmt: skip
    data = e.header() + e.record(row)
    assert (
        data.startswith(b"\xef\xbb\xbf")
        and "渡邉\U000e011a　太郎".encode() in data
        and e.report.changes == []
    )
