"""支援措置 date rules (標準仕様書 3.4, 住民基本台帳事務処理要領 第5-10)."""

from __future__ import annotations

from datetime import date

import pytest

from kikan.juki.blocks import (
    Block,
    approve,
    can_extend,
    continue_after_move_out,
    expiry_alert,
    expiry_alerts,
    extend,
    extended_period,
    extension_opens_on,
    support_period_end,
)


def measure(**kw) -> Block:
    base = dict(block_id="s1", kind="support", processes=frozenset({"certificate", "inquiry"}), level="error",
                start_on=date(2020, 4, 1), end_on=date(2021, 3, 31), addressee_no="P1", support_stage="approved")
    return Block(**{**base, **kw})


def test_period_end_spec_example_r2_4_1():
    assert support_period_end(date(2020, 4, 1)) == date(2021, 3, 31)  # 令和2年4月1日 → 令和3年3月31日


@pytest.mark.parametrize(("start", "end"), [
    (date(2023, 1, 15), date(2024, 1, 14)),
    (date(2024, 2, 29), date(2025, 2, 27)),  # leap day: 2025-02-28 is the anniversary, minus one day
    (date(2023, 3, 1), date(2024, 2, 29)),
])
def test_period_end_other_dates(start, end):
    assert support_period_end(start) == end


def test_extension_window_opens_one_month_before_end():
    assert extension_opens_on(date(2021, 3, 31)) == date(2021, 3, 1)
    assert extension_opens_on(date(2021, 4, 30)) == date(2021, 4, 1)
    assert extension_opens_on(date(2021, 3, 30)) == date(2021, 2, 28)  # 3/31 − 1 month, clamped
    assert not can_extend(date(2021, 3, 31), date(2021, 2, 28))
    assert can_extend(date(2021, 3, 31), date(2021, 3, 1))
    assert can_extend(date(2021, 3, 31), date(2021, 4, 15))  # late extension still possible


def test_extension_runs_one_year_from_the_day_after():
    assert extended_period(date(2021, 3, 31)) == (date(2021, 4, 1), date(2022, 3, 31))


def test_extend_closes_old_row_without_gap():
    old, new = extend(measure(), "s2", date(2021, 3, 10))
    assert (new.start_on, new.end_on, new.parent_block_id, new.block_id) == (date(2021, 4, 1), date(2022, 3, 31), "s1", "s2")
    assert old.released_on == date(2021, 4, 1)
    assert old.in_force(date(2021, 3, 31)) and not old.in_force(date(2021, 4, 1)) and new.in_force(date(2021, 4, 1))
    with pytest.raises(ValueError, match="既に"):
        extend(old, "s3", date(2021, 3, 10))


def test_extend_refused_before_window_and_for_provisional():
    with pytest.raises(ValueError, match="2021-03-01"):
        extend(measure(), "s2", date(2021, 2, 28))
    with pytest.raises(ValueError):
        extend(measure(support_stage="provisional", end_on=None), "s2", date(2021, 3, 10))


def test_extend_with_edited_end():
    _, new = extend(measure(), "s2", date(2021, 3, 10), end_on=date(2021, 12, 31))
    assert new.end_on == date(2021, 12, 31)


def test_expiry_alerts_window():
    end = date(2021, 3, 31)
    assert expiry_alert(end, date(2021, 2, 28)) is None
    assert "1か月以内に終了" in (expiry_alert(end, date(2021, 3, 1)) or "")
    assert "1か月以内に終了" in (expiry_alert(end, end) or "")
    assert "終了しています" in (expiry_alert(end, date(2021, 4, 1)) or "")
    assert "終了しています" in (expiry_alert(end, date(2021, 4, 30)) or "")
    assert expiry_alert(end, date(2021, 5, 1)) is None
    assert expiry_alert(None, date(2021, 3, 15)) is None


def test_expiry_alerts_only_in_force_support():
    ms = [measure(), measure(block_id="s2", released_on=date(2021, 3, 1)), measure(block_id="b", kind="block")]
    assert [m.block_id for m, _ in expiry_alerts(ms, date(2021, 3, 15))] == ["s1"]


def test_provisional_then_approved():
    prov = measure(support_stage="provisional", start_on=date(2021, 1, 10), end_on=None)
    assert prov.in_force(date(2021, 1, 10))
    ok = approve(prov, date(2021, 2, 1))
    assert (ok.support_stage, ok.start_on, ok.end_on) == ("approved", date(2021, 2, 1), date(2022, 1, 31))
    assert ok.details["provisional_from"] == "2021-01-10"
    with pytest.raises(ValueError):
        approve(ok, date(2021, 2, 1))


def test_continuation_after_move_out():
    c = continue_after_move_out(measure(), date(2021, 1, 5))
    assert c.support_stage == "continued" and c.details["as"] == "前住所地" and c.in_force(date(2021, 1, 5))
    assert c.end_on == date(2021, 3, 31)
    with pytest.raises(ValueError):
        continue_after_move_out(measure(released_on=date(2021, 1, 1)), date(2021, 1, 5))
