"""納税義務者の検索・照会 (課税資料の版, 税額と計算過程, 納期, 更正の履歴) and the notice PDF."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import Response

from kikan.adapters.db import tax_results
from kikan.adapters.db.tables.tax import tax_registry_row
from kikan.adapters.db.tax_notices import DocumentSource, correction_document
from kikan.adapters.pdf.tax import render_notice
from kikan.adapters.web.tax import queries
from kikan.adapters.web.tax.common import Reader, Today, error_page, open_uow, page, trace_rows
from kikan.adapters.web.tax.trace import stored_trace
from kikan.core.errors import DomainError, FieldError, NotFound, ValidationFailed
from kikan.tax.individual_resident.notices import fiscal_year_text

DONE = frozenset({"recorded", "revised", "corrected", "unchanged"})
NOTICE_KINDS = {"ordinary": "税額決定・納税通知書", "employee": "特別徴収税額通知書（納税義務者用）"}


def _year(years: list[int], fiscal_year: int | None) -> int | None:
    if fiscal_year is not None:
        return fiscal_year
    return years[0] if years else None


def _person(uow: Any, addressee_no: str) -> queries.Person:
    found = queries.people(uow.conn, uow.tenant_id, [addressee_no]).get(addressee_no)
    if found is None:
        raise NotFound(f"宛名番号 {addressee_no} の納税義務者は税務の宛名にありません", field="宛名番号")
    return found


def _protected(uow: Any, addressee_no: str) -> bool:
    """支援措置 in force for the person, as last delivered by the registry (``juki.residents`` v2)."""
    r = tax_registry_row.c
    q = sa.select(r.protected).where(r.tenant_id == uow.tenant_id, r.addressee_no == addressee_no)
    return bool(uow.conn.execute(q.order_by(r.history_no.desc()).limit(1)).scalar())


def _version(versions: list[dict[str, Any]], version: int | None) -> dict[str, Any]:
    row = next((v for v in versions if v["version"] == version), None) if version else versions[-1]
    if row is None:
        raise NotFound(f"版 {version} の税額はありません", field="版")
    return row


def router() -> APIRouter:
    r = APIRouter(prefix="/tax", include_in_schema=False)

    @r.get("")
    def search_page(
        request: Request, p: Reader, name: str = "", kana: str = "", addressee_no: str = ""
    ) -> Response:
        v = {"name": name.strip(), "kana": kana.strip(), "addressee_no": addressee_no.strip()}
        searched = "searched" in request.query_params
        errors: list[FieldError] = []
        hits: list[queries.Person] | None = None
        if searched and not any(v.values()):
            errors = [FieldError("氏名", "氏名・カナ・宛名番号のいずれかを入力してください")]
        elif searched:
            with open_uow(request, p) as uow:
                hits = queries.search(uow.conn, uow.tenant_id, **v)
                uow.audit("tax.taxpayer.search", "read", target_type="tax_taxpayer", detail=f"{len(hits)}件")
                uow.commit()
        ctx = {"title": "納税義務者の検索", "nav": "search", "v": v, "hits": hits, "errors": errors,
               "limit": queries.SEARCH_LIMIT}  # fmt: skip
        return page(request, "search.html", ctx, p, status=422 if errors else 200)

    @r.get("/taxpayers/{addressee_no}")
    def taxpayer_page(
        request: Request, p: Reader, addressee_no: str, fiscal_year: int | None = None, done: str = "",
        version: int | None = None,
    ) -> Response:  # fmt: skip
        """The taxpayer; ``done`` (recorded | revised | corrected | unchanged) reports the change just made."""
        try:
            with open_uow(request, p) as uow:
                person = _person(uow, addressee_no)
                years = queries.fiscal_years(uow.conn, uow.tenant_id, addressee_no)
                fy = _year(years, fiscal_year)
                ctx: dict[str, Any] = {"person": person, "years": years, "fy": fy, "records": [], "versions": [],
                                       "current": None, "schedule": [], "corrections": [],
                                       "protected": _protected(uow, addressee_no)}  # fmt: skip
                if fy is not None:
                    versions = tax_results.versions(uow.conn, uow.tenant_id, fy, addressee_no)
                    ctx["records"] = queries.income_records(uow.conn, uow.tenant_id, fy, addressee_no)
                    ctx["versions"] = queries.with_differences(versions)
                    ctx["corrections"] = queries.corrections(uow.conn, uow.tenant_id, fy, addressee_no)
                    if versions:
                        ctx["current"] = versions[-1]
                        lines = tax_results.schedule_lines(uow.conn, uow.tenant_id, versions[-1])
                        ctx["schedule"] = [x for x in lines if x["amount"]]
                uow.audit("tax.taxpayer", "read", target_type="tax_taxpayer", target_id=addressee_no,
                          detail=f"fiscal_year={fy}")  # fmt: skip
                uow.commit()
        except DomainError as exc:
            return error_page(request, p, exc, "納税義務者の照会")
        ctx.update(title=f"{person.name or addressee_no}（宛名番号 {addressee_no}）", nav="search",
                   done=done if done in DONE else "", done_version=version, can_write=p.can("tax.write"))
        return page(request, "taxpayer.html", ctx, p)

    @r.get("/taxpayers/{addressee_no}/trace")
    def trace_page(request: Request, p: Reader, addressee_no: str, fiscal_year: int, version: int | None = None,
                   all: int = 0) -> Response:  # fmt: skip
        try:
            with open_uow(request, p) as uow:
                person = _person(uow, addressee_no)
                row = _version(
                    tax_results.versions(uow.conn, uow.tenant_id, fiscal_year, addressee_no), version
                )
                result = stored_trace(uow, row)
                uow.audit("tax.assessment.trace", "read", target_type="tax_assessment", target_id=addressee_no,
                          detail=f"fiscal_year={fiscal_year} version={row['version']}")  # fmt: skip
                uow.commit()
        except DomainError as exc:
            return error_page(request, p, exc, "計算過程")
        ctx = {"title": f"計算過程 {person.name}（{fiscal_year}年度 第{row['version']}版）", "nav": "search",
               "person": person, "row": row, "result": result, "show_all": bool(all),
               "steps": trace_rows(result.trace, show_all=bool(all)) if result else []}  # fmt: skip
        return page(request, "trace.html", ctx, p)

    @r.get("/taxpayers/{addressee_no}/notice.pdf")
    def notice_pdf(request: Request, p: Reader, today: Today, addressee_no: str, fiscal_year: int,
                   kind: str = "ordinary") -> Response:  # fmt: skip
        try:
            if kind not in NOTICE_KINDS:
                raise ValidationFailed(
                    [FieldError("通知書の種類", "税額決定・納税通知書か特別徴収税額通知書を選んでください")]
                )
            with open_uow(request, p) as uow:
                docs = DocumentSource(uow.conn, uow.tenant_id, fiscal_year, today).documents(
                    kind, [addressee_no]
                )
                if not docs:
                    raise NotFound(
                        f"{fiscal_year_text(fiscal_year)}の{NOTICE_KINDS[kind]}の対象ではありません",
                        field="通知書",
                    )
                uow.audit("tax.notice.print", "read", target_type="tax_assessment", target_id=addressee_no,
                          detail=f"fiscal_year={fiscal_year} kind={kind}")  # fmt: skip
                uow.commit()
        except DomainError as exc:
            return error_page(request, p, exc, "通知書の作成")
        pdf = render_notice(docs[0][1]).pdf
        name = f"{kind}-{fiscal_year}-{addressee_no}.pdf"
        return Response(
            pdf, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'}
        )

    @r.get("/taxpayers/{addressee_no}/correction-notice.pdf")
    def correction_notice_pdf(request: Request, p: Reader, today: Today, addressee_no: str, fiscal_year: int,
                              version: int) -> Response:  # fmt: skip
        """税額変更通知書 of one 更正 (the version it produced)."""
        try:
            with open_uow(request, p) as uow:
                doc = correction_document(uow.conn, uow.tenant_id, fiscal_year, addressee_no, version, today)
                if doc is None:
                    raise NotFound(
                        f"{fiscal_year_text(fiscal_year)}の第{version}版の更正はありません", field="通知書"
                    )
                uow.audit("tax.notice.print", "read", target_type="tax_assessment", target_id=addressee_no,
                          detail=f"fiscal_year={fiscal_year} kind=correction version={version}")  # fmt: skip
                uow.commit()
        except DomainError as exc:
            return error_page(request, p, exc, "税額変更通知書の作成")
        name = f"correction-{fiscal_year}-{addressee_no}-{version}.pdf"
        return Response(
            render_notice(doc).pdf, media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{name}"'},
        )  # fmt: skip

    return r
