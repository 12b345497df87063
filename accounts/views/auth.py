"""Signup, login, refresh, logout, the CSRF token and the session probe: the public doors."""

from django.middleware.csrf import get_token
from django.utils.translation import gettext
from drf_yasg import openapi
from drf_yasg.utils import swagger_auto_schema
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework_simplejwt.views import (
    TokenBlacklistView,
    TokenObtainPairView,
    TokenRefreshView,
)

from accounts import events, selectors
from accounts.authentication import CookieAwareJWTAuthentication
from accounts.clients import is_app_client
from accounts.cookies import REFRESH_COOKIE
from accounts.errors import NoRefreshToken
from accounts.public import PublicAPIView
from accounts.schema import (
    CLEARS_AUTH_COOKIES,
    CSRF_FAILED,
    SETS_AUTH_COOKIES,
    SETS_CSRF_COOKIE,
    SETS_LOGIN_COOKIES,
    error,
)
from accounts.serializers import (
    CsrfSerializer,
    LoginResponseSerializer,
    LoginSerializer,
    RefreshRequestSerializer,
    SessionProbeSerializer,
    SignupSerializer,
    TokenExpirySerializer,
    UserSerializer,
)
from accounts.services import mfa, sessions, users
from accounts.throttling import (
    LoginAccountThrottle,
    LoginAddressThrottle,
    SignupAddressThrottle,
    client_address,
)
from accounts.tokens import refresh_token_read
from accounts.views.common import (
    NO_REFRESH_TOKEN,
    ClearCookiesOnRefusalMixin,
    cleared_response,
    login_response,
    refresh_token_from,
    token_response,
    validated,
)
from accounts.views.mfa import mfa_required_response


