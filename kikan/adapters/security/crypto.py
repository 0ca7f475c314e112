"""個人番号 (My Number) at rest: AES-256-GCM encryption, lookup hashes and masking.

Legal basis: 行政手続における特定の個人を識別するための番号の利用等に関する法律 (番号法) 第12条
(安全管理措置) and the 特定個人情報の適正な取扱いに関するガイドライン (行政機関等編) — 個人番号 is
stored only encrypted; uniqueness is checked through a keyed hash (HMAC-SHA256) so the clear value
never has to be decrypted for a comparison; screens show it masked unless the actor may see it.

Key material
------------
``KIKAN_MYNUMBER_KEY``       ``base64(32 bytes)`` or a key ring ``kid1:base64,kid2:base64`` —
                             the FIRST key is current (used to encrypt and for lookup hashes), the
                             others only decrypt older tokens (rotation).
``KIKAN_MYNUMBER_KEY_FILE``  path of a file holding the same text.
neither                      development only: ``var/mynumber.key`` is created (mode 0600) or read,
                             and a warning is logged — production MUST set a key.

Token format: ``kid:base64(nonce(12) + ciphertext + tag(16))``; the kid is authenticated as AAD.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

log = logging.getLogger("kikan.security.crypto")

ENV_KEY = "KIKAN_MYNUMBER_KEY"
ENV_KEY_FILE = "KIKAN_MYNUMBER_KEY_FILE"
DEV_KEY_PATH = Path("var") / "mynumber.key"
DEFAULT_KID = "k1"
MASK = "*" * 12
_NONCE_BYTES = 12
_LOOKUP_INFO = b"kikan/mynumber/lookup-hash/v1"


class CipherError(Exception):
    """Key configuration problem or a token that cannot be decrypted (tampered / unknown key).

    Not a user error: it means corrupted data or a misconfigured deployment.
    """


def generate_key() -> str:
    """A fresh key as base64 text (32 random bytes), for ``KIKAN_MYNUMBER_KEY``."""
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def parse_key_ring(text: str) -> tuple[str, dict[str, bytes]]:
    """Parse ``base64`` or ``kid1:base64,kid2:base64`` → (current kid, {kid: key})."""
    ring: dict[str, bytes] = {}
    current = ""
    for part in (p.strip() for p in text.replace("\n", ",").split(",")):
        if not part:
            continue
        kid, sep, b64 = part.partition(":")
        if not sep:
            kid, b64 = DEFAULT_KID, part
        kid = kid.strip()
        try:
            key = base64.b64decode(b64.strip(), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise CipherError(f"個人番号暗号鍵 {kid} が base64 ではありません") from exc
        if len(key) != 32:
            raise CipherError(f"個人番号暗号鍵 {kid} は32バイトでなければなりません（{len(key)}バイト）")
        if not kid or kid in ring:
            raise CipherError(f"個人番号暗号鍵の鍵ID「{kid}」が空または重複しています")
        ring[kid] = key
        current = current or kid
    if not ring:
        raise CipherError("個人番号暗号鍵が設定されていません")
    return current, ring


@dataclass
class MyNumberCipher:
    """Encrypts, decrypts, hashes and masks 個人番号. Thread-safe; build once per process."""

    current_kid: str
    keys: dict[str, bytes]
    _aead: dict[str, AESGCM] = field(init=False, repr=False)
    _macs: dict[str, hmac.HMAC] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.current_kid not in self.keys:
            raise CipherError(f"現行の鍵ID「{self.current_kid}」が鍵リングにありません")
        self._aead = {kid: AESGCM(key) for kid, key in self.keys.items()}
        self._macs = {
            kid: hmac.new(_lookup_key(key), digestmod=hashlib.sha256) for kid, key in self.keys.items()
        }

    # -- construction ---------------------------------------------------------------
    @classmethod
    def from_text(cls, text: str) -> MyNumberCipher:
        current, ring = parse_key_ring(text)
        return cls(current, ring)

    @classmethod
    def from_settings(cls, dev_key_path: Path | None = None) -> MyNumberCipher:
        """Key from ``KIKAN_MYNUMBER_KEY`` / ``KIKAN_MYNUMBER_KEY_FILE`` / the development key file."""
        text = os.environ.get(ENV_KEY, "").strip()
        if text:
            return cls.from_text(text)
        key_file = os.environ.get(ENV_KEY_FILE, "").strip()
        if key_file:
            try:
                return cls.from_text(Path(key_file).read_text(encoding="ascii"))
            except OSError as exc:
                raise CipherError(f"個人番号暗号鍵ファイル {key_file} を読めません: {exc}") from exc
        path = dev_key_path or DEV_KEY_PATH
        log.warning(
            "KIKAN_MYNUMBER_KEY / KIKAN_MYNUMBER_KEY_FILE are not set: using the development key file %s. "
            "Production MUST set a key.",
            path,
        )
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process created it first: use theirs
                pass
            else:
                with os.fdopen(fd, "w", encoding="ascii") as fh:
                    fh.write(f"dev1:{generate_key()}\n")
        return cls.from_text(path.read_text(encoding="ascii"))

    # -- operations -----------------------------------------------------------------
    def encrypt(self, number: str) -> str:
        """``kid:base64(nonce+ciphertext)`` with a fresh random 96-bit nonce (AES-256-GCM)."""
        kid = self.current_kid
        nonce = os.urandom(_NONCE_BYTES)
        ct = self._aead[kid].encrypt(nonce, number.encode("utf-8"), kid.encode("utf-8"))
        return f"{kid}:{base64.b64encode(nonce + ct).decode('ascii')}"

    def decrypt(self, token: str) -> str:
        kid, sep, b64 = token.partition(":")
        aead = self._aead.get(kid)
        if not sep or aead is None:
            raise CipherError(f"個人番号の暗号文の鍵ID「{kid}」が鍵リングにありません")
        try:
            raw = base64.b64decode(b64, validate=True)
            clear = aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], kid.encode("utf-8"))
        except (binascii.Error, ValueError, InvalidTag) as exc:
            raise CipherError("個人番号の暗号文を復号できません（改ざんまたは鍵の不一致）") from exc
        return clear.decode("utf-8")

    def lookup_hash(self, number: str) -> str:
        """HMAC-SHA256 (hex) keyed from the current key: equal numbers → equal hashes, per key.

        After a key rotation the stored hashes must be recomputed (see ``lookup_hash_candidates``).
        """
        return self._hash_with(self.current_kid, number)

    def lookup_hash_candidates(self, number: str) -> list[str]:
        """The hash under every key of the ring, current first — for lookups during a rotation."""
        return [self._hash_with(kid, number) for kid in self.keys]

    def needs_reencryption(self, token: str) -> bool:
        return not token.startswith(self.current_kid + ":")

    def _hash_with(self, kid: str, number: str) -> str:
        mac = self._macs[kid].copy()
        mac.update(number.encode("utf-8"))
        return mac.hexdigest()

    @staticmethod
    def mask(number: str | None = None) -> str:
        """Masked display: always twelve ``*`` (never reveals length or digits)."""
        return MASK


def _lookup_key(key: bytes) -> bytes:
    """Separate HMAC key derived from the encryption key (HKDF-SHA256), never the AES key itself."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_LOOKUP_INFO).derive(key)


_cached: MyNumberCipher | None = None


def get_cipher() -> MyNumberCipher:
    """Process-wide cipher built from the settings on first use."""
    global _cached
    if _cached is None:
        _cached = MyNumberCipher.from_settings()
    return _cached


def reset_cipher() -> None:
    """Forget the cached cipher (tests, key rotation)."""
    global _cached
    _cached = None
