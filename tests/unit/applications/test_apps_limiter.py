"""The in-process rate limiter (sliding windows per key)."""

from __future__ import annotations

from kikan.adapters.web.applications.limiter import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_minute_and_hour_windows():
    clock = Clock()
    lim = RateLimiter(((60, 5), (3600, 30)), clock=clock)
    assert [lim.hit("a") for _ in range(5)] == [None] * 5
    wait = lim.hit("a")
    assert wait is not None and 1 <= wait <= 61
    assert lim.hit("b") is None  # another address is not affected
    for _ in range(5):  # 6 minutes x 5 hits = 30 in the hour
        clock.t += 61
        assert [lim.hit("a") for _ in range(5)] == [None] * 5
    clock.t += 61
    wait = lim.hit("a")
    assert wait is not None and wait > 60  # the hourly window now refuses


def test_refused_attempts_are_not_counted_and_reset_clears():
    clock = Clock()
    lim = RateLimiter(((60, 1),), clock=clock)
    assert lim.hit("a") is None
    for _ in range(10):
        assert lim.hit("a") is not None
    clock.t += 60.5
    assert lim.hit("a") is None
    lim.reset()
    assert lim.hit("a") is None
