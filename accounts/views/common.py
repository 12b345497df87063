"""What every view shares: reading the body and the refresh token, answering with tokens or
cleared cookies, and the session of the request."""

from django.conf import settings
from django.middleware.csrf import rotate_token
from django.utils.translation import gettext
from rest_framework import status
from rest_framework.response import Response

from accounts.authentication import enforce_csrf
from accounts.clients import is_app_client
from accounts.cookies import (
    DEVICE_COOKIE,
    REFRESH_COOKIE,
    clear_auth_cookies,
    set_auth_cookies,
    set_device_cookie,
)
from accounts.errors import TokenRotated
from accounts.schema import (
    CLEARS_AUTH_COOKIES,
    field_errors,
)
from accounts.serializers import MeSerializer, RefreshRequestSerializer
from accounts.services import devices
from accounts.throttling import client_address
from accounts.tokens import TokenPair

NO_REFRESH_TOKEN = field_errors(
    '"no refresh token" (code "no_refresh_token"), or `refresh` is not a string; '
    "the auth cookies are cleared.",
    CLEARS_AUTH_COOKIES,
    codes=("no_refresh_token",),
)


def validated(serializer_class, request):
    """The request's body through a serializer (which may read the request); 400 if invalid."""
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer


def refresh_token_from(request) -> str | None:
    """The refresh cookie if any (a browser credential, so CSRF-checked), else the body's.

    An app client's cookies are ignored: its token comes from the body only.
    """
    cookie = None if is_app_client(request) else request.COOKIES.get(REFRESH_COOKIE)
    if cookie:
        enforce_csrf(request)
        return cookie
    return validated(RefreshRequestSerializer, request).validated_data.get("refresh") or None


def token_response(request, data: dict, pair: TokenPair) -> Response:
    """The answer of a login or refresh: the tokens in cookies, or in the body for an app client."""
    data["access_expires_at"] = pair.access.expires_at
    data["refresh_expires_at"] = pair.refresh.expires_at
    if is_app_client(request):
        data.update(pair.as_strings())
        return Response(data)
    if settings.AUTH_RETURN_TOKENS_IN_BODY:
        data.update(pair.as_strings())
    response = Response(data)
    set_auth_cookies(response, pair)
    return response


def login_response(request, user, pair: TokenPair) -> Response:
    """What every successful login answers (password, second factor or passkey): the user, the
    tokens, and for a browser a fresh CSRF token (the old one may have been seen before) and
    the device cookie; the owner is told of a device the account has not used before."""
    app = is_app_client(request)
    if not app:
        rotate_token(request)
    response = token_response(
        request, {"detail": gettext("login success"), "user": MeSerializer(user).data}, pair
    )
    seen = devices.device_login_record(
        user=user,
        cookie=None if app else request.COOKIES.get(DEVICE_COOKIE),
        keeps_cookies=not app,
        user_agent=request.headers.get("User-Agent", ""),
        ip_address=client_address(request),
    )
    if seen.cookie is not None:
        set_device_cookie(response, seen.cookie)
    return response


def cleared(request, response: Response) -> Response:
    if not is_app_client(request):
        clear_auth_cookies(response)
    return response


def cleared_response(request) -> Response:
    return cleared(request, Response(status=status.HTTP_204_NO_CONTENT))


def current_session_id(request):
    return request.auth.session_id


class ClearCookiesOnRefusalMixin:
    """A refused refresh or logout also ends the browser's hold on its stale cookies.

    But for a token rotated within the grace: the browser already holds the newest one.
    """

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        refused = response.status_code in (
            status.HTTP_400_BAD_REQUEST,
            status.HTTP_401_UNAUTHORIZED,
        )
        if refused and not isinstance(exc, TokenRotated):
            cleared(self.request, response)
        return response
