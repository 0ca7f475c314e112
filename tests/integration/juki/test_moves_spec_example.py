"""The worked example of 標準仕様書 1.2.1 (j200):

青木太郎が松町１番地へ転入、その後、松町８番地へ転居。同時に、青木花子が青木太郎の世帯へ転入。

宛名番号 履歴番号 世帯番号 住所       氏名      生年月日     性別 異動事由
0000001  1        0000100  松町１番地 青木 太郎 平成15.01.07 男   国内転入
0000001  2        0000100  松町８番地 青木 太郎 平成15.01.07 男   転居
0000002  1        0000100  松町８番地 青木 花子 平成17.12.30 女   国内転入
"""

from __future__ import annotations

from test_moves_helpers import history, move_in, mynumber_key, person, run, without  # noqa: F401

from kikan.core.calendar import format_wareki
from kikan.juki.events import category_of
from kikan.juki.services import RecordMoveWithin, move_within


def test_aoki_taro_moves_in_then_moves_and_hanako_joins(db, ctx):
    taro = move_in(db, ctx, person("青木", "太郎", "2003-01-07", "1"), address="松町１番地")
    (t_no,) = taro.addressee_nos
    first = history(db, ctx, t_no)[0]
    run(
        db,
        ctx,
        move_within,
        RecordMoveWithin,
        {
            "addressee_nos": [t_no],
            "event_on": "2024-04-05",
            "reported_on": "2024-04-06",
            "address": {"address": "松町８番地"},
        },
    )
    hanako = move_in(
        db,
        ctx,
        person("青木", "花子", "2005-12-30", "2", rel="妹"),
        household_no=taro.household_no,
        event_on="2024-04-07",
    )
    (h_no,) = hanako.addressee_nos

    rows = [*history(db, ctx, t_no), *history(db, ctx, h_no)]
    table = [
        (r["addressee_no"], r["history_no"], r["household_no"], r["address"], f"{r['family_name']} {r['given_name']}",
         format_wareki(r["birth_date"]), r["sex"], category_of(r["event_code"])[1])
        for r in rows
    ]  # fmt: skip
    hh = taro.household_no
    assert [t[:3] for t in table] == [(t_no, 1, hh), (t_no, 2, hh), (h_no, 1, hh)]
    assert [t[3:] for t in table] == [
        ("松町１番地", "青木 太郎", "平成15年1月7日", "1", "国内転入"),
        ("松町８番地", "青木 太郎", "平成15年1月7日", "1", "転居"),
        ("松町８番地", "青木 花子", "平成17年12月30日", "2", "国内転入"),
    ]
    # history_no counts up per person, every item is copied, the earlier row is untouched
    assert history(db, ctx, t_no)[0] == first
    assert without(rows[1], "address", "prior_address", "address_set_on", "notified_on") == without(
        first, "address", "prior_address", "address_set_on", "notified_on"
    )
    assert rows[1]["prior_address"] == "松町１番地"
    # the current record is the highest 履歴番号
    assert max(r["history_no"] for r in history(db, ctx, t_no)) == 2
