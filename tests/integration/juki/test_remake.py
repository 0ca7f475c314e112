"""改製・再製 against a real database (SQLite and PostgreSQL).

改製: the 住民票 in force is closed as 改製原住民票 (改製（消除）, kept and certifiable), a new one
carries the current items only; 再製: a lost/damaged 住民票 is reproduced (再製日, reason);
一括改製: per household, idempotent for a 改製日 and resumable. 支援措置 keep protecting the person.
"""

from __future__ import annotations

from datetime import date

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa
from test_moves_helpers import (  # noqa: F401
    TODAY,
    audits,
    counts,
    current,
    history,
    household,
    last_event,
    move_in,
    mynumber_key,
    person,
    read,
    run,
    seq,
    without,
)

from kikan.adapters.api.routes.juki_queries import remade_originals
from kikan.adapters.db import juki_certificates as jc
from kikan.adapters.db import juki_repo as repo
from kikan.adapters.db.juki_blocks import SqlBlockStore, support_protected
from kikan.adapters.db.tables.juki import juki_block
from kikan.core.errors import Blocked, NotFound, ValidationFailed
from kikan.core.tenancy import Actor, TenantContext
from kikan.juki.block_services import StartSupport, start_support
from kikan.juki.certificates import CertificateOptions, Layout
from kikan.juki.services import (
    RecordMoveWithin,
    RemakeRecord,
    ReproduceRecord,
    move_within,
    remake_batch,
    remake_record,
    reproduce_record,
)

REMADE_ON = "2024-04-08"
INDIVIDUAL = CertificateOptions(layout=Layout.INDIVIDUAL, with_history=True)


def text(pdf: bytes) -> str:
    doc = pdfium.PdfDocument(pdf)
    return "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def family(db, ctx, *, town: str | None = None, address: str = "東京都千代田区松町１番地"):
    data = {"address": address, **({"town_code": town} if town else {})}
    from kikan.juki.services import RecordMoveIn
    from kikan.juki.services import move_in as svc

    body = {
        "event_on": "2024-04-01", "reported_on": "2024-04-01", "previous_address": "東京都港区竹町２番地",
        "address": data, "persons": [person(), person(given="花子", sex="2", born="2004-01-01", rel="妻")],
    }  # fmt: skip
    return run(db, ctx, svc, RecordMoveIn, body)


def moved(db, ctx):
    """A household with some history: 転入, then 転居."""
    r1 = family(db, ctx)
    run(db, ctx, move_within, RecordMoveWithin,
        {"addressee_nos": r1.addressee_nos, "event_on": "2024-04-05", "reported_on": "2024-04-05",
         "address": {"address": "東京都千代田区梅町３番地"}})  # fmt: skip
    return r1


def remake(db, ctx, nos, on=REMADE_ON, **kw):
    return run(db, ctx, remake_record, RemakeRecord, {"addressee_nos": nos, "event_on": on, **kw})


def issue(db, ctx, request):
    with db.uow(ctx) as uow:
        return jc.issue(uow, request, today=TODAY)


# --- 改製 ---------------------------------------------------------------------------------------


def test_remake_closes_the_record_as_original_and_starts_one_without_history(db, ctx):
    r1 = moved(db, ctx)
    head, wife = r1.addressee_nos
    before_items = without(current(db, ctx, head))
    hh_version = household(db, ctx, r1.household_no)["version"]
    s0 = seq(db, ctx)
    r = remake(db, ctx, [head, wife], reason_text="住民票の様式の変更")
    assert (
        r.event_code == "141"
        and r.addressee_nos == [head, head, wife, wife]
        and r.history_nos == [3, 4, 3, 4]
    )
    assert household(db, ctx, r1.household_no)["version"] == hh_version + 1

    # the new 住民票: same items, 改製日 recorded, its 異動履歴 starts at the 改製
    now = current(db, ctx, head)
    assert (now["event_code"], now["status"], now["event_on"], now["removal_reason"]) == (
        "141",
        "resident",
        date(2024, 4, 8),
        None,
    )
    assert without(now, "status") == {**without(before_items, "status")}
    assert (
        now["move_details"]["remade_on"] == REMADE_ON
        and now["move_details"]["reason"] == "住民票の様式の変更"
    )
    assert [x["history_no"] for x in read(db, ctx, repo.current_record_history, head)] == [4]
    assert len(history(db, ctx, head)) == 4  # nothing was deleted

    # the 改製原住民票: the closed record with its own 異動履歴, kept 150 years
    [orig] = read(db, ctx, repo.closed_records, head)
    assert (orig.code, orig.history_no, orig.closed_on) == ("241", 3, date(2024, 4, 8))
    assert (orig.record["status"], orig.record["removal_reason"], orig.record["removal_on"]) == (
        "removed",
        "改製",
        date(2024, 4, 8),
    )
    assert [x["history_no"] for x in orig.rows] == [1, 2, 3] and orig.record[
        "address"
    ] == "東京都千代田区梅町３番地"
    assert orig.details["retain_until"] == "2174-04-08"

    # one event, one audit row per written row
    ev = last_event(db, ctx, s0)
    assert ev.event_type == "ResidentRecordRemade" and ev.payload["remade_on"] == REMADE_ON
    assert [(a.action, a.target_id) for a in audits(db, ctx, "juki.remake")] == [
        ("delete", head), ("create", head), ("delete", wife), ("create", wife)]  # fmt: skip


