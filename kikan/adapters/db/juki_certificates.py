"""証明書の交付: 住民票の写し・除票の写し・記載事項証明書・転出証明書 (one transaction).

Legal basis and spec: 住民基本台帳法 第12条・第12条の2・第15条の4 (写しの交付), 施行令 第24条
(転出証明書の交付); 住民記録システム標準仕様書 5.1 (証明書記載事項), 4.1.3.0.3 (転出証明書等),
3.1/3.4 (抑止・支援措置), 10.2 (アクセスログ: 帳票発行 and whether a 個人番号 was output).

Steps of :func:`issue`, all in the caller's unit of work: load the persons (tenant-scoped) →
build the document (pure, validates the request) → :func:`juki_blocks.enforce` on the printed
persons (a refusal is audited by enforce in its own transaction and NOTHING else is written) →
decrypt 個人番号 only when printed → allocate the 発行番号 → render → 交付履歴 row → one audit
row per person (``juki.certificate.issue``, action ``print``) → commit.

発行番号 format: ``<元号略号><和暦年>-<6 digits>``, e.g. ``R8-000123`` = the 123rd certificate the
tenant issued in 令和8年 (calendar year). One gap-free per-tenant counter per 和暦 year
(``tenant_counter`` name ``juki.certificate.R8``), so numbers restart at 000001 each year and at
an era change; a rolled-back issue leaves no gap because the counter row commits with it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db import counters, juki_blocks
from kikan.adapters.db.tables.core import tenant
from kikan.adapters.db.tables.juki import juki_certificate_issue, juki_history, juki_resident
from kikan.core.calendar import to_wareki
from kikan.core.errors import FieldError, Forbidden, NotFound, ValidationFailed
from kikan.juki.certificates import (
    CertificateDocument,
    CertificateKind,
    CertificateOptions,
    Issuer,
    PersonRecord,
    Reissue,
    build_certificate,
)

FUNCTION = "juki.certificate.issue"
CERTIFICATE_PERMISSION = "juki.certificate"
MYNUMBER_PERMISSION = "mynumber.view"
CHANNELS = {"counter": "窓口", "api": "API", "batch": "一括", "online": "オンライン", "post": "郵送"}
MAX_PERSONS = 25  # the 交付履歴 column holds 25 宛名番号 (15 digits + separator)


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


@dataclass(frozen=True)
class IssuedCertificate:
    issue_no: str
    pdf: bytes
    pages: int
    sha256: str
    document: CertificateDocument


def _fail(fld: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(fld, message)])


def allocate_issue_no(conn: sa.Connection, tenant_id: str, today: date) -> str:
    """Next 発行番号 of the tenant for ``today``'s 和暦 year (see the module docstring)."""
    w = to_wareki(today)
    prefix = f"{w.era.abbreviation}{w.year}"
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


def issue(
    uow: Any, request: CertificateRequest, *, today: date, commit: bool = True, cipher: Any = None,
    seal_png: bytes | None = None,
) -> IssuedCertificate:
    """Issue one certificate (see the module docstring for the steps and legal basis).

    Raises ValidationFailed / NotFound / Forbidden with nothing written, and ``Blocked`` for a
    抑止 or 支援措置 — then only the refusal audit is written (by ``enforce``, which also ends the
    caller's unit of work). ``commit=False`` lets a larger flow (転出) commit it with its own work.
    """
    kind = _check(uow, request)
    options, selected, reissue = request.options, None if not request.addressee_nos else list(request.addressee_nos), None
    if request.reissue_of:  # 再交付: the persons, options and snapshots of the original (j660)
        orig = _original(uow, request.reissue_of)
        meta = dict(orig.options)
        options = CertificateOptions.from_dict(meta["options"])
        keys = [(a, int(n)) for a, n in meta["snapshots"].items()]
        selected = list(meta["snapshots"])
        # a reissue of a reissue still names the first certificate (its number and date)
        first_no = meta.get("original_issue_no") or orig.issue_no
        reissue = Reissue(first_no, date.fromisoformat(meta.get("original_issued_on") or meta["issued_on"]))
    else:
        keys = _load_current(uow, request)
    _check_mynumber(uow, options)
    current = _snapshot_rows(uow.conn, uow.tenant_id, keys)
    # earlier snapshots: 異動履歴, 通称履歴 (外国人住民), and the record before a pending 転出届
    earlier = _earlier_rows(uow.conn, uow.tenant_id, current) if options.with_history or any(
        r.get("resident_kind") == "foreign" or r.get("move_out_planned_on") for r in current.values()
    ) else {}
    records = [PersonRecord(current[a], earlier.get(a, [])) for a, _ in keys]
    issuer = _issuer(uow, request)
    draft = build_certificate(kind, records, options, today=today, issue_no="", issuer=issuer, selected=selected, reissue=reissue)
    printed = draft.addressee_nos
    if len(printed) > MAX_PERSONS:
        raise _fail("addressee_nos", f"一度に記載できる対象者は{MAX_PERSONS}人までです")
    households = sorted({str(current[a]["household_no"]) for a in printed if current[a].get("household_no")})
    passed = juki_blocks.enforce(
        uow, "certificate", addressee_nos=printed, household_nos=households, today=today,
        supervisor_release=request.supervisor_release,
    )
    released_by = uow.actor.actor_id if any(h.block.kind == "support" for h in passed) and request.supervisor_release else None
    mynumbers = _mynumbers(records, printed, cipher) if options.show_mynumber else None
    issue_no = allocate_issue_no(uow.conn, uow.tenant_id, today)
    doc = build_certificate(
        kind, records, options, today=today, issue_no=issue_no, issuer=issuer, selected=selected,
        mynumbers=mynumbers, reissue=reissue,
    )
    from kikan.adapters.pdf.certificates import render_certificate_pdf

    rendered = render_certificate_pdf(doc, seal_png=seal_png)
    digest = hashlib.sha256(rendered.pdf).hexdigest()
    meta_out = {
        "options": options.to_dict(), "snapshots": dict(doc.snapshots), "issued_on": today.isoformat(),
        "selected": selected, "title": doc.title, "quasi_move_out": doc.quasi_move_out,
        "reissue_of": request.reissue_of, "issuer": issuer.display,
    }
    if reissue:
        meta_out |= {"original_issue_no": reissue.original_issue_no,
                     "original_issued_on": reissue.original_issued_on.isoformat()}
    uow.conn.execute(
        sa.insert(juki_certificate_issue).values(
            tenant_id=uow.tenant_id, issue_no=issue_no, kind=str(kind), household_no=households[0] if len(households) == 1 else None,
            addressee_nos=",".join(printed), options=meta_out, channel=request.channel, requester=request.requester,
            purpose=request.purpose, pages=rendered.pages, sha256=digest, issued_at=uow.now,
            issued_by=uow.actor.actor_id, released_by=released_by,
        )
    )
    for a in printed:
        uow.audit(
            FUNCTION, "print", target_type="resident", target_id=a, mynumber_shown=doc.mynumber_shown,
            detail=f"issue_no={issue_no} kind={kind} channel={request.channel} pages={rendered.pages}"
            + (f" reissue_of={request.reissue_of}" if request.reissue_of else ""),
        )
    if commit:
        uow.commit()
    return IssuedCertificate(issue_no, rendered.pdf, rendered.pages, digest, doc)


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
