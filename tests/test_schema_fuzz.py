"""Property-based fuzzing of the API against its own /swagger.json, with schemathesis.

Each documented operation gets generated requests, valid and invalid per the
schema; every answer must be no server error, and its status, content type,
headers and body must be ones the schema documents. Invalid requests must be
refused with a 4xx.
"""

import os

import pytest
import schemathesis
from django.core import mail
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from accounts.services import sessions
from tests.conftest import PASSWORD, emailed_link

pytestmark = pytest.mark.fuzz

# schemathesis' checks of single requests, but positive_data_acceptance: no schema
# can say which passwords are strong enough or which tokens are live, so some
# schema-valid requests are rightly refused with the documented 400 or 401.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
    missing_required_header,
    unsupported_method,
]
# Per operation and mode: enough to find the shapes that break, few enough for
# make test; FUZZ_MAX_EXAMPLES=1000 for a deeper run.
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "100"))
# Generated as given, then swapped for a fresh token, so that negative cases
# mutate the body and path rather than the credential.
TOKEN_PLACEHOLDER = "Bearer placeholder"

SCHEMA = schemathesis.openapi.from_wsgi("/swagger.json", get_wsgi_application())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


def _needs_token(operation) -> bool:
    return operation.definition.raw.get("security") != []


def _has_input(operation) -> bool:
    """Whether anything but the credential can be made invalid."""
    return bool(list(operation.body)) or any(
        parameter.name != "Authorization" for parameter in operation.iter_parameters()
    )


RUNS = [(operation, GenerationMode.POSITIVE) for operation in OPERATIONS] + [
    (operation, GenerationMode.NEGATIVE) for operation in OPERATIONS if _has_input(operation)
]


@pytest.fixture
def fuzz_user(make_user):
    return make_user("fuzzer")


# The WSGI handler closes the connection after each request, which would end a
# test transaction; committed rows, flushed after the test, do not mind.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "operation,mode", RUNS, ids=[f"{op.label} {mode.value}" for op, mode in RUNS]
)
def test_api_answers_as_documented(operation, mode, fuzz_user):
    fixed_headers = {"Authorization": TOKEN_PLACEHOLDER} if _needs_token(operation) else None

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, headers=fixed_headers))
    def answers_as_documented(case):
        # Throttling would turn most cases into documented 429s and hide the rest.
        cache.clear()
        headers = {}
        if fixed_headers:
            # A fresh session for each case: an earlier case may have revoked the last.
            pair = sessions.session_login(
                user=fuzz_user, user_agent="fuzz", ip_address=None, amr=["pwd"]
            )
            headers["Authorization"] = f"Bearer {pair.access}"
        call_and_validate(case, headers)

    answers_as_documented()


def call_and_validate(case, headers=None):
    headers = headers or {}
    response = case.call(headers=headers)
    checks = CHECKS
    if response.status_code == 204:
        # Swagger 2.0 gives every answer the operation's media type; a 204 has no body.
        assert response.content == b""
        checks = [check for check in CHECKS if check is not content_type_conformance]
    case.validate_response(response, checks=checks, headers=headers)
    return response


def _case(label: str, **kwargs):
    method, path = label.split(" ")
    return SCHEMA[path][method].Case(**kwargs)


def _bearer(user):
    pair = sessions.session_login(user=user, user_agent="fuzz", ip_address=None, amr=["pwd"])
    return pair, {"Authorization": f"Bearer {pair.access}"}


# Random input rarely holds a right password or a live token, so the answers
# that need one are checked here, with the same checks.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("tokens_in_body", [False, True])
def test_successful_answers_are_as_documented(settings, make_user, tokens_in_body):
    settings.AUTH_RETURN_TOKENS_IN_BODY = tokens_in_body
    user = make_user("documented", password=PASSWORD)

    def ok(label, expected_status, headers=None, **kwargs):
        response = call_and_validate(_case(label, **kwargs), headers)
        assert response.status_code == expected_status, response.content
        return response

    ok(
        "POST /api/auth/signup/",
        201,
        body={"username": "newcomer", "email": "new@example.com", "password": PASSWORD},
    )
    ok("GET /api/auth/csrf/", 200)
    ok("GET /healthz/", 200)
    login = ok("POST /api/auth/login/", 200, body={"username": user.username, "password": PASSWORD})
    assert ("refresh" in login.json()) is tokens_in_body

    pair, bearer = _bearer(user)
    ok("GET /api/auth/me/", 200, headers=bearer)
    ok("GET /api/auth/sessions/", 200, headers=bearer)
    ok("PATCH /api/auth/me/", 200, headers=bearer, body={"first_name": "Doc"})
    ok("POST /api/auth/email/change/", 202, headers=bearer, body={"email": "moved@example.com"})
    [message] = [m for m in mail.outbox if m.to == ["moved@example.com"]]
    ok(
        "POST /api/auth/email/change/confirm/",
        200,
        body=emailed_link(message, "confirm-email-change"),
    )
    ok("POST /api/auth/refresh/", 200, body={"refresh": str(pair.refresh)})
    ok(
        "POST /api/auth/password/change/",
        200,
        headers=bearer,
        body={"old_password": PASSWORD, "new_password": PASSWORD + "-new"},
    )

    other, _ = _bearer(user)
    ok(
        "DELETE /api/auth/sessions/{session_id}/",
        204,
        headers=bearer,
        path_parameters={"session_id": str(other.access.session_id)},
    )
    ok("POST /api/auth/logout/", 204, body={"refresh": str(_bearer(user)[0].refresh)})
    ok("POST /api/auth/logout-all/", 204, headers=bearer)
    ok("GET /healthz/", 200)
    ok("DELETE /api/auth/me/", 204, headers=_bearer(user)[1])


@pytest.mark.django_db(transaction=True)
def test_throttled_login_is_as_documented(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "login": "2/min",
            "signup": "2/min",
        },
    }
    body = {"username": "nobody", "password": "wrong"}
    statuses = [
        call_and_validate(_case("POST /api/auth/login/", body=body)).status_code for _ in range(3)
    ]
    assert statuses == [401, 401, 429]
