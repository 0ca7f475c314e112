"""Resident-facing online application forms under ``/apply/{団体コード}/…`` (public, no login).

Flow: the form (``GET``) → 入力内容の確認 (``POST``: validated; errors re-show the form with an
error summary linking to each field) → 送信 (``POST …/submit``: rate limited, idempotent) →
the receipt (受付番号 and 確認コード, shown once). ``/apply/{団体コード}/status`` shows the status.

Works without JavaScript; every screen is server-rendered. Accessibility target JIS X 8341-3 /
WCAG 2.1 AA (labels, fieldsets and legends, autocomplete, error summary, aria-describedby,
aria-invalid, visible focus, no colour-only cues).
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kikan.adapters.api.deps import Public, app_db, app_settings, client_addr
from kikan.adapters.db import applications_intake as intake
from kikan.adapters.security import accounts
from kikan.adapters.web.applications import fields, tokens
from kikan.adapters.web.applications.common import apply_today, forms_of, html, posted
from kikan.adapters.web.applications.limiter import limiters
from kikan.applications import (
    FormDefinition,
    FormError,
    counts,
    display_from_data,
    format_receipt_no,
    format_secret,
    parse_receipt_no,
    parse_secret,
    readable,
    validate_submission,
)
from kikan.applications.status import label as status_label

PUBLIC = Depends(Public("resident-facing online application form"))
_TENANT = re.compile(r"^\d{6}$")
EXPIRED = "画面の有効期限が切れたか、ブラウザで Cookie が無効になっています。お手数ですが、最初から入力し直してください。"
NOT_FOUND = "受付番号または確認コードが正しくありません。入力した内容をご確認ください。"


class _Stop(Exception):
    def __init__(self, response: Response):
        self.response = response


def _error(request: Request, title: str, message: str, status: int, tenant: Any = None, **headers: str) -> Response:
    ctx = {"title": title, "message": message, "tenant": tenant}
    return html(request, "apply/error.html", ctx, status=status, headers=headers or None)


def _tenant(request: Request, tenant_id: str) -> Any:
    t = accounts.get_tenant(app_db(request), tenant_id) if _TENANT.match(tenant_id) else None
    if t is None or t.status != "active":
        raise _Stop(_error(request, "ページが見つかりません", "お探しの団体のオンライン申請は見つかりません。", 404))
    return t


def _form(request: Request, tenant: Any, form_id: str) -> FormDefinition:
    form = forms_of(request).get(form_id)
    if form is None:
        raise _Stop(_error(request, "ページが見つかりません", "お探しの申請様式は見つかりません。", 404, tenant))
    return form


def _limited(request: Request, tenant: Any, which: str) -> None:
    lim = limiters(request.app)
    wait = (lim.submit if which == "submit" else lim.status).hit(client_addr(request) or "unknown")
    if wait is not None:
        minutes = max(1, (wait + 59) // 60)
        msg = f"短い時間に多くの送信がありました。{minutes}分ほど待ってから、もう一度お試しください。"
        raise _Stop(_error(request, "しばらくお待ちください", msg, 429, tenant, **{"Retry-After": str(wait)}))


async def _post(request: Request, tenant: Any) -> dict[str, str]:
    data = await posted(request)
    if data is None:
        raise _Stop(_error(request, "送信できません", "送信された内容が大きすぎます。", 413, tenant))
    if not tokens.csrf_ok(request, data.get("csrf_token", "")):
        raise _Stop(_error(request, "画面の有効期限切れ", EXPIRED, 400, tenant))
    return data


def _form_page(
    request: Request, tenant: Any, form: FormDefinition, shown: dict[str, Any], errors: list[FormError],
    count: dict[str, int], key: str, status: int = 200,
) -> Response:
    csrf, cookie = tokens.issue_csrf(request)
    views = fields.sections(form, shown, errors, count)
    anchors = fields.anchors(views)
    title = f"入力内容に誤りがあります：{form.title}" if errors else form.title
    resp = html(request, "apply/form.html", {
        "title": title, "tenant": tenant, "form": form, "sections": views, "errors": errors, "anchors": anchors,
        "csrf": csrf, "key": key,
    }, status=status)  # fmt: skip
    tokens.set_cookie(request, resp, cookie)
    return resp


def _counts_from(form: FormDefinition, raw: dict[str, str]) -> dict[str, int]:
    out = {}
    for sec in form.sections:
        if sec.repeat is not None:
            try:
                out[sec.id] = int(raw.get(f"_count.{sec.id}", "") or sec.repeat.initial)
            except ValueError:
                out[sec.id] = sec.repeat.initial
    return out


def _remove_item(raw: dict[str, str], section: str, index: int, count: int) -> dict[str, str]:
    """Drop item ``index`` of a repeating section and renumber the following ones."""
    out: dict[str, str] = {}
    pattern = re.compile(rf"^{re.escape(section)}\.(\d+)\.(.+)$")
    for k, v in raw.items():
        m = pattern.match(k)
        if not m:
            out[k] = v
            continue
        i = int(m[1])
        if i < index:
            out[k] = v
        elif i > index:
            out[f"{section}.{i - 1}.{m[2]}"] = v
    out[f"_count.{section}"] = str(max(1, count - 1))
    return out


def router() -> APIRouter:
    r = APIRouter(prefix="/apply", include_in_schema=False, dependencies=[PUBLIC])

    @r.get("/{tenant_id}")
    def index(request: Request, tenant_id: str) -> Response:
        try:
            tenant = _tenant(request, tenant_id)
        except _Stop as stop:
            return stop.response
        return html(request, "apply/index.html", {"title": "オンライン申請", "tenant": tenant,
                                                   "forms": list(forms_of(request))})  # fmt: skip

    @r.get("/{tenant_id}/status")
    def status_form(request: Request, tenant_id: str) -> Response:
        try:
            tenant = _tenant(request, tenant_id)
        except _Stop as stop:
            return stop.response
        return _status_page(request, tenant, None, [], {})

    @r.post("/{tenant_id}/status")
    async def status_check(request: Request, tenant_id: str) -> Response:
        try:
            tenant = _tenant(request, tenant_id)
            raw = await _post(request, tenant)
            _limited(request, tenant, "status")
        except _Stop as stop:
            return stop.response
        receipt = parse_receipt_no(raw.get("receipt_no", "")[:40])
        secret = parse_secret(raw.get("secret", "")[:40])
        shown = {"receipt_no": raw.get("receipt_no", "")[:40]}
        errors = []
        if not raw.get("receipt_no", "").strip():
            errors.append(FormError("receipt_no", "受付番号", "入力してください"))
        if not secret:
            errors.append(FormError("secret", "確認コード", "入力してください"))
        if errors:
            return _status_page(request, tenant, None, errors, shown, status=422)
        view = None
        if receipt is not None:
            view = intake.check_status(app_db(request), tenant.tenant_id, receipt, secret,
                                       client_addr=client_addr(request), request_id=_rid(request))  # fmt: skip
        if view is None:
            return _status_page(request, tenant, None, [FormError("receipt_no", "受付番号", NOT_FOUND)], shown, 404)
        return _status_page(request, tenant, view, [], {})

    @r.get("/{tenant_id}/{form_id}")
    def form_page(request: Request, tenant_id: str, form_id: str) -> Response:
        try:
            tenant = _tenant(request, tenant_id)
            form = _form(request, tenant, form_id)
        except _Stop as stop:
            return stop.response
        return _form_page(request, tenant, form, {}, [], counts(form, {}), tokens.new_key())

    @r.post("/{tenant_id}/{form_id}")
    async def form_post(request: Request, tenant_id: str, form_id: str) -> Response:
        try:
            tenant = _tenant(request, tenant_id)
            form = _form(request, tenant, form_id)
            raw = await _post(request, tenant)
        except _Stop as stop:
            return stop.response
        today = apply_today(request)
        action = raw.get("_action", "confirm")
        key = raw.get("_key", "")
        if action == "back":
            payload = _payload(request, raw, tenant_id, form)
            if payload is None:
                return _error(request, "画面の有効期限切れ", EXPIRED, 400, tenant)
            data = payload["d"]
            return _form_page(request, tenant, form, display_from_data(form, data), [], counts(form, data), payload["k"])
        if not tokens.key_ok(key):
            return _error(request, "画面の有効期限切れ", EXPIRED, 400, tenant)
        count = _counts_from(form, raw)
        if action.startswith(("add:", "remove:")):
            parts = action.split(":")
            sec = form.section(parts[1]) if len(parts) > 1 else None
            if sec is not None and sec.repeat is not None:
                n = max(1, min(count.get(sec.id, 1), sec.repeat.max))
                if parts[0] == "add":
                    count[sec.id] = min(n + 1, sec.repeat.max)
                elif len(parts) == 3 and parts[2].isdigit() and int(parts[2]) < n:
                    raw = _remove_item(raw, sec.id, int(parts[2]), n)
                    count[sec.id] = max(1, n - 1)
            raw = {**raw, **{f"_count.{k}": str(v) for k, v in count.items()}}
            shown = validate_submission(form, raw, today=today).display
            return _form_page(request, tenant, form, shown, [], count, key)
        sub = validate_submission(form, raw, today=today)
        if not sub.ok:
            return _form_page(request, tenant, form, sub.display, sub.errors, counts(form, sub.data), key, status=422)
        token = tokens.sign_payload(request, {"t": tenant.tenant_id, "f": form.id, "v": form.version, "k": key,
                                              "d": sub.data})  # fmt: skip
        csrf, cookie = tokens.issue_csrf(request)
        resp = html(request, "apply/confirm.html", {
            "title": f"入力内容の確認：{form.title}", "tenant": tenant, "form": form, "views": readable(form, sub.data),
            "payload": token, "csrf": csrf,
        })  # fmt: skip
        tokens.set_cookie(request, resp, cookie)
        return resp

    @r.post("/{tenant_id}/{form_id}/submit")
    async def submit(request: Request, tenant_id: str, form_id: str) -> Response:
        try:
            tenant = _tenant(request, tenant_id)
            form = _form(request, tenant, form_id)
            raw = await _post(request, tenant)
            _limited(request, tenant, "submit")
        except _Stop as stop:
            return stop.response
        payload = _payload(request, raw, tenant_id, form)
        if payload is None:
            return _error(request, "画面の有効期限切れ", EXPIRED, 400, tenant)
        receipt = intake.submit(
            app_db(request), tenant.tenant_id, form, payload["d"], idempotency_key=payload["k"],
            client_addr=client_addr(request), request_id=_rid(request),
            server_secret=app_settings(request).effective_secret(),
        )
        return html(request, "apply/receipt.html", {
            "title": f"申請を受け付けました：{form.title}", "tenant": tenant, "form": form,
            "receipt_no": format_receipt_no(receipt.receipt_no), "secret": format_secret(receipt.secret),
            "receipt": receipt, "duplicate": receipt.duplicate,
        })  # fmt: skip

    return r


def _rid(request: Request) -> str:
    return str(request.scope.get("state", {}).get("request_id", ""))


def _payload(request: Request, raw: dict[str, str], tenant_id: str, form: FormDefinition) -> dict[str, Any] | None:
    p = tokens.read_payload(request, raw.get("payload", ""))
    if p is None or p.get("t") != tenant_id or p.get("f") != form.id or p.get("v") != form.version:
        return None
    if not tokens.key_ok(str(p.get("k", ""))) or not isinstance(p.get("d"), dict):
        return None
    return p


def _status_page(request: Request, tenant: Any, view: Any, errors: list[FormError], shown: dict[str, str],
                 status: int = 200) -> Response:  # fmt: skip
    csrf, cookie = tokens.issue_csrf(request)
    form = forms_of(request).get(view.form_id) if view else None
    anchors = {"receipt_no": "f-receipt_no", "secret": "f-secret"}
    resp = html(request, "apply/status.html", {
        "title": "申請の状況の確認", "tenant": tenant, "view": view, "form": form, "errors": errors,
        "anchors": anchors, "shown": shown, "csrf": csrf, "status_label": status_label,
        "receipt_text": format_receipt_no(view.receipt_no) if view else "",
    }, status=status)  # fmt: skip
    tokens.set_cookie(request, resp, cookie)
    return resp
