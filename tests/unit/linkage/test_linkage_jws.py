"""HS256 JWS: interoperates with joserfc, refuses other algorithms, wrong keys and malformed tokens."""

from __future__ import annotations

import pytest

from kikan.linkage.jws import JWSError, b64url, sign_hs256, split, verify_hs256

KEY = b"k" * 43
CLAIMS = {"iss": "c1", "sub": "c1", "aud": "https://x/token", "exp": 2_000_000_000, "iat": 1, "jti": "a"}


def test_roundtrip_and_key_index():
    t = sign_hs256(CLAIMS, KEY)
    assert verify_hs256(t, [KEY]) == (CLAIMS, 0)
    assert verify_hs256(t, [b"new" * 15, KEY]) == (CLAIMS, 1)  # the previous secret in a grace period


def test_interoperates_with_joserfc():
    from joserfc import jwk, jwt  # an independent implementation (test dependency)

    key = jwk.OctKey.import_key(KEY)
    theirs = jwt.encode({"alg": "HS256"}, CLAIMS, key)
    assert verify_hs256(theirs, [KEY])[0] == CLAIMS
    assert jwt.decode(sign_hs256(CLAIMS, KEY), key, algorithms=["HS256"]).claims == CLAIMS


def test_wrong_key():
    with pytest.raises(JWSError, match="署名"):
        verify_hs256(sign_hs256(CLAIMS, KEY), [b"x" * 43])


@pytest.mark.parametrize("alg", ["none", "HS512", "RS256", None])
def test_only_hs256(alg):
    t = sign_hs256(CLAIMS, KEY, headers={"alg": alg})
    with pytest.raises(JWSError):
        verify_hs256(t, [KEY])


def test_unsigned_token_refused():
    h, p, _ = sign_hs256(CLAIMS, KEY).split(".")
    with pytest.raises(JWSError):
        verify_hs256(f"{h}.{p}.", [KEY])


@pytest.mark.parametrize("token", ["", "a.b", "a.b.c.d", "!!.e30.x", b64url(b"[1]") + "." + b64url(b"{}") + ".x",
                                   b64url(b"{}") + "." + b64url(b"not json") + ".x", "a" * 9000])  # fmt: skip
def test_malformed(token):
    with pytest.raises(JWSError):
        split(token)


def test_crit_refused():
    with pytest.raises(JWSError, match="crit"):
        verify_hs256(sign_hs256(CLAIMS, KEY, headers={"crit": ["exp"]}), [KEY])
