"""申請管理 (online applications): routers for the public forms, the staff queue and the API.

- ``/apply/{団体コード}/…`` — resident-facing forms (public; rate limited; CSRF double-submit).
- ``/applications/…`` — the staff queue (``juki.write``; the form's own permission too).
- ``/api/v1/applications/…`` — the same queue as JSON (``juki.write``).

The form definitions are loaded and every form's hand-off is checked when the routers are built,
so a broken ``forms/*.yaml`` stops the application at start. Legal basis: 共通機能標準仕様書
申請管理; each form names its own (住民基本台帳法第24条, 第12条 …). See ``docs/applications.md``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Query, Request
from pydantic import BaseModel, Field

from kikan.adapters.api.deps import Principal, Requires, app_db
from kikan.adapters.db import applications_review as review
from kikan.adapters.db import applications_store as store
from kikan.adapters.db.applications_handoff import check_targets
from kikan.adapters.web.applications.common import apply_today, forms_of
from kikan.applications import Status, catalog, staff_todo, validate_submission
from kikan.applications.corrections import overlay
from kikan.applications.status import LABELS
from kikan.core.errors import FieldError, NotFound, ValidationFailed

PREFIX = "/api/v1/applications"
PERMISSION = "applications.review"
Clerk = Annotated[Principal, Depends(Requires(PERMISSION))]
TAGS: list[Any] = ["applications"]


class FormSummary(BaseModel):
    id: str = Field(examples=["move-out"])
    version: int
    title: str = Field(examples=["転出届（オンライン）"])
    procedure: str = Field(description="手続コード", examples=["juki.move_out"])
    procedure_name: str = Field(examples=["転出届"])
    basis: str = Field(description="法令上の根拠", examples=["住民基本台帳法第24条・第24条の2"])
    business: str = Field(examples=["juki"])
    command: str = Field(examples=["RecordMoveOut"])
    permission: str = Field(description="審査・適用に必要な権限", examples=["juki.write"])


class ApplicationSummary(BaseModel):
    receipt_no: str = Field(description="受付番号", examples=["0000000017"])
    form_id: str
    form_version: int
    procedure: str
    status: str = Field(description="received | reviewing | correction_requested | completed | rejected")
    status_name: str = Field(examples=["受付"])
    submitted_at: datetime
    updated_at: datetime
    updated_by: str
    result_ref: str | None = Field(description="処理の結果（異動・発行番号）")
    last_error: str | None = Field(description="直近の適用で業務が拒否した理由")


class QueuePage(BaseModel):
    items: list[ApplicationSummary]
    total: int
    limit: int
    offset: int


class StatusOut(BaseModel):
    status: str
    status_name: str
    at: datetime
    actor: str
    note: str | None


class CorrectionOut(BaseModel):
    seq: int
    path: str = Field(examples=["persons.0.addressee_no"])
    label: str = Field(examples=["転出する方（1人目）の宛名番号"])
    before: Any
    after: Any
    reason: str | None
    at: datetime
    actor: str


class ApplicationOut(ApplicationSummary):
    version: int = Field(description="版（更新時に expected_version として送る）")
    data: dict[str, Any] = Field(description="申請内容（補正を反映）")
    submitted_data: dict[str, Any] = Field(description="申請内容（受付時のまま）")
    statuses: list[StatusOut]
    corrections: list[CorrectionOut]
    todo: list[str] = Field(description="職員の入力が必要な項目")
    command: dict[str, Any] | None = Field(description="業務に渡す内容（マッピングの結果）")
    result: dict[str, Any] | None
    public_note: str | None = Field(description="申請者に表示する補正依頼・却下理由")


class CorrectionIn(BaseModel):
    values: dict[str, str | bool | int | None] = Field(
        min_length=1, description="項目のパス → 新しい値（日付は YYYY-MM-DD）",
        examples=[{"persons.0.addressee_no": "000000000000019"}],
    )
    reason: str | None = Field(default=None, max_length=1000, title="補正の理由")
    expected_version: int = Field(title="版", ge=0, le=2**31 - 1)


class CorrectionResult(BaseModel):
    changes: list[dict[str, Any]]
    version: int


class ApplyIn(BaseModel):
    expected_version: int = Field(title="版", ge=0, le=2**31 - 1)


class ApplyOut(BaseModel):
    receipt_no: str
    status: str
    result_ref: str
    result: dict[str, Any]


class StatusIn(BaseModel):
    status: Literal["reviewing", "correction_requested", "rejected"] = Field(title="状態")
    note: str | None = Field(default=None, max_length=1000, title="補正依頼の内容・却下の理由")
    expected_version: int = Field(title="版", ge=0, le=2**31 - 1)


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    keys = ApplicationSummary.model_fields.keys() - {"status_name"}
    return {**{k: row.get(k) for k in keys}, "status_name": LABELS.get(row["status"], row["status"])}


def _detail(request: Request, p: Principal, receipt_no: str) -> ApplicationOut:
    with app_db(request).uow(p.ctx) as uow:
        app = review.load(uow, forms_of(request), receipt_no)
        uow.commit()
    try:
        command: dict[str, Any] | None = review.mapped(app.form, app.row).fields
    except Exception:
        command = None
    return ApplicationOut(
        **_summary(app.row), version=app.row["version"], data=app.row["data"], submitted_data=app.row["submitted_data"],
        statuses=[StatusOut(**{k: s[k] for k in ("status", "at", "actor", "note")}, status_name=LABELS.get(s["status"], s["status"]))
                  for s in app.statuses],
        corrections=[CorrectionOut(**{k: c[k] for k in CorrectionOut.model_fields}) for c in app.corrections],
        todo=staff_todo(app.form, app.row["data"]), command=command, result=app.row["result"],
        public_note=app.row["public_note"],
    )  # fmt: skip


def api_router() -> APIRouter:
    r = APIRouter(prefix=PREFIX, tags=TAGS)

    @r.get("/forms", response_model=list[FormSummary], summary="申請様式の一覧")
    def forms(request: Request, p: Clerk) -> list[FormSummary]:
        return [FormSummary(id=f.id, version=f.version, title=f.title, procedure=f.procedure.code,
                            procedure_name=f.procedure.name, basis=f.procedure.basis, business=f.target.business,
                            command=f.target.command, permission=f.target.permission)
                for f in forms_of(request)]  # fmt: skip

    @r.get("/forms/{form_id}", summary="申請様式の定義（項目・検証・マッピング）")
    def form_definition(request: Request, form_id: str, p: Clerk) -> dict[str, Any]:
        f = forms_of(request).get(form_id)
        if f is None:
            raise NotFound(f"申請様式 {form_id} はありません", field="申請様式")
        return f.model_dump(mode="json", by_alias=True, exclude_none=True)

    @r.get("", response_model=QueuePage, summary="申請一覧（審査の待ち行列）")
    def queue(
        request: Request, p: Clerk,
        status: Annotated[Literal["received", "reviewing", "correction_requested", "completed", "rejected"] | None,
                          Query(description="状態")] = None,
        form_id: Annotated[str | None, Query(description="申請様式")] = None,
        since: Annotated[date | None, Query(description="受付日（から）")] = None,
        until: Annotated[date | None, Query(description="受付日（まで）")] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    ) -> QueuePage:  # fmt: skip
        f = store.Filters(status, [form_id] if form_id else [], since, until)
        with app_db(request).uow(p.ctx) as uow:
            rows, total = review.queue(uow, forms_of(request), f, limit=limit, offset=offset)
            uow.commit()
        return QueuePage(items=[ApplicationSummary(**_summary(r)) for r in rows], total=total, limit=limit, offset=offset)

    @r.get("/{receipt_no}", response_model=ApplicationOut, summary="申請の照会")
    def detail(request: Request, receipt_no: str, p: Clerk) -> ApplicationOut:
        return _detail(request, p, receipt_no)

    @r.post("/{receipt_no}/corrections", response_model=CorrectionResult, summary="申請内容の補正（職員）")
    def correct(request: Request, receipt_no: str, body: Annotated[CorrectionIn, Body()], p: Clerk) -> CorrectionResult:
        forms = forms_of(request)
        with app_db(request).uow(p.ctx) as uow:
            app = review.load(uow, forms, receipt_no, audit=False)
        sub = validate_submission(app.form, overlay(app.form, app.row["data"], body.values),
                                  today=app.row["submitted_on"], staff=True)  # fmt: skip
        if not sub.ok:
            raise ValidationFailed([FieldError(e.label, e.message) for e in sub.errors])
        changes = review.correct(app_db(request), p.ctx, forms, receipt_no, sub.data,
                                 expected_version=body.expected_version, reason=body.reason)  # fmt: skip
        with app_db(request).uow(p.ctx) as uow:
            row = store.get(uow, receipt_no)
        return CorrectionResult(
            changes=[{"path": c.path, "label": c.label, "before": c.before, "after": c.after} for c in changes],
            version=int(row["version"]) if row else body.expected_version,
        )

    @r.post("/{receipt_no}/apply", response_model=ApplyOut, summary="業務への適用（異動の登録・証明書の発行）",
            responses={403: {"description": "権限がない、または抑止"}, 409: {"description": "版が古い・処理済み"},
                       422: {"description": "業務の検証エラー（申請は未処理のまま）"}})  # fmt: skip
    def apply(request: Request, receipt_no: str, body: Annotated[ApplyIn, Body()], p: Clerk) -> ApplyOut:
        outcome = review.apply(app_db(request), p.ctx, forms_of(request), receipt_no,
                               expected_version=body.expected_version, today=apply_today(request))  # fmt: skip
        return ApplyOut(receipt_no=receipt_no, status=Status.COMPLETED.value, result_ref=outcome.ref,
                        result=outcome.result)  # fmt: skip

    @r.post("/{receipt_no}/status", response_model=ApplicationSummary, summary="審査開始・補正依頼・却下")
    def change_status(request: Request, receipt_no: str, body: Annotated[StatusIn, Body()], p: Clerk
                      ) -> ApplicationSummary:  # fmt: skip
        review.change_status(app_db(request), p.ctx, forms_of(request), receipt_no, Status(body.status),
                             expected_version=body.expected_version, note=body.note)  # fmt: skip
        with app_db(request).uow(p.ctx) as uow:
            row = store.get(uow, receipt_no)
        assert row is not None
        return ApplicationSummary(**_summary(row))

    return r


def routers() -> list[APIRouter]:
    from kikan.adapters.web.applications import public, staff

    check_targets(catalog())  # a broken form or a form without a hand-off stops the start
    return [public.router(), staff.router(), api_router()]
