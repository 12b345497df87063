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
from accounts.authentication import enforce_csrf
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
    SessionSerializer,
    SignupSerializer,
    UserSerializer,
)
from accounts.throttling import (
    LoginAccountThrottle,
    LoginAddressThrottle,
    SignupAddressThrottle,
    client_address,
)
from accounts.tokens import TokenPair


class NoRefreshToken(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "no refresh token"
    default_code = "no_refresh_token"


def _refresh_token_from(request) -> str:
    """The refresh cookie if any (a browser credential, so CSRF-checked), else the body's."""
    cookie = request.COOKIES.get(REFRESH_COOKIE)
    if cookie:
        enforce_csrf(request)
        return cookie
    serializer = RefreshRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    if not serializer.validated_data.get("refresh"):
        raise NoRefreshToken()
    return serializer.validated_data["refresh"]


def _token_response(data: dict, pair: TokenPair) -> Response:
    data["access_expires_at"] = pair.access.expires_at
    data["refresh_expires_at"] = pair.refresh.expires_at
    if settings.AUTH_RETURN_TOKENS_IN_BODY:
        data.update(pair.as_strings())
    response = Response(data)
    set_auth_cookies(response, pair)
    return response


def _cleared_response() -> Response:
    response = Response(status=status.HTTP_204_NO_CONTENT)
    clear_auth_cookies(response)
    return response


def _current_session_id(request):
    return request.auth.session_id


class ClearCookiesOnRefusalMixin:
    """A refused refresh or logout also ends the browser's hold on its stale cookies."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        refused = response.status_code in (
            status.HTTP_400_BAD_REQUEST,
            status.HTTP_401_UNAUTHORIZED,
        )
        if refused and not isinstance(exc, services.RefreshReusedWithinGrace):
            clear_auth_cookies(response)
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
        rotate_token(request)
        return _token_response({"detail": "login success", "user": UserSerializer(user).data}, pair)


class RefreshView(ClearCookiesOnRefusalMixin, TokenRefreshView):
    serializer_class = RefreshRequestSerializer

    @docs.refresh
    def post(self, request):
        pair = services.session_refresh(raw_refresh=_refresh_token_from(request))
        return _token_response({"detail": "token refreshed"}, pair)


class LogoutView(ClearCookiesOnRefusalMixin, TokenBlacklistView):
    serializer_class = RefreshRequestSerializer

    @docs.logout
    def post(self, request):
        services.session_logout(raw_refresh=_refresh_token_from(request))
        return _cleared_response()


class CsrfView(PublicAPIView):
    @docs.csrf
    def get(self, request):
        return Response(CsrfSerializer({"csrfToken": get_token(request)}).data)


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
            return _cleared_response()
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    @docs.logout_all
    def post(self, request):
        services.sessions_revoke(
            sessions=request.user.login_sessions.all(), reason=RevokeReason.LOGOUT_ALL
        )
        return _cleared_response()


class PasswordChangeView(APIView):
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
