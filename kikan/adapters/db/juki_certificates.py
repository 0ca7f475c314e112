"""証明書の交付: 住民票の写し・除票の写し・改製原住民票の写し・記載事項証明書・転出証明書.

Legal basis and spec: 住民基本台帳法 第12条・第12条の2・第15条の4 (写しの交付; 除票 includes the
改製前の住民票, 第15条の2), 施行令 第24条 (転出証明書の交付); 住民記録システム標準仕様書 5.1 (証明書記載事項),
4.1.3.0.3 (転出証明書等), 3.1/3.4 (抑止・支援措置), 10.2 (アクセスログ: 帳票発行 and whether a 個人番号
was output).

:func:`issue` works in three phases so that rendering (0.1–0.2 s of CPU a page) never runs inside
a write transaction (on SQLite every unit of work holds the database's write lock):

1. **read** (the caller's unit of work, then rolled back): load the persons (tenant-scoped) →
   build a draft (pure, validates the request) → :func:`juki_blocks.enforce` on the printed
   persons (a refusal is audited by enforce in its own transaction and NOTHING else is written)
   → decrypt 個人番号 only when printed;
2. **reserve** the 発行番号 in a transaction of its own (the counter row is locked only for that);
3. **render** the PDF with that number, holding no transaction;
4. **record** (a short unit of work of its own): enforce again (a block set meanwhile refuses;
   the release/alert audit rows land here), check the printed persons' current rows did not
   change (else :class:`Conflict`) → 交付履歴 row → one audit row per person
   (``juki.certificate.issue``, action ``print``) → commit. If recording fails, nothing is
   returned (a PDF exists only for a recorded issue) and the reserved number is recorded as 書損
   (audit action ``void``), so every number is accounted for: issued or voided.

Each issue renders exactly once, whatever the concurrency (an earlier design took the number in
the record phase and re-rendered when another issue had taken it: under a counter-day load that
multiplied the rendering work several times).

``issue(..., commit=False)`` (転出, 郵送請求: recorded with the caller's own work) does all of it
in the caller's transaction.

発行番号 format: ``<元号略号><和暦年>-<6 digits>``, e.g. ``R8-000123`` = the 123rd certificate the
tenant issued in 令和8年 (calendar year). One per-tenant counter per 和暦 year (``tenant_counter``
name ``juki.certificate.R8``), so numbers restart at 000001 each year and at an era change; a
number is either in the 交付履歴 or voided (書損) in the access log.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db import counters, juki_blocks
from kikan.adapters.db.tables.core import tenant
from kikan.adapters.db.tables.juki import juki_certificate_issue, juki_history, juki_resident
from kikan.core.calendar import to_wareki
from kikan.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from kikan.juki.certificates import (
    CertificateDocument,
    CertificateKind,
    CertificateOptions,
    Issuer,
    PersonRecord,
    Reissue,
    build_certificate,
)

log = logging.getLogger("kikan.juki.certificates")
FUNCTION = "juki.certificate.issue"
CERTIFICATE_PERMISSION = "juki.certificate"
MYNUMBER_PERMISSION = "mynumber.view"
CHANNELS = {"counter": "窓口", "api": "API", "batch": "一括", "online": "オンライン", "post": "郵送"}
MAX_PERSONS = 25  # the 交付履歴 column holds 25 宛名番号 (15 digits + separator)
REMADE_CODE = "241"  # 改製（消除）: the last row of a 改製原住民票


@dataclass(frozen=True)
class CertificateRequest:
    """A request for one certificate. Either ``household_no`` (世帯全員) or ``addressee_nos``
    (selected persons), or ``reissue_of`` (転出証明書の再交付: the original 発行番号)."""

    kind: CertificateKind | str
    addressee_nos: tuple[str, ...] = ()
    household_no: str | None = None
    options: CertificateOptions = field(default_factory=CertificateOptions)
    channel: str = "counter"
    requester: str = ""
    purpose: str = ""
    supervisor_release: str | None = None  # 支援措置責任者の審査メモ (3.4)
    reissue_of: str | None = None
    issuer: Issuer | None = None
    original_history_no: int | None = None  # 改製原住民票の写し: which 改製原 (default the latest)


@dataclass(frozen=True)
class IssuedCertificate:
    issue_no: str
    pdf: bytes
    pages: int
    sha256: str
    document: CertificateDocument


def _fail(fld: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(fld, message)])


def _issue_prefix(today: date) -> str:
    w = to_wareki(today)
    return f"{w.era.abbreviation}{w.year}"


def allocate_issue_no(conn: sa.Connection, tenant_id: str, today: date) -> str:
    """Next 発行番号 of the tenant for ``today``'s 和暦 year, taken (see the module docstring)."""
    prefix = _issue_prefix(today)
    value, _ = counters.advance(conn, tenant_id, f"juki.certificate.{prefix}")
    return f"{prefix}-{value:06d}"


