"""Dataset definitions come from the registry's item catalogue; 個人番号 is never published."""

from __future__ import annotations

import pytest

from kikan.juki.items import ITEMS
from kikan.linkage import datasets, records

RES = datasets.REGISTRY["juki.residents"]


def test_residents_items_are_the_catalogue_without_secrets():
    names = RES.field_names
    assert names[:3] == ("addressee_no", "history_no", "event_code")
    assert set(names[3:-1]) == {i.name for i in ITEMS if not i.secret}
    assert names[-1] == "protected" and RES.version == 2  # version 2 added 支援措置対象 (docs/linkage.md)
    assert not any("individual_number" in n for n in names)
    f = {x.name: x for x in RES.fields}
    assert (f["family_name"].ja, f["family_name"].length) == ("氏", 100)
    assert f["birth_date"].type == "date" and f["kana_confirmed"].type == "boolean"


def test_json_schema_shape():
    s = datasets.json_schema(RES)
    assert s["$schema"].endswith("2020-12/schema") and s["additionalProperties"] is False
    assert s["properties"]["birth_date"] == {
        "title": "生年月日",
        "type": ["string", "null"],
        "format": "date",
    }
    assert s["properties"]["addressee_no"]["type"] == "string"
    assert set(s["required"]) == set(RES.field_names)
    moves = datasets.json_schema(datasets.REGISTRY["juki.moves"])
    person = moves["properties"]["persons"]["items"]
    assert (
        "individual_number_changed" in person["properties"]
        and "individual_number_enc" not in person["properties"]
    )


def test_records_validate_against_their_schema():
    jsonschema_rs = pytest.importorskip("jsonschema_rs")
    person = {i.name: None for i in ITEMS} | {"addressee_no": "000000000000019", "history_no": 2, "event_code": "101",
                                              "family_name": "青木", "birth_date": "1980-01-01", "kana_confirmed": True,
                                              "individual_number_enc": "k1:xxx", "individual_number_changed": False}  # fmt: skip
    data = records.resident(person)
    jsonschema_rs.validate(datasets.json_schema(RES), data)
    assert "individual_number_enc" not in data
    move = records.move("e1", "ResidentMovedIn", {"event_code": "101", "event_name": "転入", "household_no": "1",
                                                   "move_id": "m", "kind": "domestic", "persons": [person]})  # fmt: skip
    jsonschema_rs.validate(datasets.json_schema(datasets.REGISTRY["juki.moves"]), move)
    assert move["details"] == {"kind": "domestic"}
    with pytest.raises(ValueError):
        jsonschema_rs.validate(datasets.json_schema(RES), {**data, "individual_number": "123456789018"})


def test_households_touched_by_an_event():
    payload = {
        "household_no": "2",
        "from_household_no": "1",
        "persons": [{"household_no": "2"}, {"household_no": "3"}],
    }
    assert records.household_nos(payload, "2") == ["2", "3", "1"]


def test_moves_csv_is_one_line_per_person():
    data = records.move("e1", "HouseholdSplit", {"event_code": "341", "persons": [
        {"addressee_no": "a", "history_no": 2}, {"addressee_no": "b", "history_no": 3}]})  # fmt: skip
    lines = records.csv_rows("juki.moves", data)
    assert [(x["event_id"], x["addressee_no"], x["history_no"]) for x in lines] == [
        ("e1", "a", 2),
        ("e1", "b", 3),
    ]
    assert records.csv_rows("juki.residents", {"a": 1}) == [{"a": 1}]
