"""Client secrets at rest: AES-256-GCM with a dedicated key (not the 個人番号 key).

``client_secret_jwt`` signs the client assertion with HMAC-SHA256 keyed by the client secret, so
the server must be able to recompute the MAC: the secret cannot be stored as a one-way hash. It is
stored encrypted; the client_id is authenticated as associated data, so a ciphertext copied onto
another client's row does not decrypt.

Key material (same format as the 個人番号 key, ``kikan.adapters.security.crypto``):

``KIKAN_LINKAGE_KEY``       ``base64(32 bytes)`` or ``kid1:base64,kid2:base64`` (first = current)
``KIKAN_LINKAGE_KEY_FILE``  a file holding the same text
neither                     development only: ``var/linkage.key`` is created (0600) and a warning logged

Token format: ``kid:base64(nonce(12) + ciphertext + tag)``.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kikan.adapters.security.crypto import CipherError, generate_key, parse_key_ring

log = logging.getLogger("kikan.linkage.keys")

ENV_KEY = "KIKAN_LINKAGE_KEY"
ENV_KEY_FILE = "KIKAN_LINKAGE_KEY_FILE"
DEV_KEY_PATH = Path("var") / "linkage.key"


class SecretBox:
    def __init__(self, text: str):
        self.current, ring = parse_key_ring(text)
        self._aead = {kid: AESGCM(key) for kid, key in ring.items()}

    def encrypt(self, secret: str, client_id: str) -> str:
        nonce = os.urandom(12)
        ct = self._aead[self.current].encrypt(nonce, secret.encode(), f"{self.current}|{client_id}".encode())
        return f"{self.current}:{base64.b64encode(nonce + ct).decode('ascii')}"

    def decrypt(self, token: str, client_id: str) -> str:
        kid, sep, b64 = token.partition(":")
        aead = self._aead.get(kid)
        if not sep or aead is None:
            raise CipherError(f"クライアントシークレットの鍵ID「{kid}」が鍵リングにありません")
        try:
            raw = base64.b64decode(b64, validate=True)
            return aead.decrypt(raw[:12], raw[12:], f"{kid}|{client_id}".encode()).decode()
        except (binascii.Error, ValueError, InvalidTag) as exc:
            raise CipherError("クライアントシークレットを復号できません（改ざんまたは鍵の不一致）") from exc


def new_secret() -> str:
    """256 random bits, URL-safe (43 characters): the HS256 key the client signs with."""
    return secrets.token_urlsafe(32)


_box: SecretBox | None = None


def box() -> SecretBox:
    global _box
    if _box is None:
        _box = SecretBox(_key_text())
    return _box


def reset() -> None:
    global _box
    _box = None


def _key_text() -> str:
    text = os.environ.get(ENV_KEY, "").strip()
    if text:
        return text
    key_file = os.environ.get(ENV_KEY_FILE, "").strip()
    if key_file:
        try:
            return Path(key_file).read_text(encoding="ascii")
        except OSError as exc:
            raise CipherError(f"連携鍵ファイル {key_file} を読めません: {exc}") from exc
    log.warning(
        "KIKAN_LINKAGE_KEY is not set: using the development key file %s. Production MUST set a key.",
        DEV_KEY_PATH,
    )
    if not DEV_KEY_PATH.exists():
        DEV_KEY_PATH.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(DEV_KEY_PATH, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(f"dev1:{generate_key()}\n")
    return DEV_KEY_PATH.read_text(encoding="ascii")
