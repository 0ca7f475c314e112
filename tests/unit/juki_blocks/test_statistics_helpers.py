"""Pure 統計 helpers (標準仕様書 6.1)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as s

from kikan.juki import statistics as st


def test_bands():
    assert [st.band5(a) for a in (0, 4, 5, 99, 100, 104)] == ["0～4歳", "0～4歳", "5～9歳", "95～99歳", "100歳以上", "100歳以上"]
    assert [st.band3(a) for a in (14, 15, 64, 65, None)] == ["0～14歳", "15～64歳", "15～64歳", "65歳以上", "不詳"]
    assert st.BANDS5[0] == "0～4歳" and st.BANDS5[-2:] == ("100歳以上", "不詳") and len(st.BANDS5) == 22


@given(s.dates(min_value=date(1900, 1, 1), max_value=date(2040, 1, 1)), s.integers(min_value=1, max_value=40000))
def test_sql_age_formula_is_the_legal_age_at_midnight(birth, days):
    on = birth + timedelta(days=days)
    sql_formula = on.year - birth.year - (1 if (birth.month * 100 + birth.day) > (on.month * 100 + on.day) else 0)
    assert sql_formula == st.age_at_start_of(birth, on)


def test_leap_day_birth():
    b = date(2000, 2, 29)
    assert st.age_at_start_of(b, date(2021, 2, 28)) == 20  # not yet: 21 at the end of 2/28
    assert st.age_at_start_of(b, date(2021, 3, 1)) == 21


def test_town_name():
    assert st.town_name("本市北町1-1", "本市北町2-5") == "本市北町"
    assert st.town_name("本市北町一丁目3番", "本市北町一丁目9番") == "本市北町一"  # label only: no 町字 master
    assert st.town_name("本市東町5", "本市東町5") == "本市東町"
    assert st.town_name(None, None) == ""


def test_pivot_counts_unknown_sex_in_totals_only():
    rows = [st.PopulationRow("T", "japanese", "1", 30, 2), st.PopulationRow("T", "foreign", "", 40, 1)]
    c = st.totals(rows)
    assert (c["japanese:1"], c["foreign:"], c["foreign:total"], c["total:total"]) == (2, 1, 1, 3)
    header, body = st.population_table({"T": c}, "町字")
    assert body == [["T", 2, 0, 2, 0, 0, 1, 2, 0, 3]] and header[1] == "日本人住民 男"


def test_movement_columns_cover_the_standard_categories():
    assert st.COLUMN_OF_CODE["101"] == "転入（国内）" and st.COLUMN_OF_CODE["104"] == "転入（国外）"
    assert st.COLUMN_OF_CODE["121"] == "その他（職権記載等）" and st.COLUMN_OF_CODE["223"] == "その他（職権消除等）"
    for not_counted in ("141", "151", "191", "241", "251", "291", "301"):  # 改製・再製・取消し・転居
        assert not_counted not in st.COLUMN_OF_CODE
    assert st.MOVE_OUT_CODES == ("201", "202", "203")


def test_movement_table_derived_figures():
    rows = [st.MovementRow("101", "japanese", "1", 3), st.MovementRow("111", "japanese", "2", 2),
            st.MovementRow("211", "foreign", "1", 1), st.MovementRow("231", "japanese", "1", 1),
            st.MovementRow("301", "japanese", "1", 99)]
    t = st.movement_table(rows)
    assert (t["japanese"]["記載数計"], t["japanese"]["消除数計"], t["japanese"]["増減数"]) == (5, 1, 4)
    assert (t["japanese"]["自然増減数"], t["japanese"]["社会増減数"]) == (2, 2)
    assert (t["total"]["死亡"], t["total"]["増減数"]) == (1, 3)


def test_csv_has_bom_crlf_and_japanese_header():
    data = st.to_csv(["町字", "人口"], [["北町", 3]])
    assert data == "\ufeff町字,人口\r\n北町,3\r\n".encode()
