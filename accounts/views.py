"""Thin views: validate the input, call one service, shape the response and its cookies."""

from django.conf import settings
from django.middleware.csrf import get_token, rotate_token
from django.shortcuts import get_object_or_404
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import (
    TokenBlacklistView,
    TokenObtainPairView,
    TokenRefreshView,
)

from accounts import docs, events, selectors, services
from accounts.authentication import CookieAwareJWTAuthentication, enforce_csrf
from accounts.clients import is_app_client
from accounts.cookies import REFRESH_COOKIE, clear_auth_cookies, set_auth_cookies
from accounts.models import LoginSession, RevokeReason
from accounts.serializers import (
    CsrfSerializer,
    EmailLinkSerializer,
    EmailRequestSerializer,
    LoginSerializer,
    MeSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    RefreshRequestSerializer,
    SessionProbeSerializer,
    SessionSerializer,
    SignupSerializer,
    UserSerializer,
)
from accounts.throttling import (
    LoginAccountThrottle,
    LoginAddressThrottle,
    PasswordCheckThrottle,
    SignupAddressThrottle,
    client_address,
)
from accounts.tokens import TokenPair, refresh_token_read


class NoRefreshToken(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "no refresh token"
    default_code = "no_refresh_token"


def _refresh_token_from(request) -> str | None:
    """The refresh cookie if any (a browser credential, so CSRF-checked), else the body's.

    An app client's cookies are ignored: its token comes from the body only.
    """
    cookie = None if is_app_client(request) else request.COOKIES.get(REFRESH_COOKIE)
    if cookie:
        enforce_csrf(request)
        return cookie
    serializer = RefreshRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data.get("refresh") or None


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
        if refused and not isinstance(exc, services.RefreshReusedWithinGrace):
            _cleared(self.request, response)
        return response


# --- Public endpoints ---------------------------------------------------------------


class PublicAPIView(APIView):
    """An endpoint that takes no credential, so a stale or forged access cookie never blocks it."""

    authentication_classes = ()
    permission_classes = (AllowAny,)


class SignupView(PublicAPIView):
    throttle_classes = (SignupAddressThrottle,)

    @docs.signup
    def post(self, request):
        serializer = SignupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_signup(**serializer.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class LoginView(TokenObtainPairView):
    serializer_class = LoginSerializer
    throttle_classes = (LoginAddressThrottle, LoginAccountThrottle)

    @docs.login
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except exceptions.AuthenticationFailed:
            events.record("login_failed", ip=client_address(request))
            raise
        user = serializer.user
        pair = services.session_login(
            user=user,
            user_agent=request.headers.get("User-Agent", ""),
            ip_address=client_address(request),
        )
        if not is_app_client(request):
            rotate_token(request)
        return _token_response(
            request, {"detail": "login success", "user": MeSerializer(user).data}, pair
        )


class RefreshView(ClearCookiesOnRefusalMixin, TokenRefreshView):
    serializer_class = RefreshRequestSerializer

    @docs.refresh
    def post(self, request):
        raw_refresh = _refresh_token_from(request)
        if raw_refresh is None:
            raise NoRefreshToken()
        pair = services.session_refresh(raw_refresh=raw_refresh)
        return _token_response(request, {"detail": "token refreshed"}, pair)


class LogoutView(ClearCookiesOnRefusalMixin, TokenBlacklistView):
    serializer_class = RefreshRequestSerializer

    @docs.logout
    def post(self, request):
        raw_refresh = _refresh_token_from(request)
        # With no refresh token the goal already holds (say another tab logged out first).
        if raw_refresh is not None:
            services.session_logout(raw_refresh=raw_refresh)
        return _cleared_response(request)


class CsrfView(PublicAPIView):
    @docs.csrf
    def get(self, request):
        return Response(CsrfSerializer({"csrfToken": get_token(request)}).data)


class SessionProbeView(PublicAPIView):
    """Whether the caller is logged in, and if not, whether a refresh could log it back in.

    Always a 200, so that a page load of someone who never logged in makes no error noise.
    """

    @docs.session_probe
    def get(self, request):
        try:
            authenticated = CookieAwareJWTAuthentication().authenticate(request)
        except exceptions.AuthenticationFailed:
            authenticated = None
        if authenticated is not None:
            user, token = authenticated
            data = {
                "authenticated": True,
                "refreshable": False,
                "user": MeSerializer(user).data,
                "access_expires_at": token.expires_at,
            }
        else:
            data = {
                "authenticated": False,
                "refreshable": _refresh_token_from_cookie_reads(request),
            }
        return Response(SessionProbeSerializer(data).data)


def _refresh_token_from_cookie_reads(request) -> bool:
    """A signed, unexpired refresh cookie: a refresh may succeed (the session may have ended)."""
    cookie = None if is_app_client(request) else request.COOKIES.get(REFRESH_COOKIE)
    if not cookie:
        return False
    try:
        refresh_token_read(cookie)
    except exceptions.AuthenticationFailed:
        return False
    return True


# --- Password reset and email verification -------------------------------------------
# Public: they carry no credential, so they need no CSRF token.

PASSWORD_RESET_SENT = "If an active account has this address, a password reset link is on its way."
VERIFICATION_SENT = "If this address awaits verification, a verification link is on its way."


class PasswordResetView(PublicAPIView):
    throttle_classes = (SignupAddressThrottle,)

    @docs.password_reset
    def post(self, request):
        serializer = EmailRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.password_reset_request(
            email=serializer.validated_data["email"], ip_address=client_address(request)
        )
        return Response({"detail": PASSWORD_RESET_SENT}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(PublicAPIView):
    @docs.password_reset_confirm
    def post(self, request):
        serializer = PasswordResetConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.password_reset_confirm(
            uid=data["uid"],
            token=data["token"],
            password=data["new_password"],
            ip_address=client_address(request),
        )
        return Response({"detail": "password reset"})


class EmailVerifyView(PublicAPIView):
    @docs.email_verify
    def post(self, request):
        serializer = EmailLinkSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.email_verify(**serializer.validated_data, ip_address=client_address(request))
        return Response({"detail": "email verified"})


class EmailVerificationResendView(PublicAPIView):
    throttle_classes = (SignupAddressThrottle,)

    @docs.email_verification_resend
    def post(self, request):
        serializer = EmailRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.email_verification_resend(
            email=serializer.validated_data["email"], ip_address=client_address(request)
        )
        return Response({"detail": VERIFICATION_SENT}, status=status.HTTP_202_ACCEPTED)


# --- Authenticated endpoints ----------------------------------------------------------


class MeView(APIView):
    @docs.me
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class SessionListView(APIView):
    @docs.session_list
    def get(self, request):
        sessions = selectors.sessions_active_list(user=request.user)
        context = {"current_session_id": _current_session_id(request)}
        return Response(SessionSerializer(sessions, many=True, context=context).data)


class SessionDetailView(APIView):
    @docs.session_delete
    def delete(self, request, session_id):
        session = get_object_or_404(
            selectors.sessions_active_list(user=request.user), pk=session_id
        )
        services.sessions_revoke(
            sessions=LoginSession.objects.filter(pk=session.pk), reason=RevokeReason.SESSION_DELETED
        )
        if session.pk == _current_session_id(request):
            return _cleared_response(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    @docs.logout_all
    def post(self, request):
        services.user_sessions_revoke(user=request.user, reason=RevokeReason.LOGOUT_ALL)
        return _cleared_response(request)


class PasswordChangeView(APIView):
    throttle_classes = (PasswordCheckThrottle,)

    @docs.password_change
    def post(self, request):
        serializer = PasswordChangeSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        services.user_password_set(
            user=request.user,
            password=serializer.validated_data["new_password"],
            reason=RevokeReason.PASSWORD_CHANGED,
            keep_session_id=_current_session_id(request),
        )
        return Response({"detail": "password changed"})
