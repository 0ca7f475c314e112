"""Full-snapshot history (標準仕様書 1.2.1) for every 修正/消除 category: 履歴番号 + 1, every item copied
except the ones the 異動 changes, earlier rows untouched."""

from __future__ import annotations

from typing import Any

import pytest
from test_moves_helpers import history, move_in, mynumber_key, new_code, new_number, person, run, without  # noqa: F401

from kikan.juki import services as s

D = {"event_on": "2024-04-05", "reported_on": "2024-04-06"}
REMOVED = {"status", "removal_reason", "removal_on"}
MOVED = {"household_no", "relationship", "household_order", "head_name"}


def cases(w: dict[str, Any]) -> dict[str, tuple[Any, Any, dict[str, Any], set[str]]]:
    h, wife, c, f = w["nos"]
    return {
        "転居": (s.move_within, s.RecordMoveWithin, {**D, "addressee_nos": w["nos"], "address": {"address": "松町８番地"}},
                 {"address", "prior_address", "address_set_on", "notified_on"}),
        "転出": (s.move_out, s.RecordMoveOut, {**D, "addressee_nos": [c], "destination": "大阪府"},
                 REMOVED | {"moved_out_to_planned", "move_out_planned_on", "notified_on"}),
        "死亡": (s.record_death, s.RecordDeath, {**D, "addressee_no": c}, REMOVED),
        "職権消除": (s.remove_by_authority, s.RemoveByAuthority, {**D, "addressee_nos": [c], "reason_text": "調査"}, REMOVED),
        "世帯分離": (s.split_household, s.SplitHousehold, {**D, "household_no": w["hh"], "addressee_nos": [c],
                                                         "relationships": {c: "世帯主"}}, MOVED),
        "世帯合併": (s.merge_households, s.MergeHouseholds, {**D, "household_no": w["hh"], "merged_household_no": w["other_hh"],
                                                          "relationships": {w["other"]: "縁故者"}}, MOVED),
        "世帯変更": (s.change_household, s.ChangeHousehold, {**D, "household_no": w["hh"], "addressee_nos": [c],
                                                          "target_household_no": w["other_hh"], "relationships": {c: "同居人"}}, MOVED),
        "世帯主変更": (s.change_head, s.ChangeHouseholdHead, {**D, "household_no": w["hh"], "new_head_addressee_no": wife,
                                                             "relationships": {h: "夫", c: "子", f: "同居人"}}, MOVED),
        "軽微な修正": (s.correct_record, s.CorrectRecord, {**D, "kind": "minor", "addressee_nos": [c],
                                                        "changes": {"remarks": "備考"}}, {"remarks"}),
        "個人番号の変更請求": (s.change_individual_number, s.ChangeIndividualNumber, {**D, "addressee_no": c, "kind": "request",
                               "individual_number": new_number()}, {"individual_number_enc", "individual_number_hash"}),
        "住民票コードの変更請求": (s.change_resident_record_code, s.ChangeResidentRecordCode, {**D, "addressee_no": c,
                                  "kind": "request", "juminhyo_code": new_code()}, {"juminhyo_code"}),
        "旧氏の記載": (s.record_former_surname, s.RecordFormerSurname, {**D, "addressee_no": wife, "action": "record",
                        "former_family_name": "佐藤", "former_family_name_kana": "サトウ", "requested_on": "2024-04-05"},
                       {"former_family_name", "former_family_name_kana"}),
        "通称の記載": (s.record_alias, s.RecordAlias, {**D, "addressee_no": f, "action": "record", "tsusho": "山田",
                        "applied_on": "2024-04-05"}, {"tsusho", "tsusho_recorded_on"}),
        "入管通知": (s.apply_immigration_notice, s.ApplyImmigrationNotice, {**D, "addressee_no": f, "notice_on": "2024-04-05",
                     "residence_status": "永住者"}, {"residence_status"}),
    }  # fmt: skip


NAMES = list(cases({"nos": ["h", "w", "c", "f"], "hh": "", "other_hh": "", "other": ""}))


@pytest.mark.parametrize("name", NAMES)
def test_rows_copy_every_item(db, ctx, name):
    fam = move_in(db, ctx, person(), person(given="花子", sex="2", born="2004-01-01", rel="妻"),
                  person(given="一郎", born="2020-01-01", rel="子"),
                  person(family="ワン", given="リー", rel="同居人", resident_kind="foreign", nationality="中国",
                         art30_45_category="中長期在留者"))  # fmt: skip
    other = move_in(db, ctx, person(family="赤井", born="1950-01-01"))
    world = {"nos": fam.addressee_nos, "hh": fam.household_no, "other_hh": other.household_no,
             "other": other.addressee_nos[0]}  # fmt: skip
    fn, cls, data, changed = cases(world)[name]
    everyone = [*fam.addressee_nos, *other.addressee_nos]
    before = {no: history(db, ctx, no) for no in everyone}
    r = run(db, ctx, fn, cls, data)
    assert r.addressee_nos
    for no, hist in zip(r.addressee_nos, r.history_nos, strict=True):
        rows = history(db, ctx, no)
        assert hist == len(before[no]) + 1 == len(rows)
        assert rows[:-1] == before[no]  # earlier rows untouched
        new, prev = rows[-1], rows[-2]
        assert new["event_code"] == r.event_code and new["move_id"] == r.move_id
        diff = {k for k in without(new) if new[k] != prev.get(k)}
        assert diff and diff <= changed, diff
    for no in set(everyone) - set(r.addressee_nos):
        assert history(db, ctx, no) == before[no]
