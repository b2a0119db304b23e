"""Sealing secrets that must be stored but never in plaintext (DKIM private keys, smarthost
credentials): AES-256-GCM under a key derived from the server secret for that purpose."""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from mailwright.model.errors import ConfigurationError

_NONCE = 12
_VERSION = "v1:"


class Sealer:
    """Encrypts and authenticates small secrets with one purpose key."""

    def __init__(self, key: bytes, purpose: str) -> None:
        self._aead = AESGCM(key)
        self._purpose = purpose.encode()

    def seal(self, plaintext: bytes) -> str:
        """``v1:`` + base64(nonce || ciphertext || tag)."""
        nonce = os.urandom(_NONCE)
        sealed = self._aead.encrypt(nonce, plaintext, self._purpose)
        return _VERSION + base64.b64encode(nonce + sealed).decode("ascii")

    def unseal(self, sealed: str) -> bytes:
        """The plaintext. Raises: ConfigurationError when it was sealed under another secret
        or altered."""
        if not sealed.startswith(_VERSION):
            raise ConfigurationError("A sealed secret has an unknown format.")
        raw = base64.b64decode(sealed[len(_VERSION) :])
        try:
            return self._aead.decrypt(raw[:_NONCE], raw[_NONCE:], self._purpose)
        except InvalidTag:
            raise ConfigurationError(
                "A sealed secret does not open with this server secret (was secret.key replaced?)."
            ) from None
