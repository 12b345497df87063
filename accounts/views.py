"""Thin views: validate the input, call one service, shape the response and its cookies.

The docs come from each view: the docstring of a method is its summary and
description, accounts.schema adds the answers that follow from the view, and
``swagger_auto_schema`` states only what is particular to the endpoint.
"""

from django.conf import settings
from django.middleware.csrf import get_token, rotate_token
from drf_yasg import openapi
from drf_yasg.utils import no_body, swagger_auto_schema
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import (
    TokenBlacklistView,
    TokenObtainPairView,
    TokenRefreshView,
)

from accounts import events, selectors
from accounts.authentication import CookieAwareJWTAuthentication, enforce_csrf
from accounts.clients import is_app_client
from accounts.cookies import REFRESH_COOKIE, clear_auth_cookies, set_auth_cookies
from accounts.errors import NoRefreshToken, TokenRotated
from accounts.models import LoginSession, RevokeReason
from accounts.pagination import SESSIONS_PAGE_SIZE, next_link
from accounts.public import PublicAPIView
from accounts.schema import (
    CLEARS_AUTH_COOKIES,
    CSRF_FAILED,
    SETS_AUTH_COOKIES,
    SETS_CSRF_COOKIE,
    SETS_LOGIN_COOKIES,
    error,
    field_errors,
)
from accounts.serializers import (
    CsrfSerializer,
    DetailSerializer,
    EmailLinkSerializer,
    EmailRequestSerializer,
    LoginResponseSerializer,
    LoginSerializer,
    MeSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    RefreshRequestSerializer,
    SessionPageSerializer,
    SessionProbeSerializer,
    SessionSerializer,
    SignupSerializer,
    TokenExpirySerializer,
    UserSerializer,
)
from accounts.services import recovery, sessions, users
from accounts.throttling import (
    LoginAccountThrottle,
    LoginAddressThrottle,
    PasswordCheckThrottle,
    SignupAddressThrottle,
    client_address,
)
from accounts.tokens import TokenPair, refresh_token_read

PASSWORD_RESET_SENT = "If an active account has this address, a password reset link is on its way."
VERIFICATION_SENT = "If this address awaits verification, a verification link is on its way."
_SENT = "Accepted; the same answer whether or not an email is sent."
_LINK_FAILED = (
    'code "invalid_link": the uid or token is wrong or tampered with, the link has expired '
    "(AUTH_PASSWORD_RESET_TIMEOUT_SECONDS) or was already used"
)
_NO_REFRESH_TOKEN = field_errors(
    '"no refresh token" (code "no_refresh_token"), or `refresh` is not a string; '
    "the auth cookies are cleared.",
    CLEARS_AUTH_COOKIES,
)
SESSION_ID = openapi.Parameter(
    "session_id",
    openapi.IN_PATH,
    description="The id of a session, as listed by GET /sessions/.",
    type=openapi.TYPE_STRING,
    format=openapi.FORMAT_UUID,
    required=True,
)


# --- Tokens in, tokens out --------------------------------------------------------------


def _validated(serializer_class, request):
    """The request's body through a serializer (which may read the request); 400 if invalid."""
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer


def _refresh_token_from(request) -> str | None:
    """The refresh cookie if any (a browser credential, so CSRF-checked), else the body's.

    An app client's cookies are ignored: its token comes from the body only.
    """
    cookie = None if is_app_client(request) else request.COOKIES.get(REFRESH_COOKIE)
    if cookie:
        enforce_csrf(request)
        return cookie
    return _validated(RefreshRequestSerializer, request).validated_data.get("refresh") or None


def _token_response(request, data: dict, pair: TokenPair) -> Response:
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


def _cleared(request, response: Response) -> Response:
    if not is_app_client(request):
        clear_auth_cookies(response)
    return response


def _cleared_response(request) -> Response:
    return _cleared(request, Response(status=status.HTTP_204_NO_CONTENT))


def _current_session_id(request):
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
            _cleared(self.request, response)
        return response


# --- Public endpoints ---------------------------------------------------------------------


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
        serializer = _validated(SignupSerializer, request)
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
                'code "email_not_verified" when verification is mandatory.'
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
        pair = sessions.session_login(
            user=user,
            user_agent=request.headers.get("User-Agent", ""),
            ip_address=client_address(request),
        )
        if not is_app_client(request):
            rotate_token(request)
        return _token_response(
            request, {"detail": "login success", "user": MeSerializer(user).data}, pair
        )


