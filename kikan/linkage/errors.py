"""Errors of the linkage API. Each is a :class:`DomainError`, so the API answers a clear 4xx.

The token endpoint answers in RFC 6749 §5.2 form instead (``{"error": …, "error_description": …}``),
see :class:`OAuthError`, so that any OAuth client library understands it.
"""

from __future__ import annotations

from kikan.core.errors import DomainError


class InvalidCursor(DomainError):
    """A cursor that is not one of ours, is damaged, belongs to another dataset or is ahead of the feed."""

    status = 400
    code = "invalid_cursor"


class InvalidParameter(DomainError):
    status = 400
    code = "invalid_parameter"


class InvalidToken(DomainError):
    """RFC 6750 §3.1 invalid_token: missing, unknown, expired or revoked access token."""

    status = 401
    code = "invalid_token"


class InsufficientScope(DomainError):
    """RFC 6750 §3.1 insufficient_scope: the token does not cover this dataset."""

    status = 403
    code = "insufficient_scope"


class OAuthError(Exception):
    """An error of the token endpoint (RFC 6749 §5.2); ``status`` 400 or 401."""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}
