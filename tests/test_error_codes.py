"""The codes a client branches on: one vocabulary (accounts.errors), and the API reference, the
schema and the source all agree with it."""

import inspect
import re
from pathlib import Path

import pytest
from rest_framework import exceptions
from rest_framework.test import APIClient

from accounts import errors
from accounts.errors import ERROR_CODES, FIELD_ERROR_CODES
from tests.conftest import PASSWORD, PASSWORD_CHANGE, SIGNUP, login

ROOT = Path(__file__).resolve().parent.parent
API_REFERENCE = ROOT / "docs" / "api.md"


def _table(heading: str) -> list[list[str]]:
    """The rows of the first table after a heading of docs/api.md, as lists of cells."""
    text = API_REFERENCE.read_text()
    section = text[text.index(f"\n{heading}\n") :]
    rows = []
    for line in section.splitlines()[1:]:
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip("|").split("|")])
        elif rows:
            break
    return rows[2:]  # past the header and its rule


def test_the_reference_tables_every_error_code_with_its_statuses():
    documented = {
        row[0].strip("`"): tuple(int(status) for status in row[1].split(", "))
        for row in _table("### Error codes")
    }

    assert documented == ERROR_CODES


def test_the_reference_tables_every_field_error_code():
    documented = [row[0].strip("`") for row in _table("### Field error codes")]

    assert documented == list(FIELD_ERROR_CODES)


def test_no_code_is_both_a_refusal_and_a_field_error():
    assert not set(ERROR_CODES) & set(FIELD_ERROR_CODES)


def _refusals():
    for _, value in inspect.getmembers(errors, inspect.isclass):
        if issubclass(value, exceptions.APIException) and value.__module__ == errors.__name__:
            yield value


@pytest.mark.parametrize("refusal", list(_refusals()), ids=lambda refusal: refusal.__name__)
def test_every_refusal_of_the_service_is_in_the_vocabulary(refusal):
    assert refusal.status_code in ERROR_CODES[refusal.default_code]


@pytest.mark.parametrize(
    "refusal",
    [
        exceptions.ParseError,
        exceptions.NotAuthenticated,
        exceptions.NotFound,
        exceptions.MethodNotAllowed,
        exceptions.NotAcceptable,
        exceptions.UnsupportedMediaType,
        exceptions.Throttled,
    ],
    ids=lambda refusal: refusal.__name__,
)
def test_drf_refusals_that_the_service_lets_through_are_in_the_vocabulary(refusal):
    assert refusal.status_code in ERROR_CODES[refusal.default_code]


# The ways the source names a code: code="…", default_code = "…", {"detail": …, "code": "…"},
# and the plumbing's _json_error(detail, "…", status).
_CODE_IN_SOURCE = [
    re.compile(r"""\bcode="(\w+)\""""),
    re.compile(r"""\bdefault_code = "(\w+)\""""),
    re.compile(r""""detail":[^{}]*?"code": "(\w+)\"""", re.S),
    re.compile(r"""_json_error\((?:[^()]|\([^()]*\))*?,\s*"(\w+)",""", re.S),
]


def test_every_code_in_the_source_is_in_the_vocabulary():
    found = {}
    for source in [*(ROOT / "accounts").rglob("*.py"), *(ROOT / "config").rglob("*.py")]:
        text = source.read_text()
        for pattern in _CODE_IN_SOURCE:
            for code in pattern.findall(text):
                found.setdefault(code, source.relative_to(ROOT))

    # The admin's login form speaks HTML, not the API.
    found.pop("throttled", None)
    assert {"csrf_failed", "ambiguous_credentials", "disallowed_host", "server_error"} <= set(found)
    unknown = {code: str(where) for code, where in found.items() if code not in ERROR_CODES}
    unknown = {code: where for code, where in unknown.items() if code not in FIELD_ERROR_CODES}
    assert unknown == {}


@pytest.fixture(scope="module")
def spec():
    return APIClient().get("/swagger.json").json()


