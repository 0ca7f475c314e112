"""The pure part of 住民検索: conditions → plan (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from kikan.core.errors import ValidationFailed
from kikan.juki.search import SearchQuery, birth_range, matched_on, plan


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("昭和50年1月2日", (date(1975, 1, 2), date(1975, 1, 2))),
        ("令和元年5月1日", (date(2019, 5, 1), date(2019, 5, 1))),
        ("H31.4", (date(2019, 4, 1), date(2019, 4, 30))),
        ("平成31年", (date(2019, 1, 1), date(2019, 4, 30))),
        ("令和元年", (date(2019, 5, 1), date(2019, 12, 31))),
        ("昭和50年2月", (date(1975, 2, 1), date(1975, 2, 28))),
        ("2000年2月", (date(2000, 2, 1), date(2000, 2, 29))),
        ("1975-01", (date(1975, 1, 1), date(1975, 1, 31))),
        ("s50", (date(1975, 1, 1), date(1975, 12, 31))),
        ("１９７５", (date(1975, 1, 1), date(1975, 12, 31))),
    ],
)
def test_birth_date_ranges(text: str, expected: tuple[date, date]) -> None:
    assert birth_range(text) == expected


@pytest.mark.parametrize("text", ["昭和65年", "平成31年5月", "2月30日", "あいう", "1975-13"])
def test_impossible_birth_dates_are_refused(text: str) -> None:
    with pytest.raises(ValidationFailed) as e:
        birth_range(text)
    assert e.value.errors[0].field == "生年月日"


def test_keys_are_folded_like_the_stored_keys() -> None:
    p = plan(SearchQuery(kana="さとう", name="髙橋", address="西新宿2丁目"))
    by = {k.field: k for k in p.keys}
    assert by["カナ"].values == ("サト",) and by["カナ"].columns == ("kana_key", "alt_kana_key")
    assert by["氏名"].values == ("高橋",)
    assert set(by["住所"].values) == {"西新宿2丁目", "西新宿二丁目"}


def test_removal_reason_implies_removed_and_individual_number_is_checked() -> None:
    assert plan(SearchQuery(removal_reason="転出")).include_removed
    with pytest.raises(ValidationFailed) as e:
        plan(SearchQuery(individual_number="1234"))
    assert e.value.errors[0].field == "個人番号"


def test_audit_detail_hides_the_individual_number() -> None:
    q = SearchQuery(individual_number="123456789018", name="佐藤")
    assert q.audit_detail() == {"individual_number": "（指定あり）", "name": "佐藤"}


def test_matched_on() -> None:
    p = plan(SearchQuery(name="田中"))
    now = {
        "history_no": 3,
        "name_key": "佐藤花子",
        "kana_key": "サトハナコ",
        "alt_name_key": "",
        "address_key": "x",
    }
    assert matched_on(p, now, {**now, "history_no": 1, "name_key": "田中花子"}) == "past name"
    assert matched_on(p, now, now) == "former surname"  # matched the current row through an alt key
    q = plan(SearchQuery(address="y"))
    assert matched_on(q, now, {**now, "history_no": 2, "address_key": "y"}) == "past address"
    assert matched_on(q, now, now) == "current"
