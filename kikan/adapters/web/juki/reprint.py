"""The PDF of a certificate just issued at the counter, for the issue screen's preview frame.

The PDF is not stored (it may carry a 個人番号). The screen shows it by re-rendering the
certificate from its 交付履歴 row: the same snapshots (宛名番号 → 履歴番号), options, 発行番号,
date and issuer; the result must be byte-identical to what was issued (same SHA-256), otherwise
it is refused. Only the staff member who issued it, on the day of issue, may see it this way;
each view is audited (``juki.certificate.view``, with whether a 個人番号 was shown).
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import sqlalchemy as sa

from kikan.adapters.db import juki_repo as repo
from kikan.adapters.db.tables.juki import juki_certificate_issue
from kikan.adapters.pdf.certificates import render_certificate_pdf
from kikan.adapters.security.crypto import get_cipher
from kikan.core.errors import Conflict, NotFound
from kikan.juki.certificates import CertificateOptions, Issuer, PersonRecord, Reissue, build_certificate

FUNCTION = "juki.certificate.view"


def _row(uow: Any, issue_no: str) -> Any:
    c = juki_certificate_issue.c
    return uow.conn.execute(
        sa.select(juki_certificate_issue).where(c.tenant_id == uow.tenant_id, c.issue_no == issue_no)
    ).first()


def reprint(uow: Any, issue_no: str, *, today: date) -> tuple[bytes, int]:
    """(PDF, pages) of certificate ``issue_no`` issued today by the acting staff member."""
    row = _row(uow, issue_no)
    meta = dict(row.options) if row is not None else {}
    if row is None or row.issued_by != uow.actor.actor_id or meta.get("issued_on") != today.isoformat():
        raise NotFound(f"発行番号 {issue_no} の証明書は表示できません（発行した職員が当日のみ表示できます）",
                       field="発行番号")  # fmt: skip
    options = CertificateOptions.from_dict(meta["options"])
    records: list[PersonRecord] = []
    for no, hist in meta["snapshots"].items():
        rows = [r for r in repo.history(uow, no) if r["history_no"] <= int(hist)]
        records.append(PersonRecord(rows[-1], rows[:-1]))
    mynumbers = None
    if options.show_mynumber:
        cipher = get_cipher()
        mynumbers = {p.addressee_no: cipher.decrypt(p.current["individual_number_enc"])
                     for p in records if p.current.get("individual_number_enc")}  # fmt: skip
    reissue = None
    if meta.get("original_issue_no"):
        reissue = Reissue(meta["original_issue_no"], date.fromisoformat(meta["original_issued_on"]))
    doc = build_certificate(
        row.kind,
        records,
        options,
        today=date.fromisoformat(meta["issued_on"]),
        issue_no=row.issue_no,
        issuer=Issuer(meta["issuer"]),
        selected=meta.get("selected"),
        mynumbers=mynumbers,
        reissue=reissue,
    )
    rendered = render_certificate_pdf(doc)
    if hashlib.sha256(rendered.pdf).hexdigest() != row.sha256:
        raise Conflict(
            f"発行番号 {issue_no} の証明書を同じ内容で再表示できません。交付履歴を確認してください"
        )
    for no in doc.addressee_nos:
        uow.audit(FUNCTION, "read", target_type="resident", target_id=no, mynumber_shown=doc.mynumber_shown,
                  detail=f"issue_no={issue_no} 交付直後の表示")  # fmt: skip
    return rendered.pdf, rendered.pages
