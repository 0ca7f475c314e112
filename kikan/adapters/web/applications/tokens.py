"""Tokens of the public forms (no session): CSRF double-submit, the idempotency key, the confirm payload.

- CSRF: a random value in a cookie (``kikan_apply``, path ``/apply``, HttpOnly, SameSite=Lax)
  and, in every form, its HMAC with the server secret. A POST must carry both and they must
  match: a forged cross-site form cannot read the cookie, and a cookie planted by a sibling
  domain cannot produce the HMAC (signed double-submit).
- Idempotency key: 128 random bits made when the form is opened; it travels with the form to
  the confirm page and the submission, so a double click or a resubmitted page is recognised.
- Confirm payload: the validated data, signed and timestamped (2 hours), so the submission is
  exactly what the resident saw on the confirm page.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from kikan.adapters.api.deps import app_settings

COOKIE = "kikan_apply"
PAYLOAD_MAX_AGE = 2 * 3600
_KEY = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


def _secret(request: Request) -> str:
    return app_settings(request).effective_secret()


def csrf_for(request: Request, cookie_value: str) -> str:
    return hmac.new(_secret(request).encode(), f"kikan.apply.csrf|{cookie_value}".encode(), hashlib.sha256).hexdigest()


def issue_csrf(request: Request) -> tuple[str, str | None]:
    """(form token, new cookie value or None when the browser already has one)."""
    current = request.cookies.get(COOKIE, "")
    if _KEY.match(current):
        return csrf_for(request, current), None
    value = secrets.token_urlsafe(32)
    return csrf_for(request, value), value


def set_cookie(request: Request, response: Response, value: str | None) -> None:
    if value:
        response.set_cookie(COOKIE, value, path="/apply", httponly=True, samesite="lax",
                            secure=app_settings(request).secure_cookies)  # fmt: skip


def csrf_ok(request: Request, sent: str) -> bool:
    cookie = request.cookies.get(COOKIE, "")
    return bool(cookie and sent) and hmac.compare_digest(sent, csrf_for(request, cookie))


def new_key() -> str:
    return secrets.token_urlsafe(16)


def key_ok(key: str) -> bool:
    return bool(_KEY.match(key or ""))


def _serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_secret(request), salt="kikan.apply.payload")


def sign_payload(request: Request, payload: dict[str, Any]) -> str:
    return _serializer(request).dumps(payload)


def read_payload(request: Request, token: str) -> dict[str, Any] | None:
    try:
        data = _serializer(request).loads(token, max_age=PAYLOAD_MAX_AGE)
    except BadSignature:
        return None
    return data if isinstance(data, dict) else None
