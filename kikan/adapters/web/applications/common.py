"""Shared parts of the public and staff application screens."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from kikan.adapters.api.deps import app_db
from kikan.adapters.web.formatting import wareki
from kikan.applications.loader import FormCatalog, catalog

MAX_BODY = 256 * 1024  # a form post larger than this is refused before it is parsed


def apply_today(request: Request) -> date:
    """処理日 (JST) from the database's clock, the same clock that stamps the submission."""
    return app_db(request).clock.today()


def forms_of(request: Request) -> FormCatalog:
    """The form catalogue (``app.state.application_forms`` if a test installed one)."""
    return getattr(request.app.state, "application_forms", None) or catalog()


async def posted(request: Request) -> dict[str, str] | None:
    """The posted form as name → value (last wins); None when the body is too large."""
    try:
        size = int(request.headers.get("content-length") or 0)
    except ValueError:
        size = 0
    if size > MAX_BODY:
        return None
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


HELPERS: dict[str, Any] = {"jst": wareki}  # timestamps in 和暦 and JST (「令和6年4月10日 09:30」)


def html(request: Request, name: str, ctx: dict[str, Any], *, status: int = 200,
         headers: dict[str, str] | None = None) -> Response:  # fmt: skip
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, name, {**HELPERS, **ctx}, status_code=status, headers=headers
    )
