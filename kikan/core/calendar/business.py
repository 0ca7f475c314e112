"""地方公共団体の休日（閉庁日）と営業日計算。

法的根拠:

- 地方自治法第4条の2第1項・第2項: 地方公共団体の休日は条例で定め、日曜日及び土曜日、国民の祝日に
  関する法律に規定する休日、年末又は年始における日で条例で定めるものについて定める。同第3項により
  地域の記念日を休日とすることもできる。→ 既定の年末年始は 12月29日〜1月3日（多くの団体の条例と
  行政機関の休日に関する法律第1条に同じ）。団体固有の休日は ``closure_days`` で追加する。
- 地方自治法第4条の2第4項: 行政庁に対する申請・届出等の期限が条例で定める休日に当たるときは、
  休日の翌日をもって期限とみなす。
- 地方税法第20条の5第2項: 地方税に関する申告・納付等の期限が民法第142条に規定する休日（日曜日・
  国民の祝日に関する法律に規定する休日等。年始の1月2日・3日も含むと解されている）、条例で定める休日、
  土曜日又は12月29日〜31日に該当するときは、その翌日を期限とみなす。ただし政令（地方税法施行令
  第6条の18）で定める期限は延長されない — その判断は呼び出し側の責任とする。

国民の祝日（振替休日・国民の休日を含む）は保守されている ``holidays`` ライブラリから取得する。
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import holidays

from .errors import CalendarRangeError

_ONE_DAY = dt.timedelta(days=1)
SATURDAY = 5
SUNDAY = 6
YEAR_END_CLOSURE = "年末年始"
LOCAL_CLOSURE = "条例で定める休日"


def _is_default_year_end(day: dt.date) -> bool:
    """12月29日〜1月3日（年末年始の既定の閉庁日）か。"""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


class BusinessCalendar:
    """地方公共団体の開庁日カレンダー（不変）。

    閉庁日: 土曜日・日曜日、国民の祝日に関する法律に規定する休日、既定の年末年始
    （``default_year_end=True`` のとき12月29日〜1月3日）、および ``closure_days``
    （条例で定める団体固有の休日）。

    祝日データの対象期間（``holidays`` ライブラリの対応年、現在1949〜2099年）外の日付は、
    祝日の有無が不明なため :class:`CalendarRangeError` とする。
    """

    def __init__(self, closure_days: Iterable[dt.date] = (), default_year_end: bool = True) -> None:
        self._closure_days = frozenset(closure_days)
        for day in self._closure_days:
            if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
                raise TypeError(f"closure_days には datetime.date を指定してください: {day!r}")
        self._default_year_end = default_year_end
        self._holidays = holidays.country_holidays("JP", language="ja")
        self._first_year: int = getattr(self._holidays, "start_year", 1949)
        self._last_year: int = getattr(self._holidays, "end_year", 2099)

    @property
    def closure_days(self) -> frozenset[dt.date]:
        """条例で追加された閉庁日。"""
        return self._closure_days

    @property
    def supported_range(self) -> tuple[dt.date, dt.date]:
        """営業日判定ができる期間（両端を含む）。"""
        return dt.date(self._first_year, 1, 1), dt.date(self._last_year, 12, 31)

    def _check_range(self, day: dt.date) -> None:
        if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
            raise TypeError(f"datetime.date が必要です: {day!r}")
        if not self._first_year <= day.year <= self._last_year:
            raise CalendarRangeError(
                f"{day.isoformat()} は祝日データの対象期間（{self._first_year}〜{self._last_year}年）外です"
            )

    def holiday_name(self, day: dt.date) -> str | None:
        """国民の祝日・休日であればその名称（日本語。例: ``"振替休日"``）、そうでなければ ``None``。"""
        self._check_range(day)
        name = self._holidays.get(day)
        return None if name is None else str(name)

    def closure_reason(self, day: dt.date) -> str | None:
        """閉庁日であればその理由、開庁日なら ``None``。

        優先順: 祝日名 → ``"日曜日"``/``"土曜日"`` → ``"年末年始"`` → ``"条例で定める休日"``。
        """
        name = self.holiday_name(day)
        if name is not None:
            return name
        if day.weekday() == SUNDAY:
            return "日曜日"
        if day.weekday() == SATURDAY:
            return "土曜日"
        if self._default_year_end and _is_default_year_end(day):
            return YEAR_END_CLOSURE
        if day in self._closure_days:
            return LOCAL_CLOSURE
        return None

    def is_business_day(self, day: dt.date) -> bool:
        """開庁日（営業日）か。"""
        return self.closure_reason(day) is None

    def next_business_day(self, day: dt.date) -> dt.date:
        """``day`` 以後の最初の開庁日（``day`` が開庁日ならそのまま）。"""
        while not self.is_business_day(day):
            day += _ONE_DAY
        return day

    def previous_business_day(self, day: dt.date) -> dt.date:
        """``day`` 以前の最後の開庁日（``day`` が開庁日ならそのまま）。"""
        while not self.is_business_day(day):
            day -= _ONE_DAY
        return day

    def add_business_days(self, day: dt.date, count: int) -> dt.date:
        """``day`` から ``count`` 開庁日後（負なら前）の日付。

        ``day`` 自体は数えない: ``count > 0`` なら ``day`` より後の ``count`` 番目の開庁日、
        ``count < 0`` なら ``day`` より前の ``|count|`` 番目の開庁日。``count == 0`` は
        :meth:`next_business_day` と同じ。例: 金曜日 + 1 → 翌週月曜日（祝日でなければ）。
        """
        if count == 0:
            return self.next_business_day(day)
        step = _ONE_DAY if count > 0 else -_ONE_DAY
        remaining = abs(count)
        while remaining:
            day += step
            if self.is_business_day(day):
                remaining -= 1
        return day

    def business_days_between(self, start: dt.date, end: dt.date) -> int:
        """``start`` の翌日から ``end`` まで（``end`` を含む）の開庁日数。

        ``end < start`` なら ``-business_days_between(end, start)``。
        ``business_days_between(d, add_business_days(d, n)) == n``（``n >= 1``）が成り立つ。
        """
        if end < start:
            return -self.business_days_between(end, start)
        self._check_range(start)
        count = 0
        day = start
        while day < end:
            day += _ONE_DAY
            if self.is_business_day(day):
                count += 1
        return count

    def shift_due_date(self, due: dt.date) -> dt.date:
        """期限が閉庁日に当たるとき、翌日以後の最初の開庁日に繰り下げる。

        地方税法第20条の5第2項（日曜日・祝日等・土曜日・12月29日〜31日・条例で定める休日）
        及び地方自治法第4条の2第4項（条例で定める地方公共団体の休日）による。みなされた翌日も
        休日であれば更に繰り下がるので、結果は最初の開庁日となる。開庁日ならそのまま返す。
        """
        return self.next_business_day(due)
