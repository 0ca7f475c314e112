"""個人住民税の通知書: read stored results, build the documents, render them in worker processes.

:func:`generate_notices` is the ``kikan batch notices`` command. Kinds:

* ``ordinary`` — 税額決定・納税通知書 with its 納付書, for every taxpayer whose current result has a
  普通徴収 or 年金特徴 part (地方税法第319条の2・第320条・第321条の7の5).
* ``employee`` — 特別徴収税額通知書（納税義務者用）, one per taxpayer with a 給与特徴 part.
* ``employer`` — 特別徴収税額通知書（特別徴収義務者用）, one per 特別徴収義務者 (第321条の4).
* ``correction`` — 税額変更通知書, one per 更正 (``tax_correction_notice`` record, key ``<宛名番号>-<版>``):
  変更前・変更後の税額, 差額, 変更後の各期の納付額 (地方税法第13条・第319条の2, 第321条の6). A notice
  once written is never rewritten (it is what was sent): a rerun renders only the corrections made
  since, each with the 通知日 of its own run (today unless given), so the nightly 更正 can be followed
  by one call that issues the pending notices.

ONE PDF PER NOTICE (per taxpayer, per employer), not batched files of N: the file is the unit of
idempotency and resume (a 更正 re-renders one file, not a batch of N whose membership shifts when a
taxpayer appears), the staff screen serves the same file for a reprint, and a print vendor's bundle
is a concatenation in 宛名番号 order. The cost is WeasyPrint's per-PDF work (loading and subsetting
the fonts, ~0.1 s of CPU per file; see ``bench/tax_notices.py`` for the figures of both choices).

Files: ``<out_dir>/<団体コード>/<年度>/<kind>/<key[:-3]>/<key>.pdf`` (≤ 1,000 files per directory) with
``manifest.jsonl`` and ``run.json`` beside them (:mod:`kikan.adapters.pdf.tax.batch`). The parent
reads chunks of targets set-based (one transaction each, with an audit row: reading personal data),
builds the pure documents and hands tasks to the render processes, at most two tasks per worker in
flight. ``issued_on`` (通知日) defaults to the one the directory's previous run used, so a resumed
or repeated run produces the same documents and skips every file already written.
"""

from __future__ import annotations

import json
import re
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db.database import Database
from kikan.adapters.db.tables.core import tenant as tenant_table
from kikan.adapters.db.tables.tax import (
    tax_assessment,
    tax_correction_notice,
    tax_income_record,
    tax_non_resident_holder,
    tax_registry_row,
)
from kikan.adapters.db.tax_results import annual_run, schedule_lines
from kikan.adapters.pdf.tax.batch import Job, Manifest, Written, render_jobs, worker_pool
from kikan.adapters.pdf.tax.render import fingerprint
from kikan.core.errors import Conflict, FieldError, ValidationFailed
from kikan.core.temporal import JST, SystemClock
from kikan.core.tenancy import TenantContext
from kikan.tax.individual_resident import notices as nt
from kikan.tax.individual_resident.notices import Notice, document_digest
from kikan.tax.individual_resident.schedule import as_lines

KINDS = {"ordinary": "税額決定・納税通知書", "employee": "特別徴収税額通知書（納税義務者用）",
         "employer": "特別徴収税額通知書（特別徴収義務者用）", "correction": "税額変更通知書"}  # fmt: skip
Progress = Callable[[int, int], None]  # notices done (written + skipped), notices in total
_SAFE = re.compile(r"[^0-9A-Za-z_-]")
a = tax_assessment.c


@dataclass(frozen=True)
class NoticeReport:
    fiscal_year: int
    kind: str
    directory: Path
    issued_on: date
    targets: int
    written: int
    skipped: int
    pages: int
    seconds: float
    render_cpu_seconds: float  # CPU the render processes spent on the written files


