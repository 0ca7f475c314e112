"""Dependencies shared by the registry screens: the posted form, the signed result token."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import FormData

from kikan.adapters.api.deps import app_settings

RESULT_MAX_AGE = 3600


async def posted_form(request: Request) -> FormData:
    """The submitted form (already read, and cached, by the CSRF check of the session)."""
    return await request.form()


def flat(form: FormData) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Single values (last wins) and every multi-value list of a form."""
    values = {k: str(v) for k, v in form.items()}
    lists = {k: [str(x) for x in form.getlist(k)] for k in form}
    return values, lists


def _serializer(request: Request, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(app_settings(request).effective_secret(), salt=salt)


def sign(request: Request, salt: str, data: Any) -> str:
    """A tamper-proof token for the page after a POST (post/redirect/get)."""
    return _serializer(request, salt).dumps(data)


def unsign(request: Request, salt: str, token: str) -> Any | None:
    try:
        return _serializer(request, salt).loads(token, max_age=RESULT_MAX_AGE)
    except BadSignature:
        return None
