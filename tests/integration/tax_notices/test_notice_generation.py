"""Mass generation of the notices: one PDF per notice, idempotent (same content → skipped), resumable
(missing, truncated or changed files are rendered again), audited — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa

from kikan.adapters.db.tables.core import audit_log
from kikan.adapters.db.tax_notices import generate_notices, relative_path
from kikan.adapters.pdf.tax.batch import MANIFEST, file_sha256
from kikan.core.errors import Conflict, ValidationFailed
from tests.integration.tax_notices.notice_seed import FY, Town, seed_town

ISSUED = date(2026, 6, 10)


@pytest.fixture(scope="module")
def town(db) -> Town:  # type: ignore[no-untyped-def]
    return seed_town(db)


def text(path) -> str:  # type: ignore[no-untyped-def]
    doc = pdfium.PdfDocument(str(path))
    return "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))


def test_each_kind_writes_one_pdf_per_target(db, town, tmp_path):
    n = town.nos
    reports = {k: generate_notices(db, town.ctx, FY, k, tmp_path, workers=0, issued_on=ISSUED)
               for k in ("ordinary", "employee", "employer")}  # fmt: skip
    root = tmp_path / town.tenant_id / str(FY)
    files = {k: sorted(p.stem for p in (root / k).rglob("*.pdf")) for k in reports}
    assert files["ordinary"] == sorted([n["ordinary"], n["pensioner"]])
    assert files["employee"] == sorted([n["salaried_a"], n["salaried_b"], n["salaried_c"]])
    assert files["employer"] == ["E0001", "E0002"]
    assert all(r.written == r.targets and r.skipped == 0 for r in reports.values())
    assert reports["ordinary"].pages == 3 + 2  # 4 納付書 → 2 pages; the pensioner's 2 → 1 page
    e1 = text(root / "employer" / relative_path("E0001"))
    assert "渡邉" in e1 and "税田" in e1 and "給与" not in e1.split("御中")[1].split("合計")[0]
    ordinary = text(root / "ordinary" / relative_path(n["ordinary"]))
    assert "44,500円" in ordinary and "令和8年6月30日" in ordinary and "令和8年6月10日" in ordinary


def test_second_run_skips_everything_and_changes_nothing(db, town, tmp_path):
    first = generate_notices(db, town.ctx, FY, "ordinary", tmp_path, workers=0, issued_on=ISSUED)
    root = first.directory
    before = {p: (p.stat().st_mtime_ns, file_sha256(p)) for p in root.rglob("*.pdf")}
    seen: list[tuple[int, int]] = []
    again = generate_notices(
        db, town.ctx, FY, "ordinary", tmp_path, workers=0, progress=lambda d, t: seen.append((d, t))
    )
    assert (again.written, again.skipped, again.issued_on) == (
        0,
        first.targets,
        ISSUED,
    )  # 通知日 from run.json
    assert {p: (p.stat().st_mtime_ns, file_sha256(p)) for p in root.rglob("*.pdf")} == before
    assert seen[-1] == (first.targets, first.targets)


def test_resume_renders_only_what_is_missing_or_damaged(db, town, tmp_path):
    first = generate_notices(db, town.ctx, FY, "employee", tmp_path, workers=0, issued_on=ISSUED)
    root = first.directory
    a, b, c = (root / relative_path(town.nos[k]) for k in ("salaried_a", "salaried_b", "salaried_c"))
    a.unlink()  # the crash happened before this file
    b.write_bytes(b.read_bytes()[:1000])  # a truncated file
    intact = (c.stat().st_mtime_ns, file_sha256(c))
    with (root / MANIFEST).open("a") as f:
        f.write('{"key": "half a line')  # a manifest line cut by the crash
    again = generate_notices(db, town.ctx, FY, "employee", tmp_path, workers=0)
    assert (again.written, again.skipped) == (2, 1)
    assert a.exists() and text(b).count("特別徴収税額の決定通知書") == 1
    assert (c.stat().st_mtime_ns, file_sha256(c)) == intact


def test_a_new_notice_date_renders_again(db, town, tmp_path):
    generate_notices(db, town.ctx, FY, "employer", tmp_path, workers=0, issued_on=ISSUED)
    later = generate_notices(db, town.ctx, FY, "employer", tmp_path, workers=0, issued_on=date(2026, 6, 11))
    assert (later.written, later.skipped) == (2, 0)
    run = json.loads((later.directory / "run.json").read_text())
    assert run["issued_on"] == "2026-06-11" and run["tenant_id"] == town.tenant_id
    assert "令和8年6月11日" in text(later.directory / relative_path("E0002"))


def test_worker_processes_write_the_same_documents(db, town, tmp_path):
    if db.dialect != "sqlite":
        pytest.skip("the process pool is the same on both backends; run it once")
    pooled = generate_notices(
        db, town.ctx, FY, "ordinary", tmp_path, workers=2, issued_on=ISSUED, task_size=1
    )
    assert pooled.written == 2
    inline = generate_notices(db, town.ctx, FY, "ordinary", tmp_path, workers=0)
    assert (inline.written, inline.skipped) == (0, 2)  # same documents → recognised as current


def test_reads_are_audited(db, town, tmp_path, owner_engine):
    generate_notices(db, town.ctx, FY, "employer", tmp_path, workers=0, issued_on=ISSUED)
    with owner_engine.connect() as c:
        rows = c.execute(sa.select(audit_log.c.function, audit_log.c.action, audit_log.c.target_id).where(
            audit_log.c.tenant_id == town.tenant_id, audit_log.c.function == "tax.notice.generate")).all()  # fmt: skip
    assert rows and all(r.action == "read" for r in rows)
    assert any(r.target_id == f"{FY}:employer:E0001..E0002" for r in rows)


def test_bad_requests_are_refused_before_anything_is_written(db, town, tmp_path):
    with pytest.raises(ValidationFailed) as e:
        generate_notices(db, town.ctx, FY, "postcard", tmp_path, workers=-1)
    assert {x.field for x in e.value.errors} == {"kind", "workers"}
    assert not any(tmp_path.iterdir())
    root = tmp_path / town.tenant_id / str(FY) / "employer"
    root.mkdir(parents=True)
    (root / "run.json").write_text(json.dumps({"tenant_id": "999999", "fiscal_year": FY, "kind": "employer"}))
    with pytest.raises(Conflict):
        generate_notices(db, town.ctx, FY, "employer", tmp_path, workers=0)
    assert not list(root.rglob("*.pdf"))
