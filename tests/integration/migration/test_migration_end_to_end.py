"""Done-when: a synthetic legacy set → dry run → fix → 同定 → import → export → re-import, identical;
and an import killed (kill -9) after its first committed batch, rerun, ends as an uninterrupted one.
Both backends (the ``db`` fixture runs SQLite, and PostgreSQL when KIKAN_TEST_DATABASE_URL is set).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from migration_helpers import (
    count_history,
    files_of,
    history,
    identify_all,
    ledger,
    ledger_without_locking,
    new_tenant,
    state,
)

from kikan.adapters.db import characters_gaiji as gaiji
from kikan.adapters.db import characters_gaiji_queries as gq
from kikan.adapters.db import counters, juki_repo
from kikan.adapters.db import migration_import as mi
from kikan.adapters.db.migration_export import export_registry
from kikan.adapters.security.crypto import get_cipher
from kikan.migration import IssueKind, Severity, load_layout

TODAY = dt.date(2026, 4, 1)
ROOT = Path(__file__).resolve().parents[3]
KIND = {"date": IssueKind.DATE, "check_digit": IssueKind.CHECK_DIGIT, "household_head": IssueKind.HOUSEHOLD,
        "household_unknown": IssueKind.HOUSEHOLD, "duplicate": IssueKind.DUPLICATE, "characters": IssueKind.CHARACTERS,
        "code": IssueKind.CODE, "truncated": IssueKind.TRUNCATED, "mojibake": IssueKind.MOJIBAKE}  # fmt: skip


def test_legacy_set_through_dry_run_identification_import_export_and_reimport(db, ctx, tmp_path, legacy_gen):
    s = legacy_gen.generate_legacy_set(tmp_path / "legacy", residents=150, seed=4, broken=True)
    layout = load_layout("legacy_fixed_cp932")

    # 1. dry run: lists the broken rows and the 外字 (recorded for the 外字 screen); the real run refuses
    ds, *_ = mi.dry_run(db, ctx, layout, files_of(s.files), today=TODAY)
    found = {(i.file, i.row, i.kind) for i in ds.report.issues}
    for inj in s.injected:
        if inj.kind != "relationship":
            assert (inj.file, inj.row, KIND[inj.kind]) in found, inj
    assert ds.report.count(IssueKind.RELATIONSHIP) == 1
    assert {g.code for g in ds.report.gaiji if g.code_system == "cp932"} == set(s.gaiji_truth)
    with db.uow(ctx) as uow:
        listed = gq.list_codes(uow, code_system="cp932", usages_per_code=3)
        uow.commit()
    assert {e.code.code for e in listed} == set(s.gaiji_truth) and all(
        e.usage_count > 0 and e.usages for e in listed
    )
    refused = mi.run_import(db, ctx, layout, files_of(s.files), today=TODAY)
    assert refused.status == "refused" and count_history(db, ctx) == 0 and ledger(db, ctx) == []

    # 2. fix: drop the broken rows and the mojibake file (the 外字 are identified instead, step 3)
    bad = {i.row for i in ds.report.issues if i.severity == Severity.ERROR and i.kind != IssueKind.GAIJI
           and i.file == s.files[0].name and i.row}  # fmt: skip
    legacy_gen.drop_records(s.files[0], layout, bad)
    clean = [s.files[0]]

    # 3. 同定 through the 外字 API; the rerun replays the confirmed decisions
    with db.uow(ctx) as uow:
        for code, text in s.gaiji_truth.items():
            gaiji.confirm(uow, "cp932", code, text, basis="外字表と字形を確認")
        uow.commit()
    ds, *_ = mi.dry_run(db, ctx, layout, files_of(clean), today=TODAY)
    assert ds.report.error_count == 0, ds.report.issues[:5]

    # 4. import
    result = mi.run_import(db, ctx, layout, files_of(clean), today=TODAY, households_per_batch=15)
    assert result.status == "completed" and len(result.written) == result.batches > 1
    imported = history(db, ctx)
    truth = {(t["addressee_no"], t["history_no"]): t for t in s.truth}
    injected = {i.addressee_no for i in s.injected if i.kind != "duplicate"}
    assert {k for k in imported if k[0] not in injected} == set(truth)
    for key, t in truth.items():
        row = imported[key]
        assert row["migrated"] is True
        assert {c: row[c] for c in layout.columns} == t, key  # every item as the legacy system held it
    variant = next(t for t in s.truth if "\U000e011a" in (t["family_name"] or ""))
    assert imported[(variant["addressee_no"], variant["history_no"])]["family_name"] == variant["family_name"]
    # the counters moved past the legacy numbers: the next number kikan assigns is new
    with db.uow(ctx) as uow:
        [fresh] = juki_repo.new_addressee_nos(uow)
        top = max(int(no[:-1]) for no, _ in imported)
        assert int(fresh[:-1]) > top and fresh not in {no for no, _ in imported}
        assert counters.peek(uow.conn, ctx.tenant_id, "household_no")[0] >= max(
            int(r["household_no"][:-1]) for r in imported.values()
        )

    # 5. a rerun of the same files writes nothing (idempotent)
    again = mi.run_import(db, ctx, layout, files_of(clean), today=TODAY, households_per_batch=15)
    assert again.status == "completed" and again.written == [] and len(again.skipped) == result.batches
    assert history(db, ctx) == imported

    # 6. export in the default layout (UTF-8), import into a fresh tenant: identical records
    out = io.BytesIO()
    report = export_registry(db, ctx, load_layout("chukan_juki"), out.write, out_name="juki.csv")
    assert report.rows == len(imported) and report.changes == []
    other = new_tenant(db)
    back = mi.run_import(db, other, load_layout("chukan_juki"), [("juki.csv", out.getvalue())], today=TODAY)
    assert back.status == "completed", back.dataset.report.issues[:5]
    assert state(db, other) == state(db, ctx)

    # 7. export for a CP932 partner: characters CP932 lacks are degraded and reported
    legacy_out = io.BytesIO()
    report = export_registry(db, ctx, layout, legacy_out.write)
    changes = {(c.original, c.replacement) for c in report.changes}
    assert (
        ("𠮷", "吉") in changes and ("邉\U000e011a", "邉") in changes and all(c.lossy for c in report.changes)
    )
    assert len(legacy_out.getvalue()) == (layout.record_length + 2) * len(imported)


WRAPPER = """
import pathlib, sys, time
from kikan.adapters.db import migration_runs
marker = pathlib.Path(sys.argv[1])
record = migration_runs.record_batch
def slow(uow, digest, batch_no, *args, **kw):
    record(uow, digest, batch_no, *args, **kw)
    if batch_no == 2:  # batch 2's rows are written, not committed: the process is killed here
        marker.write_text("2")
        time.sleep(300)
