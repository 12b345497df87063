"""Issuing and reading the JWTs of a login session: claims, keys, lifetimes and the session cap.

Tokens are HS256, signed with AUTH_JWT_SIGNING_KEY and verified with it or with
one of AUTH_JWT_SIGNING_KEY_FALLBACKS, the key being chosen by the token's
``kid`` header (a fingerprint of the key, never the key); a token that names no
known key is refused without trying any. Every token carries ``iss`` and
``aud``, and both are checked on every read (RFC 8725).
"""

import hashlib
import hmac
import json
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import jwt
from django.conf import settings
from jwt.algorithms import HMACAlgorithm
from jwt.utils import base64url_decode, base64url_encode
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, Token
from rest_framework_simplejwt.utils import datetime_from_epoch, datetime_to_epoch

from accounts.errors import TokenInvalid

SESSION_ID_CLAIM = "sid"
USERNAME_CLAIM = "username"
# When and how the user last proved who they are (OpenID Connect's names for them).
AUTH_TIME_CLAIM = "auth_time"
AMR_CLAIM = "amr"
ALGORITHM = "HS256"
# A jti starts with its session's id (32 hex digits), so that a rotated token
# still names the session it belonged to (the admin links the two).
JTI_SESSION_PREFIX_LENGTH = 32
_REQUIRED_CLAIMS = ["exp", "iat", "jti", "iss", "aud", "token_type", SESSION_ID_CLAIM]


_BASE64URL = re.compile(rb"[A-Za-z0-9_-]*")


class _JWS(jwt.PyJWS):
    """PyJWT's JWS with its strict base64url check made by a compiled pattern.

    PyJWT refuses non-alphabet and non-canonical segments (GHSA-hxm8-2xgr-2p9m)
    by testing each character in a Python loop: a tenth of an authenticated
    request. The rule here is the same, in C; tests/test_tokens.py holds the two
    to each other.
    """

    @staticmethod
    def _decode_base64url_segment(segment: bytes, name: str) -> bytes:
        stripped = segment.rstrip(b"=")
        padding = len(segment) - len(stripped)
        if (
            padding > 2
            or (padding and len(segment) % 4 != 0)
            or len(stripped) % 4 == 1
            or not _BASE64URL.fullmatch(stripped)
        ):
            raise jwt.DecodeError(f"Invalid {name} padding")
        decoded = base64url_decode(stripped)
        if base64url_encode(decoded) != stripped:
            raise jwt.DecodeError(f"Invalid {name} padding")
        return decoded


class _HMAC(HMACAlgorithm):
    """PyJWT's HMAC, which refuses a key that looks like a PEM, SSH or DER public key: a
    check of regular expressions that PyJWT repeats on every token, here once per key."""

    @lru_cache(maxsize=16)  # noqa: B019 - the keys are few and live for the process
    def prepare_key(self, key: str | bytes) -> bytes:
        return super().prepare_key(key)


class _JWT(jwt.PyJWT):
    def __init__(self):
        super().__init__()
        self._jws = _JWS(options=self._get_sig_options())
        self._jws.unregister_algorithm(ALGORITHM)
        self._jws.register_algorithm(ALGORITHM, _HMAC(HMACAlgorithm.SHA256))


_jwt = _JWT()


def _unverified_kid(token: str | bytes):
    """The ``kid`` of a token's header, decoding the header alone (PyJWT's
    ``get_unverified_header`` decodes the whole token, which ``decode`` then does again)."""
    if isinstance(token, str):
        token = token.encode("utf-8", "surrogatepass")
    try:
        header = json.loads(_JWS._decode_base64url_segment(token.partition(b".")[0], "header"))
    except (ValueError, jwt.DecodeError):
        return None
    return header.get("kid") if isinstance(header, dict) else None


def key_id(key: str) -> str:
    """The ``kid`` of a signing key: a fingerprint that names it without revealing it."""
    return hmac.new(key.encode(), b"accounts.tokens.kid", hashlib.sha256).hexdigest()[:16]


class KeyRingTokenBackend(TokenBackend):
    """SimpleJWT's backend with one signing key, older keys that still verify, and ``kid``."""

    def __init__(self, *, signing_key: str, fallback_keys: tuple[str, ...], issuer, audience):
        super().__init__(ALGORITHM, signing_key, audience=audience, issuer=issuer)
        self.signing_kid = key_id(signing_key)
        self.keys = {key_id(key): key for key in (*fallback_keys, signing_key)}

    def encode(self, payload: dict) -> str:
        claims = {**payload, "iss": self.issuer, "aud": self.audience}
        return jwt.encode(
            claims, self.signing_key, algorithm=ALGORITHM, headers={"kid": self.signing_kid}
        )

    def decode(self, token, verify: bool = True) -> dict:
        kid = _unverified_kid(token)
        key = self.keys.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise TokenBackendError("Token is invalid")
        try:
            return _jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": _REQUIRED_CLAIMS, "verify_signature": verify},
            )
        except jwt.InvalidTokenError as exc:
            raise TokenBackendError("Token is invalid") from exc


