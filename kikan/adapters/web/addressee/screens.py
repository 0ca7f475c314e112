"""住登外者の照会・付番 screen (search first, then number) and the 宛名 detail with its history.

Flow (共通機能標準仕様書 住登外者宛名番号管理): the staff types what they know → 照会 lists the
candidates with their source (住民 / 元住民 / 住登外者 / 法人) and why they matched → either they pick
one (「この宛名を使う」: a former resident keeps their number) or, with no candidate, 付番. An exact
match makes 付番 answer the existing number unless the staff tick it as another person and give
the reason. Everything is POSTed (personal data never in URLs) and audited by the services.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from kikan.adapters.api.deps import Principal, Requires, app_db
from kikan.adapters.api.routes.addressee import READ, WRITE, Today, catch_up
from kikan.adapters.web.addressee.render import errors_of, form_values, page
from kikan.addressee import commands, services
from kikan.addressee.model import ATTRIBUTES, CORPORATION
from kikan.core.errors import DomainError, FieldError

Reader = Annotated[Principal, Depends(Requires(READ))]
Writer = Annotated[Principal, Depends(Requires(WRITE))]
FORM_FIELDS = ("kind", *[a for a in ATTRIBUTES if a != "remarks"])
NUMBER_FIELDS = ("remarks", "business", "business_no", "distinct_reason")
EDITABLE = tuple(a for a in ATTRIBUTES)


async def _form(request: Request) -> FormData:
    return await request.form()


Form = Annotated[FormData, Depends(_form)]


def _attrs(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = form_values(form, FORM_FIELDS)
    values["kind"] = values.get("kind") or "person"
    return values


def _inquire(
    request: Request, p: Principal, values: dict[str, Any], today: Any
) -> tuple[Any, list[FieldError]]:
    try:
        cmd = commands.build(commands.Inquiry, values)
        with app_db(request).uow(p.ctx) as uow:
            result = services.inquire(cmd, uow, today=today)
            uow.commit()
        return result, []
    except DomainError as exc:
        return None, errors_of(exc)


def _index(request: Request, p: Principal, values: dict[str, Any], *, result: Any = None,
           errors: list[FieldError] | None = None, extra: dict[str, Any] | None = None,
           status: int = 200) -> Response:  # fmt: skip
    ctx = {"title": "住登外者の照会・付番", "nav": "addressee", "v": values, "result": result, "errors": errors or [],
           "extra": extra or {}, "can_write": p.can(WRITE)}  # fmt: skip
    return page(request, "addressee/index.html", ctx, p, status=status)


def router() -> APIRouter:
    r = APIRouter(prefix="/addressee", include_in_schema=False)

    @r.get("")
    def index(request: Request, p: Reader) -> Response:
        return _index(request, p, {"kind": "person"})

    @r.post("/inquiry")
    def inquiry(request: Request, p: Reader, form: Form, today: Today) -> Response:
        values = _attrs(form)
        catch_up(request, p)
        result, errors = _inquire(request, p, values, today)
        return _index(request, p, values, result=result, errors=errors, status=422 if errors else 200)

    @r.post("/number")
    def number(request: Request, p: Writer, form: Form, today: Today) -> Response:
        values = _attrs(form)
        extra = form_values(form, NUMBER_FIELDS)
        data: dict[str, Any] = {**values, **{k: v or None for k, v in extra.items()},
                                "distinct_from": [str(x) for x in form.getlist("distinct_from")]}  # fmt: skip
        if form.get("use_existing"):
            data["use_existing"] = str(form.get("use_existing"))
        try:
            cmd = commands.build(commands.NumberRequest, data)
            catch_up(request, p)
            with app_db(request).uow(p.ctx) as uow:
                res = services.number(cmd, uow, today=today)
                uow.commit()
        except DomainError as exc:
            result, _ = _inquire(request, p, values, today)
            return _index(
                request, p, values, result=result, errors=errors_of(exc), extra=extra, status=exc.status
            )
        return RedirectResponse(
            f"/addressee/{res.addressee.integrated_no}?result={res.status}", status_code=303
        )

    @r.get("/{integrated_no}")
    def detail(request: Request, integrated_no: str, p: Reader, result: str = "") -> Response:
        try:
            with app_db(request).uow(p.ctx) as uow:
                view = services.get(uow, integrated_no, history=True)
                uow.commit()
        except DomainError as exc:
            return page(
                request, "error.html", {"title": "宛名の照会", "message": exc.message}, p, status=exc.status
            )
        return _detail(request, p, view, result=result)

    @r.post("/{integrated_no}/update")
    def update(request: Request, integrated_no: str, p: Writer, form: Form, today: Today) -> Response:
        changes = {k: str(form.get(k) or "").strip() for k in EDITABLE if k in form}
        data = {"expected_version": form.get("expected_version"), "reason": form.get("reason") or "",
                "changed_on": form.get("changed_on") or None, "attributes": changes}  # fmt: skip
        try:
            with app_db(request).uow(p.ctx) as uow:
                current = services.get(uow, integrated_no)
                diff = {k: v for k, v in changes.items() if (v or None) != _text(current.attributes.get(k))}
                cmd = commands.build(commands.UpdateRequest, {**data, "attributes": diff})
                services.update(integrated_no, cmd, uow, today=today)
                uow.commit()
        except DomainError as exc:
            with app_db(request).uow(p.ctx) as uow:
                view = services.get(uow, integrated_no, history=True)
                uow.commit()
            return _detail(request, p, view, errors=errors_of(exc), form=data, status=exc.status)
        return RedirectResponse(f"/addressee/{integrated_no}?result=updated", status_code=303)

    return r


def _text(v: Any) -> str | None:
    if v is None or v == "":
        return None
    return v.isoformat() if hasattr(v, "isoformat") else str(v)


def _detail(request: Request, p: Principal, view: Any, *, result: str = "", errors: list[FieldError] | None = None,
            form: dict[str, Any] | None = None, status: int = 200) -> Response:  # fmt: skip
    editable = p.can(WRITE) and view.status != "resident"
    fields = [a for a in ATTRIBUTES if (a.startswith("corporate") if view.kind == CORPORATION else
              not a.startswith("corporate"))]  # fmt: skip
    ctx = {"title": "宛名の照会", "nav": "addressee", "a": view, "result": result, "errors": errors or [], "editable": editable,
           "fields": fields, "form": form or {}, "text": _text}  # fmt: skip
    return page(request, "addressee/detail.html", ctx, p, status=status)
