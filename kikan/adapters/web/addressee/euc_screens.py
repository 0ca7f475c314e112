"""EUC screens (標準仕様書 10.1): definitions list, editor with conditions/columns/sort, preview, CSV.

The editor posts one form; its buttons choose the action (プレビュー / 保存 / CSV出力). The form is
turned into the same JSON spec the API takes and validated by :func:`kikan.euc.spec.parse_spec`,
so the screens and the API refuse exactly the same things with the same Japanese messages.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from kikan.adapters.api.deps import Principal, Requires, app_db
from kikan.adapters.api.routes.addressee import EUC_DEFINE, EUC_RUN
from kikan.adapters.web.addressee.render import errors_of, page
from kikan.core.errors import DomainError, FieldError
from kikan.euc import services as euc
from kikan.euc.csv_out import ENCODINGS, text_of
from kikan.euc.fields import ALLOWED, DEFAULT_COLUMNS, FIELDS, OPERATORS, SOURCES
from kikan.euc.spec import parse_spec, spec_to_json

Runner = Annotated[Principal, Depends(Requires(EUC_RUN))]
Definer = Annotated[Principal, Depends(Requires(EUC_DEFINE))]
CONDITION_ROWS, SORT_ROWS = 8, 3


async def _form(request: Request) -> FormData:
    return await request.form()


Form = Annotated[FormData, Depends(_form)]


def spec_from_form(form: FormData) -> dict[str, Any]:
    """The JSON spec of the editor form (rows without an item are skipped; nothing is validated here)."""
    conditions = []
    for i in range(1, CONDITION_ROWS + 1):
        name = str(form.get(f"cond_field_{i}") or "")
        if name:
            conditions.append({"field": name, "op": str(form.get(f"cond_op_{i}") or ""),
                               "value": form.get(f"cond_value_{i}"), "value2": form.get(f"cond_value2_{i}")})  # fmt: skip
    sort = [{"field": str(form.get(f"sort_field_{i}")), "descending": bool(form.get(f"sort_desc_{i}"))}
            for i in range(1, SORT_ROWS + 1) if form.get(f"sort_field_{i}")]  # fmt: skip
    return {"source": str(form.get("source") or "current"), "conditions": conditions,
            "columns": [str(c) for c in form.getlist("columns")], "sort": sort,
            "include_cancelled": bool(form.get("include_cancelled"))}  # fmt: skip


def _editor(request: Request, p: Principal, *, spec: dict[str, Any], meta: dict[str, Any],
            preview: Any = None, errors: list[FieldError] | None = None, saved: bool = False,
            status: int = 200) -> Response:  # fmt: skip
    conds = list(spec.get("conditions") or [])
    conds += [{}] * (CONDITION_ROWS - len(conds))
    sorts = list(spec.get("sort") or [])
    sorts += [{}] * (SORT_ROWS - len(sorts))
    ctx = {"title": "EUC（データ抽出）", "nav": "euc", "spec": spec, "conds": conds, "sorts": sorts, "meta": meta,
           "preview": preview, "errors": errors or [], "saved": saved, "FIELDS": FIELDS, "OPERATORS": OPERATORS,
           "ALLOWED": ALLOWED, "SOURCES": SOURCES, "ENCODINGS": ENCODINGS, "text_of": text_of,
           "can_define": p.can(EUC_DEFINE)}  # fmt: skip
    return page(request, "euc/edit.html", ctx, p, status=status)


def _meta(form: FormData) -> dict[str, Any]:
    did = str(form.get("definition_id") or "")
    ver = str(form.get("version") or "")
    return {"definition_id": int(did) if did.isdigit() else None, "version": int(ver) if ver.isdigit() else None,
            "name": str(form.get("name") or ""), "description": str(form.get("description") or "")}  # fmt: skip


def router() -> APIRouter:
    r = APIRouter(prefix="/euc", include_in_schema=False)

    @r.get("")
    def index(request: Request, p: Runner) -> Response:
        with app_db(request).uow(p.ctx) as uow:
            defs = euc.list_all(uow)
        return page(request, "euc/list.html", {"title": "EUC（データ抽出）", "nav": "euc", "defs": defs,
                                               "can_define": p.can(EUC_DEFINE), "errors": []}, p)  # fmt: skip

    @r.get("/new")
    def new(request: Request, p: Runner) -> Response:
        spec = {"source": "current", "conditions": [], "columns": list(DEFAULT_COLUMNS), "sort": []}
        return _editor(
            request,
            p,
            spec=spec,
            meta={"definition_id": None, "version": None, "name": "", "description": ""},
        )

    @r.get("/{definition_id}")
    def edit(request: Request, definition_id: int, p: Runner, saved: bool = False) -> Response:
        try:
            with app_db(request).uow(p.ctx) as uow:
                d = euc.get(uow, definition_id)
        except DomainError as exc:
            return page(request, "error.html", {"title": "EUC", "message": exc.message}, p, status=exc.status)
        meta = {
            "definition_id": d.definition_id,
            "version": d.version,
            "name": d.name,
            "description": d.description,
        }
        return _editor(request, p, spec=spec_to_json(d.spec), meta=meta, saved=saved)

    @r.post("/preview")
    def preview(request: Request, p: Runner, form: Form) -> Response:
        spec, meta = spec_from_form(form), _meta(form)
        try:
            target = f"{meta['definition_id']}@{meta['version']}" if meta["definition_id"] else "adhoc"
            result = euc.preview(app_db(request), p.ctx, parse_spec(spec), target=target)
        except DomainError as exc:
            return _editor(request, p, spec=spec, meta=meta, errors=errors_of(exc), status=exc.status)
        return _editor(request, p, spec=spec, meta=meta, preview=result)

    @r.post("/save")
    def save(request: Request, p: Definer, form: Form) -> Response:
        spec, meta = spec_from_form(form), _meta(form)
        try:
            with app_db(request).uow(p.ctx) as uow:
                d = euc.save(uow, name=meta["name"], description=meta["description"], spec=spec,
                             definition_id=meta["definition_id"], expected_version=meta["version"])  # fmt: skip
                uow.commit()
        except DomainError as exc:
            return _editor(request, p, spec=spec, meta=meta, errors=errors_of(exc), status=exc.status)
        return RedirectResponse(f"/euc/{d.definition_id}?saved=true", status_code=303)

    @r.post("/export")
    def export(request: Request, p: Runner, form: Form) -> Response:
        spec, meta = spec_from_form(form), _meta(form)
        encoding = str(form.get("encoding") or "utf-8")
        try:
            did = meta["definition_id"]
            ex = euc.export(app_db(request), p.ctx, parse_spec(spec), encoding=encoding,
                            strict=bool(form.get("strict")), target=f"{did}@{meta['version']}" if did else "adhoc",
                            filename=f"euc_{did}_v{meta['version']}" if did else "euc")  # fmt: skip
        except DomainError as exc:
            return _editor(request, p, spec=spec, meta=meta, errors=errors_of(exc), status=exc.status)
        charset = "utf-8" if encoding == "utf-8" else "Shift_JIS"
        return Response(ex.csv.data, media_type=f"text/csv; charset={charset}", headers={
            "Content-Disposition": f'attachment; filename="{ex.filename}"',
            "X-Kikan-Substitutions": str(len(ex.substitutions))})  # fmt: skip

    @r.post("/{definition_id}/delete")
    def delete(request: Request, definition_id: int, p: Definer, form: Form) -> Response:
        version = str(form.get("version") or "")
        try:
            with app_db(request).uow(p.ctx) as uow:
                euc.delete(uow, definition_id, int(version) if version.isdigit() else 0)
                uow.commit()
        except DomainError as exc:
            return page(request, "error.html", {"title": "EUC", "message": exc.message}, p, status=exc.status)
        return RedirectResponse("/euc", status_code=303)

    return r
