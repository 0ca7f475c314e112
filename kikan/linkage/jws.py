"""HS256 JWS compact serialisation (RFC 7515/7519) — just what ``client_secret_jwt`` needs.

Written on the standard library on purpose: the only algorithm accepted is ``HS256`` (no
``none``, no asymmetric algorithms, so no algorithm-confusion attack is possible), the MAC is
compared in constant time, and nothing else (no ``jku``/``x5u`` fetching, no ``crit``
extensions) is supported. ``authlib.jose`` is deprecated in the installed Authlib and is not a
declared dependency; the unit tests cross-check this module against ``joserfc``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from typing import Any

ALG = "HS256"
MAX_TOKEN_LENGTH = 8192


class JWSError(Exception):
    """The token is not a well-formed, correctly signed HS256 JWS; the message is Japanese."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def b64url_decode(text: str) -> bytes:
    if not text or any(
        c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" for c in text
    ):
        raise JWSError("JWTの base64url 符号化が正しくありません")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise JWSError("JWTの base64url 符号化が正しくありません") from None


def _json(segment: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(b64url_decode(segment))
    except (ValueError, UnicodeDecodeError):
        raise JWSError(f"JWTの{what}が JSON ではありません") from None
    if not isinstance(value, dict):
        raise JWSError(f"JWTの{what}が JSON オブジェクトではありません")
    return value


def _mac(key: bytes, signing_input: bytes) -> bytes:
    return hmac.new(key, signing_input, hashlib.sha256).digest()


def sign_hs256(claims: Mapping[str, Any], key: bytes, headers: Mapping[str, Any] | None = None) -> str:
    header = {"alg": ALG, "typ": "JWT", **dict(headers or {})}
    h = b64url(json.dumps(header, separators=(",", ":")).encode())
    p = b64url(json.dumps(dict(claims), separators=(",", ":")).encode())
    return f"{h}.{p}.{b64url(_mac(key, f'{h}.{p}'.encode()))}"


def split(token: str) -> tuple[dict[str, Any], dict[str, Any], str, str]:
    """(header, claims, signing input, signature segment) — NOT verified."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        raise JWSError("JWTが長すぎるか文字列ではありません")
    parts = token.split(".")
    if len(parts) != 3:
        raise JWSError("JWTの形式（header.payload.signature）ではありません")
    header = _json(parts[0], "ヘッダ")
    claims = _json(parts[1], "クレーム")
    return header, claims, f"{parts[0]}.{parts[1]}", parts[2]


def verify_hs256(token: str, keys: Sequence[bytes]) -> tuple[dict[str, Any], int]:
    """The verified claims and the index of the key that verified them.

    Tries each key (current secret, then the previous one during a rotation grace period).
    """
    header, claims, signing_input, sig = split(token)
    if header.get("alg") != ALG:
        raise JWSError(f"署名アルゴリズム {header.get('alg')!r} は使えません（HS256 のみ）")
    if "crit" in header:
        raise JWSError("crit ヘッダには対応していません")
    signature = b64url_decode(sig)
    for i, key in enumerate(keys):
        if hmac.compare_digest(_mac(key, signing_input.encode()), signature):
            return claims, i
    raise JWSError("JWTの署名がクライアントシークレットと一致しません")
