"""Display helpers shared by the staff screens: 和暦 dates and yen amounts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from kikan.core.calendar import WarekiError, format_wareki
from kikan.core.temporal import JST


def wareki(value: Any) -> str:
    """A date, an ISO text or a timestamp (shown in JST with the time) in 和暦; "" for nothing.
    A date before 明治 (which has no 和暦 here) is shown as ISO."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        local = value.astimezone(JST)
        return format_wareki(local.date()) + local.strftime(" %H:%M")
    d = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    try:
        return format_wareki(d)
    except WarekiError:
        return d.isoformat()


def yen(value: Any) -> str:
    """``12,345円``; "" for nothing."""
    return "" if value is None else f"{int(value):,}円"