migration_runs.record_batch = slow
from kikan.adapters.cli.main import app
app(sys.argv[2:], prog_name="kikan")
"""


def test_import_killed_after_first_batch_resumes_to_the_same_state(db, db_url, tmp_path, legacy_gen, monkeypatch):
    # one explicit key ring for this process and the killed subprocess alike
    monkeypatch.setenv("KIKAN_MYNUMBER_KEY", "m1:" + base64.b64encode(bytes(range(1, 33))).decode())
    s = legacy_gen.generate_legacy_set(tmp_path / "legacy", residents=60, seed=9)
    layout = load_layout("legacy_fixed_cp932")
    killed, whole = new_tenant(db), new_tenant(db)
    for t in (killed, whole):
        identify_all(db, t, s.gaiji_table, s.gaiji_truth)
    marker = tmp_path / "in_batch_2"
    args = ["migrate", "import", "--tenant", killed.tenant_id, "--layout", layout.name, "--batch-households", "4",
            "--report-dir", str(tmp_path / "report"), "--by", "cli:test", str(s.files[0])]  # fmt: skip
    cipher = get_cipher()  # the subprocess must encrypt with this process's key
    ring = [cipher.current_kid, *(k for k in cipher.keys if k != cipher.current_kid)]
    key = ",".join(f"{k}:{base64.b64encode(cipher.keys[k]).decode()}" for k in ring)
    env = {**os.environ, "KIKAN_DATABASE_URL": db_url, "KIKAN_MYNUMBER_KEY": key}
    proc = subprocess.Popen([sys.executable, "-c", WRAPPER, str(marker), *args], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    try:
        deadline = time.monotonic() + 240
        while not marker.exists():
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the import did not reach batch 2"
            time.sleep(0.1)
        assert ledger_without_locking(db_url, killed.tenant_id) == [1]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert ledger(db, killed) == [1]  # batch 2 was rolled back with its rows
    first = count_history(db, killed)
    assert 0 < first < len(s.truth)

    resumed = mi.run_import(db, killed, layout, files_of(s.files), today=TODAY, households_per_batch=99)
    assert resumed.status == "completed" and resumed.skipped == [1] and 1 not in resumed.written
    uninterrupted = mi.run_import(db, whole, layout, files_of(s.files), today=TODAY, households_per_batch=4)
    assert uninterrupted.status == "completed" and uninterrupted.batches == resumed.batches
    assert ledger(db, killed) == ledger(db, whole) == list(range(1, resumed.batches + 1))
    assert state(db, killed) == state(db, whole)
