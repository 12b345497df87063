"""The OpenAPI (Swagger 2.0) description of each endpoint, applied to the views as decorators.

Swagger 2.0 cannot describe cookie authentication, so the cookies each answer
sets or clears are given as ``Set-Cookie`` headers and described in words.
Public endpoints declare no security; the others declare the Bearer header,
which the access cookie stands in for in a browser.
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
    SessionProbeSerializer,
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


def _header(description: str, type_=openapi.TYPE_STRING) -> openapi.Schema:
    return openapi.Schema(type=type_, description=description)


_NO_STORE = _header("no-store: the answer carries credentials.")
_AUTH_COOKIES_SET = (
    "access_token (HttpOnly, Path=/, Max-Age = access lifetime) and refresh_token (HttpOnly, "
    "Path=/api/auth/, Max-Age = refresh lifetime), SameSite and Secure as configured."
)
_SETS_AUTH_COOKIES = {"Set-Cookie": _header(_AUTH_COOKIES_SET), "Cache-Control": _NO_STORE}
_SETS_LOGIN_COOKIES = {
    "Set-Cookie": _header(
        _AUTH_COOKIES_SET + " Also a new csrftoken (readable by scripts): send its value as "
        "X-CSRFToken from now on."
    ),
    "Cache-Control": _NO_STORE,
}
_CLEARS_AUTH_COOKIES = {
    "Set-Cookie": _header(
        "access_token and refresh_token cleared: empty value, Max-Age=0, same path and domain."
    ),
    "Cache-Control": _NO_STORE,
}
_SETS_CSRF_COOKIE = {
    "Set-Cookie": _header("csrftoken (not HttpOnly): the value to send back as X-CSRFToken."),
}


def _error(description: str, headers=None) -> openapi.Response:
    """An error body: {detail, code}."""
    return openapi.Response(description, ErrorSerializer, headers=headers)


def _validation(description: str, headers=None) -> openapi.Response:
    """DRF's field errors, or {detail, code} when the body is not a JSON object."""
    return openapi.Response(
        description,
        openapi.Schema(
            type=openapi.TYPE_OBJECT,
            description="Field errors: {field: [message, ...]}, or {detail, code}.",
            properties={
                "detail": openapi.Schema(type=openapi.TYPE_STRING),
                "code": openapi.Schema(type=openapi.TYPE_STRING),
            },
            additional_properties=openapi.Schema(
                type=openapi.TYPE_ARRAY, items=openapi.Schema(type=openapi.TYPE_STRING)
            ),
        ),
        headers=headers,
    )


NOT_AUTHENTICATED = _error(
    'No valid access token: code "not_authenticated" (none given) or "token_not_valid" '
    "(malformed, forged, expired, or its session revoked)."
)
CSRF_FAILED = _error(
    "CSRF Failed: the credential came from a cookie and X-CSRFToken did not match the "
    "csrftoken cookie, or the Origin is not trusted."
)
UNSUPPORTED = _error('code "unsupported_media_type": the body is not application/json.')
TOO_LARGE = _error('code "request_too_large": the body is over 64 KiB.')
THROTTLED = _error(
    'code "throttled": too many attempts; Retry-After gives the seconds to wait.',
    headers={"Retry-After": _header("Seconds to wait.", openapi.TYPE_INTEGER)},
)
UNAVAILABLE = _error('code "service_unavailable": the database does not answer.')

SESSION_ID = openapi.Parameter(
    "session_id",
    openapi.IN_PATH,
    description="The id of a session, as listed by GET /sessions/.",
    type=openapi.TYPE_STRING,
    format=openapi.FORMAT_UUID,
    required=True,
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
        201: openapi.Response("Created; log in next.", UserSerializer),
        400: _validation(
            "Username or email taken (case-insensitively), weak password, bad email, a value "
            "that is not a string, or a body that is not a JSON object."
        ),
        413: TOO_LARGE,
        415: UNSUPPORTED,
        429: THROTTLED,
        503: UNAVAILABLE,
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
        200: openapi.Response("Logged in.", LoginResponseSerializer, headers=_SETS_LOGIN_COOKIES),
        400: _validation("A field is missing or not a string."),
        401: _error(
            'code "no_active_account": wrong password, unknown or inactive user, all alike; '
            'code "email_not_verified" when verification is mandatory.'
        ),
        413: TOO_LARGE,
        415: UNSUPPORTED,
        429: THROTTLED,
        503: UNAVAILABLE,
    },
)

