"""Certificate issuance renders outside the write transaction (SQLite and PostgreSQL).

Read and check → reserve the 発行番号 → render holding no transaction → record (交付履歴, audit) in a
short transaction. Two issues in parallel both succeed with distinct numbers, each rendered once; a
block set or a record changed while rendering is caught at recording; a failed record returns no
PDF and its number is voided (書損) in the access log.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from test_certificates_issue import CIPHER, TODAY, add_block, audits, issues, seed, snapshot, text

from kikan.adapters.db import juki_certificates as jc
from kikan.adapters.db.tables.core import tenant_counter
from kikan.core.errors import Blocked, Conflict

COUNTER = "juki.certificate.R8"


@pytest.fixture
def family(db, ctx):
    seed(
        db, ctx,
        snapshot("A1"),
        snapshot("A2", relationship="妻", given_name="花子", household_order=2, sex="2"),
    )  # fmt: skip
    return ctx


def issue(db, ctx, request):
    with db.uow(ctx) as uow:
        return jc.issue(uow, request, today=TODAY, cipher=CIPHER)


def counter(db, ctx) -> int | None:
    t = tenant_counter.c
    with db.uow(ctx) as uow:
        return uow.conn.execute(
            sa.select(t.value).where(t.tenant_id == ctx.tenant_id, t.name == COUNTER)
        ).scalar()


def while_rendering(monkeypatch, action) -> list[Any]:
    """Run ``action()`` inside the (first) rendering of each thread; returns what it returned."""
    real, seen, done = jc._render, [], threading.local()

    def render(doc, seal_png):
        if not getattr(done, "once", False):
            done.once = True
            seen.append(action())
        return real(doc, seal_png)

    monkeypatch.setattr(jc, "_render", render)
    return seen


def assert_no_lock_held(db, ctx) -> str:
    """Another connection can take the tenant's 発行番号 counter row for writing at once."""
    if db.dialect == "sqlite":
        raw = db.engine.raw_connection()  # the DBAPI connection: no automatic BEGIN
        try:
            cur = raw.cursor()
            cur.execute("PRAGMA busy_timeout=300")
            try:
                cur.execute("BEGIN IMMEDIATE")  # fails within 0.3 s if a writer holds the database
                cur.execute("ROLLBACK")
            finally:
                cur.execute("PRAGMA busy_timeout=30000")
        finally:
            raw.close()
        return "free"
    with db.uow(ctx) as uow:  # PostgreSQL: the counter row must not be locked by the issue
        uow.conn.execute(
            sa.text("SELECT value FROM tenant_counter WHERE tenant_id = :t AND name = :n FOR UPDATE NOWAIT"),
            {"t": ctx.tenant_id, "n": COUNTER},
        ).all()
    return "free"


def test_rendering_holds_no_transaction(db, family, monkeypatch):
    req = jc.CertificateRequest("resident_copy", household_no="H1")
    issue(db, family, req)  # the counter row exists from now on
    seen = while_rendering(monkeypatch, lambda: assert_no_lock_held(db, family))
    got = issue(db, family, req)
    assert seen == ["free"] and got.issue_no == "R8-000002"
    assert [r.issue_no for r in issues(db, family)] == ["R8-000001", "R8-000002"]


def test_two_issues_in_parallel_both_succeed_with_unique_numbers(db, family, monkeypatch):
    both_rendering = threading.Barrier(2, timeout=20)
    while_rendering(monkeypatch, both_rendering.wait)  # both have reserved a number and render at once
    req = jc.CertificateRequest("resident_copy", addressee_nos=("A1",))
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: issue(db, family, req), range(2)))
    numbers = sorted(r.issue_no for r in results)
    assert numbers == ["R8-000001", "R8-000002"]
    for r in results:  # each PDF carries its own number, rendered once
        assert f"発行番号 {r.issue_no}" in text(r.pdf)
    rows = issues(db, family)
    assert [r.issue_no for r in rows] == numbers and {r.sha256 for r in rows} == {r.sha256 for r in results}
    assert counter(db, family) == 2
    assert sorted(a.detail.split()[0] for a in audits(db, family, jc.FUNCTION)) == [
        f"issue_no={n}" for n in numbers
    ]


