"""Second factors: the user's factors, TOTP, recovery codes, the second step of a login, and
re-authentication."""

from django.conf import settings
from django.middleware.csrf import rotate_token
from django.utils.translation import gettext
from drf_yasg import openapi
from drf_yasg.utils import no_body, swagger_auto_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors
from accounts.authentication import enforce_csrf
from accounts.clients import is_app_client
from accounts.cookies import MFA_COOKIE, clear_mfa_cookie, set_mfa_cookie
from accounts.errors import MfaRequired, MfaTokenInvalid
from accounts.permissions import RecentAuthentication
from accounts.public import PublicAPIView
from accounts.schema import CSRF_FAILED, SETS_AUTH_COOKIES, SETS_LOGIN_COOKIES, error, field_errors
from accounts.serializers import (
    CodeSerializer,
    LoginResponseSerializer,
    MfaStatusSerializer,
    MfaVerifySerializer,
    PasskeySerializer,
    ReauthenticatedSerializer,
    ReauthenticateSerializer,
    RecoveryCodesSerializer,
    TotpEnrolmentSerializer,
    WebAuthnOptionsSerializer,
)
from accounts.services import mfa, passkeys, recovery_codes
from accounts.throttling import LoginAddressThrottle, client_address
from accounts.views.common import current_session_id, login_response, token_response, validated

_RECENT = (IsAuthenticated, RecentAuthentication)
_REAUTHENTICATE = error(
    'code "reauthentication_required": the session proved who the user is more than '
    "AUTH_REAUTHENTICATION_SECONDS ago; POST reauthenticate/ first. Or not authenticated."
)
_MFA_TOKEN_INVALID = error(
    'code "mfa_token_invalid": no pending login (the mfa_token is missing, expired, used, '
    "presented by another browser, or given up after too many wrong codes): log in again."
)


def mfa_required_response(request, started: mfa.PendingLoginStarted) -> Response:
    """The first step's answer for an account with a second factor: a 401 that says which
    factors can finish the login, and the pending login's token, in an HttpOnly cookie scoped
    to the MFA endpoints (or, for an app client, in the body). No auth cookie is set."""
    refusal = MfaRequired()
    body = {
        "detail": refusal.detail,
        "code": refusal.default_code,
        "methods": started.methods,
        "mfa_expires_at": started.expires_at,
    }
    if is_app_client(request):
        body["mfa_token"] = started.token
    response = Response(body, status=status.HTTP_401_UNAUTHORIZED)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    if not is_app_client(request):
        set_mfa_cookie(response, started.token, max_age=settings.AUTH_MFA_LOGIN_SECONDS)
        # The second step is CSRF-checked: the page gets a fresh token to send.
        rotate_token(request)
    return response


def _mfa_token(request, body_token: str | None) -> str | None:
    """The pending login's token: the cookie (a browser credential, so CSRF-checked), else the
    body's (app clients, whose cookies count for nothing)."""
    cookie = None if is_app_client(request) else request.COOKIES.get(MFA_COOKIE)
    if cookie:
        enforce_csrf(request)
        return cookie
    return body_token


class ClearMfaCookieOnRefusalMixin:
    """A pending login that is over also ends the browser's hold on its cookie."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, MfaTokenInvalid) and not is_app_client(self.request):
            clear_mfa_cookie(response)
        return response


class MfaStatusView(APIView):
    open_before_second_factor = True
    docs_tag = "mfa"

    @swagger_auto_schema(
        operation_id="auth_mfa_status",
        responses={200: openapi.Response("The user's factors.", MfaStatusSerializer)},
    )
    def get(self, request):
        """The user's second factors: TOTP, how many recovery codes remain, passkeys"""
        user = request.user
        data = {
            "totp": {"enabled": selectors.totp_enabled(user=user)},
            "recovery_codes": {"remaining": recovery_codes.recovery_codes_remaining(user=user)},
            "passkeys": PasskeySerializer(selectors.passkeys_list(user=user), many=True).data,
        }
        return Response(MfaStatusSerializer(data).data)


