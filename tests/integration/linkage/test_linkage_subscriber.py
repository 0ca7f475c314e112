"""The pull client and Subscriber that kikan's own businesses use: token caching, cursor persistence,
snapshot bootstrap and idempotency on item id."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from linkage_support import client, enter, person

from kikan.adapters.security import accounts
from kikan.linkage.client import (
    FileCursorStore,
    LinkageClient,
    LinkageHTTPError,
    MemoryCursorStore,
    MemoryProcessedStore,
    Subscriber,
)


@pytest.fixture
def lc(db, app, ctx):
    cid, secret = client(db, ctx.tenant_id)
    return LinkageClient("http://testserver", cid, secret, http=TestClient(app))


def test_subscriber_handles_each_move_once_across_polls(db, ctx, lc, tmp_path):
    seen: list[str] = []
    cursors = FileCursorStore(tmp_path / "cursors.json")
    sub = Subscriber(
        lc, "juki.moves", lambda item: seen.append(item["id"]), cursors, MemoryProcessedStore(), limit=2
    )
    a = [enter(db, ctx, person()) for _ in range(3)]
    assert sub.poll() == 3
    assert sub.poll() == 0
    b = enter(db, ctx, person())
    assert sub.poll() == 1
    assert seen == [m.event_id for m in [*a, b]]
    assert cursors.load(f"{ctx.tenant_id}/juki.moves")
    restarted = Subscriber(lc, "juki.moves", lambda item: seen.append(item["id"]), FileCursorStore(tmp_path / "cursors.json"),
                           MemoryProcessedStore())  # fmt: skip
    assert restarted.poll() == 0  # the saved cursor survives a restart


def test_lost_cursor_does_not_apply_anything_twice(db, ctx, lc):
    seen: list[str] = []
    processed = MemoryProcessedStore()
    enter(db, ctx, person(), person(rel="妻", sex="2"))
    Subscriber(lc, "juki.residents", lambda i: seen.append(i["id"]), MemoryCursorStore(), processed).poll()
    again = Subscriber(lc, "juki.residents", lambda i: seen.append(i["id"]), MemoryCursorStore(), processed)
    assert again.poll() == 0 and len(seen) == 2


def test_a_failing_handler_leaves_the_cursor_before_its_page(db, ctx, lc):
    enter(db, ctx, person())
    cursors = MemoryCursorStore()

    def boom(item):
        raise RuntimeError("consumer down")

    with pytest.raises(RuntimeError):
        Subscriber(lc, "juki.moves", boom, cursors, MemoryProcessedStore()).poll()
    got: list[str] = []
    assert (
        Subscriber(lc, "juki.moves", lambda i: got.append(i["id"]), cursors, MemoryProcessedStore()).poll()
        == 1
    )


def test_snapshot_bootstrap_then_changes(db, ctx, lc):
    first = enter(db, ctx, person())
    seen: list[str] = []
    sub = Subscriber(lc, "juki.residents", lambda i: seen.append(i["data"]["addressee_no"]), MemoryCursorStore(),
                     MemoryProcessedStore(), bootstrap="snapshot", limit=1)  # fmt: skip
    assert sub.poll() == 1
    later = enter(db, ctx, person())
    assert sub.poll() == 1
    assert seen == first.addressee_nos + later.addressee_nos


def test_token_is_cached_and_errors_are_typed(db, app, ctx, lc):
    t1 = lc.access_token()
    assert lc.access_token() == t1
    with pytest.raises(LinkageHTTPError) as e:
        lc.changes("juki.moves", after="garbage")
    assert e.value.status == 400 and e.value.code == "invalid_cursor" and "カーソル" in e.value.message
    wrong = LinkageClient("http://testserver", lc.client_id, "wrong-secret", http=TestClient(app))
    with pytest.raises(LinkageHTTPError) as e2:
        wrong.access_token()
    assert e2.value.status == 401 and e2.value.code == "invalid_client"


def test_export_stream(db, ctx, lc):
    enter(db, ctx, person())
    with lc.export("juki.residents") as x:
        body = b"".join(x.chunks)
    assert body.count(b"\r\n") == 2 and x.next_cursor
    enter(db, ctx, person(family_name="赤井"))
    with lc.export("juki.residents", after=x.next_cursor) as y:
        diff = b"".join(y.chunks).decode()
    assert "赤井" in diff and "青木" not in diff


def test_a_client_of_two_tenants_names_one(db, app, ctx):
    from kikan.adapters.db import linkage_clients
    from tests.conftest import random_tenant_code

    cid, secret = client(db, ctx.tenant_id)
    other = random_tenant_code()
    accounts.add_tenant(db, other, "他市")
    linkage_clients.grant(db, cid, other, "juki.moves", by="t")
    with pytest.raises(LinkageHTTPError):
        LinkageClient("http://testserver", cid, secret, http=TestClient(app)).access_token()
    c = LinkageClient("http://testserver", cid, secret, tenant_id=other, http=TestClient(app))
    assert c.changes("juki.moves").items == [] and c.cursor_key("juki.moves") == f"{other}/juki.moves"
