"""受付番号 (receipt number) and 確認コード (the secret for the status check).

受付番号: 9 digits of a gap-free per-tenant sequence and one Damm check digit — 10 digits, read
over the phone or typed from a printout. The Damm algorithm (H. M. Damm, 2004) detects every
single-digit error and every transposition of adjacent digits, with a decimal check digit
(Modulus 11 schemes need an 11th symbol or lose detection when the remainder is 10).

確認コード: 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown once at
submission as ``ABCD-EFGH``. Only its hash is stored.
"""

from __future__ import annotations

import re

# The weakly totally anti-symmetric quasigroup of order 10 from Damm's thesis.
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)
SEQUENCE_DIGITS = 9
SECRET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SECRET_LENGTH = 8
_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def damm_digit(digits: str) -> str:
    interim = 0
    for ch in digits:
        interim = _DAMM[interim][int(ch)]
    return str(interim)


def make_receipt_no(seq: int) -> str:
    if not 1 <= seq < 10**SEQUENCE_DIGITS:
        raise ValueError(f"receipt sequence out of range: {seq}")
    base = f"{seq:0{SEQUENCE_DIGITS}d}"
    return base + damm_digit(base)


def is_valid_receipt_no(value: str) -> bool:
    return bool(re.fullmatch(r"\d{10}", value)) and damm_digit(value) == "0"


def parse_receipt_no(text: str) -> str | None:
    """A receipt number as typed (spaces, hyphens, full-width digits allowed) or None."""
    value = re.sub(r"[\s\-‐－ー]", "", text.translate(_WIDTH))
    return value if is_valid_receipt_no(value) else None


def format_receipt_no(value: str) -> str:
    """``0000000123`` → ``00000-00123`` for reading aloud."""
    return f"{value[:5]}-{value[5:]}" if len(value) == 10 else value


def secret_from_bytes(raw: bytes) -> str:
    """A 確認コード from (at least 8) random or derived bytes; ~39 bits."""
    if len(raw) < SECRET_LENGTH:
        raise ValueError("need 8 bytes")
    return "".join(SECRET_ALPHABET[b % len(SECRET_ALPHABET)] for b in raw[:SECRET_LENGTH])


def format_secret(secret: str) -> str:
    return f"{secret[:4]}-{secret[4:]}"


def parse_secret(text: str) -> str:
    """The code as typed: case, spaces and hyphens do not matter."""
    return re.sub(r"[\s\-‐－]", "", text).upper()[:SECRET_LENGTH * 2]