def _check(uow: Any, req: CertificateRequest) -> CertificateKind:
    try:
        kind = CertificateKind(req.kind)
    except ValueError:
        raise _fail("kind", f"証明書の種類 {req.kind} は指定できません") from None
    if req.channel not in CHANNELS:
        raise _fail("channel", f"交付方法 {req.channel} は指定できません（{', '.join(CHANNELS)}）")
    if len(req.requester) > 200 or len(req.purpose) > 200:
        raise _fail("requester" if len(req.requester) > 200 else "purpose", "200文字以内で入力してください")
    if not (req.reissue_of or req.household_no or req.addressee_nos):
        raise _fail("addressee_nos", "対象者（宛名番号）または世帯番号を指定してください")
    if req.reissue_of and kind != CertificateKind.MOVE_OUT:
        raise _fail("reissue_of", "再交付は転出証明書（転出証明書に準ずる証明書）に限ります")
    if not uow.actor.can(CERTIFICATE_PERMISSION):
        raise Forbidden("証明書を発行する権限がありません", field="kind")
    return kind


def _check_mynumber(uow: Any, options: CertificateOptions) -> None:
    """Printing a 個人番号 needs ``mynumber.view`` (番号法第19条・第20条: 提供・収集の制限)."""
    if options.show_mynumber and not uow.actor.can(MYNUMBER_PERMISSION):
        raise Forbidden("個人番号を記載するには個人番号の閲覧権限が必要です", field="options.show_mynumber")


def _snapshot_rows(conn: sa.Connection, tenant_id: str, keys: Sequence[tuple[str, int]]) -> dict[str, dict]:
    h = juki_history.c
    cond = sa.or_(*[sa.and_(h.addressee_no == a, h.history_no == n) for a, n in keys])
    rows = conn.execute(sa.select(juki_history).where(h.tenant_id == tenant_id, cond)).mappings().all()
    return {r["addressee_no"]: dict(r) for r in rows}


def _earlier_rows(conn: sa.Connection, tenant_id: str, current: dict[str, dict]) -> dict[str, list[dict]]:
    h = juki_history.c
    cond = sa.or_(*[sa.and_(h.addressee_no == a, h.history_no < r["history_no"]) for a, r in current.items()])
    out: dict[str, list[dict]] = {a: [] for a in current}
    for r in conn.execute(sa.select(juki_history).where(h.tenant_id == tenant_id, cond)).mappings():
        out[r["addressee_no"]].append(dict(r))
    return out


def _load_current(uow: Any, req: CertificateRequest) -> list[tuple[str, int]]:
    r = juki_resident.c
    q = sa.select(r.addressee_no, r.history_no).where(r.tenant_id == uow.tenant_id)
    if req.addressee_nos:
        q = q.where(r.addressee_no.in_(req.addressee_nos))
    else:
        q = q.where(r.household_no == req.household_no)
    found = [(row.addressee_no, row.history_no) for row in uow.conn.execute(q)]
    missing = sorted(set(req.addressee_nos) - {a for a, _ in found})
    if missing or not found:
        what = f"宛名番号 {'、'.join(missing)}" if missing else f"世帯番号 {req.household_no}"
        raise NotFound(f"{what} の住民票が見つかりません", field="addressee_nos" if missing else "household_no")
    return found


def _original(uow: Any, issue_no: str) -> Any:
    c = juki_certificate_issue.c
    row = uow.conn.execute(
        sa.select(juki_certificate_issue).where(c.tenant_id == uow.tenant_id, c.issue_no == issue_no)
    ).first()
    if row is None:
        raise NotFound(f"発行番号 {issue_no} の交付履歴が見つかりません", field="reissue_of")
    if row.kind != CertificateKind.MOVE_OUT:
        raise _fail("reissue_of", f"発行番号 {issue_no} は転出証明書ではないため再交付できません")
    return row


