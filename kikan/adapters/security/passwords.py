"""Staff passwords: Argon2id (argon2-cffi defaults follow RFC 9106's recommended profile)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_LENGTH = 10


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise ValueError(f"パスワードは{MIN_LENGTH}文字以上にしてください")
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Verified against on unknown logins so that timing does not reveal which logins exist.
DUMMY_HASH = _hasher.hash("not-a-real-password-0")
