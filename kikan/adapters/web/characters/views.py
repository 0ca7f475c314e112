"""外字の同定 screens: list of unmapped 外字 with the records using them; one 外字 with its usages,
ranked candidates (glyphs drawn in IPAmj明朝) and the confirm form; 文字の確認; glyph PNGs.

Basis: デジタル庁「地方公共団体情報システムの文字要件」(legacy 外字 are 同定 before migration).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kikan.adapters.api.deps import Principal, Requires, app_db
from kikan.adapters.db import characters_gaiji as store
from kikan.adapters.db import characters_gaiji_queries as queries
from kikan.adapters.web.characters.glyph import available, glyph_path, glyph_png
from kikan.adapters.web.views import render
from kikan.characters import describe
from kikan.characters.text import code_points, is_private_use, parse_code_points
from kikan.core.errors import DomainError, FieldError

View = Annotated[Principal, Depends(Requires("home.view"))]
Read = Annotated[Principal, Depends(Requires("chars.gaiji"))]
Write = Annotated[Principal, Depends(Requires("chars.gaiji"))]
CSS = """.mj { font-family: "IPAmjMincho", "IPAmj明朝", serif; font-size: 1.6rem; }
.glyph { vertical-align: middle; border: 1px solid #ccc; background: #fff; }
.pua { background: #ffe9a8; padding: 0 .2rem; font-family: monospace; }
"""


def _marked(text: str) -> list[tuple[str, bool]]:
    """Parts of a legacy value, PUA characters shown as their code (they draw as nothing useful)."""
    return [(f"U+{ord(c):04X}", True) if is_private_use(c) else (c, False) for c in text]


HELPERS: dict[str, Any] = {"glyph_path": glyph_path, "code_points": code_points, "marked": _marked}


def _page(request: Request, name: str, ctx: dict[str, Any], p: Principal, status: int = 200) -> Response:
    return render(request, f"characters/{name}", {**HELPERS, "glyphs": available(), **ctx}, p, status=status)


def _detail_url(code_system: str, code: str) -> str:
    return f"/chars/gaiji/{quote(code_system)}/{quote(code)}"


def _detail(
    request: Request, p: Principal, code_system: str, code: str, errors: list[FieldError] | None = None,
    form: dict[str, str] | None = None, done: str = "",
) -> Response:  # fmt: skip
    try:
        with app_db(request).uow(p.ctx) as uow:
            e = queries.entry(uow, code_system, code)
            found = queries.candidates(uow, code_system, code)
            hist = queries.history(uow, code_system, code)
            uow.commit()
    except DomainError as exc:  # rendered after the unit of work is closed (SQLite's write lock)
        ctx: dict[str, Any] = {"title": "外字の同定", "messages": [exc.message], "nav": "gaiji"}
        return _page(request, "error.html", ctx, p, exc.status)
    ctx = {"title": f"外字の同定 {code_system}:{code}", "e": e, "candidates": found, "history": hist,
           "errors": errors or [], "form": form or {}, "done": done, "nav": "gaiji"}  # fmt: skip
    return _page(request, "gaiji_detail.html", ctx, p, status=422 if errors else 200)


def router() -> APIRouter:
    r = APIRouter(prefix="/chars", include_in_schema=False)

    @r.get("/gaiji", response_class=HTMLResponse)
    def gaiji_list(request: Request, p: Read, code_system: str = "", show: str = "unmapped") -> Response:
        with app_db(request).uow(p.ctx) as uow:
            entries = queries.list_codes(
                uow, code_system=code_system or None, unmapped_only=show != "all", usages_per_code=5
            )
            uow.commit()
        ctx = {
            "title": "外字の同定",
            "entries": entries,
            "code_system": code_system,
            "show": show,
            "nav": "gaiji",
        }
        return _page(request, "gaiji_list.html", ctx, p)

    @r.get("/gaiji/{code_system}/{code}", response_class=HTMLResponse)
    def gaiji_detail(request: Request, p: Read, code_system: str, code: str, done: str = "") -> Response:
        return _detail(request, p, code_system, code, done=done)

    @r.post("/gaiji/{code_system}/{code}/confirm", response_class=HTMLResponse)
    def gaiji_confirm(
        request: Request, p: Write, code_system: str, code: str,
        choice: Annotated[str, Form(max_length=20)] = "", text: Annotated[str, Form(max_length=100)] = "",
        basis: Annotated[str, Form(max_length=200)] = "", note: Annotated[str, Form(max_length=400)] = "",
    ) -> Response:  # fmt: skip
        form = {"choice": choice, "text": text, "note": note}
        value = text.strip()
        try:
            if value.upper().startswith("U+"):
                value = parse_code_points(value)
        except ValueError:
            return _detail(
                request,
                p,
                code_system,
                code,
                [FieldError("同定文字", "符号位置の書き方が正しくありません")],
                form,
            )
        try:
            with app_db(request).uow(p.ctx) as uow:
                # typed text wins over the radio choice
                store.confirm(uow, code_system, code, value or None, mj_name=None if value else (choice or None),
                              basis="画面で手入力" if value else (basis or "画面で候補から選択"), note=note)  # fmt: skip
                uow.commit()
        except DomainError as exc:
            return _detail(
                request, p, code_system, code, list(exc.errors) or [FieldError("", exc.message)], form
            )
        return RedirectResponse(_detail_url(code_system, code) + "?done=confirm", status_code=303)

    @r.post("/gaiji/{code_system}/{code}/withdraw", response_class=HTMLResponse)
    def gaiji_withdraw(
        request: Request,
        p: Write,
        code_system: str,
        code: str,
        note: Annotated[str, Form(max_length=400)] = "",
    ) -> Response:
        try:
            with app_db(request).uow(p.ctx) as uow:
                store.withdraw(uow, code_system, code, note=note)
                uow.commit()
        except DomainError as exc:
            return _detail(request, p, code_system, code, list(exc.errors) or [FieldError("", exc.message)])
        return RedirectResponse(_detail_url(code_system, code) + "?done=withdraw", status_code=303)

    @r.get("/check", response_class=HTMLResponse)
    def check_page(request: Request, p: View, text: Annotated[str, Query(max_length=200)] = "") -> Response:
        infos = describe(text) if text else []
        ctx = {"title": "文字の確認", "text": text, "infos": infos, "nav": "check"}
        return _page(request, "check.html", ctx, p)

    @r.get("/glyph/{hexes}.png")
    def glyph(p: View, hexes: str) -> Response:
        try:
            sequence = parse_code_points(hexes)
        except (ValueError, OverflowError):
            return Response(status_code=404)
        png = glyph_png(sequence)
        if png is None:
            return Response(status_code=404)
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})

    @r.get("/characters.css")
    def stylesheet(p: View) -> Response:
        return Response(CSS, media_type="text/css", headers={"Cache-Control": "private, max-age=3600"})

    return r