@lru_cache(maxsize=4)
def _backend(signing_key, fallback_keys, issuer, audience) -> KeyRingTokenBackend:
    return KeyRingTokenBackend(
        signing_key=signing_key, fallback_keys=fallback_keys, issuer=issuer, audience=audience
    )


def token_backend() -> KeyRingTokenBackend:
    """The backend for the keys configured now (read at each use, so a test may change them)."""
    return _backend(
        settings.AUTH_JWT_SIGNING_KEY,
        tuple(settings.AUTH_JWT_SIGNING_KEY_FALLBACKS),
        settings.AUTH_JWT_ISSUER,
        settings.AUTH_JWT_AUDIENCE,
    )


class SessionTokenMixin:
    """A token of a login session: signed by the key ring, naming its session in ``sid``."""

    def get_token_backend(self) -> TokenBackend:
        return token_backend()

    def verify(self) -> None:
        # Signed claims of the wrong type (an exp of "soon", a sid of 42) are a refusal, not
        # a crash somewhere downstream.
        for claim in ("exp", "iat"):
            value = self.payload.get(claim)
            if not isinstance(value, int) or isinstance(value, bool):
                raise TokenError(f"Token claim {claim} is not a whole number")
        try:
            super().verify()
            uuid.UUID(str(self.payload[SESSION_ID_CLAIM]))
        except (KeyError, ValueError, TypeError, OverflowError) as exc:
            raise TokenError("Token is invalid") from exc

    @property
    def session_id(self) -> uuid.UUID:
        return uuid.UUID(str(self.payload[SESSION_ID_CLAIM]))

    @property
    def jti(self) -> str:
        return self.payload[api_settings.JTI_CLAIM]

    @property
    def expires_at(self) -> datetime:
        return datetime_from_epoch(self.payload["exp"])

    @property
    def auth_time(self) -> datetime | None:
        value = self.payload.get(AUTH_TIME_CLAIM)
        return datetime_from_epoch(value) if isinstance(value, int) else None


class SessionAccessToken(SessionTokenMixin, AccessToken):
    @property
    def lifetime(self):
        return settings.ACCESS_TOKEN_LIFETIME


class SessionRefreshToken(SessionTokenMixin, Token):
    """A refresh token of a login session.

    Unlike SimpleJWT's ``RefreshToken`` it does not query the blacklist when it
    is read: the session's ``current_refresh`` alone says whether it may be used.
    """

    token_type = "refresh"

    @property
    def lifetime(self):
        return settings.REFRESH_TOKEN_LIFETIME


@dataclass(frozen=True)
class TokenPair:
    access: SessionAccessToken
    refresh: SessionRefreshToken

    def as_strings(self) -> dict[str, str]:
        return {"access": str(self.access), "refresh": str(self.refresh)}


def _issue(token_class, *, claims: dict, session_id: uuid.UUID, now, not_after):
    token = token_class()
    token.payload.update(claims)
    token.payload[api_settings.JTI_CLAIM] = session_id.hex + secrets.token_hex(16)
    token.set_iat(at_time=now)
    token.payload["exp"] = datetime_to_epoch(min(now + token.lifetime, not_after))
    return token


def token_pair_issue(*, session, now: datetime) -> TokenPair:
    """Sign a new access and refresh token for a session; neither outlives its cap."""
    claims = {
        api_settings.USER_ID_CLAIM: str(session.user.pk),
        USERNAME_CLAIM: session.user.get_username(),
        SESSION_ID_CLAIM: str(session.id),
        AUTH_TIME_CLAIM: datetime_to_epoch(session.auth_time),
        AMR_CLAIM: list(session.amr),
    }
    session_id, not_after = session.id, session.absolute_expiry
    return TokenPair(
        access=_issue(
            SessionAccessToken,
            claims=claims,
            session_id=session_id,
            now=now,
            not_after=not_after,
        ),
        refresh=_issue(
            SessionRefreshToken,
            claims=claims,
            session_id=session_id,
            now=now,
            not_after=not_after,
        ),
    )


def refresh_token_read(raw: str) -> SessionRefreshToken:
    """Check a refresh token's signature, expiry, type and claims, without the database."""
    try:
        return SessionRefreshToken(raw)
    except TokenError as exc:
        raise TokenInvalid() from exc


def access_token_read(raw: str | bytes) -> SessionAccessToken:
    try:
        return SessionAccessToken(raw)
    except TokenError as exc:
        raise TokenInvalid() from exc


def outstanding_token_build(token: SessionRefreshToken, *, user, now: datetime) -> OutstandingToken:
    """The blacklist app's record of an issued refresh token.

    The token itself is not stored: a database reader must not obtain live
    credentials, and the admin has nothing secret to display.
    """
    return OutstandingToken(
        user=user,
        jti=token.jti,
        token="",
        created_at=now,
        expires_at=token.expires_at,
    )
