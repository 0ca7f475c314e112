"""通知書 PDF of the 児童手当・児童扶養手当 (the documents: :mod:`kikan.welfare.notices`).

* ``GET /api/v1/welfare/cases/{case_id}/versions/{version}/notice.pdf`` — 認定・額改定・支給停止（解除）・
  消滅・却下通知書 of that version of the case;
* ``GET /api/v1/welfare/cases/payment-runs/{allowance}/{YYYY-MM}/notices/{case_id}.pdf`` — 支払通知書 of
  the case's line in that payment run;
* the same under ``/welfare/…`` for the staff screens (a refusal is a page, not JSON).

Permission ``welfare.read``; every issue is audited (``welfare.notice`` / ``print``) in the unit of
work that read the data.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from kikan.adapters.api.deps import Principal, Requires, app_db
from kikan.adapters.api.routes import welfare_ui_queries as q
from kikan.adapters.api.routes.welfare_cases import welfare_today
from kikan.adapters.db.welfare_payment_runs import run_id_of
from kikan.adapters.pdf.welfare import render_notice
from kikan.adapters.security import accounts
from kikan.core.errors import FieldError, NotFound, ValidationFailed
from kikan.welfare import cases as wc
from kikan.welfare import notices as wn
from kikan.welfare.cases.commands import month_of
from kikan.welfare.cases.model import ALLOWANCES

FUNCTION = "welfare.notice"
Reader = Annotated[Principal, Depends(Requires("welfare.read"))]
Today = Annotated[date, Depends(welfare_today)]
CaseId = Annotated[str, Path(pattern=r"^\d{10}$", description="受給者番号（10桁）")]
Version = Annotated[int, Path(ge=1, le=2**31 - 1, description="台帳の版")]


def issuer(request: Request, tenant_id: str) -> wn.Issuer:
    t = accounts.get_tenant(app_db(request), tenant_id)
    if t is None:
        return wn.issuer_of(tenant_id, tenant_id)
    return wn.issuer_of(tenant_id, t.name, prefecture_name=t.prefecture_name or "")


def _people(uow: object, state: wc.CaseState) -> tuple[wn.Recipient, dict[str, str]]:
    """The recipient and the children's names from the welfare business's copy of the registry."""
    found = q.names(uow, [state.recipient, *(c.child_id for c in state.children)])
    me = found.get(state.recipient, {})
    kana = state.recipient_kana
    recipient = wn.Recipient(state.recipient, me.get("name") or kana or "（氏名未登録）", me.get("kana") or kana)
    return recipient, {no: x["name"] for no, x in found.items() if x.get("name")}


def _pdf(doc: wn.WelfareNotice, name: str) -> Response:
    pdf = render_notice(doc).pdf
    return Response(pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


def decision_pdf(request: Request, p: Principal, today: date, case_id: str, version: int) -> Response:
    """The notice of version ``version`` (raises NotFound / ValidationFailed)."""
    who = issuer(request, p.tenant_id)
    with app_db(request).uow(p.ctx) as uow:
        row, previous, state = q.version_pair(uow, case_id, version)
        if row["reason_code"] not in wn.KIND_OF_REASON:
            raise ValidationFailed([FieldError("版", f"第{version}版（{row['reason']}）には通知書がありません")])
        recipient, kids = _people(uow, state)
        doc = wn.decision_notice(case_id=case_id, version=row, previous=previous, state=state, recipient=recipient,
                                 issuer=who, issued_on=today, child_names=kids)  # fmt: skip
        uow.audit(FUNCTION, "print", target_type="welfare_case", target_id=case_id,
                  detail=f"{doc.title} 第{version}版 {doc.notice_no}")  # fmt: skip
        uow.commit()
    return _pdf(doc, f"welfare-notice-{case_id}-{version:02d}.pdf")


def payment_pdf(request: Request, p: Principal, today: date, allowance: str, month: str, case_id: str) -> Response:
    if allowance not in ALLOWANCES:
        raise ValidationFailed([FieldError("手当", "child_allowance 又は child_rearing_allowance を指定してください")])
    pay = month_of(month, "支払期月")
    rid = run_id_of(allowance, pay)
    who = issuer(request, p.tenant_id)
    with app_db(request).uow(p.ctx) as uow:
        run = q.run_of(uow, rid)
        if run["status"] != "completed":
            raise NotFound(f"支払処理 {rid} は完了していません", field="支払処理")
        line = q.payment_line(uow, rid, case_id)
        state = q.current_state(uow, case_id)
        recipient, kids = _people(uow, state)
        doc = wn.payment_notice(allowance=allowance, case_id=case_id, payment_month=pay, transfer_on=run["transfer_on"],
                                line=line, state=state, recipient=recipient, issuer=who, issued_on=today,
                                child_names=kids)  # fmt: skip
        uow.audit(FUNCTION, "print", target_type="welfare_case", target_id=case_id,
                  detail=f"{doc.title} {rid} {doc.notice_no}")  # fmt: skip
        uow.commit()
    return _pdf(doc, f"welfare-payment-{case_id}-{month}.pdf")


api = APIRouter(prefix="/api/v1/welfare/cases", tags=["welfare-cases"])


@api.get("/{case_id}/versions/{version}/notice.pdf", response_class=Response,
         responses={200: {"content": {"application/pdf": {}}}})  # fmt: skip
def version_notice(request: Request, p: Reader, today: Today, case_id: CaseId, version: Version) -> Response:
    """通知書（認定・額改定・支給停止・支給停止解除・消滅・却下）の PDF。発行は監査ログに記録する。"""
    return decision_pdf(request, p, today, case_id, version)


@api.get("/payment-runs/{allowance}/{month}/notices/{case_id}.pdf", response_class=Response,
         responses={200: {"content": {"application/pdf": {}}}})  # fmt: skip
def payment_notice(request: Request, p: Reader, today: Today, allowance: str, month: str, case_id: CaseId) -> Response:
    """支払通知書の PDF（完了した支払処理の支払明細から）。発行は監査ログに記録する。"""
    return payment_pdf(request, p, today, allowance, month, case_id)


def routers() -> list[APIRouter]:
    return [api]
