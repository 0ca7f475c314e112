"""児童手当・児童扶養手当 staff screens under ``/welfare`` (the JSON API: ``routes/welfare_cases.py``).

Server-rendered (Jinja2 + htmx, no inline script or style). Reads need ``welfare.read``, the
decisions (認定・却下・額改定・支給停止・停止解除・消滅) and closing a task ``welfare.write``; they run the
same services as the API (:mod:`kikan.welfare.cases`) in one unit of work, so validation, versions,
events and audit are the API's. Screens: 受給者台帳の一覧 (filter by allowance/status/recipient), 台帳
(current state, children, every version with its notice, the case's tasks, the decisions that apply to
its status), 事務処理（タスク）, 支払処理 (list; a run's totals, its lines, links to the 全銀 file /
支払一覧 / summary and the 支払通知書).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from kikan.adapters.api.deps import Principal, Requires, app_db
from kikan.adapters.api.routes import welfare_ui_notices as notices
from kikan.adapters.api.routes import welfare_ui_queries as q
from kikan.adapters.api.routes.welfare_cases import welfare_today
from kikan.adapters.db import welfare_queries
from kikan.adapters.db.welfare_accounts import SqlSupportStore
from kikan.adapters.db.welfare_payment_files import STATUS_LABELS as LINE_STATUS
from kikan.adapters.db.welfare_payment_runs import run_id_of
from kikan.adapters.db.welfare_store import SqlCaseStore
from kikan.adapters.web.formatting import wareki, yen
from kikan.adapters.web.views import render
from kikan.core.errors import DomainError, FieldError, ValidationFailed
from kikan.welfare import cases as wc
from kikan.welfare import month_index
from kikan.welfare.cases.commands import month_of, parse
from kikan.welfare.cases.model import ALLOWANCES, END_REASONS, REASONS, STATUS_LABELS
from kikan.welfare.cases.tasks import KINDS as TASK_KINDS
from kikan.welfare.notices import KIND_OF_REASON, TITLES, month_text, reason_basis

Reader = Annotated[Principal, Depends(Requires("welfare.read"))]
Writer = Annotated[Principal, Depends(Requires("welfare.write"))]
Today = Annotated[date, Depends(welfare_today)]
Version = Annotated[int, Path(ge=1, le=2**31 - 1)]
PAGE = 50
TASK_STATUS = {"open": "未処理", "done": "処理済み"}
RUN_STATUS = {"running": "処理中", "completed": "完了"}


def label_month(label: str | None) -> str:
    """``"2025-04"`` → 「令和7年4月分」."""
    return month_text(month_of(label, "month")) if label else ""


def notice_title(allowance: str, reason_code: str) -> str:
    kind = KIND_OF_REASON.get(reason_code)
    return f"{ALLOWANCES.get(allowance, '')}{TITLES[kind]}" if kind else ""


HELPERS: dict[str, Any] = {
    "wareki": wareki, "yen": yen, "label_month": label_month, "notice_title": notice_title,
    "reason_basis": reason_basis,
    "ALLOWANCES": ALLOWANCES, "STATUS_LABELS": STATUS_LABELS, "END_REASONS": END_REASONS, "REASONS": REASONS,
    "TASK_KINDS": TASK_KINDS, "TASK_STATUS": TASK_STATUS, "RUN_STATUS": RUN_STATUS, "LINE_STATUS": LINE_STATUS,
}  # fmt: skip


def page(request: Request, name: str, ctx: dict[str, Any], p: Principal, status: int = 200) -> Response:
    return render(request, f"welfare/{name}", {**HELPERS, **ctx}, p, status=status)


def errors_of(exc: DomainError) -> list[FieldError]:
    return list(exc.errors) or [FieldError("", exc.message)]


def error_page(request: Request, p: Principal, exc: DomainError, title: str, back: str = "/welfare/cases") -> Response:
    return page(request, "error.html", {"title": title, "errors": errors_of(exc), "back": back}, p, status=exc.status)


def _choice(value: str, allowed: dict[str, str], field: str) -> str | None:
    if not value:
        return None
    if value not in allowed:
        raise ValidationFailed([FieldError(field, "一覧から選んでください")])
    return value


#: The decision forms of the case page: the command's field (as its errors name it) → (label, input id).
FORMS: dict[str, dict[str, tuple[str, str]]] = {
    "certify": {"decided_on": ("決定日", "d-decided_on")},
    "reject": {"reason": ("却下の理由", "r-reason")},
    "increase": {"child.child_id": ("児童の宛名番号", "i-child_id"), "child.name": ("児童の氏名", "i-child_name"),
                 "child.birth_date": ("児童の生年月日", "i-birth_date"), "requested_on": ("額改定請求日", "i-requested_on"),
                 "event_on": ("出生日・転入日等", "i-event_on")},
    "decrease": {"child_id": ("減額する児童", "c-child_id"), "left_on": ("監護しなくなった日", "c-left_on"),
                 "reason": ("減額の理由", "c-reason")},
    "suspend": {"from_month": ("支給停止の開始月", "s-from_month"), "until_month": ("支給停止の終了月", "s-until_month"),
                "reason": ("支給停止の理由", "s-reason")},
    "resume": {"from_month": ("支給を再開する月", "u-from_month"), "reason": ("解除の理由", "u-reason")},
    "extinguish": {"ended_on": ("消滅日", "e-ended_on"), "end_reason": ("消滅事由", "e-end_reason"),
                   "note": ("備考", "e-note")},
}  # fmt: skip
COMMON_FIELDS = {"expected_version": "表示した版", "case_id": "受給者番号", "children": "児童"}


def _form_errors(form: str, errors: list[FieldError]) -> tuple[list[FieldError], dict[str, list[str]]]:
    """The errors with Japanese field names (for the summary) and the messages by input id (next to it)."""
    fields = FORMS.get(form, {})
    shown: list[FieldError] = []
    by_input: dict[str, list[str]] = {}
    for e in errors:
        label, input_id = fields.get(e.field, (COMMON_FIELDS.get(e.field, e.field), ""))
        shown.append(FieldError(label, e.message))
        if input_id:
            by_input.setdefault(input_id, []).append(e.message)
    return shown, by_input


def _suspended(state: wc.CaseState, today: date) -> bool:
    """A suspension that is running or still to come (停止解除 applies)."""
    now = month_index(today)
    return any(s.until_month is None or s.until_month >= now for s in state.suspensions)


def _case_page(request: Request, p: Principal, case_id: str, today: date, errors: list[FieldError] | None = None,
               status: int = 200, done: str = "", form: str = "", values: dict[str, str] | None = None,
               ) -> Response:  # fmt: skip
    with app_db(request).uow(p.ctx) as uow:
        detail = welfare_queries.case_detail(uow, case_id)
        state = wc.CaseState.model_validate(detail["state"])
        tasks = q.case_tasks(uow, case_id)
        kids = [c.child_id for c in state.children]
        who = q.names(uow, [state.recipient, *kids])
        flagged = q.protected(uow, [state.recipient, *kids])
        uow.commit()
    protected = "・".join(who_ for who_, on in (("受給者", state.recipient in flagged),
                                               ("児童", any(k in flagged for k in kids))) if on)  # fmt: skip
    current = detail["versions"][-1]
    shown, field_errors = _form_errors(form, errors or [])
    targets = {label: input_id for fields in FORMS.values() for label, input_id in fields.values()}
    ctx = {
        "title": f"受給者台帳 {case_id}", "nav": "cases", "case_id": case_id, "detail": detail, "state": state,
        "current": current, "versions": list(reversed(detail["versions"])), "tasks": tasks, "names": who,
        "errors": shown, "done": done, "protected": protected, "form": form, "v": values or {},
        "field_errors": field_errors, "targets": targets, "suspended": _suspended(state, today),
        "present": [c for c in state.children if c.left_on is None], "this_month": f"{today:%Y-%m}",
    }  # fmt: skip
    return page(request, "case.html", ctx, p, status=status)


def _decide(request: Request, p: Principal, today: date, case_id: str, fn: Any, cls: Any,
            data: dict[str, Any], form: str = "", values: dict[str, str] | None = None) -> Response:  # fmt: skip
    """Run the API's service for one decision form; on an error the case page again (nothing written)
    with the errors next to the fields of ``form`` and the values the clerk entered."""
    try:
        cmd = parse(cls, {**data, "case_id": case_id})
        with app_db(request).uow(p.ctx) as uow:
            rec = fn(cmd, uow, today=today, store=SqlCaseStore(uow))
            uow.commit()
    except DomainError as exc:
        try:
            return _case_page(request, p, case_id, today, errors_of(exc), status=exc.status, form=form,
                              values=values)  # fmt: skip
        except DomainError as missing:
            return error_page(request, p, missing, "受給者台帳")
    return RedirectResponse(f"/welfare/cases/{case_id}?done={rec.version}", status_code=303)


def _given(**values: str) -> dict[str, str]:
    """The non-empty form values (an empty optional field is left to the command's default)."""
    return {k: v.strip() for k, v in values.items() if v.strip()}


def router() -> APIRouter:
    r = APIRouter(prefix="/welfare", include_in_schema=False)

    @r.get("")
    def welfare_home(p: Reader) -> Response:
        return RedirectResponse("/welfare/cases", status_code=303)

    @r.get("/cases")
    def cases_page(request: Request, p: Reader, allowance: str = "", status: str = "", recipient: str = "",
                   offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> Response:  # fmt: skip
        v = {"allowance": allowance, "status": status, "recipient": recipient.strip()}
        try:
            a = _choice(allowance, ALLOWANCES, "手当")
            s = _choice(status, STATUS_LABELS, "状態")
            with app_db(request).uow(p.ctx) as uow:
                rows = welfare_queries.list_cases(uow, allowance=a, status=s, recipient=v["recipient"] or None,
                                                  limit=PAGE + 1, offset=offset)  # fmt: skip
                who = q.names(uow, (x["recipient"] for x in rows))
                flagged = q.protected_cases(uow, rows[:PAGE])
                uow.commit()
        except DomainError as exc:
            ctx = {"title": "受給者台帳の一覧", "nav": "cases", "v": v, "rows": [], "names": {}, "offset": 0,
                   "more": False, "errors": errors_of(exc), "page_size": PAGE, "protected": set()}  # fmt: skip
            return page(request, "cases.html", ctx, p, status=exc.status)
        ctx = {"title": "受給者台帳の一覧", "nav": "cases", "v": v, "rows": rows[:PAGE], "names": who, "offset": offset,
               "more": len(rows) > PAGE, "errors": [], "page_size": PAGE, "protected": flagged}  # fmt: skip
        return page(request, "cases.html", ctx, p)

    @r.get("/cases/{case_id}")
    def case_page(request: Request, p: Reader, today: Today, case_id: str, done: str = "") -> Response:
        try:
            return _case_page(request, p, case_id, today, done=done)
        except DomainError as exc:
            return error_page(request, p, exc, "受給者台帳")

    @r.post("/cases/{case_id}/certify")
    def certify(request: Request, p: Writer, today: Today, case_id: str,
                expected_version: Annotated[int, Form(ge=1)], decided_on: Annotated[str, Form(max_length=10)] = "",
                ) -> Response:  # fmt: skip
        data: dict[str, Any] = {"expected_version": expected_version}
        if decided_on:
            data["decided_on"] = decided_on
        return _decide(request, p, today, case_id, wc.certify, wc.Certify, data, "certify", {"decided_on": decided_on})

    @r.post("/cases/{case_id}/reject")
    def reject(request: Request, p: Writer, today: Today, case_id: str,
               expected_version: Annotated[int, Form(ge=1)], reason: Annotated[str, Form(max_length=200)] = "",
               ) -> Response:  # fmt: skip
        return _decide(request, p, today, case_id, wc.reject, wc.Reject,
                       {"expected_version": expected_version, "reason": reason.strip()}, "reject",
                       {"reason": reason})  # fmt: skip

    @r.post("/cases/{case_id}/increase")
    def increase(request: Request, p: Writer, today: Today, case_id: str, expected_version: Annotated[int, Form(ge=1)],
                 child_id: Annotated[str, Form(max_length=15)] = "", child_name: Annotated[str, Form(max_length=100)] = "",
                 birth_date: Annotated[str, Form(max_length=10)] = "", requested_on: Annotated[str, Form(max_length=10)] = "",
                 event_on: Annotated[str, Form(max_length=10)] = "") -> Response:  # fmt: skip
        """額改定（増額）の請求: 児童の追加."""
        v = {"child_id": child_id, "child_name": child_name, "birth_date": birth_date, "requested_on": requested_on,
             "event_on": event_on}  # fmt: skip
        child = _given(child_id=child_id, name=child_name, birth_date=birth_date)
        data = {"expected_version": expected_version, "child": child, **_given(requested_on=requested_on, event_on=event_on)}
        return _decide(request, p, today, case_id, wc.add_child, wc.AddChild, data, "increase", v)

    @r.post("/cases/{case_id}/decrease")
    def decrease(request: Request, p: Writer, today: Today, case_id: str, expected_version: Annotated[int, Form(ge=1)],
                 child_id: Annotated[str, Form(max_length=15)] = "", left_on: Annotated[str, Form(max_length=10)] = "",
                 reason: Annotated[str, Form(max_length=200)] = "") -> Response:  # fmt: skip
        """額改定（減額）: 児童を監護しなくなった（最後の児童なら消滅）."""
        v = {"child_id": child_id, "left_on": left_on, "reason": reason}
        data = {"expected_version": expected_version, **_given(child_id=child_id, left_on=left_on, reason=reason)}
        return _decide(request, p, today, case_id, wc.child_left, wc.ChildLeft, data, "decrease", v)

    @r.post("/cases/{case_id}/suspend")
    def suspend(request: Request, p: Writer, today: Today, case_id: str, expected_version: Annotated[int, Form(ge=1)],
                from_month: Annotated[str, Form(max_length=7)] = "", until_month: Annotated[str, Form(max_length=7)] = "",
                reason: Annotated[str, Form(max_length=200)] = "") -> Response:  # fmt: skip
        """支給停止."""
        v = {"from_month": from_month, "until_month": until_month, "reason": reason}
        data = {"expected_version": expected_version,
                **_given(from_month=from_month, until_month=until_month, reason=reason)}  # fmt: skip
        return _decide(request, p, today, case_id, wc.suspend, wc.Suspend, data, "suspend", v)

    @r.post("/cases/{case_id}/resume")
    def resume(request: Request, p: Writer, today: Today, case_id: str, expected_version: Annotated[int, Form(ge=1)],
               from_month: Annotated[str, Form(max_length=7)] = "", reason: Annotated[str, Form(max_length=200)] = "",
               ) -> Response:  # fmt: skip
        """支給停止の解除."""
        v = {"from_month": from_month, "reason": reason}
        data = {"expected_version": expected_version, **_given(from_month=from_month, reason=reason)}
        return _decide(request, p, today, case_id, wc.resume, wc.Resume, data, "resume", v)

    @r.post("/cases/{case_id}/extinguish")
    def extinguish(request: Request, p: Writer, today: Today, case_id: str,
                   expected_version: Annotated[int, Form(ge=1)], ended_on: Annotated[str, Form(max_length=10)] = "",
                   end_reason: Annotated[str, Form(max_length=20)] = "", note: Annotated[str, Form(max_length=200)] = "",
                   ) -> Response:  # fmt: skip
        """消滅（その月分まで支給）."""
        v = {"ended_on": ended_on, "end_reason": end_reason, "note": note}
        data = {"expected_version": expected_version, **_given(ended_on=ended_on, end_reason=end_reason, note=note)}
        return _decide(request, p, today, case_id, wc.extinguish, wc.Extinguish, data, "extinguish", v)

    @r.get("/cases/{case_id}/versions/{version}/notice.pdf")
    def notice_pdf(request: Request, p: Reader, today: Today, case_id: str, version: Version) -> Response:
        try:
            return notices.decision_pdf(request, p, today, case_id, version)
        except DomainError as exc:
            return error_page(request, p, exc, "通知書の作成", back=f"/welfare/cases/{case_id}")

    @r.get("/tasks")
    def tasks_page(request: Request, p: Reader, status: str = "open", kind: str = "") -> Response:
        v = {"status": status, "kind": kind}
        try:
            s = _choice(status, TASK_STATUS, "状態") or "open"
            k = _choice(kind, {x: y.title for x, y in TASK_KINDS.items()}, "種類")
            with app_db(request).uow(p.ctx) as uow:
                rows = welfare_queries.list_tasks(uow, status=s, kind=k, limit=500)
                who = q.names(uow, (x["addressee_no"] for x in rows if x.get("addressee_no")))
                uow.commit()
        except DomainError as exc:
            return error_page(request, p, exc, "事務処理の一覧", back="/welfare/tasks")
        ctx = {"title": "事務処理の一覧", "nav": "tasks", "v": v, "rows": rows, "names": who}
        return page(request, "tasks.html", ctx, p)

    @r.post("/tasks/{task_id}/done")
    def task_done(request: Request, p: Writer, today: Today, task_id: str,
                  note: Annotated[str, Form(max_length=500)] = "", back: Annotated[str, Form(max_length=200)] = "",
                  ) -> Response:  # fmt: skip
        try:
            cmd = parse(wc.CompleteTask, {"task_id": task_id, "note": note})
            with app_db(request).uow(p.ctx) as uow:
                wc.complete_task(cmd, uow, today=today, store=SqlSupportStore(uow))
                uow.commit()
        except DomainError as exc:
            return error_page(request, p, exc, "事務処理の完了", back="/welfare/tasks")
        target = back if back.startswith("/welfare/") and not back.startswith("//") else "/welfare/tasks"
        return RedirectResponse(target, status_code=303)

    @r.get("/payment-runs")
    def runs_page(request: Request, p: Reader, allowance: str = "") -> Response:
        try:
            a = _choice(allowance, ALLOWANCES, "手当")
            with app_db(request).uow(p.ctx) as uow:
                runs = welfare_queries.list_runs(uow, a)
        except DomainError as exc:
            return error_page(request, p, exc, "支払処理の一覧", back="/welfare/payment-runs")
        ctx = {"title": "支払処理の一覧", "nav": "runs", "runs": runs, "v": {"allowance": allowance}}
        return page(request, "runs.html", ctx, p)

    @r.get("/payment-runs/{allowance}/{month}")
    def run_page(request: Request, p: Reader, allowance: str, month: str, status: str = "") -> Response:
        try:
            a = _choice(allowance, ALLOWANCES, "手当") or ""
            st = _choice(status, LINE_STATUS, "状態")
            rid = run_id_of(a, month_of(month, "支払期月"))
            with app_db(request).uow(p.ctx) as uow:
                run = q.run_of(uow, rid)
                lines = q.run_lines(uow, rid, st)
                uow.commit()
        except DomainError as exc:
            return error_page(request, p, exc, "支払処理", back="/welfare/payment-runs")
        ctx = {"title": f"支払処理 {ALLOWANCES[a]} {label_month(month).removesuffix('分')}", "nav": "runs", "run": run,
               "summary": run["summary"] or {}, "lines": lines, "allowance": a, "month": month, "status": status,
               "limit": q.LINES_SHOWN}  # fmt: skip
        return page(request, "run.html", ctx, p)

    @r.get("/payment-runs/{allowance}/{month}/notices/{case_id}.pdf")
    def payment_pdf(request: Request, p: Reader, today: Today, allowance: str, month: str, case_id: str) -> Response:
        try:
            return notices.payment_pdf(request, p, today, allowance, month, case_id)
        except DomainError as exc:
            return error_page(request, p, exc, "支払通知書の作成", back=f"/welfare/payment-runs/{allowance}/{month}")

    return r


def routers() -> list[APIRouter]:
    return [router(), *notices.routers()]