def test_remade_record_prints_no_old_history_and_the_original_is_certifiable(db, ctx):
    r1 = moved(db, ctx)
    head = r1.addressee_nos[0]
    req = jc.CertificateRequest("resident_copy", addressee_nos=(head,), options=INDIVIDUAL)
    assert "転居" in text(issue(db, ctx, req).pdf)  # before the 改製 the 異動履歴 shows the 転居
    remake(db, ctx, r1.addressee_nos)
    body = text(issue(db, ctx, req).pdf)
    assert "改製（記載）" in body and "転居" not in body and "転入 " not in body

    orig = issue(
        db, ctx, jc.CertificateRequest("remade_original_copy", addressee_nos=(head,), options=INDIVIDUAL)
    )
    body = text(orig.pdf)
    assert "改製原住民票の原本と相違ないことを証明する" in body and orig.document.title == "改製原住民票"
    assert "転居" in body and "改製" in body and "梅町３番地" in body
    assert orig.document.snapshots == {head: 3}
    with pytest.raises(ValidationFailed, match="個人票"):
        issue(db, ctx, jc.CertificateRequest("remade_original_copy", addressee_nos=(head,)))


def test_original_copy_needs_an_original(db, ctx):
    r1 = family(db, ctx)
    with pytest.raises(NotFound, match="改製原住民票"):
        issue(db, ctx, jc.CertificateRequest("remade_original_copy", addressee_nos=(r1.addressee_nos[0],),
                                             options=INDIVIDUAL))  # fmt: skip


def test_staff_retrieve_the_original_audited(db, ctx):
    r1 = moved(db, ctx)
    head = r1.addressee_nos[0]
    remake(db, ctx, r1.addressee_nos)
    with db.uow(ctx) as uow:
        [orig] = remade_originals(uow, head, today=TODAY)
        uow.commit()
    assert orig.record["removal_reason"] == "改製" and "individual_number_enc" not in orig.record
    assert [a.target_id for a in audits(db, ctx, "juki.resident.remade")] == [head]


def test_support_measure_persons_are_still_refused_after_remake(db, ctx):
    r1 = moved(db, ctx)
    head, wife = r1.addressee_nos
    chief = TenantContext(
        ctx.tenant_id, Actor("sv", permissions=frozenset({"juki.block.manage", "juki.write"}))
    )
    with db.uow(chief) as uow:
        start_support(
            StartSupport(wife, date(2024, 4, 1), provisional=False),
            uow,
            today=TODAY,
            store=SqlBlockStore(uow),
        )
        uow.commit()
    assert remake(db, ctx, [head, wife]).history_nos == [3, 4, 3, 4]  # 改製 itself is not refused
    with db.uow(ctx) as uow:
        assert support_protected(uow, [wife], TODAY) == {wife}
    for req in (
        jc.CertificateRequest("resident_copy", household_no=r1.household_no, requester="第三者"),
        jc.CertificateRequest("resident_copy", addressee_nos=(wife,), requester="第三者"),
        jc.CertificateRequest(
            "remade_original_copy", addressee_nos=(wife,), options=INDIVIDUAL, requester="第三者"
        ),
    ):
        with pytest.raises(Blocked, match="支援措置"):
            issue(db, ctx, req)
    assert (
        issue(db, ctx, jc.CertificateRequest("resident_copy", addressee_nos=(head,))).issue_no == "R6-000001"
    )


def test_remake_refuses_bad_requests_and_writes_nothing(db, ctx):
    a = family(db, ctx)
    b = family(db, ctx, address="東京都千代田区竹町２番地")
    before = counts(db, ctx)
    with pytest.raises(ValidationFailed, match="処理日"):
        remake(db, ctx, a.addressee_nos, on="2024-04-11")
    with pytest.raises(ValidationFailed, match="同じ世帯"):
        remake(db, ctx, [a.addressee_nos[0], b.addressee_nos[0]])
    with pytest.raises(ValidationFailed, match="重複"):
        remake(db, ctx, [a.addressee_nos[0], a.addressee_nos[0]])
    assert counts(db, ctx) == before


# --- 再製 ---------------------------------------------------------------------------------------