class TotpView(APIView):
    docs_tag = "mfa"
    permission_classes = _RECENT

    @swagger_auto_schema(
        operation_id="auth_mfa_totp_enrol",
        request_body=no_body,
        responses={
            200: openapi.Response(
                "A pending TOTP secret; confirm it with a code.", TotpEnrolmentSerializer
            ),
            401: _REAUTHENTICATE,
            409: error('code "already_enabled": TOTP is on; disable it first.'),
        },
    )
    def post(self, request):
        """Start enrolling an authenticator app

        Answers the secret, its `otpauth://` URL and that URL as an SVG QR code. Nothing
        changes for the login until `POST mfa/totp/confirm/` with a code of the app; a new
        enrolment replaces one that was never confirmed.
        """
        enrolment = mfa.totp_enrol(user=request.user)
        return Response(TotpEnrolmentSerializer(enrolment).data)

    @swagger_auto_schema(
        operation_id="auth_mfa_totp_disable",
        responses={
            204: "TOTP removed.",
            401: _REAUTHENTICATE,
            404: error('code "not_found": TOTP is not enabled.'),
        },
    )
    def delete(self, request):
        """Turn TOTP off

        With no factor left, the recovery codes go too, and logins take the password alone.
        """
        mfa.totp_disable(user=request.user, ip_address=client_address(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class TotpConfirmView(APIView):
    open_before_second_factor = True
    docs_tag = "mfa"

    @swagger_auto_schema(
        operation_id="auth_mfa_totp_confirm",
        request_body=CodeSerializer,
        responses={
            200: openapi.Response(
                "TOTP is on; the recovery codes are shown only here.", RecoveryCodesSerializer
            ),
            400: field_errors(
                'code "invalid_code": not a current code of the app; or field errors.',
                code_is_a_field=True,
            ),
            404: error('code "not_found": no enrolment is pending.'),
        },
    )
    def post(self, request):
        """Confirm the authenticator app with one of its codes

        From now on a login asks for a second factor. Answers ten recovery codes, each usable
        once in place of a code; they are not shown again.
        """
        code = validated(CodeSerializer, request).validated_data["code"]
        codes = mfa.totp_confirm(user=request.user, code=code, ip_address=client_address(request))
        return Response({"recovery_codes": codes})


class RecoveryCodesView(APIView):
    docs_tag = "mfa"
    permission_classes = _RECENT

    @swagger_auto_schema(
        operation_id="auth_mfa_recovery_codes_regenerate",
        request_body=no_body,
        responses={
            200: openapi.Response("New codes; the old ones are dead.", RecoveryCodesSerializer),
            401: _REAUTHENTICATE,
            404: error('code "not_found": the account has no second factor to recover.'),
        },
    )
    def post(self, request):
        """Make new recovery codes"""
        codes = recovery_codes.recovery_codes_regenerate(
            user=request.user, ip_address=client_address(request)
        )
        return Response({"recovery_codes": codes})


class MfaVerifyView(ClearMfaCookieOnRefusalMixin, PublicAPIView):
    docs_tag = "mfa"
    throttle_classes = (LoginAddressThrottle,)

    @swagger_auto_schema(
        operation_id="auth_mfa_verify",
        request_body=MfaVerifySerializer,
        responses={
            200: openapi.Response(
                "Logged in, as at a login.", LoginResponseSerializer, headers=SETS_LOGIN_COOKIES
            ),
            400: field_errors(
                'code "invalid_code": a wrong, replayed or used code, or an assertion that does '
                "not hold; the pending login goes on until it expires or is throttled. Or field "
                "errors.",
                code_is_a_field=True,
            ),
            401: _MFA_TOKEN_INVALID,
            403: CSRF_FAILED,
        },
    )
    def post(self, request):
        """Finish a login with a second factor

        Send one of `code` (TOTP), `recovery_code` or `credential` (a WebAuthn assertion for
        the options of `POST mfa/webauthn/options/`). The pending login comes from the
        `mfa_token` cookie (then `X-CSRFToken` is required), or `mfa_token` in the body for
        app clients. It works once, from the browser that started it.
        """
        data = validated(MfaVerifySerializer, request).validated_data
        token = _mfa_token(request, data.get("mfa_token"))
        user, pair = mfa.pending_login_complete(
            token=token,
            proof=mfa.Proof(
                code=data.get("code"),
                recovery_code=data.get("recovery_code"),
                credential=data.get("credential"),
            ),
            user_agent=request.headers.get("User-Agent", ""),
            ip_address=client_address(request),
        )
        response = login_response(request, user, pair)
        if not is_app_client(request):
            clear_mfa_cookie(response)
        return response


class MfaWebAuthnOptionsView(ClearMfaCookieOnRefusalMixin, PublicAPIView):
    docs_tag = "mfa"
    throttle_classes = (LoginAddressThrottle,)

    @swagger_auto_schema(
        operation_id="auth_mfa_webauthn_options",
        request_body=no_body,
        responses={
            200: openapi.Response(
                "Request options for the account's passkeys.", WebAuthnOptionsSerializer
            ),
            401: _MFA_TOKEN_INVALID,
            403: CSRF_FAILED,
        },
    )
    def post(self, request):
        """Options for finishing a pending login with a passkey

        Pass `publicKey` to `navigator.credentials.get()`, then the credential to
        `POST mfa/verify/`.
        """
        body_token = request.data.get("mfa_token") if isinstance(request.data, dict) else None
        token = _mfa_token(request, body_token if isinstance(body_token, str) else None)
        pending = mfa.pending_login_get(
            token=token, user_agent=request.headers.get("User-Agent", "")
        )
        return Response({"publicKey": passkeys.second_factor_options(pending=pending)})


class ReauthenticateView(APIView):
    open_before_second_factor = True
    docs_tag = "mfa"

    @swagger_auto_schema(
        operation_id="auth_reauthenticate",
        request_body=ReauthenticateSerializer,
        responses={
            200: openapi.Response(
                "The session's tokens, reissued with a fresh auth_time.",
                ReauthenticatedSerializer,
                headers=SETS_AUTH_COOKIES,
            ),
            400: field_errors(
                'code "invalid_code": a wrong code or assertion; or field errors.',
                code_is_a_field=True,
            ),
            401: error('code "no_active_account": a wrong password; or no valid access token.'),
        },
    )
    def post(self, request):
        """Prove who you are again, for a sensitive action

        One of `password`, `code` (TOTP), `recovery_code` or `credential` (an assertion for
        the options of `POST reauthenticate/options/`). The current session goes on with new
        tokens whose `auth_time` is now; no new session starts. Counted with the account's
        logins.
        """
        data = validated(ReauthenticateSerializer, request).validated_data
        pair = mfa.reauthenticate(
            user=request.user,
            session_id=current_session_id(request),
            proof=mfa.Proof(**data),
            ip_address=client_address(request),
        )
        auth_time = pair.access.auth_time
        return token_response(
            request, {"detail": gettext("reauthenticated"), "auth_time": auth_time}, pair
        )


class ReauthenticateOptionsView(APIView):
    open_before_second_factor = True
    docs_tag = "mfa"

    @swagger_auto_schema(
        operation_id="auth_reauthenticate_options",
        request_body=no_body,
        responses={
            200: openapi.Response(
                "Request options for the user's passkeys.", WebAuthnOptionsSerializer
            )
        },
    )
    def post(self, request):
        """Options for re-authenticating with a passkey"""
        return Response({"publicKey": passkeys.reauthentication_options(user=request.user)})
