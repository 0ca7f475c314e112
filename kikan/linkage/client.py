"""Pull client of the linkage API — what kikan's own businesses use, exactly as an outside system would.

HTTP only (httpx): builds the ``client_secret_jwt`` assertion (HS256, iss=sub=client_id,
aud=token endpoint, exp 60 s ahead, fresh jti), caches the access token until shortly before it
expires, pulls pages after a cursor and persists the cursor through a :class:`CursorStore` only
after a page was handled. :class:`Subscriber` adds idempotency: item ids already processed
(:class:`ProcessedStore`) are skipped, so a crash between handling and saving the cursor never
applies an item twice. For exactly-once effects, implement ``ProcessedStore`` in the consumer's own
database and mark in the same transaction as the effect.

Example::

    client = LinkageClient("https://kikan.example.lg.jp", "tax-131016", secret)
    sub = Subscriber(client, "juki.moves", handle, FileCursorStore("var/cursors.json"), MemoryProcessedStore())
    sub.poll()  # handles everything new, returns the number of items handled
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx

from kikan.linkage.assertion import CLIENT_ASSERTION_TYPE
from kikan.linkage.jws import sign_hs256

API = "/api/v1/linkage"
_SNAPSHOT = "snapshot:"


class CursorStore(Protocol):
    def load(self, key: str) -> str | None: ...

    def save(self, key: str, cursor: str) -> None: ...


class ProcessedStore(Protocol):
    def seen(self, item_id: str) -> bool: ...

    def mark(self, item_id: str) -> None: ...


class MemoryCursorStore:
    def __init__(self) -> None:
        self.cursors: dict[str, str] = {}

    def load(self, key: str) -> str | None:
        return self.cursors.get(key)

    def save(self, key: str, cursor: str) -> None:
        self.cursors[key] = cursor


class FileCursorStore:
    """Cursors in a JSON file, replaced atomically (write to a temporary file, then rename)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def _all(self) -> dict[str, str]:
        return json.loads(self.path.read_text("utf-8")) if self.path.exists() else {}

    def load(self, key: str) -> str | None:
        return self._all().get(key)

    def save(self, key: str, cursor: str) -> None:
        data = self._all()
        data[key] = cursor
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        os.replace(tmp, self.path)


class MemoryProcessedStore:
    def __init__(self) -> None:
        self.ids: set[str] = set()

    def seen(self, item_id: str) -> bool:
        return item_id in self.ids

    def mark(self, item_id: str) -> None:
        self.ids.add(item_id)


