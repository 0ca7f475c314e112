"""改製・再製 screens, reached from the resident page, and the 改製原住民票の写し issued from it.

The forms are 異動 forms like the others (:mod:`moves`): the person's household members to
choose, the 改製日 (再製日) and the reason; the household version shown is checked (409 when
another staff member updated it first), a refusal re-renders the form with each field's message
and nothing written, and success redirects to the result page. The 異動 itself is the services'
:func:`~kikan.juki.services.remake_record` / :func:`~kikan.juki.services.reproduce_record`, as
for the API.

The copy of a 改製原住民票 is issued through the certificate screen's path
(:func:`~kikan.adapters.api.routes.juki_certificate_api.issue_pdf`, 窓口), as a 個人票 naming
the 改製原住民票 by its 履歴番号, and shown on the certificate result page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from kikan.adapters.api.deps import Principal, Requires
from kikan.adapters.api.routes.juki_catalog import REMAKE_KINDS, MoveKind
from kikan.adapters.api.routes.juki_certificate_api import CertificateIn, issue_pdf
from kikan.adapters.api.routes.juki_common import Today, open_uow
from kikan.adapters.api.routes.juki_move_api import MoveResultOut, run_move
from kikan.adapters.db import juki_repo as repo
from kikan.adapters.web.juki.common import flat, posted_form, sign, unsign
from kikan.adapters.web.juki.forms import FormSpec, Input, Members, Section, command_data
from kikan.adapters.web.juki.move_forms import MEMO
from kikan.adapters.web.juki.moves import form_context
from kikan.adapters.web.juki.render import error_page, errors_of, page
from kikan.core.errors import DomainError, NotFound
from kikan.juki import services as s

WRITE, CERTIFICATE = "juki.write", "juki.certificate"
SALT = "kikan.juki.remake-result"
Writer = Annotated[Principal, Depends(Requires(WRITE))]
Clerk = Annotated[Principal, Depends(Requires(CERTIFICATE))]
_TARGETS = Members("ui_household_no", select="addressee_nos", select_label="対象者")

KINDS: dict[str, MoveKind] = {k.slug: k for k in REMAKE_KINDS}
SPECS: dict[str, FormSpec] = {
    "remake": FormSpec((
        Section("改製日・理由", (Input("event_on", label="改製日", kind="date", required=True),
                                 Input("reason_text", size="l", hint="例: 住民票の様式の変更"))),
        Section("対象者", widget="members", hint="同じ世帯の住民を選んでください"),
        MEMO,
    ), members=_TARGETS, list_fields=("addressee_nos",)),
    "reproduce": FormSpec((
        Section("再製日・理由", (Input("event_on", label="再製日", kind="date", required=True),
                                 Input("reason_text", size="l", required=True),
                                 Input("source_text", size="l", hint="例: 住民異動届、戸籍の附票"),
                                 Input("notice_on", kind="date"))),
        Section("対象者", widget="members", hint="同じ世帯の住民を選んでください"),
        MEMO,
    ), members=_TARGETS, list_fields=("addressee_nos",)),
}  # fmt: skip


def _kind(slug: str) -> tuple[MoveKind, FormSpec]:
    if slug not in KINDS:
        raise NotFound(f"処理 {slug} はありません")
    return KINDS[slug], SPECS[slug]


def _form_ctx(ctx: dict[str, Any], addressee_no: str) -> dict[str, Any]:
    base = f"/juki/residents/{addressee_no}"
    return {**ctx, "form_action": f"{base}/{ctx['kind'].slug}", "back": (base, "住民の照会へ戻る")}


def router() -> APIRouter:
    r = APIRouter(prefix="/juki/residents/{addressee_no}", include_in_schema=False)

    def form(request: Request, addressee_no: str, slug: str, p: Principal, today: Any, household_no: str) -> Response:
        kind, spec = _kind(slug)
        if not household_no:  # the person's household: its members are offered, its version checked
            with open_uow(request, p) as uow:
                snap = repo.current(uow, addressee_no)
                uow.commit()
            household_no = str(snap["household_no"]) if snap else ""
        values = {"event_on": today.isoformat(), "ui_household_no": household_no}
        lists = {"addressee_nos": [addressee_no]}
        ctx = form_context(request, p, kind, spec, values, lists, today=today, errors=[], fresh=True)
        return page(request, "move_form.html", _form_ctx(ctx, addressee_no), p)

    def submit(request: Request, addressee_no: str, slug: str, p: Principal, today: Any, posted: FormData) -> Response:
        kind, spec = _kind(slug)
        values, lists = flat(posted)
        if values.get("action") == "load":
            ctx = form_context(request, p, kind, spec, values, lists, today=today, errors=[], fresh=True)
            return page(request, "move_form.html", _form_ctx(ctx, addressee_no), p)
        try:
            cmd = s.build(kind.model, command_data(values, spec, lists))
            result = run_move(request, p, kind, cmd, today)
        except DomainError as exc:
            ctx = form_context(request, p, kind, spec, values, lists, today=today, errors=errors_of(exc), fresh=False)
            return page(request, "move_form.html", _form_ctx(ctx, addressee_no), p, status=exc.status)
        token = sign(request, SALT, {"slug": slug, "result": MoveResultOut.of(result).model_dump(mode="json")})
        return RedirectResponse(f"/juki/residents/{addressee_no}/{slug}/done?r={token}", status_code=303)

    def done(request: Request, addressee_no: str, slug: str, p: Principal, token: str) -> Response:
        data = unsign(request, SALT, token)
        if not data or data.get("slug") != slug:
            return error_page(request, p, NotFound("結果の表示期限が切れました。住民の照会画面で確認してください"))
        kind = KINDS[slug]
        result = MoveResultOut.model_validate(data["result"])
        return page(request, "move_done.html", {"title": f"{kind.title}の結果", "kind": kind, "result": result}, p)

    for slug in KINDS:
        _routes(r, slug, form, submit, done)

    @r.post("/remade-originals/{history_no}/copy")
    def original_copy(
        request: Request,
        addressee_no: str,
        history_no: int,
        p: Clerk,
        today: Today,
        posted: Annotated[FormData, Depends(posted_form)],
    ) -> Response:
        values, _ = flat(posted)
        try:
            body = s.build(CertificateIn, {
                "kind": "remade_original_copy", "addressee_nos": [addressee_no], "original_history_no": history_no,
                "options": {"layout": "individual"}, "requester": values.get("requester", "").strip(),
                "purpose": values.get("purpose", "").strip(),
            })  # fmt: skip
            cert = issue_pdf(request, p, body, today, "counter")
        except DomainError as exc:
            return error_page(request, p, exc, title="改製原住民票の写し")
        return RedirectResponse(f"/juki/certificates/issued/{cert.issue_no}", status_code=303)

    return r


def _routes(r: APIRouter, slug: str, form: Any, submit: Any, done: Any) -> None:
    """GET (form), POST (submit) and GET …/done (result) of one kind, with its own permission."""

    @r.get(f"/{slug}", name=f"juki_{slug}_form")
    def get_form(request: Request, addressee_no: str, p: Writer, today: Today, household_no: str = "") -> Response:
        return form(request, addressee_no, slug, p, today, household_no)  # type: ignore[no-any-return]

    @r.post(f"/{slug}", name=f"juki_{slug}_submit")
    def post_form(
        request: Request,
        addressee_no: str,
        p: Writer,
        today: Today,
        posted: Annotated[FormData, Depends(posted_form)],
    ) -> Response:
        return submit(request, addressee_no, slug, p, today, posted)  # type: ignore[no-any-return]

    @r.get(f"/{slug}/done", name=f"juki_{slug}_done")
    def get_done(request: Request, addressee_no: str, p: Writer, r: str = "") -> Response:
        return done(request, addressee_no, slug, p, r)  # type: ignore[no-any-return]
