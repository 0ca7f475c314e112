"""Checks of a ``client_secret_jwt`` client assertion (RFC 7523 §3, OIDC Core §9).

共通機能標準仕様書「庁内データ連携」: system-to-system calls authenticate with a JWT signed with
the client secret (``client_secret_jwt``). The server accepts an assertion when:

- ``iss`` and ``sub`` are both the client_id (RFC 7523 §3 items 1–2);
- ``aud`` is (or contains) the token endpoint URL (§3 item 3);
- ``exp`` is in the future (60 s clock skew allowed) and at most 5 minutes ahead (§3 item 4,
  a short lifetime is what makes the jti store small);
- ``iat`` is not in the future and not older than the maximum lifetime;
- ``nbf``, when present, has passed;
- ``jti`` is present (§3 item 7); its single use is enforced by the caller's replay store,
  which keeps it until ``exp`` + skew.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
CLOCK_SKEW = 60
MAX_LIFETIME = 300
MAX_JTI_LENGTH = 200


class AssertionInvalid(Exception):
    """The assertion is refused; ``reason`` is a stable code for logs, the message Japanese."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class ValidAssertion:
    client_id: str
    jti: str
    exp: int
    iat: int


def _number(claims: Mapping[str, Any], name: str) -> int:
    v = claims.get(name)
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise AssertionInvalid(f"{name}_missing", f"クレーム {name} がないか数値ではありません")
    return int(v)


def client_id_of(claims: Mapping[str, Any]) -> str:
    """The client an (unverified) assertion claims to come from: ``iss`` = ``sub``."""
    iss, sub = claims.get("iss"), claims.get("sub")
    if not isinstance(iss, str) or not iss or not isinstance(sub, str):
        raise AssertionInvalid("iss_missing", "クレーム iss（クライアントID）がありません")
    if iss != sub:
        raise AssertionInvalid(
            "iss_sub_mismatch", "クレーム iss と sub はともにクライアントIDでなければなりません"
        )
    return iss


def check_claims(
    claims: Mapping[str, Any],
    *,
    audiences: Collection[str],
    now: float,
    skew: int = CLOCK_SKEW,
    max_lifetime: int = MAX_LIFETIME,
) -> ValidAssertion:
    client_id = client_id_of(claims)
    aud = claims.get("aud")
    given = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    if not any(isinstance(a, str) and a in audiences for a in given):
        raise AssertionInvalid(
            "wrong_audience",
            f"クレーム aud がトークンエンドポイント（{', '.join(sorted(audiences))}）ではありません",
        )
    exp, iat = _number(claims, "exp"), _number(claims, "iat")
    if exp <= now - skew:
        raise AssertionInvalid("expired", "クライアントアサーションの有効期限（exp）が切れています")
    if exp > now + max_lifetime + skew:
        raise AssertionInvalid(
            "exp_too_far",
            f"クライアントアサーションの有効期限（exp）は{max_lifetime // 60}分以内にしてください",
        )
    if iat > now + skew:
        raise AssertionInvalid("iat_future", "クレーム iat が未来の時刻です（時計を合わせてください）")
    if iat < now - max_lifetime - skew:
        raise AssertionInvalid("iat_too_old", "クライアントアサーションが古すぎます（iat）")
    if exp <= iat:
        raise AssertionInvalid("exp_before_iat", "クレーム exp が iat 以前です")
    if "nbf" in claims and _number(claims, "nbf") > now + skew:
        raise AssertionInvalid("not_yet_valid", "クライアントアサーションはまだ有効ではありません（nbf）")
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti or len(jti) > MAX_JTI_LENGTH:
        raise AssertionInvalid(
            "jti_missing", f"クレーム jti（{MAX_JTI_LENGTH}文字以内の一意な値）がありません"
        )
    return ValidAssertion(client_id, jti, exp, iat)