class SignupView(PublicAPIView):
    throttle_classes = (SignupAddressThrottle,)

    @swagger_auto_schema(
        operation_id="auth_signup",
        request_body=SignupSerializer,
        responses={201: openapi.Response("Created; log in next.", UserSerializer)},
    )
    def post(self, request):
        """Create an account

        Sets no cookies; log in afterwards. With email verification on, a verification
        link is sent to the address. A taken username or email (compared in canonical
        form), a weak password and a bad email are field errors, all reported at once.
        """
        serializer = validated(SignupSerializer, request)
        user = users.user_signup(**serializer.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class LoginView(PublicAPIView, TokenObtainPairView):
    throttle_classes = (LoginAddressThrottle, LoginAccountThrottle)

    @swagger_auto_schema(
        operation_id="auth_login",
        request_body=LoginSerializer,
        responses={
            200: openapi.Response(
                "Logged in.", LoginResponseSerializer, headers=SETS_LOGIN_COOKIES
            ),
            401: error(
                'code "no_active_account": wrong password, unknown or inactive user, all alike; '
                'code "email_not_verified" when verification is mandatory; code "mfa_required" '
                "for an account with a second factor (the body also has methods and "
                "mfa_expires_at; finish with POST mfa/verify/).",
                codes=("no_active_account", "email_not_verified", "mfa_required"),
            ),
        },
    )
    def post(self, request):
        """Log in: start a session and set the auth cookies

        `username` also accepts the account's email address. Also rotates the
        `csrftoken` cookie: read it again after logging in. An app client
        (`X-Auth-Client: app`) gets `access` and `refresh` in the body instead of cookies.
        """
        serializer = LoginSerializer(data=request.data, context={"request": request})
        try:
            serializer.is_valid(raise_exception=True)
        except exceptions.AuthenticationFailed:
            events.record("login_failed", ip=client_address(request))
            raise
        user = serializer.user
        user_agent, ip_address = request.headers.get("User-Agent", ""), client_address(request)
        if selectors.user_has_second_factor(user=user):
            started = mfa.pending_login_start(
                user=user, user_agent=user_agent, ip_address=ip_address
            )
            return mfa_required_response(request, started)
        pair = sessions.session_login(
            user=user, user_agent=user_agent, ip_address=ip_address, amr=["pwd"]
        )
        return login_response(request, user, pair)


class RefreshView(ClearCookiesOnRefusalMixin, PublicAPIView, TokenRefreshView):
    @swagger_auto_schema(
        operation_id="auth_refresh",
        request_body=RefreshRequestSerializer,
        responses={
            200: openapi.Response("Rotated.", TokenExpirySerializer, headers=SETS_AUTH_COOKIES),
            400: NO_REFRESH_TOKEN,
            401: error(
                'code "token_not_valid": invalid, expired, blacklisted, revoked or wrong-type '
                'token; the auth cookies are cleared. code "token_rotated": the token was '
                "rotated within the grace (another tab refreshed first): the newest token is "
                "already in the cookies, so retry the request; nothing is cleared.",
                CLEARS_AUTH_COOKIES,
                codes=("token_not_valid", "token_rotated"),
            ),
            403: CSRF_FAILED,
        },
    )
    def post(self, request):
        """Rotate the refresh token and get a new access token

        Uses the `refresh_token` cookie when present (then `X-CSRFToken` is required and the
        body is ignored), else `refresh` from the body. A bodiless POST needs no content type.
        The presented token is blacklisted; presenting it again after the reuse grace revokes
        the whole session.
        """
        raw_refresh = refresh_token_from(request)
        if raw_refresh is None:
            raise NoRefreshToken()
        pair = sessions.session_refresh(raw_refresh=raw_refresh)
        return token_response(request, {"detail": gettext("token refreshed")}, pair)


class LogoutView(ClearCookiesOnRefusalMixin, PublicAPIView, TokenBlacklistView):
    @swagger_auto_schema(
        operation_id="auth_logout",
        request_body=RefreshRequestSerializer,
        responses={
            204: openapi.Response(
                "Logged out, or there was no refresh token (nothing left to end).",
                headers=CLEARS_AUTH_COOKIES,
            ),
            400: NO_REFRESH_TOKEN,
            401: error(
                'code "token_not_valid"; the auth cookies are cleared.',
                CLEARS_AUTH_COOKIES,
                codes=("token_not_valid",),
            ),
            403: CSRF_FAILED,
        },
    )
    def post(self, request):
        """Log out: revoke this session and clear the auth cookies

        Takes the refresh token like refresh does; no access token needed. With no refresh
        token at all it is a `204` too (another tab logged out first): the cookies are cleared.
        """
        raw_refresh = refresh_token_from(request)
        # With no refresh token the goal already holds (say another tab logged out first).
        if raw_refresh is not None:
            sessions.session_logout(raw_refresh=raw_refresh)
        return cleared_response(request)


class CsrfView(PublicAPIView):
    @swagger_auto_schema(
        operation_id="auth_csrf",
        responses={200: openapi.Response("The token.", CsrfSerializer, headers=SETS_CSRF_COOKIE)},
    )
    def get(self, request):
        """Get a CSRF token (also set as the csrftoken cookie)

        Send it back as the `X-CSRFToken` header on every unsafe request that a cookie
        authenticates. Login rotates it: call this again after logging in.
        """
        return Response(CsrfSerializer({"csrfToken": get_token(request)}).data)


class SessionProbeView(PublicAPIView):
    @swagger_auto_schema(
        operation_id="auth_session_probe",
        responses={200: openapi.Response("The caller's state.", SessionProbeSerializer)},
    )
    def get(self, request):
        """Whether a session exists, without an error for anonymous callers

        Always `200`. `authenticated` with the user when a valid access token came (cookie
        or header); otherwise `refreshable` says whether a refresh token cookie came with
        the call, in which case `POST refresh/` may restore the session. A page load calls
        this instead of `me` to learn, quietly, whether anyone is logged in.
        """
        try:
            authenticated = CookieAwareJWTAuthentication().authenticate(request)
        except exceptions.AuthenticationFailed:
            authenticated = None
        if authenticated is not None:
            user, token = authenticated
            data = {
                "authenticated": True,
                "refreshable": False,
                "user": user,
                "access_expires_at": token.expires_at,
            }
        else:
            data = {"authenticated": False, "refreshable": _refresh_cookie_reads(request)}
        return Response(SessionProbeSerializer(data).data)


def _refresh_cookie_reads(request) -> bool:
    """A signed, unexpired refresh cookie: a refresh may succeed (the session may have ended)."""
    cookie = None if is_app_client(request) else request.COOKIES.get(REFRESH_COOKIE)
    if not cookie:
        return False
    try:
        refresh_token_read(cookie)
    except exceptions.AuthenticationFailed:
        return False
    return True
