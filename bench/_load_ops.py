"""One staff client of the counter-day load: its operations and its retry rule.

Retry rule (no request is ever sent twice unless that is harmless):

- the connection could not be made (refused, connect timeout, no pooled connection): retried —
  the request never left, whatever its method;
- a GET whose connection was cut, or that got 502/503/504: retried (reads are idempotent);
- a POST whose connection was cut after sending: NOT retried, recorded as *in doubt*;
- ``tolerate_5xx`` (fault tests only): a 5xx of a POST is recorded as in doubt as well — the
  database may have gone away during the commit — and listed in ``errors`` with its time, so the
  test can check that 5xx only happened while the fault lasted.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import httpx

from bench._load_model import Ack, Doubt
from kikan.core.temporal import SystemClock

if TYPE_CHECKING:
    from bench.load import LoadRun

API = "/api/v1/juki"
RETRYABLE_CONNECT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class InDoubt(Exception):
    pass


class GaveUp(Exception):
    pass


class Staff:
    def __init__(self, run: LoadRun, index: int, deadline: float) -> None:
        self.load, self.i, self.deadline = run, index, deadline
        self.r = run.result
        self.rng = random.Random(run.seed * 7919 + index)
        self.own: list[str] = []  # households this clerk created (転入)
        self.persons: list[str] = []
        self.n = 0
        self.today = SystemClock().today()
        self.client: httpx.AsyncClient | None = None
        self.tolerate_5xx = getattr(run, "tolerate_5xx", False)

    async def run(self) -> None:
        setup = self.load.setup
        headers = {
            "Authorization": f"Bearer {setup.tokens[self.i]}",
            "X-Kikan-Terminal": f"load-{self.i:02d}",
        }
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        timeout = httpx.Timeout(self.load.timeout, connect=10.0)
        ops, weights = zip(*self.load.mix.items(), strict=True)
        async with httpx.AsyncClient(base_url=self.load.base_url, headers=headers, limits=limits,
                                     timeout=timeout) as self.client:  # fmt: skip
            while self._more():
                op = self._possible(self.rng.choices(ops, weights)[0])
                self.n += 1
                t0 = time.perf_counter()
                try:
                    ok = await getattr(self, op)()
                except InDoubt as e:
                    self.r.doubts.append(Doubt(op, e.args[1], str(e.args[0]), time.time()))
                    continue
                except GaveUp as e:
                    self.r.errors.append({"op": op, "status": None, "error": str(e), "at": time.time()})
                    continue
                if ok:
                    self.r.add_latency(op, (time.perf_counter() - t0) * 1000)

    def _more(self) -> bool:
        load = self.load
        if load.stopped or self.n >= load.max_ops:
            return False
        return time.monotonic() < self.deadline or self.n < load.min_ops

    def _possible(self, op: str) -> str:
        """Before a clerk has registered anyone, a 転居 becomes a 転入 (unless a shared household is drawn)."""
        setup = self.load.setup
        if op == "move_within" and not self.own and not (setup.pool and self.load.collide > 0):
            return "move_in"
        if op in ("view", "certificate") and not (setup.residents or self.own):
            return "search"
        return op

    # -- transport ---------------------------------------------------------------------------
    async def call(self, op: str, method: str, path: str, *, key: str = "", **kw: Any) -> httpx.Response:
        """A request, retried while the server is unreachable or answers 502–504. A POST carries an
        ``Idempotency-Key`` (one per operation): after a 503 (database outage: nothing was written and
        the key was released) it is sent again with the same key, and the server runs it once or
        replays the stored answer. A POST whose connection broke stays "in doubt" (the server may have
        died holding the key's claim, which it frees only after a minute): the checker settles it."""
        assert self.client is not None
        idempotent = method == "GET"
        if method == "POST":
            kw["headers"] = {**kw.get("headers", {}), "Idempotency-Key": f"load-{uuid.uuid4().hex}"}
        give_up = time.monotonic() + self.load.retry_window
        delay = 0.1
        while True:
            try:
                resp = await self.client.request(method, path, **kw)
            except RETRYABLE_CONNECT as e:
                err: Exception = e
            except httpx.TransportError as e:
                if not idempotent:
                    raise InDoubt(f"{type(e).__name__}: {e}", key) from None
                err = e
            else:
                self.r.statuses[f"{op} {resp.status_code}"] += 1
                if resp.status_code == 409 and _code(resp) == "idempotency_key_in_flight":
                    err = RuntimeError("the first attempt is still running")  # wait for it, same key
                elif resp.status_code < 500:
                    return resp
                else:
                    self._error(op, method, path, resp)
                    if (idempotent or method == "POST") and resp.status_code == 503:
                        err = RuntimeError("HTTP 503")
                    elif idempotent and (resp.status_code in (502, 504) or self.tolerate_5xx):
                        err = RuntimeError(f"HTTP {resp.status_code}")
                    elif self.tolerate_5xx:
                        raise InDoubt(f"HTTP {resp.status_code}", key)
                    else:
                        return resp
            if time.monotonic() > give_up:
                raise GaveUp(f"{method} {path}: {type(err).__name__}: {err}")
            self.r.retries += 1
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)

    def _error(self, op: str, method: str, path: str, resp: httpx.Response) -> None:
        self.r.errors.append({"op": op, "method": method, "path": path, "status": resp.status_code,
                              "body": resp.text[:800], "at": time.time()})  # fmt: skip

    def _unexpected(self, op: str, method: str, path: str, resp: httpx.Response) -> bool:
        if resp.status_code < 500:  # 5xx were recorded by call()
            self._error(op, method, path, resp)
        return False

    # -- operations -----------------------------------------------------------------------------
    async def search(self) -> bool:
        params = self.rng.choice(self.load.setup.searches)
        resp = await self.call("search", "GET", f"{API}/search", params=params)
        return resp.status_code == 200 or self._unexpected("search", "GET", "search", resp)

    async def view(self) -> bool:
        no = self.rng.choice(self.load.setup.residents + self.persons)
        resp = await self.call("view", "GET", f"{API}/residents/{no}")
        return resp.status_code == 200 or self._unexpected("view", "GET", f"residents/{no}", resp)

    async def move_in(self) -> bool:
        from bench.moves import move_in_body

        key = f"{self.i:02d}{self.load.key_offset + self.n:06d}"
        body = move_in_body(self.i * 1_000_000 + self.n, self.rng.choice((1, 2, 2, 3)), self.today)
        for k, p in enumerate(body["persons"]):  # the key in every 名: the check finds in-doubt ones by it
            p["given_name"] = f"太郎{key}" if k == 0 else f"花子{key}-{k}"
        resp = await self.call("move_in", "POST", f"{API}/moves/move-in", key=key, json=body)
        if resp.status_code != 201:
            return self._unexpected("move_in", "POST", "moves/move-in", resp)
        self._ack("move_in", key, resp.json())
        return True

    async def move_within(self) -> bool:
        shared = self.load.setup.pool
        contended = bool(shared) and self.rng.random() < self.load.collide
        if not contended and not self.own:
            contended = True
        hno = self.rng.choice(shared if contended else self.own)
        got = await self.call("household", "GET", f"{API}/households/{hno}")
        if got.status_code != 200:
            return self._unexpected("household", "GET", f"households/{hno}", got)
        hh = got.json()
        key = f"東京都千代田区梅町{self.i + 1}番地{self.load.key_offset + self.n}号"
        body = {"event_on": (self.today - timedelta(days=1)).isoformat(), "reported_on": self.today.isoformat(),
                "addressee_nos": [m["addressee_no"] for m in hh["members"]],
                "expected_household_version": hh["version"], "address": {"address": key}}  # fmt: skip
        resp = await self.call("move_within", "POST", f"{API}/moves/move-within", key=key, json=body)
        if resp.status_code == 409 and contended:
            self.r.conflicts += 1
            return False
        if resp.status_code != 201:
            return self._unexpected("move_within", "POST", "moves/move-within", resp)
        self._ack("move_within", key, resp.json())
        return True

    async def certificate(self) -> bool:
        households = self.load.setup.households + self.own
        body = {"household_no": self.rng.choice(households), "requester": "本人", "purpose": "負荷試験"}
        resp = await self.call("certificate", "POST", f"{API}/certificates", key="", json=body)
        return resp.status_code == 200 or self._unexpected("certificate", "POST", "certificates", resp)

    def _ack(self, op: str, key: str, data: dict[str, Any]) -> None:
        self.r.acks.append(Ack(op, key, data["move_id"], data["event_id"], list(data["addressee_nos"]),
                               list(data["history_nos"]), data["household_no"]))  # fmt: skip
        if op == "move_in":
            self.own.append(data["household_no"])
            self.persons.extend(data["addressee_nos"])


def _code(resp: httpx.Response) -> str:
    """The API's error code (``{"error": {"code": …}}``), or ""."""
    try:
        body = resp.json()
    except ValueError:
        return ""
    err = body.get("error") if isinstance(body, dict) else None
    return str(err.get("code", "")) if isinstance(err, dict) else ""