def _issuer(uow: Any, req: CertificateRequest) -> Issuer:
    if req.issuer is not None:
        return req.issuer
    name = uow.conn.execute(sa.select(tenant.c.name).where(tenant.c.tenant_id == uow.tenant_id)).scalar_one()
    return Issuer(f"{name}長")


def _mynumbers(records: list[PersonRecord], printed: Sequence[str], cipher: Any) -> dict[str, str]:
    """Decrypt the 個人番号 of the printed persons only (番号法第12条 安全管理措置)."""
    if cipher is None:
        from kikan.adapters.security.crypto import get_cipher

        cipher = get_cipher()
    by_no = {p.addressee_no: p.current for p in records}
    return {a: cipher.decrypt(by_no[a]["individual_number_enc"]) for a in printed if by_no[a].get("individual_number_enc")}


@dataclass
class _Prepared:
    """What the read phase found and checked: everything needed to render and to record."""

    request: CertificateRequest
    kind: CertificateKind
    options: CertificateOptions
    selected: list[str] | None
    reissue: Reissue | None
    records: list[PersonRecord]
    issuer: Issuer
    printed: tuple[str, ...]
    households: list[str]
    mynumbers: dict[str, str] | None
    current: bool  # printed from the persons' current rows (checked again before recording)
    released: bool  # a 支援措置責任者 released a 支援措置 for this issue

    @property
    def history_nos(self) -> dict[str, int]:
        return {r.addressee_no: int(r.current["history_no"]) for r in self.records}


def _remade_originals(uow: Any, req: CertificateRequest) -> list[tuple[str, int]]:
    """改製原住民票: the latest 改製（消除） row of each person (or ``original_history_no``)."""
    h = juki_history.c
    if not req.addressee_nos:
        raise _fail("addressee_nos", "改製原住民票の写しは対象者（宛名番号）を指定してください")
    if req.original_history_no is not None and len(req.addressee_nos) != 1:
        raise _fail("original_history_no", "改製原住民票の履歴番号は対象者が1人のときに指定できます")
    q = sa.select(h.addressee_no, sa.func.max(h.history_no).label("history_no")).where(
        h.tenant_id == uow.tenant_id, h.addressee_no.in_(req.addressee_nos), h.event_code == REMADE_CODE,
        h.cancelled.is_(False),
    )  # fmt: skip
    if req.original_history_no is not None:
        q = q.where(h.history_no == req.original_history_no)
    found = {row.addressee_no: int(row.history_no) for row in uow.conn.execute(q.group_by(h.addressee_no))}
    missing = [a for a in req.addressee_nos if a not in found]
    if missing:
        raise NotFound(f"宛名番号 {'、'.join(missing)} の改製原住民票が見つかりません", field="addressee_nos")
    return [(a, found[a]) for a in dict.fromkeys(req.addressee_nos)]


def _prepare(uow: Any, request: CertificateRequest, today: date, cipher: Any) -> _Prepared:
    """Read phase: load the rows, build a draft, refuse blocks and 支援措置, decrypt printed 個人番号."""
    kind = _check(uow, request)
    options, selected, reissue = request.options, None if not request.addressee_nos else list(request.addressee_nos), None
    current = False
    if request.reissue_of:  # 再交付: the persons, options and snapshots of the original (j660)
        orig = _original(uow, request.reissue_of)
        meta = dict(orig.options)
        options = CertificateOptions.from_dict(meta["options"])
        keys = [(a, int(n)) for a, n in meta["snapshots"].items()]
        selected = list(meta["snapshots"])
        # a reissue of a reissue still names the first certificate (its number and date)
        first_no = meta.get("original_issue_no") or orig.issue_no
        reissue = Reissue(first_no, date.fromisoformat(meta.get("original_issued_on") or meta["issued_on"]))
    elif kind == CertificateKind.REMADE_ORIGINAL_COPY:
        keys = _remade_originals(uow, request)
    else:
        keys, current = _load_current(uow, request), True
    _check_mynumber(uow, options)
    rows = _snapshot_rows(uow.conn, uow.tenant_id, keys)
    # earlier snapshots: 異動履歴, 通称履歴 (外国人住民), and the record before a pending 転出届
    earlier = _earlier_rows(uow.conn, uow.tenant_id, rows) if options.with_history or any(
        r.get("resident_kind") == "foreign" or r.get("move_out_planned_on") for r in rows.values()
    ) else {}
    records = [PersonRecord(rows[a], earlier.get(a, [])) for a, _ in keys]
    issuer = _issuer(uow, request)
    draft = build_certificate(kind, records, options, today=today, issue_no="", issuer=issuer, selected=selected, reissue=reissue)
    printed = draft.addressee_nos
    if len(printed) > MAX_PERSONS:
        raise _fail("addressee_nos", f"一度に記載できる対象者は{MAX_PERSONS}人までです")
    households = sorted({str(rows[a]["household_no"]) for a in printed if rows[a].get("household_no")})
    released = _enforce(uow, request, printed, households, today)
    mynumbers = _mynumbers(records, printed, cipher) if options.show_mynumber else None
    return _Prepared(
        request, kind, options, selected, reissue, records, issuer, printed, households, mynumbers, current, released
    )


