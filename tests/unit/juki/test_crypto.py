"""MyNumberCipher: AES-256-GCM tokens, key ring rotation, lookup hashes, masking."""

from __future__ import annotations

import base64
import logging
import os
import stat

import pytest

from kikan.adapters.security.crypto import (
    ENV_KEY,
    ENV_KEY_FILE,
    MASK,
    CipherError,
    MyNumberCipher,
    generate_key,
    parse_key_ring,
)

NUMBER = "123456789018"


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_KEY, raising=False)
    monkeypatch.delenv(ENV_KEY_FILE, raising=False)


def test_round_trip_and_token_format() -> None:
    c = MyNumberCipher.from_text(generate_key())
    token = c.encrypt(NUMBER)
    kid, _, b64 = token.partition(":")
    assert kid == "k1"
    raw = base64.b64decode(b64)
    assert len(raw) == 12 + len(NUMBER) + 16  # nonce + ciphertext + GCM tag
    assert NUMBER not in token
    assert c.decrypt(token) == NUMBER


def test_random_nonce_gives_different_tokens() -> None:
    c = MyNumberCipher.from_text(generate_key())
    assert c.encrypt(NUMBER) != c.encrypt(NUMBER)


def test_tampered_token_is_refused() -> None:
    c = MyNumberCipher.from_text(generate_key())
    kid, _, b64 = c.encrypt(NUMBER).partition(":")
    raw = bytearray(base64.b64decode(b64))
    raw[-1] ^= 1
    with pytest.raises(CipherError):
        c.decrypt(kid + ":" + base64.b64encode(bytes(raw)).decode())
    with pytest.raises(CipherError):
        c.decrypt("unknown:" + b64)
    with pytest.raises(CipherError):
        c.decrypt("no-separator")


def test_kid_is_authenticated() -> None:
    key = generate_key()
    c = MyNumberCipher.from_text(f"a:{key},b:{key}")
    _, _, b64 = c.encrypt(NUMBER).partition(":")
    with pytest.raises(CipherError):
        c.decrypt("b:" + b64)  # same key, other kid: AAD mismatch


def test_key_ring_rotation() -> None:
    old, new = generate_key(), generate_key()
    before = MyNumberCipher.from_text(f"old:{old}")
    token = before.encrypt(NUMBER)
    after = MyNumberCipher.from_text(f"new:{new},old:{old}")
    assert after.current_kid == "new"
    assert after.decrypt(token) == NUMBER
    assert after.needs_reencryption(token)
    assert after.encrypt(NUMBER).startswith("new:")
    assert before.lookup_hash(NUMBER) in after.lookup_hash_candidates(NUMBER)
    assert after.lookup_hash_candidates(NUMBER)[0] == after.lookup_hash(NUMBER)


def test_lookup_hash_is_deterministic_keyed_and_not_the_number() -> None:
    key = generate_key()
    a, b = MyNumberCipher.from_text(key), MyNumberCipher.from_text(key)
    h = a.lookup_hash(NUMBER)
    assert h == b.lookup_hash(NUMBER)
    assert len(h) == 64 and int(h, 16) >= 0
    assert h != a.lookup_hash("123456789029")
    assert h != MyNumberCipher.from_text(generate_key()).lookup_hash(NUMBER)
    assert NUMBER not in h


def test_mask() -> None:
    assert MyNumberCipher.mask(NUMBER) == "************" == MASK


@pytest.mark.parametrize(
    "text",
    ["", "not base64!!", base64.b64encode(b"short").decode(), f"a:{'A' * 44},a:{'A' * 44}"],
)
def test_bad_key_text(text: str) -> None:
    with pytest.raises(CipherError):
        parse_key_ring(text)


def test_from_settings_env(monkeypatch: pytest.MonkeyPatch) -> None:
    key = generate_key()
    monkeypatch.setenv(ENV_KEY, f"k9:{key}")
    c = MyNumberCipher.from_settings()
    assert c.current_kid == "k9"
    assert MyNumberCipher.from_text(f"k9:{key}").decrypt(c.encrypt(NUMBER)) == NUMBER


def test_from_settings_key_file(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    path = tmp_path / "key"
    path.write_text(f"f1:{generate_key()}\n")
    monkeypatch.setenv(ENV_KEY_FILE, str(path))
    assert MyNumberCipher.from_settings().current_kid == "f1"
    monkeypatch.setenv(ENV_KEY_FILE, str(tmp_path / "missing"))
    with pytest.raises(CipherError):
        MyNumberCipher.from_settings()


def test_development_key_file_created_once(tmp_path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "var" / "mynumber.key"
    with caplog.at_level(logging.WARNING, logger="kikan.security.crypto"):
        first = MyNumberCipher.from_settings(dev_key_path=path)
    assert "Production MUST set a key" in caplog.text
    assert path.exists()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    second = MyNumberCipher.from_settings(dev_key_path=path)
    assert second.decrypt(first.encrypt(NUMBER)) == NUMBER