def _error_answers(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, response in operation["responses"].items():
                # The health check's 503 is its own body, {status, database, detail}.
                if not status.startswith(("4", "5")) or path == "/healthz/":
                    continue
                yield f"{method.upper()} {path} {status}", int(status), response["schema"]


def test_the_schema_has_every_code_as_an_enum(spec):
    definitions = spec["definitions"]

    assert definitions["Error"]["properties"]["code"]["enum"] == sorted(ERROR_CODES)
    assert definitions["FieldError"]["properties"]["code"]["enum"] == list(FIELD_ERROR_CODES)


def test_each_error_answer_of_the_schema_names_codes_of_its_status(spec):
    stated = 0
    for where, status, schema in _error_answers(spec):
        code = schema["properties"]["code"]
        if "enum" in code:
            stated += 1
            for value in code["enum"]:
                assert status in ERROR_CODES[value], f"{where}: {value}"
        if "errors" in schema["properties"]:
            assert status == 400
            assert schema["properties"]["errors"]["items"] == {"$ref": "#/definitions/FieldError"}
    assert stated > 100


def test_an_endpoint_lists_the_codes_it_gives(spec):
    login_answers = spec["paths"]["/api/auth/login/"]["post"]["responses"]
    me_answers = spec["paths"]["/api/auth/me/"]["get"]["responses"]

    assert login_answers["401"]["schema"]["properties"]["code"]["enum"] == [
        "no_active_account",
        "email_not_verified",
        "mfa_required",
        "ambiguous_credentials",
    ]
    assert login_answers["400"]["schema"]["properties"]["code"]["enum"] == [
        "parse_error",
        "disallowed_host",
    ]
    assert login_answers["429"]["schema"]["properties"]["code"]["enum"] == ["throttled"]
    change = spec["paths"]["/api/auth/password/change/"]["post"]["responses"]
    # Closed to a session without a second factor under AUTH_MFA_REQUIRED_FOR_EVERYONE.
    assert change["403"]["schema"]["properties"]["code"]["enum"] == [
        "csrf_failed",
        "mfa_enrolment_required",
    ]
    assert "403" not in me_answers  # me is open to such a session
    assert me_answers["401"]["schema"]["properties"]["code"]["enum"] == [
        "not_authenticated",
        "token_not_valid",
        "ambiguous_credentials",
    ]


def test_no_request_has_a_field_named_detail_or_errors(spec):
    # They are the validation error's own keys.
    for name, definition in spec["definitions"].items():
        for field in definition.get("properties", {}):
            if field in ("detail", "errors"):
                assert not any(
                    parameter.get("schema", {}).get("$ref") == f"#/definitions/{name}"
                    for operations in spec["paths"].values()
                    for operation in operations.values()
                    if isinstance(operation, dict)
                    for parameter in operation.get("parameters", [])
                    if parameter["in"] == "body"
                ), name


# Each field error code, from a request that gives it: none is listed that cannot happen.
_FIELD_ERROR_EXAMPLES = {
    "required": (SIGNUP, {}),
    "null": (SIGNUP, {"username": None}),
    "blank": (SIGNUP, {"username": ""}),
    "invalid": (SIGNUP, {"username": 42}),
    "max_length": (SIGNUP, {"username": "a" * 151}),
    "null_characters_not_allowed": (SIGNUP, {"username": "a\x00"}),
    "not_a_dict": ("/api/auth/passkeys/login/", {"credential": []}),
    "unique": (SIGNUP, {"username": "alice"}),
    "password_too_short": (SIGNUP, {"password": "Zq9!x"}),
    "password_too_common": (SIGNUP, {"password": "password"}),
    "password_entirely_numeric": (SIGNUP, {"password": "93718264519"}),
    "password_too_similar": (
        SIGNUP,
        {"username": "sherwood-forest", "password": "forest-sherwood"},
    ),
    "password_incorrect": (PASSWORD_CHANGE, {"old_password": "wrong", "new_password": PASSWORD}),
    "one_proof_required": ("/api/auth/mfa/verify/", {}),
    "read_only": ("/api/auth/me/", {"email": "new@example.com"}, "patch"),
    "unchanged": ("/api/auth/email/change/", {"email": "alice@example.com"}),
}
# The examples that need alice logged in (recently).
_SIGNED_IN = {PASSWORD_CHANGE, "/api/auth/me/", "/api/auth/email/change/"}


def test_every_field_error_code_has_an_example():
    assert list(_FIELD_ERROR_EXAMPLES) == list(FIELD_ERROR_CODES)


@pytest.mark.parametrize("code", list(_FIELD_ERROR_EXAMPLES))
def test_every_field_error_code_happens(api, user, code):
    path, body, *method = _FIELD_ERROR_EXAMPLES[code]
    if path in _SIGNED_IN:
        login(api)

    response = getattr(api, method[0] if method else "post")(path, body, format="json")

    assert response.status_code == 400
    assert code in [error["code"] for error in response.json()["errors"]]
