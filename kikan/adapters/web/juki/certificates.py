"""証明書発行 screen (標準仕様書 5.1): kind, persons (世帯全員 or chosen members), layout,
include/omit options, requester, and the 支援措置責任者's release note.

A refusal (抑止, 支援措置 without release, bad request) re-renders the form with the Japanese
message and the input kept. After the issue the result page shows the 発行番号 and the PDF in
a frame (re-rendered for the issuing staff member, see :mod:`reprint`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from kikan.adapters.api.deps import Principal, Requires
from kikan.adapters.api.routes.juki_certificate_api import CertificateIn, issue_pdf
from kikan.adapters.api.routes.juki_common import Today, open_uow
from kikan.adapters.api.routes.juki_queries import household_view
from kikan.adapters.db import juki_blocks
from kikan.adapters.db import juki_repo as repo
from kikan.adapters.web.juki.common import flat, posted_form
from kikan.adapters.web.juki.render import error_page, errors_of, page
from kikan.adapters.web.juki.reprint import reprint
from kikan.core.errors import DomainError, FieldError
from kikan.juki.services import build

CERTIFICATE = "juki.certificate"
Clerk = Annotated[Principal, Depends(Requires(CERTIFICATE))]
KINDS = (("resident_copy", "住民票の写し"), ("removed_copy", "住民票の除票の写し"),
         ("entry_certificate", "住民票記載事項証明書"), ("move_out", "転出証明書"))  # fmt: skip
MAIN_OPTIONS = (("show_head", "世帯主の氏名・続柄", True), ("show_honseki", "本籍・筆頭者", True),
                ("show_juminhyo_code", "住民票コード", False), ("show_mynumber", "個人番号", False),
                ("with_history", "異動履歴（個人票のみ）", False))  # fmt: skip
FOREIGN_OPTIONS = (("show_nationality", "国籍・地域"), ("show_art30_45", "法第30条の45に規定する区分"),
                   ("show_residence_status", "在留資格"), ("show_period_of_stay", "在留期間等"),
                   ("show_stay_expiry", "在留期間等の満了の日"), ("show_residence_card_no", "在留カード等の番号"),
                   ("show_tsusho_history", "通称の記載及び削除に関する事項"))  # fmt: skip
ALL_OPTIONS = tuple(o[0] for o in MAIN_OPTIONS) + tuple(o[0] for o in FOREIGN_OPTIONS)


def request_data(values: dict[str, str], lists: dict[str, list[str]]) -> dict[str, Any]:
    """The posted form as a :class:`CertificateIn` dict (unchecked boxes are False)."""
    options: dict[str, Any] = {"layout": values.get("layout", "household")}
    options.update({name: values.get(name) == "1" for name in ALL_OPTIONS})
    data: dict[str, Any] = {"kind": values.get("kind", "resident_copy"), "options": options,
                            "requester": values.get("requester", ""), "purpose": values.get("purpose", "")}  # fmt: skip
    if values.get("scope") == "selected":
        data["addressee_nos"] = lists.get("addressee_nos", [])
    else:
        data["household_no"] = values.get("household_no") or None
    if values.get("supervisor_release", "").strip():
        data["supervisor_release"] = values["supervisor_release"].strip()
    return data


def _form(
    request: Request,
    p: Principal,
    today: Any,
    values: dict[str, str],
    lists: dict[str, list[str]],
    errors: list[FieldError],
    status: int = 200,
) -> Response:
    members: list[dict[str, Any]] = []
    flags: dict[str, list[str]] = {}
    hno = values.get("household_no", "")
    try:
        with open_uow(request, p) as uow:
            if not hno and values.get("addressee_no"):
                snap = repo.current(uow, values["addressee_no"])
                hno = values["household_no"] = str(snap["household_no"]) if snap else ""
            if hno:
                _, members = household_view(uow, hno, today=today)
                flags = juki_blocks.flags_for(
                    uow.conn, uow.tenant_id, [x["addressee_no"] for x in members], today
                )
            uow.commit()
    except DomainError as exc:
        errors = [*errors, *errors_of(exc)]
    ctx = {"title": "証明書発行", "nav": "certificates", "values": values, "lists": lists, "errors": errors,
           "members": members, "flags": flags, "kinds": KINDS, "main_options": MAIN_OPTIONS, "foreign_options": FOREIGN_OPTIONS}  # fmt: skip
    return page(request, "certificate_form.html", ctx, p, status=status)


def router() -> APIRouter:
    r = APIRouter(prefix="/juki/certificates", include_in_schema=False)

    @r.get("")
    def form(
        request: Request, p: Clerk, today: Today, addressee_no: str = "", household_no: str = ""
    ) -> Response:
        values = {"addressee_no": addressee_no, "household_no": household_no, "kind": "resident_copy",
                  "layout": "household", "scope": "selected" if addressee_no else "all", "requester": "本人"}  # fmt: skip
        values.update({name: "1" for name, _, on in MAIN_OPTIONS if on})
        values.update({name: "1" for name, _ in FOREIGN_OPTIONS})
        return _form(request, p, today, values, {"addressee_nos": [addressee_no] if addressee_no else []}, [])

    @r.post("")
    def issue(
        request: Request, p: Clerk, today: Today, posted: Annotated[FormData, Depends(posted_form)]
    ) -> Response:
        values, lists = flat(posted)
        if values.get("action") == "load":
            return _form(request, p, today, values, lists, [])
        try:
            body = build(CertificateIn, request_data(values, lists))
            cert = issue_pdf(request, p, body, today, "counter")
        except DomainError as exc:
            return _form(request, p, today, values, lists, errors_of(exc), status=exc.status)
        return RedirectResponse(f"/juki/certificates/issued/{cert.issue_no}", status_code=303)

    @r.get("/issued/{issue_no}")
    def issued(request: Request, issue_no: str, p: Clerk) -> Response:
        return page(request, "certificate_done.html", {"title": "証明書を発行しました", "nav": "certificates",
                                                        "issue_no": issue_no}, p)  # fmt: skip

    @r.get("/issued/{issue_no}/pdf")
    def issued_pdf(request: Request, issue_no: str, p: Clerk, today: Today) -> Response:
        try:
            with open_uow(request, p) as uow:
                pdf, pages = reprint(uow, issue_no, today=today)
                uow.commit()
        except DomainError as exc:
            return error_page(request, p, exc, title="証明書の表示")
        return Response(pdf, media_type="application/pdf", headers={
            "Content-Disposition": f'inline; filename="{issue_no}.pdf"', "X-Kikan-Issue-No": issue_no,
            "X-Kikan-Pages": str(pages), "Content-Security-Policy": "default-src 'none'; frame-ancestors 'self'",
        })  # fmt: skip

    return r
