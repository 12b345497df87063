"""The OpenAPI (Swagger 2.0) description of each endpoint, applied to the views as decorators.

Swagger 2.0 cannot describe cookie authentication, so the cookies each answer
sets or clears are given as ``Set-Cookie`` headers and described in words.
"""

from drf_yasg import openapi
from drf_yasg.utils import swagger_auto_schema

from accounts.serializers import (
    CsrfSerializer,
    DetailSerializer,
    EmailLinkSerializer,
    EmailRequestSerializer,
    ErrorSerializer,
    LoginResponseSerializer,
    LoginSerializer,
    MeSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    RefreshRequestSerializer,
    SessionSerializer,
    SignupSerializer,
    TokenExpirySerializer,
    UserSerializer,
)

TAG_AUTH = "auth"
TAG_SESSIONS = "sessions"
TAG_ACCOUNT = "account"
PUBLIC = []  # no security requirement
BEARER = [{"Bearer": []}]

_SETS_AUTH_COOKIES = {
    "Set-Cookie": openapi.Schema(
        type=openapi.TYPE_STRING,
        description="access_token (HttpOnly, Path=/) and refresh_token (HttpOnly, "
        "Path=/api/auth/) with Max-Age equal to each token's lifetime; Cache-Control: no-store.",
    )
}
_CLEARS_AUTH_COOKIES = {
    "Set-Cookie": openapi.Schema(
        type=openapi.TYPE_STRING,
        description="access_token and refresh_token cleared (empty value, Max-Age=0).",
    )
}


def _error(description: str, headers=None) -> openapi.Response:
    return openapi.Response(description, ErrorSerializer, headers=headers)


def _validation(description: str) -> openapi.Response:
    return openapi.Response(
        description,
        openapi.Schema(
            type=openapi.TYPE_OBJECT,
            description="Field errors: {field: [message, ...]}, or {detail, code}.",
            additional_properties=openapi.Schema(
                type=openapi.TYPE_ARRAY, items=openapi.Schema(type=openapi.TYPE_STRING)
            ),
        ),
    )


NOT_AUTHENTICATED = _error(
    'No valid access token: code "not_authenticated" (none given) or "token_not_valid" '
    "(malformed, forged, expired, or its session revoked)."
)
CSRF_FAILED = _error(
    "CSRF Failed: the credential came from a cookie and X-CSRFToken did not match the "
    "csrftoken cookie, or the Origin is not trusted."
)
UNSUPPORTED = _error("The body is not application/json.")
THROTTLED = _error(
    "Too many attempts; Retry-After gives the seconds to wait.",
    headers={"Retry-After": openapi.Schema(type=openapi.TYPE_INTEGER)},
)

signup = swagger_auto_schema(
    operation_id="auth_signup",
    operation_summary="Create an account",
    operation_description="Sets no cookies; log in afterwards. With email verification on, "
    "a verification link is sent to the address.",
    tags=[TAG_AUTH],
    security=PUBLIC,
    request_body=SignupSerializer,
    responses={
        201: UserSerializer,
        400: _validation("Username or email taken (case-insensitively), weak password, bad email."),
        415: UNSUPPORTED,
        429: THROTTLED,
    },
)

login = swagger_auto_schema(
    operation_id="auth_login",
    operation_summary="Log in: start a session and set the auth cookies",
    operation_description="`username` also accepts the account's email address. Also rotates "
    "the `csrftoken` cookie: read it again after logging in.",
    tags=[TAG_AUTH],
    security=PUBLIC,
    request_body=LoginSerializer,
    responses={
        200: openapi.Response("Logged in.", LoginResponseSerializer, headers=_SETS_AUTH_COOKIES),
        400: _validation("A field is missing or not a string."),
        401: _error(
            'code "no_active_account": wrong password, unknown or inactive user, all alike; '
            'code "email_not_verified" when verification is mandatory.'
        ),
        415: UNSUPPORTED,
        429: THROTTLED,
    },
)

refresh = swagger_auto_schema(
    operation_id="auth_refresh",
    operation_summary="Rotate the refresh token and get a new access token",
    operation_description="Uses the `refresh_token` cookie when present (then `X-CSRFToken` is "
    "required), else `refresh` from the body. The presented token is blacklisted; presenting "
    "it again after the reuse grace revokes the whole session.",
    tags=[TAG_AUTH],
    security=PUBLIC,
    request_body=RefreshRequestSerializer,
    responses={
        200: openapi.Response("Rotated.", TokenExpirySerializer, headers=_SETS_AUTH_COOKIES),
        400: _error('"no refresh token"; the auth cookies are cleared.', _CLEARS_AUTH_COOKIES),
        401: _error(
            'code "token_not_valid": invalid, expired, blacklisted, revoked or wrong-type token. '
            "The auth cookies are cleared, except for a token reused within the grace.",
            _CLEARS_AUTH_COOKIES,
        ),
        403: CSRF_FAILED,
        415: UNSUPPORTED,
    },
)

logout = swagger_auto_schema(
    operation_id="auth_logout",
    operation_summary="Log out: revoke this session and clear the auth cookies",
    operation_description="Takes the refresh token like refresh does; no access token needed.",
    tags=[TAG_AUTH],
    security=PUBLIC,
    request_body=RefreshRequestSerializer,
    responses={
        204: openapi.Response("Logged out.", headers=_CLEARS_AUTH_COOKIES),
        400: _error('"no refresh token"; the auth cookies are cleared.', _CLEARS_AUTH_COOKIES),
        401: _error('code "token_not_valid"; the auth cookies are cleared.', _CLEARS_AUTH_COOKIES),
        403: CSRF_FAILED,
        415: UNSUPPORTED,
    },
)

