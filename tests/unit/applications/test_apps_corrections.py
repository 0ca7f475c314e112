"""Corrections: item-by-item diff, and overlaying API values on stored data."""

from __future__ import annotations

import pytest
from apps_unit_support import TODAY, move_out_raw

from kikan.applications import catalog, diff, to_raw, validate_submission
from kikan.applications.corrections import overlay
from kikan.core.errors import ValidationFailed


def _form():  # type: ignore[no-untyped-def]
    form = catalog().get("move-out")
    assert form is not None
    return form


def _data(**over: str) -> dict:  # type: ignore[type-arg]
    sub = validate_submission(_form(), move_out_raw(**over), today=TODAY, staff=True)
    assert sub.ok, sub.errors
    return sub.data


def test_diff_lists_each_changed_item_with_before_and_after():
    old = _data()
    new = _data(**{"persons.0.addressee_no": "19", "destination.katagaki": "梅ハイツ３０１"})
    changes = diff(_form(), old, new)
    assert [(c.path, c.before, c.after) for c in changes] == [
        ("persons.0.addressee_no", None, "19"), ("destination.katagaki", "梅ハイツ２０１", "梅ハイツ３０１")]
    assert changes[0].label == "転出する方（1人目）の宛名番号"
    assert diff(_form(), old, old) == []


def test_added_and_removed_persons_are_corrections_too():
    old = _data()
    new = {**old, "persons": [*old["persons"], dict(old["persons"][0], given_name="一郎")]}
    (change,) = diff(_form(), old, new)
    assert change.path == "persons.1" and change.before is None and change.after_text == "追加"


def test_to_raw_round_trips_through_validation():
    data = _data(**{"persons.0.addressee_no": "19"})
    again = validate_submission(_form(), to_raw(_form(), data), today=TODAY, staff=True)
    assert again.ok and again.data == data


def test_overlay_sets_values_dates_and_refuses_unknown_paths():
    data = _data()
    raw = overlay(_form(), data, {"persons.0.addressee_no": "19", "move.planned_on": "2024-04-25",
                                  "destination.katagaki": None})  # fmt: skip
    sub = validate_submission(_form(), raw, today=TODAY, staff=True)
    assert sub.ok, sub.errors
    assert sub.data["persons"][0]["addressee_no"] == "19"
    assert sub.data["move"]["planned_on"] == "2024-04-25"
    assert sub.data["destination"]["katagaki"] is None
    with pytest.raises(ValidationFailed) as exc:
        overlay(_form(), data, {"persons.addressee_no": "19", "nope.x": "1", "move.planned_on": "2024-02-30"})
    assert [e.field for e in exc.value.errors] == ["persons.addressee_no", "nope.x", "move.planned_on"]