def _enforce(uow: Any, request: CertificateRequest, printed: Sequence[str], households: list[str], today: date) -> bool:
    """抑止・支援措置 for 証明書発行 (3.1, 3.4); True when a 支援措置責任者 released a 支援措置."""
    passed = juki_blocks.enforce(
        uow, "certificate", addressee_nos=printed, household_nos=households, today=today,
        supervisor_release=request.supervisor_release,
    )  # fmt: skip
    return any(h.block.kind == "support" for h in passed) and bool(request.supervisor_release)


def _document(p: _Prepared, issue_no: str, today: date) -> CertificateDocument:
    return build_certificate(
        p.kind, p.records, p.options, today=today, issue_no=issue_no, issuer=p.issuer, selected=p.selected,
        mynumbers=p.mynumbers, reissue=p.reissue,
    )  # fmt: skip


def _render(doc: CertificateDocument, seal_png: bytes | None) -> Any:
    from kikan.adapters.pdf.certificates import render_certificate_pdf

    return render_certificate_pdf(doc, seal_png=seal_png)


def _still_current(uow: Any, p: _Prepared) -> None:
    """The persons printed from their current rows have not changed since the read phase."""
    if not p.current:
        return
    r = juki_resident.c
    now = dict(
        uow.conn.execute(
            sa.select(r.addressee_no, r.history_no).where(r.tenant_id == uow.tenant_id, r.addressee_no.in_(p.printed))
        ).all()
    )
    expected = p.history_nos
    if any(now.get(a) != expected[a] for a in p.printed):
        raise Conflict("証明書の作成中に住民票が更新されました。もう一度発行してください", field="addressee_nos")


def _record(uow: Any, p: _Prepared, doc: CertificateDocument, rendered: Any, today: date, released: bool) -> IssuedCertificate:
    """Write phase: 交付履歴 row and one audit row per printed person (the 発行番号 is taken)."""
    request, issue_no = p.request, doc.issue_no
    digest = hashlib.sha256(rendered.pdf).hexdigest()
    meta_out = {
        "options": p.options.to_dict(), "snapshots": dict(doc.snapshots), "issued_on": today.isoformat(),
        "selected": p.selected, "title": doc.title, "quasi_move_out": doc.quasi_move_out,
        "reissue_of": request.reissue_of, "issuer": p.issuer.display,
    }  # fmt: skip
    if p.reissue:
        meta_out |= {"original_issue_no": p.reissue.original_issue_no,
                     "original_issued_on": p.reissue.original_issued_on.isoformat()}  # fmt: skip
    uow.conn.execute(
        sa.insert(juki_certificate_issue).values(
            tenant_id=uow.tenant_id, issue_no=issue_no, kind=str(p.kind),
            household_no=p.households[0] if len(p.households) == 1 else None, addressee_nos=",".join(doc.addressee_nos),
            options=meta_out, channel=request.channel, requester=request.requester, purpose=request.purpose,
            pages=rendered.pages, sha256=digest, issued_at=uow.now, issued_by=uow.actor.actor_id,
            released_by=uow.actor.actor_id if released else None,
        )
    )  # fmt: skip
    for a in doc.addressee_nos:
        uow.audit(
            FUNCTION, "print", target_type="resident", target_id=a, mynumber_shown=doc.mynumber_shown,
            detail=f"issue_no={issue_no} kind={p.kind} channel={request.channel} pages={rendered.pages}"
            + (f" reissue_of={request.reissue_of}" if request.reissue_of else ""),
        )  # fmt: skip
    return IssuedCertificate(issue_no, rendered.pdf, rendered.pages, digest, doc)