csrf = swagger_auto_schema(
    operation_id="auth_csrf",
    operation_summary="Get a CSRF token (also set as the csrftoken cookie)",
    operation_description="Send it back as the `X-CSRFToken` header on every unsafe request "
    "that a cookie authenticates.",
    tags=[TAG_AUTH],
    security=PUBLIC,
    responses={200: CsrfSerializer},
)

me = swagger_auto_schema(
    operation_id="auth_me",
    operation_summary="The logged-in user",
    tags=[TAG_AUTH],
    security=BEARER,
    responses={200: MeSerializer, 401: NOT_AUTHENTICATED},
)

session_list = swagger_auto_schema(
    operation_id="auth_sessions_list",
    operation_summary="The user's active sessions, most recently used first",
    tags=[TAG_SESSIONS],
    security=BEARER,
    responses={200: SessionSerializer(many=True), 401: NOT_AUTHENTICATED},
)

session_delete = swagger_auto_schema(
    operation_id="auth_sessions_delete",
    operation_summary="Revoke one session",
    operation_description="Its tokens stop working at once. Revoking the current session also "
    "clears the auth cookies.",
    tags=[TAG_SESSIONS],
    security=BEARER,
    responses={
        204: openapi.Response("Revoked.", headers=_CLEARS_AUTH_COOKIES),
        401: NOT_AUTHENTICATED,
        403: CSRF_FAILED,
        404: _error("No such active session of this user."),
    },
)

logout_all = swagger_auto_schema(
    operation_id="auth_logout_all",
    operation_summary="Revoke every session of the user",
    tags=[TAG_SESSIONS],
    security=BEARER,
    request_body=None,
    responses={
        204: openapi.Response("All sessions revoked.", headers=_CLEARS_AUTH_COOKIES),
        401: NOT_AUTHENTICATED,
        403: CSRF_FAILED,
    },
)

password_change = swagger_auto_schema(
    operation_id="auth_password_change",
    operation_summary="Change the password; every other session is revoked",
    tags=[TAG_SESSIONS],
    security=BEARER,
    request_body=PasswordChangeSerializer,
    responses={
        200: DetailSerializer,
        400: _validation("Wrong old password, or a weak new one."),
        401: NOT_AUTHENTICATED,
        403: CSRF_FAILED,
        415: UNSUPPORTED,
    },
)

_LINK_FAILED = (
    'code "invalid_link": the uid or token is wrong or tampered with, the link has expired '
    "(AUTH_PASSWORD_RESET_TIMEOUT_SECONDS) or was already used"
)
_SENT = "Accepted; the same answer whether or not an email is sent."

password_reset = swagger_auto_schema(
    operation_id="auth_password_reset",
    operation_summary="Email a password reset link",
    operation_description="An active account with this address gets an email with the link "
    "`FRONTEND_URL/reset-password?uid=…&token=…`; the front end posts `uid`, `token` and the "
    "new password to `/api/auth/password/reset/confirm/`. The answer is the same for an "
    "unknown address.",
    tags=[TAG_ACCOUNT],
    security=PUBLIC,
    request_body=EmailRequestSerializer,
    responses={
        202: openapi.Response(_SENT, DetailSerializer),
        400: _validation("A malformed email address, or a value that is not a string."),
        415: UNSUPPORTED,
        429: THROTTLED,
    },
)

password_reset_confirm = swagger_auto_schema(
    operation_id="auth_password_reset_confirm",
    operation_summary="Set a new password from an emailed reset link",
    operation_description="Revokes every session of the user and counts the address as "
    "verified. Sets no cookies; log in afterwards. The link works once, but a new password "
    "that the validators refuse does not use it up.",
    tags=[TAG_ACCOUNT],
    security=PUBLIC,
    request_body=PasswordResetConfirmSerializer,
    responses={
        200: openapi.Response('"password reset"; every session revoked.', DetailSerializer),
        400: _validation(f"{_LINK_FAILED}; or field errors: a weak new_password, a missing field."),
        415: UNSUPPORTED,
    },
)

email_verify = swagger_auto_schema(
    operation_id="auth_email_verify",
    operation_summary="Verify the email address from an emailed link",
    operation_description="The signup email holds the link "
    "`FRONTEND_URL/verify-email?uid=…&token=…`. A link stops working once the address is "
    "verified or changes.",
    tags=[TAG_ACCOUNT],
    security=PUBLIC,
    request_body=EmailLinkSerializer,
    responses={
        200: openapi.Response('"email verified".', DetailSerializer),
        400: _validation(f"{_LINK_FAILED}; or field errors: a missing field."),
        415: UNSUPPORTED,
    },
)

email_verification_resend = swagger_auto_schema(
    operation_id="auth_email_verify_resend",
    operation_summary="Email a new verification link",
    operation_description="Sent only to an active account whose address is not verified yet, "
    "and never with AUTH_EMAIL_VERIFICATION=none; the answer is the same in every case.",
    tags=[TAG_ACCOUNT],
    security=PUBLIC,
    request_body=EmailRequestSerializer,
    responses={
        202: openapi.Response(_SENT, DetailSerializer),
        400: _validation("A malformed email address, or a value that is not a string."),
        415: UNSUPPORTED,
        429: THROTTLED,
    },
)
