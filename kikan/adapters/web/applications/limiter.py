"""A small in-process rate limiter (sliding window per key) for the public forms.

Limits per client address: submissions 5/minute and 30/hour, status checks 10/minute and
60/hour (a wrong 確認コード costs the same as a right one). Over the limit → 429 with a
Japanese message and ``Retry-After``.

Built on the shared :class:`kikan.adapters.security.ratelimit.SlidingWindowLimiter` (one per
window). It lives in one process. With several workers or hosts, each counts on its own, so
the effective limit is multiplied by the number of processes; a multi-process deployment should
count in a shared store instead — e.g. Redis ``INCR`` + ``EXPIRE`` per (key, window) or a sorted
set per key (``ZADD``/``ZREMRANGEBYSCORE``/``ZCARD`` in one ``MULTI``) — or at the reverse proxy
(nginx ``limit_req``). The client address is the socket peer; behind a proxy run uvicorn with
``--proxy-headers --forwarded-allow-ips=<proxy>`` so that it is the resident's address.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kikan.adapters.security.ratelimit import SlidingWindowLimiter

SUBMIT_LIMITS: tuple[tuple[int, int], ...] = ((60, 5), (3600, 30))  # (window seconds, max hits)
STATUS_LIMITS: tuple[tuple[int, int], ...] = ((60, 10), (3600, 60))


@dataclass
class RateLimiter:
    """Several windows for one bucket: a hit is allowed (and counted in every window) only if all allow it."""

    limits: Sequence[tuple[int, int]]
    clock: Callable[[], float] = time.monotonic
    _windows: list[SlidingWindowLimiter] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._windows = [SlidingWindowLimiter(most, window, clock=self.clock) for window, most in self.limits]

    def hit(self, key: str) -> int | None:
        """Count one attempt for ``key``; None if allowed, else the seconds to wait (not counted)."""
        with self._lock:
            waits = [d.retry_after for d in (w.check(key) for w in self._windows) if not d.allowed]
            if waits:
                return max(waits)
            for w in self._windows:
                w.hit(key)
            return None

    def reset(self) -> None:
        for w in self._windows:
            w.reset()


@dataclass
class Limiters:
    submit: RateLimiter
    status: RateLimiter

    def reset(self) -> None:
        self.submit.reset()
        self.status.reset()


def limiters(app: Any) -> Limiters:
    """The app's limiters, created on first use (tests may replace or reset them)."""
    found = getattr(app.state, "apply_limiters", None)
    if found is None:
        found = Limiters(RateLimiter(SUBMIT_LIMITS), RateLimiter(STATUS_LIMITS))
        app.state.apply_limiters = found
    return found  # type: ignore[no-any-return]