def issue(
    uow: Any, request: CertificateRequest, *, today: date, commit: bool = True, cipher: Any = None,
    seal_png: bytes | None = None, before_commit: Callable[[Any, IssuedCertificate], None] | None = None,
) -> IssuedCertificate:
    """Issue one certificate (see the module docstring for the phases and legal basis).

    Raises ValidationFailed / NotFound / Forbidden with nothing written, and ``Blocked`` for a
    抑止 or 支援措置 — then only the refusal audit is written (by ``enforce``, which also ends the
    caller's unit of work). With ``commit=True`` the caller's unit of work is used for the read
    phase only and is finished (rolled back) before rendering: it must hold no other work. The
    issue is recorded and committed in a unit of work of its own. ``commit=False`` lets a larger
    flow (転出, 郵送請求) record it with its own work: then everything, the rendering included,
    happens in the caller's transaction, which the caller commits. ``before_commit(uow, issued)``
    runs in the recording transaction just before its commit (the API stores its idempotency key
    there, so the key and the 交付履歴 commit together).
    """
    if not commit:
        p = _prepare(uow, request, today, cipher)
        doc = _document(p, allocate_issue_no(uow.conn, uow.tenant_id, today), today)
        issued = _record(uow, p, doc, _render(doc, seal_png), today, p.released)
        if before_commit is not None:
            before_commit(uow, issued)
        return issued
    p = _prepare(uow, request, today, cipher)
    uow.rollback()  # end the read transaction: nothing is held while the PDF is rendered
    with uow.db.uow(uow.ctx) as w:  # reserve the 発行番号: the counter is locked for this moment only
        issue_no = allocate_issue_no(w.conn, w.tenant_id, today)
        w.commit()
    try:
        doc = _document(p, issue_no, today)
        rendered = _render(doc, seal_png)
        with uow.db.uow(uow.ctx) as w:
            released = _enforce(w, request, p.printed, p.households, today)  # again: audits land here
            _still_current(w, p)
            issued = _record(w, p, doc, rendered, today, released)
            if before_commit is not None:
                before_commit(w, issued)
            w.commit()
            return issued
    except BaseException as exc:
        _void(uow, issue_no, exc)
        raise


def _void(uow: Any, issue_no: str, exc: BaseException) -> None:
    """A reserved 発行番号 whose issue was not recorded (refused, conflicting, failed) is recorded as
    書損 in the access log, so every number of the sequence is accounted for. Best effort: the
    original error is what the caller sees."""
    try:
        with uow.db.uow(uow.ctx) as w:
            w.audit(FUNCTION, "void", target_type="certificate", target_id=issue_no,
                    detail=f"書損（交付せず）: {type(exc).__name__}")  # fmt: skip
            w.commit()
    except Exception:  # noqa: BLE001 — the database may be the reason the issue failed
        log.warning("could not record the void of 発行番号 %s", issue_no, exc_info=True)


def issue_move_out_certificate(
    uow: Any, addressee_nos: Sequence[str], *, today: date, requester: str = "", channel: str = "counter",
    commit: bool = False, cipher: Any = None, options: CertificateOptions | None = None,
) -> IssuedCertificate:
    """転出証明書 in the 転出 flow (4.1.3.0.3 「処理の一連の流れで自動で転出証明書が出力されること」),
    from the 転出届 items already recorded on the persons' current snapshots. Does not commit by
    default: the 転出 service commits it together with the 転出 record. The default options print
    個人番号 and 住民票コード (:meth:`CertificateOptions.for_move_out`), so the actor needs
    ``mynumber.view``."""
    req = CertificateRequest(
        CertificateKind.MOVE_OUT, tuple(addressee_nos), options=options or CertificateOptions.for_move_out(),
        channel=channel, requester=requester, purpose="転出届",
    )
    return issue(uow, req, today=today, commit=commit, cipher=cipher)


def issue_history(uow: Any, addressee_no: str) -> list[dict]:
    """交付履歴 of one person, newest first (audited as a read)."""
    c = juki_certificate_issue.c
    rows = uow.conn.execute(
        sa.select(juki_certificate_issue)
        .where(c.tenant_id == uow.tenant_id, c.addressee_nos.contains(addressee_no))
        .order_by(c.issued_at.desc(), c.issue_no.desc())
    ).mappings().all()
    uow.audit("juki.certificate.history", "read", target_type="resident", target_id=addressee_no)
    return [dict(r) for r in rows if addressee_no in r["addressee_nos"].split(",")]
