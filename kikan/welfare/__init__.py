"""福祉（手当）業務: 児童手当（``child_allowance``）・児童扶養手当（``child_rearing_allowance``）。

This package module holds the small month arithmetic both allowances share. Allowances are paid
"by the month" (児童手当法第8条第1項・第6条、児童扶養手当法第7条第1項・第5条): a month is kept as
an integer *month index* ``year * 12 + (month - 1)`` so that whole populations can be compared
with numpy. Pure functions: no I/O, no clock.

* :func:`month_index` / :func:`month_start` / :func:`month_label` convert between dates, indices
  and ``"YYYY-MM"`` labels.
* :func:`payment_month` finds the 支払期月 that pays a month (the first payment month strictly
  after it), for 児童手当法第8条第4項 (even months since 2024-10) and 児童扶養手当法第7条第3項
  (odd months since 2019-11).
* :func:`split_dates` turns a ``datetime64[D]`` array into year, month and day arrays;
  :func:`last_month_before_fy_end` is the month index of "the first 31 March after reaching age N"
  (年齢計算ニ関スル法律: reached on the day before the birthday), the vector twin of
  :func:`kikan.core.calendar.first_march31_after_reaching`; :func:`reaching_month` is the month of
  :func:`kikan.core.calendar.date_reaching_age`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
from pydantic import ValidationError

from kikan.core.errors import FieldError, ValidationFailed

IntArray = npt.NDArray[np.int64]

#: Month index far before / after any real month (open-ended periods in batch columns).
MONTH_MIN = 0
MONTH_MAX = 9999 * 12 + 11


def month_index(day: date) -> int:
    """The month index of ``day`` (``year * 12 + month - 1``)."""
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    """The first day of the month ``index``."""
    return date(index // 12, index % 12 + 1, 1)


def month_label(index: int) -> str:
    """``"YYYY-MM"`` for a month index (ISO 8601 year-month, as the API prints months)."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def payment_month(index: int, months: Sequence[int]) -> int:
    """The 支払期月 that pays month ``index``: the first month strictly after it whose calendar
    month is in ``months`` (e.g. ``(2, 4, 6, 8, 10, 12)`` pays each month in the next even month;
    ``(2, 6, 10)`` pays June–September in October)."""
    if not months:
        raise ValueError("支払期月がありません")
    for step in range(1, 13):
        candidate = index + step
        if candidate % 12 + 1 in months:
            return candidate
    raise AssertionError("unreachable: a calendar month repeats within 12 months")


def split_dates(days: npt.ArrayLike) -> tuple[IntArray, IntArray, IntArray]:
    """Year, month (1-12) and day arrays of a ``datetime64[D]`` array (vectorised)."""
    d = np.asarray(days).astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    year = months.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def last_month_before_fy_end(year: IntArray, month: IntArray, day: IntArray, age: int) -> IntArray:
    """Month index of March of the first 31 March on or after the day the person reaches ``age``.

    年齢計算ニ関スル法律・民法第143条: the age is reached on the day before the birthday, so a
    birthday on or before 1 April reaches it on or before 31 March of ``year + age`` (a 1 April
    birthday belongs to the earlier school year); later birthdays reach it after that 31 March.
    """
    early = (month < 4) | ((month == 4) & (day == 1))
    end_year = year + age + np.where(early, 0, 1)
    return end_year * 12 + 2


def birthday_month(year: IntArray, month: IntArray, age: int) -> IntArray:
    """Month index of the ``age``-th birthday (2/29 births: February of that year)."""
    return (year + age) * 12 + month - 1


def reaching_month(year: IntArray, month: IntArray, day: IntArray, age: int) -> IntArray:
    """Month index of the day the person reaches ``age`` (the day before the birthday; a birthday
    on the 1st reaches the age on the last day of the previous month)."""
    return birthday_month(year, month, age) - np.where(day == 1, 1, 0)


def validation_failed(exc: ValidationError) -> ValidationFailed:
    """A pydantic error as :class:`ValidationFailed` with a Japanese message naming each field."""
    return ValidationFailed([_field_error(err) for err in exc.errors()])


def _field_error(err: Any) -> FieldError:
    name = ".".join(str(x) for x in err["loc"]) or "case"
    kind = str(err.get("type", ""))
    fixed = {"missing": "必須項目です", "extra_forbidden": "不明な項目です"}
    if kind in fixed:
        return FieldError(name, fixed[kind])
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = err["ctx"].get("ge", err["ctx"].get("le"))
        word = "以上" if kind == "greater_than_equal" else "以下"
        return FieldError(name, f"{bound} {word}で指定してください")
    if kind in ("too_short", "too_long"):
        return FieldError(name, "件数または文字数が範囲外です")
    if kind.startswith(("int", "bool", "date", "string", "literal", "enum")):
        return FieldError(name, "形式または値が正しくありません")
    return FieldError(name, str(err.get("msg", "入力内容に誤りがあります")).removeprefix("Value error, "))


__all__ = [
    "MONTH_MAX",
    "MONTH_MIN",
    "IntArray",
    "birthday_month",
    "last_month_before_fy_end",
    "month_index",
    "month_label",
    "month_start",
    "payment_month",
    "reaching_month",
    "split_dates",
    "validation_failed",
]