def _current(tenant_id: str, fiscal_year: int) -> list[sa.ColumnElement[bool]]:
    """Current version of each result of the year, taxed (a 更正 is the next version)."""
    n = tax_assessment.alias("newer")
    newer = sa.exists().where(n.c.tenant_id == a.tenant_id, n.c.fiscal_year == a.fiscal_year,
                              n.c.addressee_no == a.addressee_no, n.c.version > a.version)  # fmt: skip
    return [
        a.tenant_id == tenant_id,
        a.fiscal_year == fiscal_year,
        ~newer,
        a.taxation.notin_(["cancelled", "exempt"]),
    ]


def issuer(conn: sa.Connection, tenant_id: str) -> nt.Issuer:
    """名称 and 長名 of the tenant (the control-plane tenant row)."""
    t = tenant_table.c
    row = conn.execute(sa.select(t.name, t.prefecture_name).where(t.tenant_id == tenant_id)).first()
    return nt.issuer_of(tenant_id, row.name if row else tenant_id, row.prefecture_name if row else "")


def identities(conn: sa.Connection, tenant_id: str, keys: list[str]) -> dict[str, nt.Addressee]:
    """Name and address as registered (verbatim, IVS kept): the latest record of the tax business's
    registry copy, else the latest 家屋敷 holder version (住登外者)."""
    r, h = tax_registry_row.c, tax_non_resident_holder.c
    out: dict[str, nt.Addressee] = {}
    q = sa.select(r.addressee_no, r.family_name, r.given_name, r.family_name_kana, r.given_name_kana, r.address,
                  r.katagaki, r.postal_code).where(r.tenant_id == tenant_id, r.addressee_no.in_(keys)
                  ).order_by(r.addressee_no, r.history_no)  # fmt: skip
    for x in conn.execute(q).all():
        name = "\u3000".join(v for v in (x.family_name, x.given_name) if v)
        kana = " ".join(v for v in (x.family_name_kana, x.given_name_kana) if v)
        out[x.addressee_no] = nt.Addressee(x.addressee_no, name, kana, x.address or "", x.katagaki or "",
                                           x.postal_code or "")  # fmt: skip
    rest = [k for k in keys if k not in out]
    q = sa.select(h.addressee_no, h.name, h.name_kana, h.address).where(
        h.tenant_id == tenant_id, h.addressee_no.in_(rest)).order_by(h.addressee_no, h.fiscal_year, h.version)  # fmt: skip
    for y in conn.execute(q).all():
        out[y.addressee_no] = nt.Addressee(y.addressee_no, y.name, y.name_kana or "", y.address)
    return out


def payer_names(
    conn: sa.Connection, tenant_id: str, fiscal_year: int, payer_ids: list[str]
) -> dict[str, str]:
    """支払者の名称 as the latest 給与支払報告書 of the year gave it."""
    c = tax_income_record.c
    q = sa.select(c.payer_id, c.payer_name).where(
        c.tenant_id == tenant_id, c.fiscal_year == fiscal_year, c.payer_id.in_(payer_ids), c.payer_name.is_not(None)
    ).order_by(c.received_at)  # fmt: skip
    return {p: n for p, n in conn.execute(q).all()}


def correction_key(addressee_no: str, version: int) -> str:
    """Key of a 税額変更通知書: ``<宛名番号>-<版 3桁>``."""
    return f"{addressee_no}-{version:03d}"


def _split(key: str) -> tuple[str, int]:
    no, _, version = key.rpartition("-")
    return no, int(version) if version.isdigit() else -1


