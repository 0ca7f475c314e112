"""Checks of inquiries and numbering requests, registry mapping, number formats."""

from datetime import date

import pytest

from kikan.addressee import registry
from kikan.addressee.commands import Inquiry, NumberRequest, build
from kikan.addressee.model import integrated_number, non_resident_number
from kikan.addressee.rules import distinct_errors, inquiry_errors, numbering_errors
from kikan.core.errors import ValidationFailed
from kikan.core.identity import validate_addressee_number

TODAY = date(2024, 4, 10)


def fields(errors) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.field for e in errors]


def test_an_inquiry_needs_something_to_search_by() -> None:
    assert fields(inquiry_errors({"kind": "person", "sex": "1"}, today=TODAY)) == ["照会条件"]
    assert inquiry_errors({"kind": "person", "family_name_kana": "ヤマダ"}, today=TODAY) == []


def test_birth_dates_in_the_future_or_before_meiji_are_refused() -> None:
    assert fields(inquiry_errors({"family_name": "山田", "birth_date": date(2024, 4, 11)}, today=TODAY)) == ["生年月日"]
    assert fields(numbering_errors({"family_name": "山田", "address": "大阪", "birth_date": date(1850, 1, 1)},
                                   today=TODAY)) == ["生年月日"]  # fmt: skip


def test_impossible_dates_are_refused_by_the_request_naming_the_field() -> None:
    with pytest.raises(ValidationFailed) as e:
        build(Inquiry, {"family_name": "山田", "birth_date": "2023-02-29"})
    assert fields(e.value.errors) == ["生年月日"] and "存在しない" in e.value.errors[0].message
    assert build(Inquiry, {"birth_date": "昭和45年4月1日"}).birth_date == date(1970, 4, 1)


def test_request_checks_corporate_number_kana_and_unknown_items() -> None:
    with pytest.raises(ValidationFailed) as e:
        build(NumberRequest, {"kind": "corporation", "corporate_no": "7000012050003", "family_name_kana": "やまだ",
                              "nickname": "x"})  # fmt: skip
    assert set(fields(e.value.errors)) == {"法人番号", "氏フリガナ", "nickname"}


def test_numbering_needs_name_and_address_and_the_right_kind() -> None:
    assert set(fields(numbering_errors({"kind": "person"}, today=TODAY))) == {"氏", "住所"}
    errs = numbering_errors({"kind": "corporation", "family_name": "山田", "address": "大阪"}, today=TODAY)
    assert set(fields(errs)) == {"氏", "法人名称"}


def test_confirming_another_person_needs_a_reason() -> None:
    assert fields(distinct_errors(["000000000000019"], None)) == ["別人である理由"]
    assert distinct_errors(["000000000000019"], "登記簿の生年月日が異なる") == []


def test_number_formats() -> None:
    nr = non_resident_number(1)
    assert nr.startswith("9") and len(nr) == 15
    validate_addressee_number(nr)
    validate_addressee_number(integrated_number(123))
    with pytest.raises(ValueError):
        non_resident_number(10**13)


def test_a_person_who_moved_out_is_reached_at_the_destination() -> None:
    snap = {"addressee_no": "000000000000019", "history_no": 2, "status": "removed", "removal_reason": "国内転出",
            "family_name": "山田", "birth_date": "1970-04-01", "address": "東京都千代田区松町１番地", "katagaki": "101",
            "moved_out_to_planned": "大阪府大阪市北区梅町３番地"}  # fmt: skip
    a = registry.attributes(snap)
    assert (a["status"], a["address"], a["katagaki"], a["birth_date"]) == (
        "removed", "大阪府大阪市北区梅町３番地", None, date(1970, 4, 1))
    died = registry.attributes({**snap, "removal_reason": "死亡"})
    assert died["address"] == "東京都千代田区松町１番地"
    assert registry.persons({"persons": [snap, {"addressee_no": "x"}]}) == [snap]
