"""Validating submissions: each bad input gives a Japanese message naming the field; nothing is guessed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from apps_unit_support import TODAY, move_out_raw, parts, post_raw

from kikan.applications import catalog, validate_submission
from kikan.core.errors import ValidationFailed


def _form(form_id: str):  # type: ignore[no-untyped-def]
    form = catalog().get(form_id)
    assert form is not None
    return form


def _errors(raw: dict[str, str], form_id: str = "move-out", **kw: object) -> dict[str, str]:
    sub = validate_submission(_form(form_id), raw, today=TODAY, **kw)  # type: ignore[arg-type]
    return {e.path: f"{e.label}: {e.message}" for e in sub.errors}


def test_a_complete_move_out_is_valid_and_normalised():
    raw = move_out_raw(**{"applicant.family_name_kana": "やまだ", "applicant.given_name_kana": "ﾊﾅｺ",
                          "applicant.phone": "０３－１２３４－５６７８"})  # fmt: skip
    sub = validate_submission(_form("move-out"), raw, today=TODAY)
    assert sub.ok, sub.errors
    assert sub.data["applicant"]["family_name_kana"] == "ヤマダ"  # hiragana → katakana
    assert sub.data["applicant"]["given_name_kana"] == "ハナコ"  # half-width → full-width
    assert sub.data["applicant"]["phone"] == "03-1234-5678"
    assert sub.data["applicant"]["birth_date"] == "1990-02-03"  # 平成2年2月3日
    assert sub.data["destination"]["postal_code"] == "5300001"
    assert sub.data["consent"]["confirmed"] is True
    assert sub.data["persons"] == [sub.data["persons"][0]] and sub.data["persons"][0]["addressee_no"] is None


def test_impossible_dates_are_refused_with_the_date_named():
    errs = _errors(move_out_raw(**parts("applicant.birth_date", "令和", "5", "2", "30")))
    assert errs == {"applicant.birth_date": "届出人の生年月日: 令和5年2月30日は存在しない日付です"}
    errs = _errors(move_out_raw(**parts("persons.0.birth_date", "西暦", "2023", "2", "29")))
    assert errs["persons.0.birth_date"] == "転出する方（1人目）の生年月日: 2023年2月29日は存在しない日付です"
    errs = _errors(move_out_raw(**parts("applicant.birth_date", "平成", "31", "5", "1")))
    assert "平成の期間外" in errs["applicant.birth_date"]


def test_future_birth_dates_and_out_of_window_move_dates_are_refused():
    tomorrow = TODAY + timedelta(days=1)
    errs = _errors(move_out_raw(**parts("persons.0.birth_date", "西暦", str(tomorrow.year), str(tomorrow.month),
                                        str(tomorrow.day))))  # fmt: skip
    assert errs == {"persons.0.birth_date": "転出する方（1人目）の生年月日: 未来の日付は入力できません"}
    errs = _errors(move_out_raw(planned=TODAY - timedelta(days=15)))
    assert errs == {"move.planned_on": "転出の内容の転出予定日: 14日以上前の日付は入力できません"}
    assert not _errors(move_out_raw(planned=TODAY - timedelta(days=14)))
    assert "90日より先" in _errors(move_out_raw(planned=TODAY + timedelta(days=91)))["move.planned_on"]


@pytest.mark.parametrize(
    ("over", "path", "message"),
    [
        ({"applicant.birth_date.year": ""}, "applicant.birth_date", "年・月・日をすべて入力してください"),
        ({"applicant.birth_date.month": "二"}, "applicant.birth_date", "数字で入力"),
        ({"applicant.birth_date.era": ""}, "applicant.birth_date", "元号を選んでください"),
        ({"applicant.birth_date.era": "西暦", "applicant.birth_date.year": "90"}, "applicant.birth_date", "4桁"),
        ({"applicant.family_name_kana": "Yamada"}, "applicant.family_name_kana", "全角カタカナで入力してください"),
        ({"applicant.phone": "03-12"}, "applicant.phone", "電話番号は数字とハイフン"),
        ({"applicant.email": "taro@"}, "applicant.email", "メールアドレスの形式"),
        ({"destination.postal_code": "53-0001"}, "destination.postal_code", "7桁"),
        ({"move.kind": "moon"}, "move.kind", "選択肢から選んでください"),
        ({"persons.0.relationship": ""}, "persons.0.relationship", "選んでください"),
        ({"consent.confirmed": ""}, "consent.confirmed", "チェックを入れてください"),
        ({"applicant.family_name": ""}, "applicant.family_name", "入力してください"),
        ({"applicant.family_name": "山田\n"}, "applicant.family_name", ""),
        ({"applicant.family_name": "山\x07田"}, "applicant.family_name", "制御文字"),
        ({"applicant.address": "東京都\ue000区"}, "applicant.address", "外字"),
        ({"applicant.family_name": "山田😀"}, "applicant.family_name", "使用できない文字"),
        ({"applicant.family_name": "한"}, "applicant.family_name", "使用できない文字が含まれています（「한」）"),
        ({"applicant.address": "東京都ﾁﾖﾀﾞ区"}, "applicant.address", "「ﾁ」"),
        ({"applicant.family_name": "山" * 51}, "applicant.family_name", "50文字以内で入力してください（現在51文字）"),
        ({"destination.address": "大" * 5000}, "destination.address", "入力が長すぎます"),
    ],
)
def test_bad_values_name_the_field(over, path, message):
    errs = _errors(move_out_raw(**over))
    if not message:  # surrounding whitespace is trimmed, not an error
        assert errs == {}
        return
    assert list(errs) == [path], errs
    assert message in errs[path]


def test_errors_come_in_form_order_with_all_problems():
    raw = move_out_raw(**{"applicant.family_name": "", "consent.confirmed": "", "persons.0.given_name": ""})
    assert list(_errors(raw)) == ["applicant.family_name", "persons.0.given_name", "consent.confirmed"]


def test_blank_extra_persons_are_dropped_and_later_ones_renumbered():
    raw = move_out_raw(**{"_count.persons": "3", "persons.2.family_name": "山田", "persons.2.given_name": "一郎",
                          "persons.2.family_name_kana": "ヤマダ", "persons.2.given_name_kana": "イチロウ",
                          **parts("persons.2.birth_date", "令和", "2", "5", "1"), "persons.2.relationship": "子"})  # fmt: skip
    sub = validate_submission(_form("move-out"), raw, today=TODAY)
    assert sub.ok, sub.errors
    assert [p["given_name"] for p in sub.data["persons"]] == ["花子", "一郎"]
    assert sub.data["persons"][1]["birth_date"] == "2020-05-01"
    # a half-filled extra person is an error on the renumbered item
    raw["persons.2.given_name"] = ""
    assert _errors(raw) == {"persons.1.given_name": "転出する方（2人目）の名: 入力してください"}


def test_the_first_person_is_required_even_when_blank():
    raw = {k: v for k, v in move_out_raw().items() if not k.startswith("persons.")}
    assert "persons.0.family_name" in _errors(raw)


def test_clerk_only_fields_are_ignored_for_residents_and_read_for_staff():
    raw = move_out_raw(**{"persons.0.addressee_no": "000000000000019"})
    sub = validate_submission(_form("move-out"), raw, today=TODAY)
    assert sub.data["persons"][0]["addressee_no"] is None
    sub = validate_submission(_form("move-out"), raw, today=TODAY, staff=True)
    assert sub.data["persons"][0]["addressee_no"] == "000000000000019"
    assert _errors(move_out_raw(**{"persons.0.addressee_no": "12a"}), staff=True) == {
        "persons.0.addressee_no": "転出する方（1人目）の宛名番号: 宛名番号は15桁以内の数字で入力してください"}


def test_required_if_applies_only_when_the_condition_holds():
    assert not _errors(post_raw(), "resident-copy-by-post")
    errs = _errors(post_raw(**{"target.scope": "some", "purpose.kind": "other", "delivery.to": "other"}),
                   "resident-copy-by-post")  # fmt: skip
    assert set(errs) == {"target.names", "purpose.detail", "delivery.postal_code", "delivery.address", "delivery.name"}
    assert errs["purpose.detail"] == "使用目的の詳細: 入力してください"
    assert errs["delivery.name"] == "郵送先の宛名: 入力してください"


def test_raise_if_errors_gives_validation_failed_with_japanese_fields():
    sub = validate_submission(_form("move-out"), move_out_raw(**{"applicant.family_name": ""}), today=TODAY)
    with pytest.raises(ValidationFailed) as exc:
        sub.raise_if_errors()
    assert exc.value.errors[0].field == "届出人の氏"


def test_display_keeps_what_was_typed_for_fields_in_error():
    raw = move_out_raw(**parts("applicant.birth_date", "令和", "5", "2", "30"), **{"applicant.phone": "03-12"})
    sub = validate_submission(_form("move-out"), raw, today=TODAY)
    assert sub.display["applicant.birth_date"] == {"era": "令和", "year": "5", "month": "2", "day": "30"}
    assert sub.display["applicant.phone"] == "03-12"
