"""Welfare cases API (児童手当・児童扶養手当の受給者台帳, 支払): everything under ``/api/v1/welfare/cases``.

Reads need ``welfare.read``, changes ``welfare.write`` (the services check it again). Bodies are the
commands of :mod:`kikan.welfare.cases.commands` (JSON); errors name the field in Japanese (4xx).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from kikan.adapters.api.deps import Principal, Requires, app_db
from kikan.adapters.db import welfare_aging, welfare_feed_snapshot, welfare_queries
from kikan.adapters.db.welfare_accounts import SqlSupportStore
from kikan.adapters.db.welfare_payment_files import stored_outputs
from kikan.adapters.db.welfare_payment_runs import run_id_of, run_payment
from kikan.adapters.db.welfare_store import SqlCaseStore
from kikan.core.errors import FieldError, NotFound, ValidationFailed
from kikan.core.temporal import SystemClock
from kikan.welfare import cases as wc
from kikan.welfare.cases.commands import month_of, parse

router = APIRouter(prefix="/api/v1/welfare/cases", tags=["welfare-cases"])
Reader = Annotated[Principal, Depends(Requires("welfare.read"))]
Writer = Annotated[Principal, Depends(Requires("welfare.write"))]
CaseId = Annotated[str, Path(pattern=r"^\d{10}$", description="受給者番号（10桁）")]
JSON = Annotated[dict[str, Any], Body(description="コマンド（kikan.welfare.cases.commands）")]
SUPPORT = {wc.record_income, wc.register_account, wc.set_payer, wc.complete_task}


def welfare_today() -> date:
    """処理日 (JST). Overridden in tests through ``dependency_overrides``."""
    return SystemClock().today()


Today = Annotated[date, Depends(welfare_today)]


def _case(rec: wc.CaseRecord) -> dict[str, Any]:
    return {"case_id": rec.case_id, "version": rec.version, "status": rec.state.status,
            "valid_from": rec.valid_from.isoformat(), "monthly_amount": rec.monthly_amount,
            "state": rec.state.model_dump(mode="json")}  # fmt: skip


def _run(request: Request, p: Principal, fn: Any, cls: Any, data: dict[str, Any], today: date) -> Any:
    cmd = parse(cls, data)
    with app_db(request).uow(p.ctx) as uow:
        store = SqlSupportStore(uow) if fn in SUPPORT else SqlCaseStore(uow)
        out = fn(cmd, uow, today=today, store=store)
        uow.commit()
    return out


@router.get("")
def cases(request: Request, p: Reader, allowance: str | None = None, status: str | None = None,
          recipient: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 100,
          offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> list[dict[str, Any]]:  # fmt: skip
    """台帳の一覧（手当・状態・受給者で絞込み）。"""
    with app_db(request).uow(p.ctx) as uow:
        out = welfare_queries.list_cases(uow, allowance=allowance, status=status, recipient=recipient, limit=limit,
                                         offset=offset)  # fmt: skip
        uow.commit()
    return out


@router.post("", status_code=201)
def file_claim(request: Request, p: Writer, today: Today, body: JSON) -> dict[str, Any]:
    """認定請求（児童手当法第7条 / 児童扶養手当法第6条）。"""
    return _case(_run(request, p, wc.file_claim, wc.FileClaim, body, today))


_ACTIONS: dict[str, tuple[Any, Any, str]] = {
    "certify": (wc.certify, wc.Certify, "認定（額と支給開始月は計算コアによる）"),
    "reject": (wc.reject, wc.Reject, "却下"),
    "children": (wc.add_child, wc.AddChild, "額改定（増額）の請求: 児童の追加"),
    "suspend": (wc.suspend, wc.Suspend, "支給停止"),
    "resume": (wc.resume, wc.Resume, "支給停止の解除"),
    "extinguish": (wc.extinguish, wc.Extinguish, "消滅（その月分まで支給）"),
    "status-reports": (wc.record_status_report, wc.RecordStatusReport, "現況届（児童扶養手当）"),
}


def _action_route(name: str, fn: Any, cls: Any, summary: str) -> None:
    def action(request: Request, p: Writer, today: Today, case_id: CaseId, body: JSON) -> dict[str, Any]:
        return _case(_run(request, p, fn, cls, {**body, "case_id": case_id}, today))

    router.add_api_route(
        f"/{{case_id}}/{name}", action, methods=["POST"], summary=summary, name=f"welfare_case_{name}"
    )


for _name, (_fn, _cls, _summary) in _ACTIONS.items():
    _action_route(_name, _fn, _cls, _summary)


@router.post("/{case_id}/children/{child_id}/leave")
def child_left(
    request: Request, p: Writer, today: Today, case_id: CaseId, child_id: str, body: JSON
) -> dict[str, Any]:
    """額改定（減額）: 児童を監護しなくなった（翌月から。最後の児童なら消滅）。"""
    return _case(
        _run(
            request, p, wc.child_left, wc.ChildLeft, {**body, "case_id": case_id, "child_id": child_id}, today
        )
    )


@router.get("/tasks")
def tasks(request: Request, p: Reader, status: str = "open", kind: str | None = None,
          limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[dict[str, Any]]:  # fmt: skip
    """職員のタスク（出生・転入・転出・年齢到達・過払い …）。"""
    with app_db(request).uow(p.ctx) as uow:
        out = welfare_queries.list_tasks(uow, status=status, kind=kind, limit=limit)
        uow.commit()
    return out


@router.post("/tasks/{task_id}/done", status_code=204)
def task_done(request: Request, p: Writer, today: Today, task_id: str, body: JSON) -> Response:
    _run(request, p, wc.complete_task, wc.CompleteTask, {**body, "task_id": task_id}, today)
    return Response(status_code=204)


@router.post("/incomes", status_code=201)
def record_income(request: Request, p: Writer, today: Today, body: JSON) -> dict[str, Any]:
    """所得の登録（課税状況にない項目: 養育費・寡婦・ひとり親・障害者等、他団体で課税された者の所得証明など）。"""
    return {"version": _run(request, p, wc.record_income, wc.RecordIncome, body, today)}


@router.put("/accounts/{addressee_no}")
def register_account(
    request: Request, p: Writer, today: Today, addressee_no: str, body: JSON
) -> dict[str, Any]:
    """受給者の振込口座（口座名義は全銀の半角カナに変換して検査）。"""
    data = {**body, "addressee_no": addressee_no}
    return {"version": _run(request, p, wc.register_account, wc.RegisterAccount, data, today)}


@router.put("/payer/{allowance}")
def set_payer(request: Request, p: Writer, today: Today, allowance: str, body: JSON) -> dict[str, Any]:
    """振込依頼人（市区町村の支払口座・委託者コード・支払日）。"""
    return _run(request, p, wc.set_payer, wc.SetPayer, {**body, "allowance": allowance}, today)  # type: ignore[no-any-return]


class SyncRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    snapshot: bool = Field(
        False,
        description="先に住民記録の全件（juki.residents のスナップショット）を読む（異動イベントなしに移行された住民のため）",
    )


def _report(rep: Any) -> dict[str, int]:
    return {k: int(v) for k, v in vars(rep).items()}


@router.post("/registry-sync")
def registry_sync(
    request: Request, p: Writer, body: Annotated[SyncRequest | None, Body()] = None
) -> dict[str, Any]:
    """公開データの取込み: ``snapshot`` のとき住民記録の全件（juki.residents）、続いて異動（juki.moves）と
    税務の課税状況（tax.assessment_status）。何度実行しても同じ。``pages`` / ``received`` / ``applied`` は異動の件数。"""
    rep = welfare_feed_snapshot.sync(
        app_db(request), p.tenant_id, snapshot_first=bool(body and body.snapshot)
    )
    return {**_report(rep.moves), "snapshot": _report(rep.snapshot) if rep.snapshot else None,
            "income": _report(rep.income)}  # fmt: skip


@router.post("/month-boundary")
def month_boundary(request: Request, p: Writer, body: JSON) -> dict[str, Any]:
    """月替わりの自動処理（年齢到達による減額・消滅）。``{"allowance", "month": "YYYY-MM"}``。"""
    allowance, month = str(body.get("allowance", "")), month_of(str(body.get("month", "")), "month")
    if allowance not in wc.ALLOWANCES:
        raise ValidationFailed(
            [FieldError("allowance", "child_allowance 又は child_rearing_allowance を指定してください")]
        )
    rep = welfare_aging.month_boundary(app_db(request), p.tenant_id, allowance=allowance, month=month)
    return {
        "cases": rep.cases,
        "decreased": rep.decreased,
        "extinguished": rep.extinguished,
        "skipped": rep.skipped,
    }


@router.get("/payment-runs")
def payment_runs(request: Request, p: Reader, allowance: str | None = None) -> list[dict[str, Any]]:
    with app_db(request).uow(p.ctx) as uow:
        return welfare_queries.list_runs(uow, allowance)


@router.post("/payment-runs")
def start_payment_run(request: Request, p: Writer, today: Today, body: JSON) -> dict[str, Any]:
    """定期払（児童手当: 偶数月、児童扶養手当: 奇数月）。同じ支払期月の再実行は同じファイルを返す。"""
    on = body.get("transfer_on")
    res = run_payment(app_db(request), p.ctx, allowance=str(body.get("allowance", "")),
                      payment_month=month_of(str(body.get("payment_month", "")), "payment_month"), today=today,
                      transfer_on=date.fromisoformat(on) if on else None, newline=bool(body.get("newline", True)))  # fmt: skip
    return {"run_id": res.run_id, "reused": res.reused, "summary": res.summary,
            "files": {k: name for k, (name, _) in res.files.items()}}  # fmt: skip


@router.get("/payment-runs/{allowance}/{month}/{kind}")
def payment_file(request: Request, p: Reader, allowance: str, month: str, kind: str) -> Response:
    """支払処理の出力: zengin（全銀協 総合振込、Shift_JIS）、list（支払一覧 CSV）、summary（JSON）。"""
    rid = run_id_of(allowance, month_of(month, "month"))
    with app_db(request).uow(p.ctx) as uow:
        files = stored_outputs(uow.conn, uow.tenant_id, rid)
        if kind not in files:
            raise NotFound(f"支払処理 {rid} の {kind} はありません", field="kind")
        uow.audit("welfare.payment", "read", target_type="welfare_payment_run", target_id=rid, detail=kind)
        uow.commit()
    name, content = files[kind]
    media = {
        "zengin": "text/plain; charset=Shift_JIS",
        "list": "text/csv; charset=utf-8",
        "summary": "application/json",
    }
    return Response(
        content, media_type=media[kind], headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@router.get("/{case_id}")
def case_detail(request: Request, p: Reader, case_id: CaseId, trace: bool = False) -> dict[str, Any]:
    """台帳（現在の状態と全ての版。``trace=true`` で各版の計算過程）。"""
    with app_db(request).uow(p.ctx) as uow:
        out = welfare_queries.case_detail(uow, case_id, with_trace=trace)
        uow.commit()
    return out


def routers() -> list[APIRouter]:
    return [router]
