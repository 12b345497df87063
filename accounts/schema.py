"""The Swagger 2.0 description of each endpoint, derived from the view wherever the view decides.

``ApiAutoSchema`` (drf-yasg's DEFAULT_AUTO_SCHEMA_CLASS) adds the answers that
follow from how a view is built, so that no endpoint has to list them:

- a JSON body means 400 (field errors), 413 (too large) and 415 (not JSON);
- a throttle means 429 with Retry-After;
- authentication means 401, and for unsafe methods 403 (CSRF, since the
  credential may be a cookie); no authentication means no security requirement;
- everything may answer 503 when the database does not.

Summaries and descriptions come from the views' docstrings; a view's own
``swagger_auto_schema`` states only what is particular to it, and wins.
Swagger 2.0 cannot describe cookie authentication, so the cookies an answer
sets or clears are ``Set-Cookie`` headers described in words.
"""

from drf_yasg import openapi
from drf_yasg.inspectors import SwaggerAutoSchema
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

BEARER = [{"Bearer": []}]


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


def header(description: str, type_=openapi.TYPE_STRING) -> openapi.Schema:
    return openapi.Schema(type=type_, description=description)


def error(description: str, headers=None) -> openapi.Response:
    """An error answer: ``{detail, code}``."""
    return openapi.Response(description, ErrorSerializer, headers=headers)


def field_errors(description: str, headers=None, *, code_is_a_field=False) -> openapi.Response:
    """DRF's field errors, or ``{detail, code}`` when the body is not a JSON object.

    Where the request has a field named ``code`` its errors stand under that key
    too, so ``code`` is then a string or a list of messages.
    """
    code = openapi.Schema(type=openapi.TYPE_STRING)
    if code_is_a_field:
        # Swagger 2.0 has no "string or array": a schema without a type takes either.
        code = openapi.Schema(
            type=openapi.TYPE_STRING,
            description="The error's code, or the messages of the code field.",
        )
        del code["type"]
    return openapi.Response(
        description,
        openapi.Schema(
            type=openapi.TYPE_OBJECT,
            description="Field errors: {field: [message, ...]}, or {detail, code}.",
            properties={"detail": openapi.Schema(type=openapi.TYPE_STRING), "code": code},
            additional_properties=openapi.Schema(
                type=openapi.TYPE_ARRAY, items=openapi.Schema(type=openapi.TYPE_STRING)
            ),
        ),
        headers=headers,
    )


NO_STORE = header("no-store: the answer carries credentials.")
AUTH_COOKIES_SET = (
    "access_token (HttpOnly, Path=/, Max-Age = access lifetime) and refresh_token (HttpOnly, "
    "Path=/api/auth/, Max-Age = refresh lifetime), SameSite and Secure as configured."
)
SETS_AUTH_COOKIES = {"Set-Cookie": header(AUTH_COOKIES_SET), "Cache-Control": NO_STORE}
SETS_LOGIN_COOKIES = {
    "Set-Cookie": header(
        AUTH_COOKIES_SET + " Also a new csrftoken (readable by scripts): send its value as "
        "X-CSRFToken from now on; and device_id (HttpOnly, Path=/api/auth/, 400 days), which "
        "says which browser this is, for the new-device alert."
    ),
    "Cache-Control": NO_STORE,
}
CLEARS_AUTH_COOKIES = {
    "Set-Cookie": header(
        "access_token and refresh_token cleared: empty value, Max-Age=0, same path and domain."
    ),
    "Cache-Control": NO_STORE,
}
SETS_CSRF_COOKIE = {
    "Set-Cookie": header("csrftoken (not HttpOnly): the value to send back as X-CSRFToken."),
}
CSRF_FAILED = error(
    'code "csrf_failed": the credential came from a cookie and X-CSRFToken did not match the '
    "csrftoken cookie, or the Origin is not trusted."
)

_NOT_AUTHENTICATED = error(
    'No valid access token: code "not_authenticated" (none given) or "token_not_valid" '
    "(malformed, forged, expired, or its session revoked). Refresh, then retry."
)
_INVALID_BODY = field_errors(
    'Field errors, or a body that is not a JSON object (code "parse_error").'
)
_TOO_LARGE = error('code "request_too_large": the body is over 64 KiB.')
_UNSUPPORTED = error('code "unsupported_media_type": the body is not application/json.')
_THROTTLED = error(
    'code "throttled": too many attempts; Retry-After gives the seconds to wait.',
    headers={"Retry-After": header("Seconds to wait.", openapi.TYPE_INTEGER)},
)
_UNAVAILABLE = error('code "service_unavailable": the database does not answer.')


class ApiAutoSchema(SwaggerAutoSchema):
    def get_security(self):
        security = super().get_security()
        if security is not None:
            return security
        return [] if self._is_public() else BEARER

    def split_summary_from_description(self, description):
        # A docstring of one line is all summary.
        summary, rest = super().split_summary_from_description(description)
        return (summary, rest) if summary else (description or None, "")

    def get_tags(self, operation_keys=None):
        return self.overrides.get("tags") or [getattr(self.view, "docs_tag", "auth")]

    def get_response_serializers(self):
        responses = super().get_response_serializers()
        for code, response in self._implied_responses().items():
            responses.setdefault(code, response)
        return responses

    def _is_public(self) -> bool:
        return not self.view.authentication_classes

    def _implied_responses(self) -> dict[str, openapi.Response]:
        implied = {}
        if self.get_request_serializer() is not None:
            implied |= {"400": _INVALID_BODY, "413": _TOO_LARGE, "415": _UNSUPPORTED}
        if self.view.throttle_classes:
            implied["429"] = _THROTTLED
        if not self._is_public():
            implied["401"] = _NOT_AUTHENTICATED
            if self.method not in SAFE_METHODS:
                implied["403"] = CSRF_FAILED
        implied["503"] = _UNAVAILABLE
        return implied