class DocumentSource:
    """Builds the notice documents of a chunk of keys from the stored results (one unit of work)."""

    def __init__(self, conn: sa.Connection, tenant_id: str, fiscal_year: int, issued_on: date):
        self.conn, self.tenant_id, self.fiscal_year, self.issued_on = conn, tenant_id, fiscal_year, issued_on
        self.issuer = issuer(conn, tenant_id)
        run = annual_run(conn, tenant_id, fiscal_year)
        self.due: dict[str, Any] = run["due_dates"] if run else {"dates": {}, "months": {}}
        self.months: list[str] = self.due["months"].get("salary", [])

    def _lines(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        if not self.due["dates"]:
            return schedule_lines(self.conn, self.tenant_id, row)
        return as_lines(row["installments"] or {}, self.due["dates"], self.due["months"])

    def rows(self, *where: sa.ColumnElement[bool]) -> list[dict[str, Any]]:
        q = sa.select(tax_assessment).where(*_current(self.tenant_id, self.fiscal_year), *where)
        return [
            dict(r._mapping) for r in self.conn.execute(q.order_by(a.salary_payer_id, a.addressee_no)).all()
        ]

    def documents(self, kind: str, keys: list[str]) -> list[tuple[str, Notice]]:
        """``(key, document)`` for the keys that have a notice of ``kind``, in key order."""
        if kind == "employer":
            return self._employers(keys)
        if kind == "correction":
            return self._corrections(keys)
        rows = sorted(self.rows(a.addressee_no.in_(keys)), key=lambda r: r["addressee_no"])
        who = identities(self.conn, self.tenant_id, keys)
        names = payer_names(
            self.conn, self.tenant_id, self.fiscal_year, [r["salary_payer_id"] or "" for r in rows]
        )
        out: list[tuple[str, Notice]] = []
        for r in rows:
            no, day = r["addressee_no"], self.issued_on
            person = who.get(no) or nt.Addressee(no, "")
            if kind == "ordinary" and (r["ordinary_amount"] > 0 or r["pension_amount"] > 0):
                out.append((no, nt.tax_notice(r, self._lines(r), person, self.issuer, issued_on=day)))
            elif kind == "employee" and r["salary_amount"] > 0:
                emp = nt.Employer(r["salary_payer_id"] or "", names.get(r["salary_payer_id"] or "", ""))
                out.append((no, nt.employee_notice(r, person, emp, self.months, self.issuer, issued_on=day)))
        return out

    def _corrections(self, keys: list[str]) -> list[tuple[str, Notice]]:
        wanted = {_split(k) for k in keys}
        nos = sorted({no for no, _ in wanted})
        n = tax_correction_notice.c
        records = [dict(r._mapping) for r in self.conn.execute(sa.select(tax_correction_notice).where(
            n.tenant_id == self.tenant_id, n.fiscal_year == self.fiscal_year, n.addressee_no.in_(nos))).all()
            if (r.addressee_no, r.version) in wanted]  # fmt: skip
        q = sa.select(tax_assessment).where(a.tenant_id == self.tenant_id, a.fiscal_year == self.fiscal_year,
                                            a.addressee_no.in_(nos))  # fmt: skip
        results = {(r.addressee_no, r.version): dict(r._mapping) for r in self.conn.execute(q).all()}
        who = identities(self.conn, self.tenant_id, nos)
        months = self.due["months"]
        regular = {m: len(d) for m, d in self.due["dates"].items()}
        out: list[tuple[str, Notice]] = []
        for rec in sorted(records, key=lambda x: (x["addressee_no"], x["version"])):
            no, version, previous = rec["addressee_no"], rec["version"], rec["previous_version"]
            after = results.get((no, version))
            if after is None:
                continue
            before = results.get((no, previous)) if previous is not None else None
            lines = rec["lines"] if isinstance(rec["lines"], list) else []
            doc = nt.change_notice({**rec, "lines": [x for x in lines if isinstance(x, dict)]}, before, after,
                                   who.get(no) or nt.Addressee(no, ""), self.issuer, months=months,
                                   regular=regular, issued_on=self.issued_on)  # fmt: skip
            out.append((correction_key(no, version), doc))
        return out

    def _employers(self, payers: list[str]) -> list[tuple[str, Notice]]:
        rows = self.rows(a.salary_payer_id.in_(payers), a.salary_amount > 0)
        who = identities(self.conn, self.tenant_id, sorted({r["addressee_no"] for r in rows}))
        names = payer_names(self.conn, self.tenant_id, self.fiscal_year, payers)
        due = self.due["dates"].get("salary", [])
        out: list[tuple[str, Notice]] = []
        for payer in payers:
            staff = [(who.get(r["addressee_no"]) or nt.Addressee(r["addressee_no"], ""), r)
                     for r in rows if r["salary_payer_id"] == payer]  # fmt: skip
            doc = nt.employer_notice(self.fiscal_year, nt.Employer(payer, names.get(payer, "")), staff, self.months,
                                     due, self.issuer, issued_on=self.issued_on)  # fmt: skip
            out.append((payer, doc))
        return out


def _run_file(root: Path, ctx: TenantContext, fiscal_year: int, kind: str, issued_on: date | None) -> date:
    """The directory's ``run.json``: which tenant/year/kind it holds and the 通知日 it uses."""
    path = root / "run.json"
    found: dict[str, Any] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    body: dict[str, Any] = {"tenant_id": ctx.tenant_id, "fiscal_year": fiscal_year, "kind": kind}
    if found and any(found.get(k) != v for k, v in body.items()):
        raise Conflict(f"出力先 {root} は別の団体・年度・種類の通知書に使われています", field="out_dir")
    previous = date.fromisoformat(found["issued_on"]) if found.get("issued_on") else None
    # a 税額変更通知書 is dated the day it is issued; the annual notices keep the directory's date
    day = issued_on or (None if kind == "correction" else previous) or SystemClock().today()
    if day != previous:
        root.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({**body, "issued_on": day.isoformat()}, indent=1), encoding="utf-8")
    return day