def test_many_parallel_issues_on_postgres(db, family):
    if db.dialect != "postgresql":
        pytest.skip("SQLite serialises writers; the two-issue test covers it")
    req = jc.CertificateRequest("resident_copy", household_no="H1")
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: issue(db, family, req), range(8)))
    assert sorted(r.issue_no for r in results) == [f"R8-{i:06d}" for i in range(1, 9)]
    assert len(issues(db, family)) == 8 and counter(db, family) == 8


def voided(db, ctx) -> list[str]:
    return [a.target_id for a in audits(db, ctx, jc.FUNCTION) if a.action == "void"]


def test_a_failed_record_returns_no_pdf_and_voids_its_number(db, family, monkeypatch):
    real = jc._record

    def broken(*a, **kw):
        real(*a, **kw)
        raise RuntimeError("disk full")

    monkeypatch.setattr(jc, "_record", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        issue(db, family, jc.CertificateRequest("resident_copy", household_no="H1"))
    assert issues(db, family) == [] and counter(db, family) == 1
    assert voided(db, family) == ["R8-000001"]  # 書損: the number is accounted for, nothing was issued
    assert [a.action for a in audits(db, family, jc.FUNCTION)] == ["void"]
    monkeypatch.setattr(jc, "_record", real)
    assert (
        issue(db, family, jc.CertificateRequest("resident_copy", household_no="H1")).issue_no == "R8-000002"
    )


def test_each_issue_renders_once_under_contention(db, family, monkeypatch):
    renders: list[int] = []
    real = jc._render
    monkeypatch.setattr(jc, "_render", lambda *a, **kw: (renders.append(1), real(*a, **kw))[1])
    both_rendering = threading.Barrier(2, timeout=20)
    while_rendering(monkeypatch, both_rendering.wait)
    req = jc.CertificateRequest("resident_copy", household_no="H1")
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: issue(db, family, req), range(2)))
    assert len(results) == 2 and len(renders) == 2 and voided(db, family) == []


def test_a_support_measure_set_while_rendering_refuses_the_issue(db, family, monkeypatch):
    while_rendering(monkeypatch, lambda: add_block(db, family, person="A2", kind="support"))
    with pytest.raises(Blocked, match="支援措置"):
        issue(db, family, jc.CertificateRequest("resident_copy", household_no="H1"))
    assert issues(db, family) == [] and voided(db, family) == ["R8-000001"]
    assert [a.action for a in audits(db, family, jc.FUNCTION)] == ["void"]
    assert [(a.action, a.target_id) for a in audits(db, family, "juki.block.enforce")] == [("deny", "A2")]


def test_a_record_changed_while_rendering_is_a_conflict(db, family, monkeypatch):
    def change() -> None:
        seed(db, family, snapshot("A1", history_no=2, given_name="太朗"))

    while_rendering(monkeypatch, change)
    with pytest.raises(Conflict, match="更新されました"):
        issue(db, family, jc.CertificateRequest("resident_copy", addressee_nos=("A1",)))
    assert issues(db, family) == []
    monkeypatch.undo()
    got = issue(db, family, jc.CertificateRequest("resident_copy", addressee_nos=("A1",)))
    assert "太朗" in text(got.pdf) and got.issue_no == "R8-000002" and voided(db, family) == ["R8-000001"]


def test_reissue_and_flows_in_the_callers_transaction_still_work(db, ctx):
    seed(db, ctx, snapshot("M1", household_no="H5"), snapshot(
        "M1", history_no=2, household_no="H5", status="removed", removal_reason="国内転出", removal_on=date(2026, 4, 10),
        move_out_planned_on=date(2026, 4, 10), moved_out_to_planned="大阪府大阪市北区梅田一丁目1番", event_code="201",
        event_on=date(2026, 4, 10), reported_on=TODAY, notified_on=TODAY,
    ))  # fmt: skip
    with db.uow(ctx) as uow:  # commit=False: recorded with the caller's work, committed by the caller
        first = jc.issue(uow, jc.CertificateRequest("move_out", addressee_nos=("M1",)), today=TODAY, commit=False,
                         cipher=CIPHER)  # fmt: skip
        uow.commit()
    again = issue(db, ctx, jc.CertificateRequest("move_out", reissue_of=first.issue_no))
    assert (first.issue_no, again.issue_no) == ("R8-000001", "R8-000002") and "再交付" in text(again.pdf)
