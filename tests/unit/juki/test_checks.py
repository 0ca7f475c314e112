"""Checks run before a 異動 writes anything: dates (4.0.3, 4.1.0.2), the 14-day rule, characters, ISO dates."""

from __future__ import annotations

from datetime import date

import pytest

from kikan.core.errors import ValidationFailed
from kikan.juki.model import (
    Problems,
    check_birth_on,
    check_deadline,
    check_death_on,
    check_event_on,
    check_reported_on,
    check_text,
    parse_iso_date,
)
from kikan.juki.services import PersonInput, RecordMoveIn, build

TODAY = date(2024, 4, 10)


def test_event_date_after_processing_date_refused_except_move_out() -> None:
    p = Problems()
    check_event_on(p, date(2024, 4, 11), TODAY)
    assert [e.field for e in p.errors] == ["異動日"]
    p = Problems()
    check_event_on(p, date(2024, 4, 30), TODAY, future_allowed=True)
    check_event_on(p, TODAY, TODAY)
    assert not p.errors


def test_reported_on() -> None:
    p = Problems()
    check_reported_on(p, date(2024, 4, 11), date(2024, 4, 1), TODAY)
    check_reported_on(p, date(2024, 3, 30), date(2024, 4, 1), TODAY)
    assert [e.field for e in p.errors] == ["届出日", "届出日"]
    p = Problems()
    check_reported_on(p, date(2024, 3, 30), date(2024, 4, 1), TODAY, before_event_allowed=True)
    assert not p.errors


@pytest.mark.parametrize(("reported", "late"), [(date(2024, 4, 15), False), (date(2024, 4, 16), True)])
def test_fourteen_days_is_an_alert_not_an_error(reported: date, late: bool) -> None:
    p = Problems()
    check_deadline(p, date(2024, 4, 1), reported, "第22条")  # 14日以内: up to 4/15
    assert not p.errors
    assert bool(p.alerts) is late
    if late:
        assert "第22条" in p.alerts[0].message and p.alerts[0].field == "届出日"


def test_birth_and_death() -> None:
    p = Problems()
    check_birth_on(p, date(2024, 4, 11), TODAY)
    check_death_on(p, date(1999, 1, 1), date(2000, 1, 1), TODAY)
    check_death_on(p, date(2024, 4, 11), date(2000, 1, 1), TODAY)
    assert [e.field for e in p.errors] == ["生年月日", "死亡日", "死亡日"]
    with pytest.raises(ValidationFailed):
        p.raise_if_errors()


def test_characters_outside_the_standard_set() -> None:
    p = Problems()
    check_text(p, "氏", "青木")
    check_text(p, "名", "太\ue000郎")
    check_text(p, "方書", "ハイツ😀")
    assert [e.field for e in p.errors] == ["名", "方書"]
    assert "行政事務標準文字" in p.errors[0].message


@pytest.mark.parametrize("text", ["2024-02-30", "2023-02-29", "2024-13-01", "2024-04-31"])
def test_impossible_iso_dates(text: str) -> None:
    with pytest.raises(ValueError, match="存在しない日付"):
        parse_iso_date(text)
    assert parse_iso_date("2024-02-29") == date(2024, 2, 29)


def test_pydantic_refuses_impossible_dates_in_japanese() -> None:
    with pytest.raises(Exception) as info:
        PersonInput.model_validate(
            {"family_name": "青木", "birth_date": "2024-02-30", "sex": "1", "relationship": "世帯主"}
        )
    assert "存在しない日付です（2024-02-30）" in str(info.value)
    with pytest.raises(ValidationFailed) as vf:
        build(
            RecordMoveIn,
            {
                "event_on": "2024-02-30",
                "persons": [
                    {"family_name": "青木", "birth_date": "2003-01-07", "sex": "3", "relationship": "世帯主"}
                ],
            },
        )
    fields = {e.field: e.message for e in vf.value.errors}
    assert fields["異動日"] == "存在しない日付です（2024-02-30）"
    assert "選択肢" in fields["異動者の1人目の性別"]


def test_command_schema_has_japanese_titles() -> None:
    schema = RecordMoveIn.model_json_schema()
    assert schema["properties"]["event_on"]["title"] == "異動日"
    assert schema["properties"]["event_on"]["format"] == "date"
