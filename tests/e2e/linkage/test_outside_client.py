"""Done-when: an outside system, using nothing but HTTP, pulls the registry's 異動 exactly once each, in
commit order, across a restart of the server.

The outside system (:class:`OutsideSystem`) uses only httpx and the standard library — it builds the
``client_secret_jwt`` assertion by hand (hmac/base64/json) — and knows nothing of kikan's code: it is
what another vendor's tax or welfare system would do. The rest of the test (registering the client,
committing 異動 through the registry's services, starting servers) plays the municipality's side.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import inspect
import json
import time
import uuid
from pathlib import Path

import httpx

# --- the outside system: HTTP + stdlib only ------------------------------------------------------


class OutsideSystem:
    """Another vendor's system pulling 住民 changes with client_secret_jwt; keeps its cursor in a file."""

    def __init__(
        self, base_url: str, client_id: str, secret: str, cursor_file: Path, dataset: str = "juki.residents"
    ):
        self.base_url, self.client_id, self.secret, self.cursor_file = (
            base_url,
            client_id,
            secret,
            cursor_file,
        )
        self.dataset = dataset
        self.http = httpx.Client(base_url=base_url, timeout=30)

    @staticmethod
    def _b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    def assertion(self) -> str:
        now = int(time.time())
        header = {"alg": "HS256", "typ": "JWT"}
        claims = {"iss": self.client_id, "sub": self.client_id, "aud": f"{self.base_url}/api/v1/linkage/token",
                  "iat": now, "exp": now + 120, "jti": str(uuid.uuid4())}  # fmt: skip
        signing_input = f"{self._b64(json.dumps(header).encode())}.{self._b64(json.dumps(claims).encode())}"
        mac = hmac.new(self.secret.encode(), signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{self._b64(mac)}"

    def token(self) -> str:
        r = self.http.post("/api/v1/linkage/token", data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": self.assertion(),
        })  # fmt: skip
        assert r.status_code == 200, r.text
        return str(r.json()["access_token"])

    def pull(self) -> list[dict]:
        """Every change of the dataset after the saved cursor; the cursor is saved after each page."""
        headers = {"Authorization": f"Bearer {self.token()}"}
        got: list[dict] = []
        while True:
            after = self.cursor_file.read_text() if self.cursor_file.exists() else None
            params = {"limit": 2, **({"after": after} if after else {})}
            r = self.http.get(f"/api/v1/linkage/{self.dataset}/changes", params=params, headers=headers)
            assert r.status_code == 200, r.text
            page = r.json()
            got += page["items"]
            self.cursor_file.write_text(page["next_cursor"])
            if not page["has_more"]:
                return got

    def close(self) -> None:
        self.http.close()


# --- the municipality's side ------------------------------------------------------------------------

from kikan.adapters.api.app import create_app  # noqa: E402
from kikan.adapters.db.database import Database  # noqa: E402
from kikan.config import Settings  # noqa: E402
from tests.e2e.browser import live_server  # noqa: E402
from tests.integration.linkage.linkage_support import client, enter, person, relocate  # noqa: E402


def committed(*results) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    return [(n, h) for r in results for n, h in zip(r.addressee_nos, r.history_nos, strict=True)]


def keys(items: list[dict]) -> list[tuple[str, int]]:
    return [(i["data"]["addressee_no"], i["data"]["history_no"]) for i in items]


def test_the_outside_client_knows_nothing_of_kikan():
    assert "kikan" not in inspect.getsource(OutsideSystem)


def test_outside_client_pulls_every_move_once_in_order_across_a_restart(db, db_url, app, ctx, tmp_path):
    cid, secret = client(db, ctx.tenant_id, ("juki.residents",))
    cursor = tmp_path / "cursor.txt"
    history = [enter(db, ctx, person(), person(rel="妻", sex="2")), enter(db, ctx, person())]
    received: list[dict] = []

    with live_server(app) as base:
        outside = OutsideSystem(base, cid, secret, cursor)
        first = outside.pull()
        assert keys(first) == committed(*history)
        received += first
        more = [
            relocate(db, ctx, history[0].addressee_nos, "東京都千代田区梅町２番地"),
            enter(db, ctx, person()),
        ]
        second = outside.pull()
        assert keys(second) == committed(*more)
        received += second
        assert outside.pull() == []
        outside.close()
    history += more

    while_down = [enter(db, ctx, person(), person(rel="子")), enter(db, ctx, person())]
    history += while_down
    restarted = create_app(
        Settings(database_url=db_url, secret_key="after-restart", log_json=True), Database(db_url)
    )
    with live_server(restarted) as base2:
        outside = OutsideSystem(base2, cid, secret, cursor)
        third = outside.pull()
        assert keys(third) == committed(*while_down)
        received += third
        last = enter(db, ctx, person())
        fourth = outside.pull()
        assert keys(fourth) == committed(last)
        received += fourth
        outside.close()
    history.append(last)

    assert keys(received) == committed(*history), "every committed 異動, in commit order"
    assert len({i["id"] for i in received}) == len(received), "none twice"
    seqs = [i["seq"] for i in received]
    assert seqs == sorted(seqs)
    assert received[2]["data"]["address"] == "東京都千代田区松町１番地"
    assert received[3]["data"]["address"] == "東京都千代田区梅町２番地"
