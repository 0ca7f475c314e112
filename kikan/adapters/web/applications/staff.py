"""The staff queue of 申請管理 under ``/applications`` (login; permission ``juki.write``).

- 一覧: filters by 状態, 様式, 受付日 (from/to) and 受付番号.
- 詳細: the submitted data, the clerk-only items still empty, registry candidates for the
  persons to identify (フリガナ + 生年月日, through the registry's own search), the status
  history and every correction (before → after, who, when); actions 審査開始, 補正, 適用,
  補正依頼, 却下. A refusal of the business (抑止, validation) is shown with its message and the
  application stays open.

``juki.write`` is the closest existing permission (the 転出届 is a registry 異動); each form's
own ``target.permission`` is checked as well. A general ``applications.review`` permission is
proposed to the lead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from kikan.adapters.api.deps import Principal, Requires, app_db, app_settings
from kikan.adapters.db import applications_review as review
from kikan.adapters.db import applications_store as store
from kikan.adapters.web.applications import fields
from kikan.adapters.web.applications.common import HELPERS, apply_today, forms_of, posted
from kikan.adapters.web.applications.identify import candidates
from kikan.adapters.web.formatting import wareki
from kikan.adapters.web.views import render
from kikan.applications import (
    FormError,
    Status,
    counts,
    display_from_data,
    readable,
    staff_todo,
    to_raw,
    validate_submission,
)
from kikan.applications.status import LABELS, OPEN
from kikan.applications.status import label as status_label
from kikan.core.errors import DomainError, FieldError, NotFound

PERMISSION = "applications.review"
Clerk = Annotated[Principal, Depends(Requires(PERMISSION))]
PAGE = 100


def _flash(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(app_settings(request).effective_secret(), salt="kikan.applications.flash")


def _done(request: Request, receipt_no: str, message: str) -> Response:
    return RedirectResponse(f"/applications/{receipt_no}?m={_flash(request).dumps(message)}", status_code=303)


MARKS = {"support": "支援措置", "block:error": "抑止", "block:alert": "抑止（アラート）", "block:past_end": "期限経過"}


def _shown(value: Any) -> str:
    """A before/after value of a correction as text."""
    if value is None or value == "":
        return "（なし）"
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, dict):
        return "、".join(str(v) for v in value.values() if v not in (None, "", False))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _page(request: Request, name: str, ctx: dict[str, Any], p: Principal, status: int = 200) -> Response:
    base = {**HELPERS, "status_label": status_label, "STATUS_LABELS": LABELS, "nav": "applications",
            "jst_date": wareki, "mark_label": lambda m: MARKS.get(m, m), "shown": _shown}  # fmt: skip
    return render(request, f"applications/{name}", {**base, **ctx}, p, status=status)


def _errors(exc: DomainError) -> list[FieldError]:
    return list(exc.errors) or [FieldError("", exc.message)]


def _version(text: str | None) -> int | None:
    """The version the clerk saw (a hidden field): absent → no check; garbage → never matches (409)."""
    t = (text or "").strip()
    if not t:
        return None
    return int(t) if t.isdigit() and len(t) < 10 else -1


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _applicant(form: Any, data: dict[str, Any]) -> str:
    """氏名 of the first section that has 氏 and 名 (届出人, 請求者 …) for the list."""
    for sec in form.sections if form else []:
        item = data.get(sec.id)
        if isinstance(item, dict) and item.get("family_name"):
            return "\u3000".join(str(x) for x in (item.get("family_name"), item.get("given_name")) if x)
    return ""


def _detail(request: Request, p: Principal, receipt_no: str, *, errors: Sequence[FieldError] = (),
            message: str = "", status: int = 200) -> Response:  # fmt: skip
    forms = forms_of(request)
    with app_db(request).uow(p.ctx) as uow:
        app = review.load(uow, forms, receipt_no)
        found = candidates(uow, app.form, app.row["data"], today=apply_today(request)) if app.row["status"] in OPEN else []
        uow.commit()
    try:
        preview: dict[str, Any] | None = review.mapped(app.form, app.row).fields
    except Exception:  # the preview must never break the page; apply reports real errors
        preview = None
    return _page(request, "detail.html", {
        "title": f"申請 {receipt_no}", "app": app.row, "form": app.form, "views": readable(app.form, app.row["data"], staff=True),
        "statuses": app.statuses, "corrections": app.corrections, "todo": staff_todo(app.form, app.row["data"]),
        "candidates": found, "errors": list(errors), "message": message, "preview": preview, "open": app.row["status"] in OPEN,
        "applicant": _applicant(app.form, app.row["data"]),
    }, p, status=status)  # fmt: skip


def _edit_page(request: Request, p: Principal, app: dict[str, Any], form: Any, shown: dict[str, Any],
               errs: list[FormError], count: dict[str, int], reason: str = "", status: int = 200) -> Response:  # fmt: skip
    views = fields.sections(form, shown, errs, count, staff=True)
    return _page(request, "edit.html", {
        "title": f"申請 {app['receipt_no']} の補正", "app": app, "form": form, "sections": views, "form_errors": errs,
        "anchors": fields.anchors(views), "reason": reason,
    }, p, status=status)  # fmt: skip


def router() -> APIRouter:
    r = APIRouter(prefix="/applications", include_in_schema=False)

    @r.get("")
    def queue(request: Request, p: Clerk, status: str = "", form_id: str = "", since: str = "", until: str = "",
              receipt_no: str = "", offset: int = 0) -> Response:  # fmt: skip
        forms = forms_of(request)
        wanted = [form_id] if form_id else []
        f = store.Filters(status if status in LABELS else None, wanted, _day(since), _day(until), receipt_no.strip() or None)
        with app_db(request).uow(p.ctx) as uow:
            offset = max(0, min(offset, 1_000_000))
            rows, total = review.queue(uow, forms, f, limit=PAGE, offset=offset)
            uow.commit()
        items = [{**row, "form": forms.get(row["form_id"]), "applicant": _applicant(forms.get(row["form_id"]), row["data"])}
                 for row in rows]  # fmt: skip
        q = {"status": status, "form_id": form_id, "since": since, "until": until, "receipt_no": receipt_no}
        return _page(request, "queue.html", {"title": "申請管理", "items": items, "total": total, "q": q,
                                             "forms": review.visible_forms(forms, p.ctx), "offset": offset,
                                             "page": PAGE}, p)  # fmt: skip

    @r.get("/{receipt_no}")
    def detail(request: Request, receipt_no: str, p: Clerk, m: str = "") -> Response:
        message = ""
        if m:
            try:
                message = str(_flash(request).loads(m, max_age=600))
            except BadSignature:
                message = ""
        try:
            return _detail(request, p, receipt_no, message=message)
        except DomainError as exc:
            return _page(request, "error.html", {"title": "申請", "errors": _errors(exc)}, p, status=exc.status)

    @r.get("/{receipt_no}/edit")
    def edit_form(request: Request, receipt_no: str, p: Clerk) -> Response:
        forms = forms_of(request)
        try:
            with app_db(request).uow(p.ctx) as uow:
                app = review.load(uow, forms, receipt_no)
                uow.commit()
        except DomainError as exc:
            return _page(request, "error.html", {"title": "申請", "errors": _errors(exc)}, p, status=exc.status)
        data = app.row["data"]
        return _edit_page(request, p, app.row, app.form, display_from_data(app.form, data), [], counts(app.form, data))

    @r.post("/{receipt_no}/edit")
    async def edit(request: Request, receipt_no: str, p: Clerk) -> Response:
        raw = await posted(request) or {}
        forms = forms_of(request)
        with app_db(request).uow(p.ctx) as uow:
            row = store.get(uow, receipt_no)
        if row is None:
            return _page(request, "error.html", {"title": "申請", "errors": _errors(NotFound("申請が見つかりません"))}, p, 404)
        form = forms.get(row["form_id"])
        if form is None:
            return _page(request, "error.html", {"title": "申請", "errors": [FieldError("", "様式がありません")]}, p, 404)
        # date limits are judged against the day the resident submitted, not the day of review
        sub = validate_submission(form, raw, today=row["submitted_on"], staff=True)
        reason = raw.get("reason", "")[:1000]
        if not sub.ok:
            return _edit_page(request, p, row, form, sub.display, sub.errors, counts(form, sub.data), reason, 422)
        try:
            version = _version(raw.get("version"))
            changes = review.correct(app_db(request), p.ctx, forms, receipt_no, sub.data, expected_version=version,
                                     reason=reason or None)  # fmt: skip
        except DomainError as exc:
            errs = [FormError("", e.field or "補正", e.message) for e in _errors(exc)]
            return _edit_page(request, p, row, form, sub.display, errs, counts(form, sub.data), reason, exc.status)
        msg = f"{len(changes)}項目を補正しました" if changes else "変更はありませんでした"
        return _done(request, receipt_no, msg)

    @r.post("/{receipt_no}/identify")
    async def identify(request: Request, receipt_no: str, p: Clerk) -> Response:
        raw = await posted(request) or {}
        return await _set_one(request, p, receipt_no, raw.get("path", ""), raw.get("value", ""), raw.get("version", ""))

    @r.post("/{receipt_no}/apply")
    async def apply(request: Request, receipt_no: str, p: Clerk) -> Response:
        raw = await posted(request) or {}
        try:
            version = _version(raw.get("version"))
            outcome = review.apply(app_db(request), p.ctx, forms_of(request), receipt_no, expected_version=version,
                                   today=apply_today(request))  # fmt: skip
        except DomainError as exc:
            return _detail(request, p, receipt_no, errors=_errors(exc), status=exc.status)
        return _done(request, receipt_no, f"適用しました：{outcome.ref}")

    @r.post("/{receipt_no}/status")
    async def change(request: Request, receipt_no: str, p: Clerk) -> Response:
        raw = await posted(request) or {}
        try:
            new = Status(raw.get("status", ""))
        except ValueError:
            return _detail(request, p, receipt_no, errors=[FieldError("状態", "状態が正しくありません")], status=422)
        try:
            version = _version(raw.get("version"))
            review.change_status(app_db(request), p.ctx, forms_of(request), receipt_no, new, expected_version=version,
                                 note=raw.get("note", ""))  # fmt: skip
        except DomainError as exc:
            return _detail(request, p, receipt_no, errors=_errors(exc), status=exc.status)
        return _done(request, receipt_no, f"状態を「{status_label(new)}」にしました")

    return r


async def _set_one(request: Request, p: Principal, receipt_no: str, path: str, value: str, version: str) -> Response:
    """Write one clerk-only item (the 宛名番号 of a chosen registry candidate) as a correction."""
    forms = forms_of(request)
    try:
        with app_db(request).uow(p.ctx) as uow:
            app = review.load(uow, forms, receipt_no, audit=False)
        found = app.form.field(path)
        if found is None or not found[1].staff_only or not value.isdigit():
            return _detail(request, p, receipt_no, errors=[FieldError("特定", "指定が正しくありません")], status=422)
        flat = to_raw(app.form, app.row["data"])
        current = [x for x in flat.get(path, "").split(",") if x]
        if found[1].type == "text" and current and value not in current:  # a list of 宛名番号: add to it
            value = ",".join([*current, value])
        flat[path] = value
        sub = validate_submission(app.form, flat, today=app.row["submitted_on"], staff=True)
        if not sub.ok:
            return _detail(request, p, receipt_no, errors=[FieldError(e.label, e.message) for e in sub.errors], status=422)
        review.correct(app_db(request), p.ctx, forms, receipt_no, sub.data,
                       expected_version=_version(version), reason="住民記録の候補から特定")  # fmt: skip
    except DomainError as exc:
        return _detail(request, p, receipt_no, errors=_errors(exc), status=exc.status)
    return _done(request, receipt_no, "住民記録の候補から宛名番号を入力しました")

