"""Secrets the service must read back (TOTP seeds), encrypted at rest with AES-GCM.

The key is derived from DJANGO_SECRET_KEY (HKDF, one key per purpose), so a
copy of the database alone does not give away anyone's second factor.
Decryption also tries SECRET_KEY_FALLBACKS, so the secret key can rotate.
"""

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_NONCE_BYTES = 12


def _key(secret: str, purpose: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"accounts.crypto:{purpose}".encode()
    ).derive(secret.encode())


def encrypt(plaintext: str, *, purpose: str) -> str:
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_key(settings.SECRET_KEY, purpose)).encrypt(nonce, plaintext.encode(), None)
    return base64.b64encode(nonce + sealed).decode()


def decrypt(token: str, *, purpose: str) -> str:
    raw = base64.b64decode(token)
    nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        try:
            return AESGCM(_key(secret, purpose)).decrypt(nonce, sealed, None).decode()
        except InvalidTag:
            continue
    raise ValueError("cannot decrypt: no current or fallback secret key opens it")
