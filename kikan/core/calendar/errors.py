"""Exceptions raised by the calendar kernel."""

from __future__ import annotations


class WarekiError(ValueError):
    """和暦の変換・解析に失敗したことを示す例外（メッセージは日本語）。

    Raised for unparseable text, impossible dates (2月30日), era years outside the
    era (平成31年5月1日, 昭和64年1月8日), 令和0年, and dates outside every era.
    """


class EraDefinitionError(ValueError):
    """元号定義ファイル (eras.yaml) が不正であることを示す例外。

    Raised at import time of ``kikan.core.calendar`` so that a broken era table can
    never be used silently.
    """


class CalendarRangeError(ValueError):
    """祝日データの対象期間外の日付について営業日判定を求められたことを示す例外。

    The ``holidays`` library only knows Japanese national holidays for a bounded range
    of years (currently 1949–2099). Treating an unknown year as "no holidays" would
    silently produce wrong due dates, so the business calendar refuses instead.
    """
