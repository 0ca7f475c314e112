"""年齢の計算。

法的根拠:

- 年齢計算ニ関スル法律（明治35年法律第50号）第1項: 年齢は出生の日から起算する。
- 同第2項: 民法第143条の規定を年齢の計算に準用する。
- 民法第143条第2項: 週・月・年の始めから起算しない期間は、最後の年においてその起算日に
  応当する日の前日に満了する。ただし最後の月に応当する日がないときは、その月の末日に満了する。

よって満N歳に達するのは「N回目の誕生日の前日」の終了時（午後12時）であり、本モジュールは
その前日を「満N歳に達する日」として扱う（例: 2000-04-02 生まれは 2018-04-01 に18歳）。
Dates only — no clock is read; the reference date is always a parameter.
"""

from __future__ import annotations

import datetime as dt

_ONE_DAY = dt.timedelta(days=1)


def _check_dates(*days: dt.date) -> None:
    for day in days:
        if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
            raise TypeError(f"datetime.date が必要です: {day!r}")


def date_reaching_age(birth: dt.date, age: int) -> dt.date:
    """満 ``age`` 歳に達する日（誕生日の前日）を返す。

    年齢計算ニ関スル法律第2項・民法第143条第2項により、誕生日の前日の終了をもって年齢が
    加わるため、その前日を「達する日」とする（例: 2000-04-02 生まれは 2018-04-01 に18歳）。

    2月29日生まれ: 応当日は ``birth.year + age`` 年の2月29日で、その前日は2月28日。
    平年で応当日がない場合も、民法第143条第2項ただし書により「その月の末日」である
    2月28日に満了する。したがってうるう年・平年を問わず、2月29日生まれの人は
    ``birth.year + age`` 年の2月28日に満 ``age`` 歳に達する
    （例: 2004-02-29 生まれは 2022-02-28 に18歳、2024-02-28 に20歳）。

    ``age == 0`` のときは出生日そのものを返す。
    """
    _check_dates(birth)
    if age < 0:
        raise ValueError(f"年齢は0以上で指定してください: {age}")
    if age == 0:
        return birth
    year = birth.year + age
    if (birth.month, birth.day) == (2, 29):
        return dt.date(year, 2, 28)
    return dt.date(year, birth.month, birth.day) - _ONE_DAY


def age_on(birth: dt.date, on: dt.date) -> int:
    """``on`` の日における満年齢を返す。

    誕生日の前日を既に新しい年齢として数える（年齢計算ニ関スル法律・民法第143条）。
    例: 2000-04-02 生まれは 2018-04-01 に18歳。``on`` が出生日より前なら ``ValueError``。
    """
    _check_dates(birth, on)
    if on < birth:
        raise ValueError(f"基準日 {on.isoformat()} が生年月日 {birth.isoformat()} より前です")
    age = on.year - birth.year + 1
    while age > 0 and date_reaching_age(birth, age) > on:
        age -= 1
    return age


def first_march31_after_reaching(birth: dt.date, age: int) -> dt.date:
    """満 ``age`` 歳に達する日以後の最初の3月31日を返す。

    児童手当法第3条第1項の「児童」（18歳に達する日以後の最初の3月31日までの間にある者）
    などの判定に用いる。「以後」は当日を含むため、達する日がちょうど3月31日（4月1日生まれ）
    であればその3月31日を返す（例: 2008-04-01 生まれ → 2026-03-31、2008-04-02 生まれ →
    2027-03-31）。これは4月1日生まれが早い学年に属すること（学校教育法第17条）と整合する。
    """
    reached = date_reaching_age(birth, age)
    march31 = dt.date(reached.year, 3, 31)
    return march31 if reached <= march31 else dt.date(reached.year + 1, 3, 31)