refresh = swagger_auto_schema(
    operation_id="auth_refresh",
    operation_summary="Rotate the refresh token and get a new access token",
    operation_description="Uses the `refresh_token` cookie when present (then `X-CSRFToken` is "
    "required and the body is ignored), else `refresh` from the body. A bodiless POST needs no "
    "content type. The presented token is blacklisted; presenting it again after the reuse "
    "grace revokes the whole session.",
    tags=[TAG_AUTH],
    security=PUBLIC,
    request_body=RefreshRequestSerializer,
    responses={
        200: openapi.Response("Rotated.", TokenExpirySerializer, headers=_SETS_AUTH_COOKIES),
        400: _validation(
            '"no refresh token" (code "no_refresh_token"), or `refresh` is not a string; '
            "the auth cookies are cleared.",
            _CLEARS_AUTH_COOKIES,
        ),
        401: _error(
            'code "token_not_valid": invalid, expired, blacklisted, revoked or wrong-type token. '
            "The auth cookies are cleared, except for a token reused within the grace.",
            _CLEARS_AUTH_COOKIES,
        ),
        403: CSRF_FAILED,
        413: TOO_LARGE,
        415: UNSUPPORTED,
        503: UNAVAILABLE,
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
        400: _validation(
            '"no refresh token" (code "no_refresh_token"), or `refresh` is not a string; '
            "the auth cookies are cleared.",
            _CLEARS_AUTH_COOKIES,
        ),
        401: _error('code "token_not_valid"; the auth cookies are cleared.', _CLEARS_AUTH_COOKIES),
        403: CSRF_FAILED,
        413: TOO_LARGE,
        415: UNSUPPORTED,
        503: UNAVAILABLE,
    },
)

csrf = swagger_auto_schema(
    operation_id="auth_csrf",
    operation_summary="Get a CSRF token (also set as the csrftoken cookie)",
    operation_description="Send it back as the `X-CSRFToken` header on every unsafe request "
    "that a cookie authenticates. Login rotates it: read the cookie, or call this again, after "
    "logging in.",
    tags=[TAG_AUTH],
    security=PUBLIC,
    responses={200: openapi.Response("The token.", CsrfSerializer, headers=_SETS_CSRF_COOKIE)},
)

session_probe = swagger_auto_schema(
    operation_id="auth_session_probe",
    operation_summary="Whether a session exists, without an error for anonymous callers",
    operation_description="Always `200`. `authenticated` with the user when a valid access "
    "token came (cookie or header); otherwise `refreshable` says whether a refresh token "
    "cookie came with the call, in which case `POST refresh/` may restore the session. A page "
    "load calls this instead of `me` to learn, quietly, whether anyone is logged in.",
    tags=[TAG_AUTH],
    security=PUBLIC,
    responses={
        200: openapi.Response("The caller's state.", SessionProbeSerializer),
        503: UNAVAILABLE,
    },
)

me = swagger_auto_schema(
    operation_id="auth_me",
    operation_summary="The logged-in user",
    tags=[TAG_AUTH],
    security=BEARER,
    responses={
        200: openapi.Response("The user of the access token.", MeSerializer),
        401: NOT_AUTHENTICATED,
        503: UNAVAILABLE,
    },
)

session_list = swagger_auto_schema(
    operation_id="auth_sessions_list",
    operation_summary="The user's active sessions, most recently used first",
    operation_description="`current` marks the session of the token that made the request.",
    tags=[TAG_SESSIONS],
    security=BEARER,
    responses={
        200: openapi.Response("Active sessions.", SessionSerializer(many=True)),
        401: NOT_AUTHENTICATED,
        503: UNAVAILABLE,
    },
)

session_delete = swagger_auto_schema(
    operation_id="auth_sessions_delete",
    operation_summary="Revoke one session",
    operation_description="Its tokens stop working at once. Revoking the current session also "
    "clears the auth cookies.",
    tags=[TAG_SESSIONS],
    security=BEARER,
    manual_parameters=[SESSION_ID],
    responses={
        204: openapi.Response(
            "Revoked; the auth cookies are cleared when it was the current session.",
            headers=_CLEARS_AUTH_COOKIES,
        ),
        401: NOT_AUTHENTICATED,
        403: CSRF_FAILED,
        404: _error('code "not_found": no such active session of this user.'),
        503: UNAVAILABLE,
    },
)

logout_all = swagger_auto_schema(
    operation_id="auth_logout_all",
    operation_summary="Revoke every session of the user",
    operation_description="Takes no body.",
    tags=[TAG_SESSIONS],
    security=BEARER,
    request_body=None,
    responses={
        204: openapi.Response("All sessions revoked.", headers=_CLEARS_AUTH_COOKIES),
        401: NOT_AUTHENTICATED,
        403: CSRF_FAILED,
        503: UNAVAILABLE,
    },
)

password_change = swagger_auto_schema(
    operation_id="auth_password_change",
    operation_summary="Change the password; every other session is revoked",
    tags=[TAG_SESSIONS],
    security=BEARER,
    request_body=PasswordChangeSerializer,
    responses={
        200: openapi.Response('"password changed"; this session goes on.', DetailSerializer),
        400: _validation("Wrong old password, or a weak new one."),
        401: NOT_AUTHENTICATED,
        403: CSRF_FAILED,
        413: TOO_LARGE,
        415: UNSUPPORTED,
        503: UNAVAILABLE,
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
        413: TOO_LARGE,
        415: UNSUPPORTED,
        429: THROTTLED,
        503: UNAVAILABLE,
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
        413: TOO_LARGE,
        415: UNSUPPORTED,
        503: UNAVAILABLE,
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
        413: TOO_LARGE,
        415: UNSUPPORTED,
        503: UNAVAILABLE,
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
        413: TOO_LARGE,
        415: UNSUPPORTED,
        429: THROTTLED,
        503: UNAVAILABLE,
    },
)
