"""Errors a user can cause. Each carries a Japanese message; the API maps them to 4xx."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class DomainError(Exception):
    status = 422
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, errors: list[FieldError] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or ([FieldError(field, message)] if field else [])


class ValidationFailed(DomainError):
    code = "validation_failed"

    def __init__(self, errors: list[FieldError]):
        msg = "；".join(f"{e.field}: {e.message}" for e in errors) or "入力内容に誤りがあります"
        super().__init__(msg, errors=errors)


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    """Another change won (optimistic concurrency) or the state does not allow the command."""

    status = 409
    code = "conflict"


class Blocked(DomainError):
    """A 抑止 or 支援措置 refuses the operation."""

    status = 403
    code = "blocked"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