def relative_path(key: str, kind: str = "") -> str:
    """``<key[:-3]>/<key>.pdf``; a 税額変更通知書 lies beside the other versions of the same 宛名番号."""
    safe = _SAFE.sub("_", key)
    base = _SAFE.sub("_", _split(key)[0]) if kind == "correction" else safe
    return f"{base[:-3] or '0'}/{safe}.pdf"


def targets(conn: sa.Connection, tenant_id: str, fiscal_year: int, kind: str) -> list[str]:
    """Sorted keys to notify: 宛名番号 (ordinary, employee), 特別徴収義務者指定番号 (employer) or
    ``<宛名番号>-<版>`` (correction: every 更正 of the year)."""
    if kind == "correction":
        n = tax_correction_notice.c
        cq = sa.select(n.addressee_no, n.version).where(n.tenant_id == tenant_id, n.fiscal_year == fiscal_year)
        return sorted(correction_key(x.addressee_no, x.version) for x in conn.execute(cq).all())
    where = _current(tenant_id, fiscal_year)
    if kind == "ordinary":
        q = sa.select(a.addressee_no).where(*where, (a.ordinary_amount > 0) | (a.pension_amount > 0))
    elif kind == "employee":
        q = sa.select(a.addressee_no).where(*where, a.salary_amount > 0)
    else:
        q = (
            sa.select(a.salary_payer_id)
            .where(*where, a.salary_amount > 0, a.salary_payer_id.is_not(None))
            .distinct()
        )
    return sorted(x for (x,) in conn.execute(q).all())


def _check(kind: str, fiscal_year: int, workers: int) -> None:
    errors = []
    if kind not in KINDS:
        errors.append(FieldError("kind", "通知書の種類は " + "・".join(KINDS) + " のいずれかです"))
    if not 2000 <= fiscal_year <= 2100:
        errors.append(FieldError("fiscal_year", "年度（西暦）が正しくありません"))
    if not 0 <= workers <= 64:
        errors.append(FieldError("workers", "0〜64で指定してください"))
    if errors:
        raise ValidationFailed(errors)


