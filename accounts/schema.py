"""The Swagger 2.0 description of each endpoint, derived from the view wherever the view decides.

``ApiAutoSchema`` (drf-yasg's DEFAULT_AUTO_SCHEMA_CLASS) adds the answers that
follow from how a view is built, so that no endpoint has to list them:

- a JSON body means 400 (field errors), 413 (too large) and 415 (not JSON);
- a throttle means 429 with Retry-After;
- authentication means 401, and for unsafe methods 403 (CSRF, since the
  credential may be a cookie); no authentication means no security requirement;
- a view closed to a session without a second factor means 403 too
  (``mfa_enrolment_required``, under AUTH_MFA_REQUIRED_FOR_EVERYONE);
- everything may answer 503 when the database does not.

Each error answer's ``code`` is an enum: the codes the view states (``error(…,
codes=…)``) with those its build implies and those any path may answer; where a
view states none, every code of the service with that status. The ``Error``
definition has them all.
Validation errors also list their ``errors`` (the ``FieldError`` definition).

Summaries and descriptions come from the views' docstrings; a view's own
``swagger_auto_schema`` states only what is particular to it, and wins.
Swagger 2.0 cannot describe cookie authentication, so the cookies an answer
sets or clears are ``Set-Cookie`` headers described in words.
"""

from dataclasses import dataclass, replace

from drf_yasg import openapi
from drf_yasg.inspectors import SwaggerAutoSchema
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS

from accounts.errors import ERROR_CODES, FIELD_ERROR_CODES
from accounts.permissions import SecondFactorInSession

BEARER = [{"Bearer": []}]
# Refusals that come before any view, so that any path may answer them.
EVERY_PATH_CODES = {"400": ("disallowed_host",), "401": ("ambiguous_credentials",)}


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="A sentence, in the language of Accept-Language.")
    code = serializers.ChoiceField(
        choices=sorted(ERROR_CODES), help_text="What to branch on: the same in every language."
    )


class FieldErrorSerializer(serializers.Serializer):
    field = serializers.CharField(
        help_text="The request's field, a nested one with dots (credential.id); "
        "non_field_errors for the request as a whole."
    )
    code = serializers.ChoiceField(
        choices=list(FIELD_ERROR_CODES), help_text="What to branch on: the same in every language."
    )
    message = serializers.CharField(help_text="The message, as under the field's own key.")


def header(description: str, type_=openapi.TYPE_STRING) -> openapi.Schema:
    return openapi.Schema(type=type_, description=description)


@dataclass(frozen=True)
class ErrorAnswer:
    """An error response of an endpoint, made into a Swagger response by ``ApiAutoSchema``.

    ``codes`` are the codes it can carry; None where the description alone says which (the
    schema then allows every code of the service).
    """

    description: str
    headers: dict | None = None
    codes: tuple[str, ...] | None = None
    field_errors: bool = False
    code_is_a_field: bool = False

    def with_implied(self, implied: "ErrorAnswer") -> "ErrorAnswer":
        """This answer, which a view states, also carrying the codes its build implies."""
        if self.codes is None or implied.codes is None:
            return self
        codes = tuple(dict.fromkeys([*implied.codes, *self.codes]))
        return replace(self, codes=codes, field_errors=self.field_errors or implied.field_errors)


def error(description: str, headers=None, *, codes: tuple[str, ...] | None = None) -> ErrorAnswer:
    """An error answer: ``{detail, code}``."""
    return ErrorAnswer(description, headers, codes)


def field_errors(
    description: str,
    headers=None,
    *,
    codes: tuple[str, ...] | None = None,
    code_is_a_field=False,
) -> ErrorAnswer:
    """A validation error (DRF's ``{field: [message, …]}`` with ``detail`` and ``errors``), or
    ``{detail, code}`` with one of ``codes`` (a body that is not a JSON object, say).

    Where the request has a field named ``code`` its errors stand under that key too, so
    ``code`` is then a string or a list of messages.
    """
    return ErrorAnswer(
        description, headers, codes, field_errors=True, code_is_a_field=code_is_a_field
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
    "csrftoken cookie, or the Origin is not trusted.",
    codes=("csrf_failed",),
)

_SECOND_FACTOR = (
    'code "mfa_enrolment_required": under AUTH_MFA_REQUIRED_FOR_EVERYONE, a session that has '
    "not proved a second factor may only enrol one."
)
_SECOND_FACTOR_REQUIRED = error(_SECOND_FACTOR, codes=("mfa_enrolment_required",))
_CSRF_OR_SECOND_FACTOR = error(
    f"{CSRF_FAILED.description} Or {_SECOND_FACTOR}",
    codes=("csrf_failed", "mfa_enrolment_required"),
)

