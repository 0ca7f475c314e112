"""Request rate limits: an in-process sliding-window limiter and a FastAPI dependency.

Why: the login form and the resident-facing application forms (``/apply``) are reachable without
an account, so anything can hammer them — password guessing and spraying (the account lock-out
only stops guesses against ONE account and then locks its owner out), credential stuffing, form
spam. A limiter answers ``429 Too Many Requests`` with ``Retry-After`` (RFC 6585 §4, RFC 9110
§10.2.3) and a Japanese message before any expensive work (Argon2id, database writes) is done.
Legal/standard basis: 地方公共団体における情報セキュリティポリシーに関するガイドライン (総務省)
— 不正アクセス対策; OWASP ASVS V2.2 (anti-automation).

The window is exact (a sliding log of the last ``limit`` hit times per key), not an approximation,
so a burst at a window's edge cannot double the rate. Memory is bounded: at most ``limit``
timestamps per key and at most ``max_keys`` keys (idle keys are swept, then the least recently
used evicted), so random login names cannot exhaust memory.

Scope: ONE process. Behind several workers or servers each has its own counts (the effective
limit is ``limit × processes``); a shared backend (Redis ``ZADD``/``ZREMRANGEBYSCORE`` in one
``MULTI``) is future work, see ``docs/security.md``.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

DEFAULT_MESSAGE = (
    "短時間に多くの操作が行われたため、一時的に受け付けを制限しています。{wait}後に再度お試しください"
)


def wait_text(seconds: int) -> str:
    """``Retry-After`` in Japanese: 「45秒」「3分」."""
    return f"{seconds}秒" if seconds < 60 else f"{math.ceil(seconds / 60)}分"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    remaining: int
    retry_after: int  # whole seconds until one more hit would be allowed (0 when allowed)


class SlidingWindowLimiter:
    """At most ``limit`` hits per ``window`` seconds per key. Thread-safe."""

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        self.limit, self.window, self.max_keys, self.clock = limit, float(window), max_keys, clock
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _live(self, key: str, now: float) -> deque[float] | None:
        q = self._hits.get(key)
        if q is None:
            return None
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def _decision(self, q: deque[float] | None, now: float) -> Decision:
        used = len(q) if q else 0
        if used < self.limit:
            return Decision(True, self.limit - used, 0)
        assert q is not None
        return Decision(False, 0, max(1, math.ceil(q[0] + self.window - now)))

    def check(self, key: str) -> Decision:
        """Would one more hit be allowed? Records nothing."""
        with self._lock:
            now = self.clock()
            return self._decision(self._live(key, now), now)

    def hit(self, key: str) -> Decision:
        """Record a hit if allowed; a refused hit is not recorded (it does not extend the wait)."""
        with self._lock:
            now = self.clock()
            q = self._live(key, now)
            d = self._decision(q, now)
            if not d.allowed:
                return d
            if q is None:
                if len(self._hits) >= self.max_keys:
                    self._evict(now)
                q = self._hits[key] = deque(maxlen=self.limit)
            q.append(now)
            self._hits.move_to_end(key)
            return Decision(True, self.limit - len(q), 0)

    def reset(self, key: str | None = None) -> None:
        with self._lock:
            if key is None:
                self._hits.clear()
            else:
                self._hits.pop(key, None)

    def __len__(self) -> int:
        return len(self._hits)

    def _evict(self, now: float) -> None:
        for k in [k for k, q in self._hits.items() if not q or q[-1] <= now - self.window]:
            del self._hits[k]
        while len(self._hits) >= self.max_keys:
            self._hits.popitem(last=False)  # least recently hit


class RateLimited(Exception):
    """Raised by :class:`RateLimit`; :func:`install` turns it into a 429 with ``Retry-After``."""

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        self.retry_after = retry_after
        self.message = message or DEFAULT_MESSAGE.format(wait=wait_text(retry_after))
        super().__init__(self.message)


def client_key(request: Request) -> str:
    """The client address (behind a reverse proxy: run uvicorn with trusted ``--forwarded-allow-ips``)."""
    return request.client.host if request.client else "-"


class RateLimit:
    """FastAPI dependency: ``Depends(RateLimit(client_key, 5, 60))`` — 5 requests a minute per address.

    ``key_fn(request)`` names the bucket (address, address + form name ...); a route may use several.
    Only unsafe methods are counted unless ``methods`` says otherwise, so showing a form stays free.
    """

    def __init__(
        self,
        key_fn: Callable[[Request], str],
        limit: int,
        window: float,
        *,
        scope: str = "",
        methods: frozenset[str] = frozenset({"POST", "PUT", "PATCH", "DELETE"}),
        limiter: SlidingWindowLimiter | None = None,
    ) -> None:
        self.key_fn, self.scope, self.methods = key_fn, scope, methods
        self.limiter = limiter or SlidingWindowLimiter(limit, window)

    async def __call__(self, request: Request) -> None:
        if request.method not in self.methods:
            return
        d = self.limiter.hit(f"{self.scope}|{self.key_fn(request)}")
        if not d.allowed:
            raise RateLimited(d.retry_after)


def response(request: Request, exc: RateLimited) -> Response:
    """429: JSON for the API, the error page for screens; always with ``Retry-After``."""
    headers = {"Retry-After": str(exc.retry_after)}
    if request.url.path.startswith("/api/"):
        body = {"error": {"code": "rate_limited", "message": exc.message, "errors": []}}
        return JSONResponse(body, status_code=429, headers=headers)
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request,
        "error.html",
        {"title": "しばらくお待ちください", "message": exc.message},
        status_code=429,
        headers=headers,
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(RateLimited)
    async def _limited(request: Request, exc: RateLimited) -> Response:
        return response(request, exc)


@dataclass
class LoginLimits:
    """The login form's two buckets (both checked BEFORE the password is verified).

    - per login name: every attempt counts — one account cannot be guessed at faster than
      ``per_login`` a minute from any number of addresses (credential stuffing), even before the
      lock-out triggers, and attempts on unknown names cost no Argon2 time beyond the limit;
    - per client address: FAILED attempts count — password spraying across many accounts from one
      address is stopped, while a whole town hall behind one proxy can still log in at 8:30.
    """

    per_login: SlidingWindowLimiter
    per_address: SlidingWindowLimiter

    @classmethod
    def create(cls, per_login: int, per_address: int, window: float = 60.0) -> LoginLimits:
        return cls(SlidingWindowLimiter(per_login, window), SlidingWindowLimiter(per_address, window))

    def before_attempt(self, login: str, addr: str) -> int:
        """0 when the attempt may proceed (and is counted per login name), else seconds to wait."""
        a = self.per_address.check(addr)
        if not a.allowed:
            return a.retry_after
        d = self.per_login.hit(login.strip().lower()[:100])
        return 0 if d.allowed else d.retry_after

    def failed(self, addr: str) -> None:
        self.per_address.hit(addr)
