"""Issuing and reading the JWTs of a login session: claims, lifetimes and the session cap."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, Token
from rest_framework_simplejwt.utils import datetime_from_epoch, datetime_to_epoch

SESSION_ID_CLAIM = "sid"
USERNAME_CLAIM = "username"


class SessionTokenMixin:
    """A token that names its login session in the ``sid`` claim."""

    def verify(self) -> None:
        super().verify()
        try:
            uuid.UUID(str(self.payload[SESSION_ID_CLAIM]))
        except (KeyError, ValueError) as exc:
            raise TokenError("Token has no session") from exc

    @property
    def session_id(self) -> uuid.UUID:
        return uuid.UUID(str(self.payload[SESSION_ID_CLAIM]))

    @property
    def jti(self) -> str:
        return self.payload[api_settings.JTI_CLAIM]

    @property
    def expires_at(self) -> datetime:
        return datetime_from_epoch(self.payload["exp"])


class SessionAccessToken(SessionTokenMixin, AccessToken):
    pass


class SessionRefreshToken(SessionTokenMixin, Token):
    """A refresh token of a login session.

    Unlike SimpleJWT's ``RefreshToken`` it does not query the blacklist when it
    is read: the session's ``current_refresh`` alone says whether it may be used.
    """

    token_type = "refresh"
    lifetime = api_settings.REFRESH_TOKEN_LIFETIME


@dataclass(frozen=True)
class TokenPair:
    access: SessionAccessToken
    refresh: SessionRefreshToken

    def as_strings(self) -> dict[str, str]:
        return {"access": str(self.access), "refresh": str(self.refresh)}


def _issue(token_class, *, claims: dict, now: datetime, lifetime, not_after: datetime):
    token = token_class()
    token.payload.update(claims)
    token.set_iat(at_time=now)
    token.payload["exp"] = datetime_to_epoch(min(now + lifetime, not_after))
    return token


def token_pair_issue(
    *, user, session_id: uuid.UUID, now: datetime, not_after: datetime
) -> TokenPair:
    """Sign a new access and refresh token for a session; neither outlives ``not_after``."""
    claims = {
        api_settings.USER_ID_CLAIM: str(user.pk),
        USERNAME_CLAIM: user.get_username(),
        SESSION_ID_CLAIM: str(session_id),
    }
    return TokenPair(
        access=_issue(
            SessionAccessToken,
            claims=claims,
            now=now,
            lifetime=settings.ACCESS_TOKEN_LIFETIME,
            not_after=not_after,
        ),
        refresh=_issue(
            SessionRefreshToken,
            claims=claims,
            now=now,
            lifetime=settings.REFRESH_TOKEN_LIFETIME,
            not_after=not_after,
        ),
    )


def refresh_token_read(raw: str) -> SessionRefreshToken:
    """Check a refresh token's signature, expiry, type and claims, without the database."""
    try:
        return SessionRefreshToken(raw)
    except TokenError as exc:
        raise InvalidToken("Token is invalid or expired") from exc


def access_token_read(raw: str | bytes) -> SessionAccessToken:
    try:
        return SessionAccessToken(raw)
    except TokenError as exc:
        raise InvalidToken("Token is invalid or expired") from exc


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