def test_reproduce_records_date_and_reason(db, ctx):
    r1 = moved(db, ctx)
    head = r1.addressee_nos[0]
    items = without(current(db, ctx, head))
    with pytest.raises(ValidationFailed, match="再製の理由"):
        run(db, ctx, reproduce_record, ReproduceRecord, {"addressee_nos": [head], "event_on": REMADE_ON})
    s0 = seq(db, ctx)
    r = run(db, ctx, reproduce_record, ReproduceRecord,
            {"addressee_nos": [head], "event_on": REMADE_ON, "reason_text": "記録媒体の障害によるき損",
             "source_text": "住民異動届"})  # fmt: skip
    assert (r.event_code, r.history_nos) == ("151", [3, 4])
    now = current(db, ctx, head)
    assert (now["event_code"], now["status"], now["event_on"]) == ("151", "resident", date(2024, 4, 8))
    assert (
        now["move_details"]["reproduced_on"] == REMADE_ON
        and now["move_details"]["reason"] == "記録媒体の障害によるき損"
    )
    assert now["move_details"]["source"] == "住民異動届" and without(now) == items
    closed = history(db, ctx, head)[2]
    assert (closed["event_code"], closed["status"], closed["removal_reason"]) == ("251", "removed", "再製")
    assert [x["history_no"] for x in read(db, ctx, repo.current_record_history, head)] == [4]
    assert read(db, ctx, repo.closed_records, head) == []  # a 再製前 record is not a 改製原住民票
    assert [c.code for c in read(db, ctx, repo.closed_records, head, ("241", "251"))] == ["251"]
    assert last_event(db, ctx, s0).event_type == "ResidentRecordReproduced"


# --- 一括改製 ------------------------------------------------------------------------------------


def _batch(db, ctx, **kw):
    return remake_batch(lambda: db.uow(ctx), remade_on=date(2024, 4, 8), today=TODAY, **kw)


def test_batch_by_town_is_idempotent_and_resumable(db, ctx):
    a = family(db, ctx, town="T001")
    b = family(db, ctx, town="T001", address="東京都千代田区松町２番地")
    c = family(db, ctx, town="T002", address="東京都千代田区竹町１番地")
    first = _batch(db, ctx, town_code="T001", limit=1)  # interrupted after one household
    assert (first.households, first.persons, first.more) == (1, 2, True)
    rest = _batch(db, ctx, town_code="T001")
    assert (rest.households, rest.persons, rest.more, rest.skipped) == (1, 2, False, [])
    for r in (a, b):
        assert {current(db, ctx, n)["event_code"] for n in r.addressee_nos} == {"141"}
    assert {current(db, ctx, n)["event_code"] for n in c.addressee_nos} == {"101"}  # other 町字 untouched

    before = counts(db, ctx)
    again = _batch(db, ctx, town_code="T001")
    assert (again.households, again.persons, again.more) == (0, 0, False)
    assert counts(db, ctx) == before  # a second run changes nothing (rows, events, audit)

    whole = _batch(db, ctx)  # the whole tenant: only what is left
    assert (whole.households, whole.persons) == (1, 2)
    assert [len(history(db, ctx, n)) for n in c.addressee_nos] == [3, 3]
    assert _batch(db, ctx).households == 0


def test_batch_skips_a_blocked_household_and_reports_it(db, ctx):
    from datetime import UTC, datetime

    a = family(db, ctx)
    b = family(db, ctx, address="東京都千代田区松町２番地")
    with db.uow(ctx) as uow:
        uow.conn.execute(sa.insert(juki_block), {
            "tenant_id": ctx.tenant_id, "block_id": "b-remake", "kind": "block", "household_no": b.household_no,
            "processes": "move", "level": "error", "start_on": date(2024, 1, 1), "reason": "テスト",
            "created_at": datetime(2024, 4, 1, tzinfo=UTC), "created_by": "test", "version": 1})  # fmt: skip
        uow.commit()
    out = _batch(db, ctx)
    assert out.households == 1 and [h for h, _ in out.skipped] == [b.household_no]
    assert {current(db, ctx, n)["event_code"] for n in a.addressee_nos} == {"141"}
    assert {current(db, ctx, n)["event_code"] for n in b.addressee_nos} == {"101"}


def test_cli_kaisei_runs_the_batch_once_and_refuses_a_bad_date(db, ctx, monkeypatch):
    from typer.testing import CliRunner

    from kikan.adapters.cli.juki import app_juki

    monkeypatch.setattr("kikan.bootstrap.database", lambda *a, **k: db)
    r = family(db, ctx, town="T009")
    runner = CliRunner()
    bad = runner.invoke(app_juki, ["kaisei", "--tenant", ctx.tenant_id, "--on", "2024-13-01"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
    assert {current(db, ctx, n)["event_code"] for n in r.addressee_nos} == {"101"}
    ok = runner.invoke(app_juki, ["kaisei", "--tenant", ctx.tenant_id, "--on", REMADE_ON, "--area", "T009"])
    assert ok.exit_code == 0, ok.output
    assert "改製: 1 世帯 2 人" in ok.output
    assert {current(db, ctx, n)["event_code"] for n in r.addressee_nos} == {"141"}
    before = counts(db, ctx)
    again = runner.invoke(app_juki, ["kaisei", "--tenant", ctx.tenant_id, "--on", REMADE_ON, "--area", "T009"])
    assert again.exit_code == 0 and "改製: 0 世帯 0 人" in again.output and counts(db, ctx) == before
