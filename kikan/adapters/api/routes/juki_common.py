"""Shared parts of the resident registry API and staff screens.

- :func:`juki_today`: the 処理日 (JST) as a dependency, so tests can override it.
- :class:`JukiRoute`: a body that fails pydantic validation is re-validated with the
  commands' :func:`~kikan.juki.services.build`, so the 422 names the field in Japanese
  (「1人目の生年月日: 存在しない日付です」) exactly as the services do.
- :func:`open_uow`: the unit of work of the calling staff member.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from kikan.adapters.api.deps import Principal, app_db
from kikan.adapters.db.database import UnitOfWork
from kikan.core.errors import FieldError
from kikan.core.temporal import SystemClock
from kikan.juki.services import build

API_PREFIX = "/api/v1/juki"
TAGS: list[str | Any] = ["juki"]


def juki_today() -> date:
    """処理日: today in JST (標準仕様書 4.0.3). Overridden in tests through ``dependency_overrides``."""
    return SystemClock().today()


Today = Annotated[date, Depends(juki_today)]


class FieldMessage(BaseModel):
    field: str = Field(description="項目名（日本語）", examples=["届出日"])
    message: str = Field(description="内容", examples=["届出期間14日を経過しています"])

    @classmethod
    def of(cls, e: FieldError) -> FieldMessage:
        return cls(field=e.field, message=e.message)


class JukiRoute(APIRoute):
    """An API route whose JSON body errors come back as the commands' Japanese field errors."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        model = _body_model(self)
        if model is None:
            return handler

        async def translated(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                try:
                    data = json.loads(await request.body() or b"null")
                except ValueError:
                    raise exc from None
                build(model, data)  # raises ValidationFailed naming the Japanese field
                raise exc from None  # the body was fine: the error is in a query parameter

        return translated


def _body_model(route: APIRoute) -> type[BaseModel] | None:
    field = route.body_field
    ann = getattr(getattr(field, "field_info", None), "annotation", None)
    return ann if isinstance(ann, type) and issubclass(ann, BaseModel) else None


def open_uow(request: Request, p: Principal) -> UnitOfWork:
    """``with open_uow(request, p) as uow:`` — one transaction in the caller's tenant."""
    return app_db(request).uow(p.ctx)