class LinkageHTTPError(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message

    @classmethod
    def of(cls, r: httpx.Response) -> LinkageHTTPError:
        try:
            body = r.json()
        except ValueError:
            return cls(r.status_code, "http_error", r.text[:200])
        err = body.get("error") if isinstance(body, dict) else None
        if isinstance(err, dict):  # kikan's API errors
            return cls(r.status_code, str(err.get("code", "")), str(err.get("message", "")))
        if isinstance(err, str):  # RFC 6749 token endpoint errors
            return cls(r.status_code, err, str(body.get("error_description", "")))
        return cls(r.status_code, "http_error", r.text[:200])


@dataclass(frozen=True)
class FeedPage:
    dataset: str
    items: list[dict[str, Any]]
    next_cursor: str
    has_more: bool
    changes_cursor: str | None = None


@dataclass(frozen=True)
class ExportStream:
    next_cursor: str
    exchange_id: str
    chunks: Iterator[bytes]


class LinkageClient:
    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str,
        *,
        tenant_id: str | None = None,
        scope: list[str] | None = None,
        http: httpx.Client | None = None,
        timeout: float = 30.0,
        clock: Callable[[], float] = time.time,
    ):
        self.base_url = base_url.rstrip("/")
        self.client_id, self._secret = client_id, client_secret.encode()
        self.tenant_id, self.scope = tenant_id, scope
        self.http = http or httpx.Client(timeout=timeout)
        self.clock = clock
        self._token: str | None = None
        self._token_until = 0.0

    @property
    def token_url(self) -> str:
        return f"{self.base_url}{API}/token"

    def assertion(self) -> str:
        now = int(self.clock())
        claims = {"iss": self.client_id, "sub": self.client_id, "aud": self.token_url, "iat": now, "exp": now + 60,
                  "jti": str(uuid.uuid4())}  # fmt: skip
        return sign_hs256(claims, self._secret)

    def access_token(self, *, refresh: bool = False) -> str:
        if self._token and not refresh and self.clock() < self._token_until:
            return self._token
        form = {"grant_type": "client_credentials", "client_assertion_type": CLIENT_ASSERTION_TYPE,
                "client_assertion": self.assertion()}  # fmt: skip
        if self.tenant_id:
            form["tenant_id"] = self.tenant_id
        if self.scope:
            form["scope"] = " ".join(self.scope)
        r = self.http.post(self.token_url, data=form)
        if r.status_code != 200:
            raise LinkageHTTPError.of(r)
        body = r.json()
        self._token, self.tenant_id = body["access_token"], body["tenant_id"]
        self._token_until = self.clock() + max(0, int(body["expires_in"]) - 30)
        return self._token

    def _get(self, path: str, params: dict[str, Any]) -> httpx.Response:
        params = {k: v for k, v in params.items() if v is not None}
        for attempt in (0, 1):
            headers = {"Authorization": f"Bearer {self.access_token(refresh=attempt == 1)}"}
            r = self.http.get(f"{self.base_url}{API}{path}", params=params, headers=headers)
            if r.status_code != 401:
                break
        if r.status_code != 200:
            raise LinkageHTTPError.of(r)
        return r

    def _page(self, dataset: str, body: dict[str, Any]) -> FeedPage:
        return FeedPage(
            dataset, body["items"], body["next_cursor"], body["has_more"], body.get("changes_cursor")
        )

    def changes(self, dataset: str, after: str | None = None, limit: int = 500) -> FeedPage:
        return self._page(dataset, self._get(f"/{dataset}/changes", {"after": after, "limit": limit}).json())

    def snapshot(self, dataset: str, cursor: str | None = None, limit: int = 500) -> FeedPage:
        return self._page(
            dataset, self._get(f"/{dataset}/snapshot", {"cursor": cursor, "limit": limit}).json()
        )

    @contextmanager
    def export(
        self, dataset: str, *, after: str | None = None, encoding: str = "utf-8", header: str = "name"
    ) -> Iterator[ExportStream]:
        """``with client.export("juki.residents") as x: for chunk in x.chunks: …`` then keep ``x.next_cursor``."""
        params = {
            "mode": "changes" if after else "whole",
            "after": after,
            "encoding": encoding,
            "header": header,
        }
        headers = {"Authorization": f"Bearer {self.access_token()}"}
        url = f"{self.base_url}{API}/{dataset}/export"
        clean = {k: v for k, v in params.items() if v is not None}
        with self.http.stream("GET", url, params=clean, headers=headers) as r:
            if r.status_code != 200:
                r.read()
                raise LinkageHTTPError.of(r)
            yield ExportStream(
                r.headers["x-kikan-next-cursor"], r.headers["x-kikan-exchange-id"], r.iter_bytes()
            )

    def cursor_key(self, dataset: str) -> str:
        return f"{self.tenant_id or self.client_id}/{dataset}"

    def close(self) -> None:
        self.http.close()


class Subscriber:
    """Pulls a dataset and hands each new item to ``handler`` once (idempotent on the item id).

    ``bootstrap="snapshot"`` starts with the whole dataset (records seeded without events, e.g. a
    migration) and then follows the changes after its ``as_of``; ``"changes"`` starts at the
    beginning of the change feed. The cursor is saved after each handled page.
    """

    def __init__(
        self,
        client: LinkageClient,
        dataset: str,
        handler: Callable[[dict[str, Any]], None],
        cursors: CursorStore,
        processed: ProcessedStore,
        *,
        limit: int = 500,
        bootstrap: str = "changes",
    ):
        self.client, self.dataset, self.handler = client, dataset, handler
        self.cursors, self.processed, self.limit, self.bootstrap = cursors, processed, limit, bootstrap

    def _handle(self, items: list[dict[str, Any]]) -> int:
        n = 0
        for item in items:
            if self.processed.seen(item["id"]):
                continue
            self.handler(item)
            self.processed.mark(item["id"])
            n += 1
        return n

    def poll(self) -> int:
        """Handle everything new; returns the number of items handed to ``handler``."""
        self.client.access_token()
        key = self.client.cursor_key(self.dataset)
        saved = self.cursors.load(key)
        handled = 0
        if saved is None and self.bootstrap == "snapshot":
            saved = _SNAPSHOT
        while saved is not None and saved.startswith(_SNAPSHOT):
            page = self.client.snapshot(self.dataset, saved[len(_SNAPSHOT) :] or None, self.limit)
            handled += self._handle(page.items)
            saved = _SNAPSHOT + page.next_cursor if page.has_more else page.changes_cursor or ""
            self.cursors.save(key, saved)
        while True:
            page = self.client.changes(self.dataset, saved or None, self.limit)
            handled += self._handle(page.items)
            if page.next_cursor != saved:
                self.cursors.save(key, page.next_cursor)
            saved = page.next_cursor
            if not page.has_more:
                return handled

    def run(self, interval: float = 5.0, should_stop: Callable[[], bool] = lambda: False) -> None:
        """Poll every ``interval`` seconds until ``should_stop()``."""
        while not should_stop():
            self.poll()
            time.sleep(interval)
