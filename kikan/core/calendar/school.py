"""学年・会計年度の計算。

法的根拠:

- 学校教育法第17条第1項: 子の満6歳に達した日の翌日以後における最初の学年の初めから、
  満12歳に達した日の属する学年の終わりまで小学校に就学させる義務。同第2項: 小学校の課程を
  修了した日の翌日以後における最初の学年の初めから満15歳に達した日の属する学年の終わりまで
  中学校に就学させる義務。
- 学校教育法施行規則第59条（中学校は第79条で準用）: 学年は4月1日に始まり、翌年3月31日に終わる。
- 地方自治法第208条第1項: 普通地方公共団体の会計年度は4月1日に始まり、翌年3月31日に終わる。

満6歳に達する日は誕生日の前日（年齢計算ニ関スル法律）なので、4月1日生まれは3月31日に
6歳に達し、翌日の4月1日に入学する。すなわち4月1日生まれは前年4月2日以降生まれと同じ
（早い）学年に属する。
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from .age import date_reaching_age

_ONE_DAY = dt.timedelta(days=1)
ELEMENTARY_SCHOOL = "小学校"
JUNIOR_HIGH_SCHOOL = "中学校"


class SchoolGrade(NamedTuple):
    """学校種別と学年。タプルとして ``("小学校", 1)`` と等しい。"""

    school: str
    grade: int


def fiscal_year_of(day: dt.date) -> int:
    """``day`` の属する年度（4月〜翌3月、地方自治法第208条）を返す。例: 2026-03-31 → 2025。"""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_range(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """年度の初日と末日（両端を含む）を返す。例: 2025 → (2025-04-01, 2026-03-31)。"""
    return dt.date(fiscal_year, 4, 1), dt.date(fiscal_year + 1, 3, 31)


def school_entry_date(birth: dt.date) -> dt.date:
    """小学校の入学日（就学すべき学年の初めの4月1日）を返す。

    学校教育法第17条第1項「満6歳に達した日の翌日以後における最初の学年の初め」。
    例: 2019-04-01 生まれ → 2025-04-01、2019-04-02 生まれ → 2026-04-01。
    """
    day_after = date_reaching_age(birth, 6) + _ONE_DAY
    april1 = dt.date(day_after.year, 4, 1)
    return april1 if day_after <= april1 else dt.date(day_after.year + 1, 4, 1)


def school_grade_on(birth: dt.date, on: dt.date) -> SchoolGrade | None:
    """``on`` の日における標準的な学年（義務教育の期間）を返す。

    就学前は ``None``、小学校1〜6年は ``("小学校", n)``、中学校1〜3年は ``("中学校", n)``、
    中学校3年の学年の終わり（満15歳に達した日の属する学年の終わり、学校教育法第17条第2項）
    より後は ``None``。就学猶予・学年の繰り下げ等の個別事情は反映しない（生年月日のみから
    求める名目上の学年）。
    """
    entry = school_entry_date(birth)
    if on < entry:
        return None
    years_in_school = fiscal_year_of(on) - fiscal_year_of(entry)
    if years_in_school < 6:
        return SchoolGrade(ELEMENTARY_SCHOOL, years_in_school + 1)
    if years_in_school < 9:
        return SchoolGrade(JUNIOR_HIGH_SCHOOL, years_in_school - 5)
    return None
