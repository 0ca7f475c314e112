"""Every 異動 emits exactly ONE outbox event, typed by its 異動事由, listing the rows it wrote — and no
個人番号 (clear, encrypted or hashed) anywhere in any payload."""

from __future__ import annotations

from test_moves_helpers import (  # noqa: F401
    TODAY,
    events,
    history,
    last_event,
    move_in,
    mynumber_key,
    new_code,
    new_number,
    person,
    run,
    seq,
)

from kikan.juki import services as s
from kikan.juki.events import reason


def test_each_move_one_event_with_its_rows(db, ctx):
    head, wife = person(), person(given="花子", sex="2", born="2004-01-01", rel="妻")
    fam = move_in(db, ctx, head, wife)
    h, w = fam.addressee_nos
    other = move_in(db, ctx, person(family="赤井", born="1950-01-01"))
    numbers = [head["individual_number"], wife["individual_number"]]
    fresh = new_number()
    numbers.append(fresh)
    d = {"event_on": "2024-04-05", "reported_on": "2024-04-06"}
    steps = [
        (
            s.move_within,
            s.RecordMoveWithin,
            {**d, "addressee_nos": [h, w], "address": {"address": "松町８番地"}},
        ),
        (
            s.change_head,
            s.ChangeHouseholdHead,
            {**d, "household_no": fam.household_no, "new_head_addressee_no": w, "relationships": {h: "夫"}},
        ),
        (
            s.change_individual_number,
            s.ChangeIndividualNumber,
            {**d, "addressee_no": h, "kind": "request", "individual_number": fresh},
        ),
        (
            s.change_resident_record_code,
            s.ChangeResidentRecordCode,
            {**d, "addressee_no": h, "kind": "request", "juminhyo_code": new_code()},
        ),
        (
            s.correct_record,
            s.CorrectRecord,
            {**d, "kind": "minor", "addressee_nos": [h], "changes": {"remarks": "x"}},
        ),
        (
            s.record_former_surname,
            s.RecordFormerSurname,
            {
                **d,
                "addressee_no": w,
                "action": "record",
                "former_family_name": "佐藤",
                "requested_on": "2024-04-05",
            },
        ),
        (
            s.record_birth,
            s.RecordBirth,
            {
                **d,
                "household_no": fam.household_no,
                "child": person(given="一郎", born="2024-04-05", rel="子"),
            },
        ),
        (s.move_out, s.RecordMoveOut, {**d, "addressee_nos": other.addressee_nos, "destination": "大阪府"}),
        (s.cancel_move, s.CancelMove, {"event_on": "2024-04-10", "addressee_nos": other.addressee_nos}),
    ]
    for fn, cls, data in steps:
        before = seq(db, ctx)
        r = run(db, ctx, fn, cls, data)
        ev = last_event(db, ctx, before)
        assert ev.event_type == reason(r.event_code).event_type
        assert ev.payload["event_code"] == r.event_code and ev.payload["move_id"] == r.move_id
        assert [(p["addressee_no"], p["history_no"]) for p in ev.payload["persons"]] == list(
            zip(r.addressee_nos, r.history_nos, strict=True)
        )
        assert ev.aggregate_id == r.household_no == ev.payload["household_no"]
    secrets = set(numbers)
    for no in (h, w):
        for row in history(db, ctx, no):
            secrets |= {row["individual_number_enc"], row["individual_number_hash"]} - {None}
    assert len(secrets) > len(numbers)
    for ev in events(db, ctx):
        text = repr(ev.payload)
        assert not any(x in text for x in secrets), ev.event_type
        assert "individual_number_enc" not in text and "individual_number_hash" not in text
    changed = [p["individual_number_changed"] for e in events(db, ctx) if e.event_type == "IndividualNumberChanged"
               for p in e.payload["persons"]]  # fmt: skip
    assert changed == [True]