def _read_chunk(db: Database, ctx: TenantContext, fiscal_year: int, kind: str, keys: list[str],
                issued_on: date) -> list[tuple[str, Notice]]:  # fmt: skip
    with db.uow(ctx) as uow:
        src = DocumentSource(uow.conn, uow.tenant_id, fiscal_year, issued_on)
        docs = src.documents(kind, keys)
        uow.audit("tax.notice.generate", "read", target_type="tax_assessment",
                  target_id=f"{fiscal_year}:{kind}:{keys[0]}..{keys[-1]}", detail=f"{len(docs)}件")  # fmt: skip
        uow.commit()
    return docs


def generate_notices(
    db: Database, ctx: TenantContext, fiscal_year: int, kind: str, out_dir: Path | str, *, workers: int = 2,
    progress: Progress | None = None, issued_on: date | None = None, chunk_size: int = 500, task_size: int = 16,
) -> NoticeReport:  # fmt: skip
    """Render every notice of ``kind`` for ``fiscal_year`` into ``out_dir`` (idempotent, resumable).

    Legal basis: 地方税法第319条の2第3項 (納税通知書は納期限前10日までに交付), 第321条の4 (特別徴収税額の
    通知は5月31日まで), 第321条の6 (特別徴収税額の変更の通知). Files already written with the same
    content are skipped; for ``correction`` every file already written and intact (module docstring).
    """
    _check(kind, fiscal_year, workers)
    started = time.perf_counter()
    root = Path(out_dir) / ctx.tenant_id / str(fiscal_year) / kind
    day = _run_file(root, ctx, fiscal_year, kind, issued_on)
    with db.uow(ctx) as uow:
        keys = targets(uow.conn, uow.tenant_id, fiscal_year, kind)
    manifest, salt = Manifest(root), fingerprint()
    issued_once = kind == "correction"  # an issued 税額変更通知書 is kept as sent while its file is intact
    written, skipped, pages, cpu = 0, 0, 0, 0.0
    total = len(keys)
    inflight: deque[tuple[Future[list[Written]], dict[str, tuple[str, str]]]] = deque()

    def drain(keep: int) -> None:
        """Record finished tasks in order; wait while more than ``keep`` are in flight."""
        nonlocal written, pages, cpu
        while inflight and (len(inflight) > keep or inflight[0][0].done()):
            fut, meta = inflight.popleft()
            done = fut.result()
            at = datetime.now(JST).isoformat(timespec="seconds")
            manifest.record(((w.key, meta[w.key][0], meta[w.key][1], w) for w in done), at)
            written, pages = written + len(done), pages + sum(w.pages for w in done)
            cpu += sum(w.cpu_seconds for w in done)
            if progress:
                progress(written + skipped, total)

    with worker_pool(workers) as pool:
        for i in range(0, total, max(chunk_size, 1)):
            todo: list[tuple[Job, str, str]] = []
            for key, doc in _read_chunk(db, ctx, fiscal_year, kind, keys[i : i + chunk_size], day):
                rel, digest = relative_path(key, kind), document_digest(doc, salt=salt)
                if manifest.is_current(key, rel, None if issued_once else digest):
                    skipped += 1
                else:
                    todo.append((Job(key, str(root / rel), doc), rel, digest))
            if progress:
                progress(written + skipped, total)
            for j in range(0, len(todo), task_size):
                part = todo[j : j + task_size]
                drain(keep=2 * max(workers, 1) - 1)
                meta = {t[0].key: (t[1], t[2]) for t in part}
                inflight.append((pool.submit(render_jobs, [t[0] for t in part]), meta))
        drain(keep=0)
    seconds = time.perf_counter() - started
    return NoticeReport(fiscal_year, kind, root, day, total, written, skipped, pages, seconds, cpu)


def correction_document(
    conn: sa.Connection, tenant_id: str, fiscal_year: int, addressee_no: str, version: int, issued_on: date
) -> Notice | None:
    """The 税額変更通知書 of one 更正 (the staff screen and the API), None if that version has none."""
    docs = DocumentSource(conn, tenant_id, fiscal_year, issued_on).documents(
        "correction", [correction_key(addressee_no, version)]
    )
    return docs[0][1] if docs else None
