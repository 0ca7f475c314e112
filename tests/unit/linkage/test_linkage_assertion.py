"""Client assertion claims (RFC 7523 §3): audience, lifetime, clock skew, iss = sub, jti."""

from __future__ import annotations

import pytest

from kikan.linkage.assertion import AssertionInvalid, check_claims

NOW = 1_700_000_000
AUD = "https://kikan.example/api/v1/linkage/token"


def claims(**kw):
    c = {"iss": "c1", "sub": "c1", "aud": AUD, "iat": NOW, "exp": NOW + 60, "jti": "j1"}
    c.update(kw)
    return {k: v for k, v in c.items() if v is not None}


def test_valid():
    v = check_claims(claims(), audiences=[AUD], now=NOW)
    assert (v.client_id, v.jti, v.exp) == ("c1", "j1", NOW + 60)
    assert check_claims(claims(aud=["other", AUD]), audiences=[AUD], now=NOW).client_id == "c1"


def test_clock_skew_of_sixty_seconds_is_tolerated():
    check_claims(claims(iat=NOW + 59, exp=NOW + 119), audiences=[AUD], now=NOW)
    check_claims(claims(iat=NOW - 100, exp=NOW - 59), audiences=[AUD], now=NOW)


@pytest.mark.parametrize(
    "kw, reason",
    [
        ({"aud": "https://evil/token"}, "wrong_audience"),
        ({"aud": None}, "wrong_audience"),
        ({"aud": [1, 2]}, "wrong_audience"),
        ({"exp": NOW - 61, "iat": NOW - 120}, "expired"),
        ({"exp": NOW + 361}, "exp_too_far"),
        ({"iat": NOW + 61, "exp": NOW + 120}, "iat_future"),
        ({"iat": NOW - 400, "exp": NOW + 10}, "iat_too_old"),
        ({"iat": NOW, "exp": NOW}, "exp_before_iat"),
        ({"nbf": NOW + 120}, "not_yet_valid"),
        ({"sub": "c2"}, "iss_sub_mismatch"),
        ({"iss": None}, "iss_missing"),
        ({"jti": None}, "jti_missing"),
        ({"jti": "x" * 201}, "jti_missing"),
        ({"exp": "soon"}, "exp_missing"),
        ({"iat": True}, "iat_missing"),
    ],
)
def test_refused(kw, reason):
    with pytest.raises(AssertionInvalid) as e:
        check_claims(claims(**kw), audiences=[AUD], now=NOW)
    assert e.value.reason == reason and e.value.message
