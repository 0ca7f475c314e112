"""Tax staff API: taxpayers, 課税資料 (versioned), 家屋敷課税, assessment results with trace, runs,
corrections and their 税額変更通知書 (PDF), 特別徴収税額通知書 data and the published 課税状況
(``/api/v1/tax/…``).

Include with :func:`routers` (the lead wires it into ``routes/tax.py``). Reads of personal data are
audited; writes need ``tax.write``. The annual batch itself runs from the CLI (``kikan batch``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Body, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from kikan.adapters.api.deps import Principal, Requires, app_db
from kikan.adapters.db import tax_corrections, tax_holders, tax_income_store, tax_published, tax_results
from kikan.adapters.db.tables.tax import tax_assessment_chunk, tax_assessment_run, tax_correction_notice
from kikan.adapters.db.tax_explain import explain
from kikan.adapters.db.tax_notices import correction_document
from kikan.adapters.db.tax_taxpayers import person, search
from kikan.core.errors import NotFound
from kikan.core.temporal import SystemClock
from kikan.tax.individual_resident.holders import parse_holder
from kikan.tax.individual_resident.income_records import parse_record

router = APIRouter(prefix="/api/v1/tax", tags=["tax-assessment"])
Reader = Annotated[Principal, Depends(Requires("tax.read"))]
Writer = Annotated[Principal, Depends(Requires("tax.write"))]
Year = Annotated[int, Query(ge=2000, le=2100, description="課税年度")]
YearInPath = Annotated[int, Path(ge=2000, le=2100, description="課税年度")]


def notice_today() -> date:
    """通知日 of a notice printed now (JST); overridden in tests through ``dependency_overrides``."""
    return SystemClock().today()


NoticeDay = Annotated[date, Depends(notice_today)]


class Revision(BaseModel):
    version: int = Field(..., ge=1, le=2**31 - 1, description="訂正の元にした版（楽観的排他）")
    record: dict[str, Any] = Field(..., description="課税資料（POST と同じ形）")


class Recompute(BaseModel):
    reason: str = Field(..., min_length=1, max_length=200, description="更正の理由")
    valid_from: date | None = Field(
        None, description="更正の適用日（既定: 本日）。これより前の納期の税額は変えない"
    )


class Retraction(BaseModel):
    version: int = Field(..., ge=1, le=2**31 - 1)
    reason: str = Field(..., min_length=1, max_length=200)


def _uow(request: Request, p: Principal) -> Any:
    return app_db(request).uow(p.ctx)


@router.get("/taxpayers")
def taxpayers(
    request: Request, p: Reader, fiscal_year: Year, q: str = "", limit: int = Query(50, ge=1, le=200)
) -> dict:
    """納税義務者の検索（宛名番号・世帯番号・カナ氏名の前方一致）と当年度の課税状況。"""
    with _uow(request, p) as uow:
        found = search(uow, fiscal_year, q, limit)
        uow.audit(
            "tax.taxpayer.search",
            "read",
            target_type="tax_taxpayer",
            target_id=q[:60],
            detail=f"{len(found)} hits",
        )
        uow.commit()
    return {"items": found}


@router.get("/taxpayers/{addressee_no}")
def taxpayer(request: Request, p: Reader, addressee_no: str, fiscal_year: Year) -> dict:
    """納税義務者1人: 住民記録（写し）、課税資料、課税結果の全版と納期。"""
    with _uow(request, p) as uow:
        out = person(uow, fiscal_year, addressee_no)
        out["income_records"] = tax_income_store.person_records(uow, fiscal_year, addressee_no)
        out["assessments"] = tax_results.versions(uow.conn, uow.tenant_id, fiscal_year, addressee_no)
        cur = out["assessments"][-1] if out["assessments"] else None
        out["schedule"] = tax_results.schedule_lines(uow.conn, uow.tenant_id, cur) if cur else []
        uow.audit("tax.taxpayer", "read", target_type="tax_taxpayer", target_id=addressee_no)
        uow.commit()
    return out


@router.post("/income-records", status_code=201)
def add_income_record(request: Request, p: Writer, body: Annotated[dict[str, Any], Body()]) -> dict:
    """課税資料（給与支払報告書・公的年金等支払報告書・確定申告書・住民税申告書）の登録。"""
    rec = parse_record(body)
    with _uow(request, p) as uow:
        out = tax_income_store.add_record(uow, rec)
        uow.commit()
    return out


@router.get("/income-records")
def list_income_records(request: Request, p: Reader, fiscal_year: Year, addressee_no: str) -> dict:
    with _uow(request, p) as uow:
        items = tax_income_store.person_records(uow, fiscal_year, addressee_no)
        uow.audit("tax.income_record", "read", target_type="tax_taxpayer", target_id=addressee_no)
        uow.commit()
    return {"items": items}


@router.get("/income-records/{record_id}")
def income_record(request: Request, p: Reader, record_id: str) -> dict:
    """課税資料の全版。"""
    with _uow(request, p) as uow:
        versions = tax_income_store.record_versions(uow, record_id)
        uow.audit("tax.income_record", "read", target_type="tax_income_record", target_id=record_id)
        uow.commit()
    return {"record_id": record_id, "versions": versions}


@router.put("/income-records/{record_id}")
def revise_income_record(request: Request, p: Writer, record_id: str, body: Revision) -> dict:
    """課税資料の訂正（新しい版）。"""
    rec = parse_record(body.record)
    with _uow(request, p) as uow:
        out = tax_income_store.revise_record(uow, record_id, rec, body.version)
        uow.commit()
    return out


@router.post("/income-records/{record_id}/retract")
def retract_income_record(request: Request, p: Writer, record_id: str, body: Retraction) -> dict:
    """課税資料の取消し（取消しの版を追加、内容は履歴に残る）。"""
    with _uow(request, p) as uow:
        out = tax_income_store.retract_record(uow, record_id, body.version, body.reason)
        uow.commit()
    return out


@router.post("/non-resident-holders", status_code=201)
def add_holder(request: Request, p: Writer, body: Annotated[dict[str, Any], Body()]) -> dict:
    """家屋敷課税（住登外者宛名番号）の登録・訂正（``version`` を付けると訂正）。"""
    version = body.pop("version", None)
    data = parse_holder(body)
    with _uow(request, p) as uow:
        out = tax_holders.save_holder(uow, data, version)
        uow.commit()
    return out


@router.get("/non-resident-holders")
def list_holders(request: Request, p: Reader, fiscal_year: Year) -> dict:
    with _uow(request, p) as uow:
        items = tax_holders.holders_of_year(uow, fiscal_year)
        uow.audit("tax.holder", "read", target_type="tax_non_resident_holder", target_id=str(fiscal_year))
        uow.commit()
    return {"items": items}


@router.get("/assessments/{fiscal_year}/{addressee_no}")
def assessment(request: Request, p: Reader, fiscal_year: YearInPath, addressee_no: str, trace: bool = False) -> dict:
    """課税結果の全版（適用日・理由）、現在の版の納期と税額、更正の通知データ、（trace=true で）計算過程。"""
    with _uow(request, p) as uow:
        versions = tax_results.versions(uow.conn, uow.tenant_id, fiscal_year, addressee_no)
        if not versions:
            raise NotFound("この年度の課税結果はありません", field="addressee_no")
        cur = versions[-1]
        n = tax_correction_notice.c
        notices = [dict(r._mapping) for r in uow.conn.execute(sa.select(tax_correction_notice).where(
            n.tenant_id == uow.tenant_id, n.fiscal_year == fiscal_year, n.addressee_no == addressee_no
        ).order_by(n.version)).all()]  # fmt: skip
        out: dict[str, Any] = {"current": cur, "versions": versions, "notices": notices,
                               "schedule": tax_results.schedule_lines(uow.conn, uow.tenant_id, cur),
                               "run": tax_results.run(uow.conn, uow.tenant_id, cur["run_id"])}  # fmt: skip
        if trace:
            found = explain(uow, cur)
            out["trace"] = None if found is None else {"result": found[0].model_dump(mode="json"), **found[1]}
        uow.audit("tax.assessment", "read", target_type="tax_assessment", target_id=addressee_no)
        uow.commit()
    return out


@router.post("/assessments/{fiscal_year}/{addressee_no}/recompute")
def recompute(request: Request, p: Writer, fiscal_year: YearInPath, addressee_no: str, body: Recompute) -> dict:
    """1人の再計算（更正・追加課税・課税取消）。税額が変わらなければ何もしない。"""
    with _uow(request, p) as uow:
        (res,) = tax_corrections.recompute(uow, fiscal_year, [addressee_no], reason=body.reason,
                                           valid_from=body.valid_from)  # fmt: skip
        uow.commit()
    return res.__dict__


@router.get(
    "/assessments/{fiscal_year}/{addressee_no}/corrections/{version}/notice.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "税額変更通知書（PDF）"}},
)
def correction_notice_pdf(
    request: Request,
    p: Reader,
    today: NoticeDay,
    fiscal_year: YearInPath,
    addressee_no: Annotated[str, Path(min_length=1, max_length=15, description="宛名番号")],
    version: Annotated[int, Path(ge=1, le=2**31 - 1, description="更正後の版")],
) -> Response:
    """税額変更通知書（PDF）: 1回の更正の変更前・変更後の税額、差額、変更後の各期の納付額と納期限、教示。"""
    from kikan.adapters.pdf.tax import render_notice

    with _uow(request, p) as uow:
        doc = correction_document(uow.conn, uow.tenant_id, fiscal_year, addressee_no, version, today)
        if doc is None:
            raise NotFound(f"第{version}版の更正（税額変更通知書）はありません", field="version")
        uow.audit("tax.notice.print", "read", target_type="tax_assessment", target_id=addressee_no,
                  detail=f"fiscal_year={fiscal_year} kind=correction version={version}")  # fmt: skip
        uow.commit()
    name = f"correction-{fiscal_year}-{addressee_no}-{version}.pdf"
    return Response(render_notice(doc).pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})  # fmt: skip


@router.get("/corrections/pending")
def pending_corrections(request: Request, p: Reader, fiscal_year: Year) -> dict:
    """当初課税の後に資料・異動が届き、再計算が必要な納税義務者。"""
    with _uow(request, p) as uow:
        keys = tax_corrections.pending(uow, fiscal_year)
    return {"fiscal_year": fiscal_year, "addressee_nos": keys}


@router.get("/runs")
def runs(request: Request, p: Reader, fiscal_year: Year) -> dict:
    """一括処理（当初課税・試算・更正）の一覧と進捗。"""
    r = tax_assessment_run.c
    cols = [c for c in tax_assessment_run.c if c.name not in ("parameters", "due_dates")]
    with _uow(request, p) as uow:
        rows = uow.conn.execute(sa.select(*cols).where(r.tenant_id == uow.tenant_id, r.fiscal_year == fiscal_year)
                                .order_by(r.started_at)).all()  # fmt: skip
    return {"items": [dict(x._mapping) for x in rows]}


@router.get("/runs/{run_id}")
def run(request: Request, p: Reader, run_id: str) -> dict:
    """処理の台帳: 基準日時、使用したパラメータ（キー・版・ハッシュ）、納期、チャンクごとの状況。"""
    c = tax_assessment_chunk.c
    with _uow(request, p) as uow:
        row = tax_results.run(uow.conn, uow.tenant_id, run_id)
        chunks = [dict(x._mapping) for x in uow.conn.execute(sa.select(tax_assessment_chunk).where(
            c.tenant_id == uow.tenant_id, c.run_id == run_id).order_by(c.chunk_no)).all()]  # fmt: skip
    return {**row, "chunks": chunks}


@router.get("/employers/{payer_id}/notice")
def employer_notice(request: Request, p: Reader, payer_id: str, fiscal_year: Year) -> dict:
    """特別徴収税額通知書（特別徴収義務者用）のデータ: 従業員ごとの年税額と月割額。"""
    with _uow(request, p) as uow:
        out = tax_results.employer_notice(uow.conn, uow.tenant_id, fiscal_year, payer_id)
        uow.audit("tax.employer_notice", "read", target_type="tax_employer", target_id=payer_id[:60],
                  detail=f"{len(out['employees'])} employees")  # fmt: skip
        uow.commit()
    return out


@router.get("/published/assessment-status")
def published_status(
    request: Request, p: Reader, fiscal_year: Year, addressee_no: Annotated[list[str], Query()]
) -> dict:
    """公開する課税状況（tax.assessment_status）の現在の版。"""
    with _uow(request, p) as uow:
        items = tax_published.status_of(uow.conn, uow.tenant_id, fiscal_year, addressee_no[:500])
        uow.audit(
            "tax.published", "read", target_type="tax_assessment", target_id=",".join(addressee_no)[:60]
        )
        uow.commit()
    return {"items": items}


@router.get("/published/household-status")
def published_households(
    request: Request, p: Reader, fiscal_year: Year, household_no: Annotated[list[str], Query()]
) -> dict:
    """公開する世帯の課税状況（tax.household_status、賦課期日の世帯）。"""
    with _uow(request, p) as uow:
        items = tax_published.household_status(uow.conn, uow.tenant_id, fiscal_year, household_no[:200])
        uow.audit("tax.published", "read", target_type="tax_household", target_id=",".join(household_no)[:60])
        uow.commit()
    return {"items": items}


def routers() -> list[APIRouter]:
    return [router]
