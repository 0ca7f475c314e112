"""Rendering helpers shared by the 宛名 and EUC screens (和暦 dates, labels, errors)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from kikan.adapters.api.deps import Principal
from kikan.adapters.web.formatting import wareki
from kikan.adapters.web.views import render
from kikan.addressee.model import KINDS, LABELS, SOURCE_LABELS
from kikan.core.errors import DomainError, FieldError

SEX = {"1": "男", "2": "女"}
BUSINESS_LABELS = {"juki": "住民記録", "non_resident": "住登外者宛名番号"}


HELPERS: dict[str, Any] = {"wareki": wareki, "SEX": SEX, "KINDS": KINDS, "LABELS": LABELS,
                           "SOURCE_LABELS": SOURCE_LABELS, "BUSINESS_LABELS": BUSINESS_LABELS}  # fmt: skip


def page(request: Request, name: str, ctx: dict[str, Any], p: Principal, status: int = 200) -> Response:
    return render(request, name, {**HELPERS, **ctx}, p, status=status)


def errors_of(exc: DomainError) -> list[FieldError]:
    return list(exc.errors) or [FieldError("", exc.message)]


def form_values(form: FormData, names: tuple[str, ...]) -> dict[str, str]:
    return {k: str(form.get(k) or "").strip() for k in names}
