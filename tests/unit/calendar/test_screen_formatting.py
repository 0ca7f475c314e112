"""The staff screens' date and amount display (kikan.adapters.web.formatting)."""

from datetime import UTC, date, datetime

from kikan.adapters.web.formatting import wareki, yen


def test_dates_texts_and_timestamps_in_wareki():
    assert wareki(date(2019, 5, 1)) == wareki("2019-05-01") == wareki("2019-05-01T09:00:00")
    assert wareki(date(2019, 5, 1)) == "令和元年5月1日"
    assert wareki(datetime(2026, 3, 31, 15, 30, tzinfo=UTC)).endswith(" 00:30")  # JST, next day
    assert wareki(datetime(2026, 3, 31, 15, 30, tzinfo=UTC)).startswith("令和8年4月1日")
    assert wareki(None) == wareki("") == ""


def test_yen():
    assert yen(1234567) == "1,234,567円" and yen(0) == "0円" and yen(None) == ""
