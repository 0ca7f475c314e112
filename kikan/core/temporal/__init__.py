"""Time as a dependency: services take a Clock, never read the system time themselves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Protocol

JST = timezone(timedelta(hours=9), "JST")


class Clock(Protocol):
    def now(self) -> datetime: ...

    def today(self) -> date: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return datetime.now(JST).date()


@dataclass
class FixedClock:
    at: datetime

    def now(self) -> datetime:
        return self.at

    def today(self) -> date:
        return self.at.astimezone(JST).date()

    def advance(self, **kw: float) -> None:
        self.at = self.at + timedelta(**kw)
