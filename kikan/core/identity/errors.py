"""The one error type raised by identifier validation."""

from __future__ import annotations

from typing import Literal

Reason = Literal["missing", "full_width", "format", "length", "check_digit", "range", "prefecture"]


class IdentifierError(ValueError):
    """An identifier a user typed (or a file carried) is malformed.

    ``field`` is the Japanese name of the identifier (e.g. ``個人番号``), ``reason`` a stable code the API
    can return as structured data, and the message is Japanese text fit for a form.  Messages never
    contain the offending value itself: 個人番号 and 住民票コード must not leak into logs (番号法第19条・
    第20条 restrict providing and collecting 個人番号; 住民基本台帳法 restricts the use of 住民票コード).
    """

    def __init__(self, field: str, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.reason: Reason = reason
        self.message = message
