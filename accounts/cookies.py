"""The auth cookies: the only place their names and attributes live."""

from django.conf import settings
from django.utils.cache import patch_cache_control

from accounts.tokens import TokenPair

ACCESS_COOKIE = "access_token"
REFRESH_COOKIE = "refresh_token"
ACCESS_COOKIE_PATH = "/"
# The refresh token travels only to the endpoints that use it.
REFRESH_COOKIE_PATH = "/api/auth/"


def _set(response, name: str, value: str, *, path: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        domain=settings.AUTH_COOKIE_DOMAIN,
        secure=settings.AUTH_COOKIE_SECURE,
        httponly=True,
        samesite=settings.AUTH_COOKIE_SAMESITE,
    )
    patch_cache_control(response, no_store=True)


def set_auth_cookies(response, pair: TokenPair) -> None:
    """Each cookie lives exactly as long as its token."""
    for name, token, path in (
        (ACCESS_COOKIE, pair.access, ACCESS_COOKIE_PATH),
        (REFRESH_COOKIE, pair.refresh, REFRESH_COOKIE_PATH),
    ):
        max_age = token.payload["exp"] - token.payload["iat"]
        _set(response, name, str(token), path=path, max_age=max_age)


def clear_auth_cookies(response) -> None:
    _set(response, ACCESS_COOKIE, "", path=ACCESS_COOKIE_PATH, max_age=0)
    _set(response, REFRESH_COOKIE, "", path=REFRESH_COOKIE_PATH, max_age=0)