_NOT_AUTHENTICATED = error(
    'No valid access token: code "not_authenticated" (none given) or "token_not_valid" '
    "(malformed, forged, expired, or its session revoked). Refresh, then retry.",
    codes=("not_authenticated", "token_not_valid"),
)
_INVALID_BODY = field_errors(
    'Field errors, or a body that is not a JSON object (code "parse_error").',
    codes=("parse_error",),
)
_TOO_LARGE = error(
    'code "request_too_large": the body is over 64 KiB.', codes=("request_too_large",)
)
_UNSUPPORTED = error(
    'code "unsupported_media_type": the body is not application/json.',
    codes=("unsupported_media_type",),
)
_THROTTLED = error(
    'code "throttled": too many attempts; Retry-After gives the seconds to wait.',
    headers={"Retry-After": header("Seconds to wait.", openapi.TYPE_INTEGER)},
    codes=("throttled",),
)
_UNAVAILABLE = error(
    'code "service_unavailable": the database does not answer.', codes=("service_unavailable",)
)


_DETAIL = openapi.Schema(
    type=openapi.TYPE_STRING, description="A sentence, in the language of Accept-Language."
)


def _code_schema(codes) -> openapi.Schema:
    return openapi.Schema(
        type=openapi.TYPE_STRING,
        enum=list(codes),
        description="What to branch on: the same in every language.",
    )


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
        for status, implied in self._implied_responses().items():
            stated = responses.get(status)
            if stated is None:
                responses[status] = implied
            elif isinstance(stated, ErrorAnswer):
                responses[status] = stated.with_implied(implied)
        return {
            status: self._error_response(status, response)
            if isinstance(response, ErrorAnswer)
            else response
            for status, response in responses.items()
        }

    def _error_response(self, status: str, answer: ErrorAnswer) -> openapi.Response:
        # The Error definition holds every code, for clients that name one type of them all.
        self.serializer_to_schema(ErrorSerializer())
        if answer.codes is None:
            # Not stated: any code of the service with this status.
            codes = [code for code, statuses in ERROR_CODES.items() if int(status) in statuses]
        else:
            codes = list(dict.fromkeys([*answer.codes, *EVERY_PATH_CODES.get(status, ())]))
        if not answer.field_errors:
            schema = openapi.Schema(
                type=openapi.TYPE_OBJECT,
                properties={"detail": _DETAIL, "code": _code_schema(codes)},
                required=["detail", "code"],
            )
            return openapi.Response(answer.description, schema, headers=answer.headers)
        if answer.code_is_a_field:
            # Swagger 2.0 has no "string or array": a schema without a type takes either.
            code = openapi.Schema(
                type=openapi.TYPE_STRING,
                description=f"The error's code ({', '.join(codes)}), or the messages of the "
                "code field.",
            )
            del code["type"]
        else:
            code = _code_schema(codes)
        schema = openapi.Schema(
            type=openapi.TYPE_OBJECT,
            description="A validation error: {field: [message, ...]} with detail and errors; "
            "or {detail, code}.",
            properties={
                "detail": _DETAIL,
                "code": code,
                "errors": openapi.Schema(
                    type=openapi.TYPE_ARRAY,
                    description="One entry per message of the field errors.",
                    items=self.serializer_to_schema(FieldErrorSerializer()),
                ),
            },
            required=["detail"],
            additional_properties=openapi.Schema(
                type=openapi.TYPE_ARRAY, items=openapi.Schema(type=openapi.TYPE_STRING)
            ),
        )
        return openapi.Response(answer.description, schema, headers=answer.headers)

    def _is_public(self) -> bool:
        return not self.view.authentication_classes

    def _implied_responses(self) -> dict[str, ErrorAnswer]:
        implied = {}
        if self.get_request_serializer() is not None:
            implied |= {"400": _INVALID_BODY, "413": _TOO_LARGE, "415": _UNSUPPORTED}
        if self.view.throttle_classes:
            implied["429"] = _THROTTLED
        if not self._is_public():
            implied["401"] = _NOT_AUTHENTICATED
            unsafe = self.method not in SAFE_METHODS
            if unsafe and self._needs_second_factor():
                implied["403"] = _CSRF_OR_SECOND_FACTOR
            elif unsafe:
                implied["403"] = CSRF_FAILED
            elif self._needs_second_factor():
                implied["403"] = _SECOND_FACTOR_REQUIRED
        implied["503"] = _UNAVAILABLE
        return implied

    def _needs_second_factor(self) -> bool:
        """Whether AUTH_MFA_REQUIRED_FOR_EVERYONE may refuse a session without one here."""
        return not getattr(self.view, "open_before_second_factor", False) and any(
            isinstance(permission, SecondFactorInSession)
            for permission in self.view.get_permissions()
        )