class RefreshView(ClearCookiesOnRefusalMixin, PublicAPIView, TokenRefreshView):
    @swagger_auto_schema(
        operation_id="auth_refresh",
        request_body=RefreshRequestSerializer,
        responses={
            200: openapi.Response("Rotated.", TokenExpirySerializer, headers=SETS_AUTH_COOKIES),
            400: _NO_REFRESH_TOKEN,
            401: error(
                'code "token_not_valid": invalid, expired, blacklisted, revoked or wrong-type '
                'token; the auth cookies are cleared. code "token_rotated": the token was '
                "rotated within the grace (another tab refreshed first): the newest token is "
                "already in the cookies, so retry the request; nothing is cleared.",
                CLEARS_AUTH_COOKIES,
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
        raw_refresh = _refresh_token_from(request)
        if raw_refresh is None:
            raise NoRefreshToken()
        pair = sessions.session_refresh(raw_refresh=raw_refresh)
        return _token_response(request, {"detail": "token refreshed"}, pair)


class LogoutView(ClearCookiesOnRefusalMixin, PublicAPIView, TokenBlacklistView):
    @swagger_auto_schema(
        operation_id="auth_logout",
        request_body=RefreshRequestSerializer,
        responses={
            204: openapi.Response(
                "Logged out, or there was no refresh token (nothing left to end).",
                headers=CLEARS_AUTH_COOKIES,
            ),
            400: _NO_REFRESH_TOKEN,
            401: error(
                'code "token_not_valid"; the auth cookies are cleared.', CLEARS_AUTH_COOKIES
            ),
            403: CSRF_FAILED,
        },
    )
    def post(self, request):
        """Log out: revoke this session and clear the auth cookies

        Takes the refresh token like refresh does; no access token needed. With no refresh
        token at all it is a `204` too (another tab logged out first): the cookies are cleared.
        """
        raw_refresh = _refresh_token_from(request)
        # With no refresh token the goal already holds (say another tab logged out first).
        if raw_refresh is not None:
            sessions.session_logout(raw_refresh=raw_refresh)
        return _cleared_response(request)


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


# --- Password reset and email verification -----------------------------------------------
# Public: they carry no credential, so they need no CSRF token.


class PasswordResetView(PublicAPIView):
    throttle_classes = (SignupAddressThrottle,)
    docs_tag = "account"

    @swagger_auto_schema(
        operation_id="auth_password_reset",
        request_body=EmailRequestSerializer,
        responses={202: openapi.Response(_SENT, DetailSerializer)},
    )
    def post(self, request):
        """Email a password reset link

        An active account with this address gets an email with the link
        `FRONTEND_URL/reset-password?uid=…&token=…`; the front end posts `uid`, `token` and
        the new password to `/api/auth/password/reset/confirm/`. The answer is the same for
        an unknown address, and when the account's email limit is reached.
        """
        serializer = _validated(EmailRequestSerializer, request)
        recovery.password_reset_request(
            email=serializer.validated_data["email"], ip_address=client_address(request)
        )
        return Response({"detail": PASSWORD_RESET_SENT}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(PublicAPIView):
    docs_tag = "account"

    @swagger_auto_schema(
        operation_id="auth_password_reset_confirm",
        request_body=PasswordResetConfirmSerializer,
        responses={
            200: openapi.Response('"password reset"; every session revoked.', DetailSerializer),
            400: field_errors(f"{_LINK_FAILED}; or field errors: a weak new_password."),
        },
    )
    def post(self, request):
        """Set a new password from an emailed reset link

        Revokes every session of the user and counts the address as verified. Sets no
        cookies; log in afterwards. The link works once, but a new password that the
        validators refuse does not use it up.
        """
        serializer = _validated(PasswordResetConfirmSerializer, request)
        data = serializer.validated_data
        recovery.password_reset_confirm(
            uid=data["uid"],
            token=data["token"],
            password=data["new_password"],
            ip_address=client_address(request),
        )
        return Response({"detail": "password reset"})


class EmailVerifyView(PublicAPIView):
    docs_tag = "account"

    @swagger_auto_schema(
        operation_id="auth_email_verify",
        request_body=EmailLinkSerializer,
        responses={
            200: openapi.Response('"email verified".', DetailSerializer),
            400: field_errors(f"{_LINK_FAILED}; or field errors: a missing field."),
        },
    )
    def post(self, request):
        """Verify the email address from an emailed link

        The signup email holds the link `FRONTEND_URL/verify-email?uid=…&token=…`. A link
        stops working once the address is verified or changes.
        """
        serializer = _validated(EmailLinkSerializer, request)
        recovery.email_verify(**serializer.validated_data, ip_address=client_address(request))
        return Response({"detail": "email verified"})


class EmailVerificationResendView(PublicAPIView):
    throttle_classes = (SignupAddressThrottle,)
    docs_tag = "account"

    @swagger_auto_schema(
        operation_id="auth_email_verify_resend",
        request_body=EmailRequestSerializer,
        responses={202: openapi.Response(_SENT, DetailSerializer)},
    )
    def post(self, request):
        """Email a new verification link

        Sent only to an active account whose address is not verified yet, and never with
        AUTH_EMAIL_VERIFICATION=none; the answer is the same in every case.
        """
        serializer = _validated(EmailRequestSerializer, request)
        recovery.email_verification_resend(
            email=serializer.validated_data["email"], ip_address=client_address(request)
        )
        return Response({"detail": VERIFICATION_SENT}, status=status.HTTP_202_ACCEPTED)


# --- Authenticated endpoints ---------------------------------------------------------------


class MeView(APIView):
    @swagger_auto_schema(
        operation_id="auth_me",
        responses={200: openapi.Response("The user of the access token.", MeSerializer)},
    )
    def get(self, request):
        """The logged-in user"""
        return Response(MeSerializer(request.user).data)


class SessionListView(APIView):
    docs_tag = "sessions"

    @swagger_auto_schema(
        operation_id="auth_sessions_list",
        query_serializer=SessionPageSerializer,
        responses={
            200: openapi.Response(
                f"A page of active sessions, at most {SESSIONS_PAGE_SIZE}.",
                SessionSerializer(many=True),
                headers={
                    "Link": openapi.Schema(
                        type=openapi.TYPE_STRING,
                        description='`<…/sessions/?cursor=…>; rel="next"` while more follow '
                        "(RFC 8288); absent on the last page.",
                    )
                },
            ),
            400: field_errors('`cursor` is not one this list gave (code "invalid").'),
        },
    )
    def get(self, request):
        """The user's active sessions, most recently used first, a page at a time

        `current` marks the session of the token that made the request. A page holds
        at most 50; the `Link` header names the next one, until the last.
        """
        query = SessionPageSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page, following = selectors.sessions_active_page(
            user=request.user, after=query.validated_data.get("cursor"), size=SESSIONS_PAGE_SIZE
        )
        context = {"current_session_id": _current_session_id(request)}
        response = Response(SessionSerializer(page, many=True, context=context).data)
        if following is not None:
            response["Link"] = next_link(request, following)
        return response


class SessionDetailView(APIView):
    docs_tag = "sessions"

    @swagger_auto_schema(
        operation_id="auth_sessions_delete",
        manual_parameters=[SESSION_ID],
        responses={
            204: openapi.Response(
                "Revoked; the auth cookies are cleared when it was the current session.",
                headers=CLEARS_AUTH_COOKIES,
            ),
            404: error('code "not_found": no such active session of this user.'),
        },
    )
    def delete(self, request, session_id):
        """Revoke one session

        Its tokens stop working at once. Revoking the current session also clears the
        auth cookies.
        """
        session = selectors.sessions_active_list(user=request.user).filter(pk=session_id).first()
        if session is None:
            raise exceptions.NotFound("No such session.")
        sessions.sessions_revoke(
            sessions=LoginSession.objects.filter(pk=session.pk), reason=RevokeReason.SESSION_DELETED
        )
        if session.pk == _current_session_id(request):
            return _cleared_response(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    docs_tag = "sessions"

    @swagger_auto_schema(
        operation_id="auth_logout_all",
        request_body=no_body,
        responses={204: openapi.Response("All sessions revoked.", headers=CLEARS_AUTH_COOKIES)},
    )
    def post(self, request):
        """Revoke every session of the user

        Takes no body.
        """
        sessions.user_sessions_revoke(user=request.user, reason=RevokeReason.LOGOUT_ALL)
        return _cleared_response(request)


class PasswordChangeView(APIView):
    throttle_classes = (PasswordCheckThrottle,)
    docs_tag = "sessions"

    @swagger_auto_schema(
        operation_id="auth_password_change",
        request_body=PasswordChangeSerializer,
        responses={
            200: openapi.Response('"password changed"; this session goes on.', DetailSerializer),
            400: field_errors("Wrong old password, or a weak new one."),
        },
    )
    def post(self, request):
        """Change the password; every other session is revoked

        Throttled like a login to the same account, since it checks the password.
        """
        serializer = _validated(PasswordChangeSerializer, request)
        users.user_password_set(
            user=request.user,
            password=serializer.validated_data["new_password"],
            reason=RevokeReason.PASSWORD_CHANGED,
            keep_session_id=_current_session_id(request),
        )
        return Response({"detail": "password changed"})
