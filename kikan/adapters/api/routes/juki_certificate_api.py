"""証明書 API: 住民票の写し・除票の写し・改製原住民票の写し・記載事項証明書・転出証明書 as PDF (標準仕様書 5.1).

``POST /api/v1/juki/certificates`` issues one certificate (read and check, render outside any
transaction, then record 発行番号, 交付履歴 and the audit with the 個人番号 flag in one short
transaction; see :mod:`kikan.adapters.db.juki_certificates`) and answers ``application/pdf`` with the 発行番号 in
``X-Kikan-Issue-No``. A 支援措置 person refuses the issue (403) unless a 支援措置責任者
(``juki.block.release``) gives the review note in ``supervisor_release``.

``Idempotency-Key`` (optional): a request sent again with the same key and body does not issue a
second certificate (no second 発行番号 or 交付履歴). The key is stored with the 発行番号 in the
transaction that records the issue; a replay renders that same certificate again from the recorded
snapshots and options (byte-identical: its SHA-256 is checked against the 交付履歴, as the staff
screen's 再表示 does), writes an access-log row for the display, and answers with
``Idempotent-Replayed: true``. The PDF itself is not stored with the key (it would copy personal
data, and possibly 個人番号, into a second table).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from kikan.adapters.api import idempotency
from kikan.adapters.api.deps import Principal, Requires
from kikan.adapters.api.idempotency import IdempotencyKey
from kikan.adapters.api.routes.juki_common import API_PREFIX, TAGS, JukiRoute, Today, open_uow
from kikan.adapters.db import idempotency as keys
from kikan.adapters.db import juki_certificates as jc
from kikan.juki.certificates import CertificateOptions

CERTIFICATE, READ = "juki.certificate", "juki.read"
ISSUE_HEADER = "X-Kikan-Issue-No"


class OptionsIn(BaseModel):
    """記載事項の省略の指定（標準仕様書5.1）。住民票コード・個人番号は特別の請求がない限り省略。"""

    model_config = ConfigDict(extra="forbid")

    layout: Literal["household", "individual"] = Field(
        title="様式", default="household", description="household 世帯連記式 / individual 個人票"
    )
    with_history: bool = Field(
        title="異動履歴", default=False, description="異動履歴を記載する（個人票のみ）"
    )
    show_head: bool = Field(
        title="世帯主の氏名・続柄", default=True, description="世帯主の氏名・続柄を記載する"
    )
    show_honseki: bool = Field(title="本籍・筆頭者", default=True, description="本籍・筆頭者を記載する")
    show_juminhyo_code: bool = Field(
        title="住民票コード", default=False, description="住民票コードを記載する"
    )
    show_mynumber: bool = Field(
        title="個人番号", default=False, description="個人番号を記載する（mynumber.view 権限が必要）"
    )
    show_nationality: bool = Field(title="国籍・地域", default=True, description="国籍・地域（外国人住民）")
    show_art30_45: bool = Field(
        title="法第30条の45に規定する区分", default=True, description="法第30条の45に規定する区分"
    )
    show_residence_status: bool = Field(title="在留資格", default=True, description="在留資格")
    show_period_of_stay: bool = Field(title="在留期間等", default=True, description="在留期間等")
    show_stay_expiry: bool = Field(
        title="在留期間等の満了の日", default=True, description="在留期間等の満了の日"
    )
    show_residence_card_no: bool = Field(
        title="在留カード等の番号", default=True, description="在留カード等の番号"
    )
    show_tsusho_history: bool = Field(
        title="通称の記載及び削除に関する事項", default=True, description="通称の記載及び削除に関する事項"
    )

    def options(self) -> CertificateOptions:
        return CertificateOptions.from_dict(self.model_dump())


class CertificateIn(BaseModel):
    """証明書の請求。世帯全員（household_no）か、対象者（addressee_nos）を指定します。"""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["resident_copy", "removed_copy", "entry_certificate", "move_out", "remade_original_copy"] = Field(
        title="証明書の種類",
        default="resident_copy",
        description="resident_copy 住民票の写し / removed_copy 除票の写し / entry_certificate 記載事項証明書 / "
        "move_out 転出証明書 / remade_original_copy 改製原住民票の写し（個人票）",
    )
    addressee_nos: list[str] = Field(title="対象者", default_factory=list, max_length=25, description="対象者の宛名番号（一部の者）",
                                     examples=[["000000000000019"]])  # fmt: skip
    household_no: str | None = Field(title="世帯番号", default=None, description="世帯番号（世帯全員）")
    options: OptionsIn = Field(
        title="記載事項の指定", default_factory=OptionsIn, description="記載事項の指定"
    )
    requester: str = Field(
        title="請求者", default="", max_length=200, description="請求者", examples=["本人"]
    )
    purpose: str = Field(
        title="使用目的", default="", max_length=200, description="使用目的", examples=["勤務先提出"]
    )
    supervisor_release: str | None = Field(
        title="支援措置責任者の審査メモ",
        default=None,
        max_length=500,
        description="支援措置対象者を含む場合の支援措置責任者の審査メモ（juki.block.release 権限が必要）",
    )
    reissue_of: str | None = Field(
        title="再交付の発行番号",
        default=None,
        description="転出証明書の再交付: 当初の発行番号",
        examples=["R6-000123"],
    )
    original_history_no: int | None = Field(
        title="改製原住民票の履歴番号",
        default=None,
        ge=1,
        le=2**31 - 1,
        description="改製原住民票の写し: どの改製原住民票か（改製（消除）の履歴番号。省略時は直近のもの）",
    )


class IssueOut(BaseModel):
    issue_no: str = Field(description="発行番号")
    kind: str
    addressee_nos: list[str]
    channel: str
    pages: int
    issued_at: datetime
    issued_by: str
    released_by: str | None = Field(description="支援措置を解除した責任者")


def issue_pdf(
    request: Request, p: Principal, body: CertificateIn, today: Any, channel: str,
    before_commit: Callable[[Any, jc.IssuedCertificate], None] | None = None,
) -> jc.IssuedCertificate:  # fmt: skip
    """Issue (``issue`` reads in this unit of work, renders outside it and records in its own;
    a refusal is audited by the block check)."""
    req = jc.CertificateRequest(
        kind=body.kind,
        addressee_nos=tuple(body.addressee_nos),
        household_no=body.household_no,
        options=body.options.options(),
        channel=channel,
        requester=body.requester,
        purpose=body.purpose,
        supervisor_release=body.supervisor_release or None,
        reissue_of=body.reissue_of,
        original_history_no=body.original_history_no,
    )
    with open_uow(request, p) as uow:
        return jc.issue(uow, req, today=today, before_commit=before_commit)


def pdf_response(cert: jc.IssuedCertificate, *, frame: bool = False) -> Response:
    return _pdf(cert.issue_no, cert.pdf, cert.pages, frame=frame)


def _pdf(issue_no: str, pdf: bytes, pages: int, *, frame: bool = False, extra: dict[str, str] | None = None) -> Response:
    name = f"{issue_no}.pdf"
    headers = {
        ISSUE_HEADER: issue_no,
        "X-Kikan-Pages": str(pages),
        "Content-Disposition": f"inline; filename=\"{name}\"; filename*=UTF-8''{quote(name)}",
        **(extra or {}),
    }
    if frame:  # shown in the issue screen's <iframe>: allow our own pages to frame it
        headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
    return Response(pdf, media_type="application/pdf", headers=headers)


def issue_once(request: Request, p: Principal, body: CertificateIn, today: Any, keyed: keys.Request) -> Response:
    """Issue under an ``Idempotency-Key``: the key (with the 発行番号) commits with the 交付履歴; a repeat
    renders the same certificate again instead of issuing another (see the module docstring)."""
    db = request.app.state.db
    got = keys.claim(db, p.ctx, keyed)
    if isinstance(got, keys.Stored):
        return _replay(request, p, got)

    def remember(w: Any, cert: jc.IssuedCertificate) -> None:
        issued_on = today.isoformat() if isinstance(today, date) else str(today)
        stored = {"issue_no": cert.issue_no, "pages": cert.pages, "sha256": cert.sha256, "issued_on": issued_on}
        keys.complete(w.conn, p.ctx, got, status=200, body=json.dumps(stored))

    try:
        cert = issue_pdf(request, p, body, today, "api", before_commit=remember)
    except BaseException:
        keys.release(db, p.ctx, got)
        raise
    return pdf_response(cert)


def _replay(request: Request, p: Principal, stored: keys.Stored) -> Response:
    from kikan.adapters.web.juki.reprint import reprint  # the staff screen's 再表示 (same checks)

    issued = json.loads(stored.body)
    with open_uow(request, p) as uow:  # as of the day it was issued: the same document, byte for byte
        pdf, pages = reprint(uow, issued["issue_no"], today=date.fromisoformat(issued["issued_on"]))
        uow.commit()
    return _pdf(issued["issue_no"], pdf, pages, extra={idempotency.REPLAYED: "true"})


def router() -> APIRouter:
    r = APIRouter(prefix=API_PREFIX, tags=TAGS, route_class=JukiRoute)

    @r.post(
        "/certificates",
        summary="証明書の交付（PDF）",
        response_class=Response,
        responses={
            200: {"content": {"application/pdf": {}}, "description": f"PDF。発行番号はヘッダ {ISSUE_HEADER}"},
            **idempotency.RESPONSES,
            403: {"description": "権限がない、抑止、又は支援措置対象者（責任者の解除なし）"},
            422: {"description": "請求内容の誤り、又は Idempotency-Key を内容の異なる要求に再使用（idempotency_key_reused）"},
        },
    )
    def issue(
        request: Request,
        body: CertificateIn,
        p: Annotated[Principal, Depends(Requires(CERTIFICATE))],
        today: Today,
        keyed: IdempotencyKey,
    ) -> Response:
        """証明書を交付します（PDFの作成後に、発行番号の採番・交付履歴・アクセスログを1トランザクションで記録）。
        Idempotency-Key を付けた再送では、新たに交付せず、最初に交付した同じ証明書（同じ発行番号）を返します。"""
        if keyed is not None:
            return issue_once(request, p, body, today, keyed)
        return pdf_response(issue_pdf(request, p, body, today, "api"))

    @r.get("/residents/{addressee_no}/certificates", response_model=list[IssueOut], summary="交付履歴")
    def history(
        request: Request, addressee_no: str, p: Annotated[Principal, Depends(Requires(READ))]
    ) -> list[IssueOut]:
        with open_uow(request, p) as uow:
            rows = jc.issue_history(uow, addressee_no)
            uow.commit()
        return [
            IssueOut.model_validate({**row, "addressee_nos": row["addressee_nos"].split(",")}) for row in rows
        ]

    return r
