"""Error bodies a front end can branch on: a validation error keeps DRF's {field: [message]}
and adds detail and errors [{field, code, message}]; every other refusal is {detail, code}."""

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory

from accounts.errors import FIELD_ERROR_CODES
from accounts.public import PublicAPIView
from config.errors import validation_error_body
from tests.conftest import (
    LOGIN,
    PASSWORD,
    PASSWORD_CHANGE,
    SIGNUP,
    field_errors,
    login,
)

MFA_VERIFY = "/api/auth/mfa/verify/"
TOTP_CONFIRM = "/api/auth/mfa/totp/confirm/"
REAUTHENTICATE = "/api/auth/reauthenticate/"
PASSKEY_LOGIN = "/api/auth/passkeys/login/"


def post(path, body, client=None, **headers):
    return (client or APIClient()).post(path, body, format="json", **headers)


def listed(response) -> list[tuple[str, str]]:
    """The (field, code) pairs of a validation error's errors list, in order."""
    return [(error["field"], error["code"]) for error in response.json()["errors"]]


def expected_errors(body: dict) -> list[dict]:
    """What the errors list must hold for DRF's part of a body: every message once, in order."""
    return [
        {"field": field, "message": message}
        for field, messages in body.items()
        if field not in ("detail", "errors")
        for message in messages
    ]


def assert_is_validation_error(response):
    body = response.json()
    assert response.status_code == 400, body
    assert isinstance(body["detail"], str) and body["detail"]
    assert [{k: e[k] for k in ("field", "message")} for e in body["errors"]] == expected_errors(
        body
    )
    assert all(error["code"] in FIELD_ERROR_CODES for error in body["errors"]), body
    return body


# --- Every kind of field error -----------------------------------------------------------


@pytest.mark.parametrize(
    "body,field,code",
    [
        ({"email": "a@example.com", "password": PASSWORD}, "username", "required"),
        ({"username": None, "email": "a@example.com", "password": PASSWORD}, "username", "null"),
        ({"username": "", "email": "a@example.com", "password": PASSWORD}, "username", "blank"),
        ({"username": 42, "email": "a@example.com", "password": PASSWORD}, "username", "invalid"),
        (
            {"username": "a b", "email": "a@example.com", "password": PASSWORD},
            "username",
            "invalid",
        ),
        (
            {"username": "a" * 151, "email": "a@x.com", "password": PASSWORD},
            "username",
            "max_length",
        ),
        (
            {"username": "a\x00b", "email": "a@example.com", "password": PASSWORD},
            "username",
            "null_characters_not_allowed",
        ),
        (
            {"username": "newbie", "email": "not-an-address", "password": PASSWORD},
            "email",
            "invalid",
        ),
        (
            {"username": "newbie", "email": "n@x.com", "password": "Zq9!x"},
            "password",
            "password_too_short",
        ),
        (
            {"username": "newbie", "email": "n@x.com", "password": "password"},
            "password",
            "password_too_common",
        ),
        (
            {"username": "newbie", "email": "n@x.com", "password": "93718264519"},
            "password",
            "password_entirely_numeric",
        ),
        (
            {"username": "newbie-sherwood", "email": "n@x.com", "password": "newbie-sherwood1"},
            "password",
            "password_too_similar",
        ),
    ],
)
def test_each_field_error_has_its_code(db, body, field, code):
    response = post(SIGNUP, body)

    assert_is_validation_error(response)
    assert (field, code) in listed(response)


def test_a_taken_username_and_email_are_unique_errors(make_user):
    make_user("taken", email="taken@example.com")

    response = post(
        SIGNUP, {"username": "TAKEN", "email": "Taken@Example.com", "password": PASSWORD}
    )

    assert_is_validation_error(response)
    assert listed(response) == [("username", "unique"), ("email", "unique")]


def test_every_field_error_of_a_signup_comes_at_once(make_user):
    # Once a taken username hid the weak password until the next try.
    make_user("taken", email="taken@example.com")

    response = post(SIGNUP, {"username": "taken", "email": "nope", "password": "12345"})

    body = assert_is_validation_error(response)
    assert set(body) == {"username", "email", "password", "detail", "errors"}
    assert set(listed(response)) == {
        ("username", "unique"),
        ("email", "invalid"),
        ("password", "password_too_short"),
        ("password", "password_too_common"),
        ("password", "password_entirely_numeric"),
    }


def test_a_wrong_old_password_and_a_weak_new_one_come_at_once(logged_in):
    response = post(
        PASSWORD_CHANGE, {"old_password": "wrong", "new_password": "password"}, logged_in
    )

    assert_is_validation_error(response)
    assert listed(response) == [
        ("old_password", "password_incorrect"),
        ("new_password", "password_too_common"),
    ]


def test_a_wrongly_typed_credential_is_a_field_error(db):
    response = post(PASSKEY_LOGIN, {"credential": "not an object"})

    assert_is_validation_error(response)
    assert listed(response) == [("credential", "not_a_dict")]


# --- Requests with a field named code ----------------------------------------------------


@pytest.mark.parametrize(
    "body,errors",
    [
        ({"code": 123456}, [("code", "invalid")]),
        ({"code": ["123456"]}, [("code", "invalid")]),
        ({"code": "1" * 17}, [("code", "max_length")]),
        ({"code": None}, [("code", "null")]),
        ({}, [("non_field_errors", "one_proof_required")]),
        ({"code": "123456", "recovery_code": "abcd"}, [("non_field_errors", "one_proof_required")]),
        # Two proofs, one malformed: both refusals at once.
        (
            {"code": 12, "recovery_code": "abcd"},
            [("code", "invalid"), ("non_field_errors", "one_proof_required")],
        ),
    ],
)
def test_mfa_verify_field_errors_stand_under_code_as_a_list(db, body, errors):
    response = post(MFA_VERIFY, body)

    data = assert_is_validation_error(response)
    assert listed(response) == errors
    if "code" in dict(errors):
        # The code field's messages, never a code of the error.
        assert isinstance(data["code"], list) and data["code"]
        assert data["code"] == [e["message"] for e in data["errors"] if e["field"] == "code"]
    else:
        assert "code" not in data


def test_a_validation_error_never_has_a_string_code(db):
    # A client tells {detail, code} from a validation error by `errors`, and may read a
    # string `code` as a refusal's code without looking at the status.
    for path, body in [(SIGNUP, {}), (MFA_VERIFY, {"code": 1}), (LOGIN, {"username": 5})]:
        data = post(path, body).json()
        assert "errors" in data
        assert not isinstance(data.get("code"), str), data


def test_a_refusal_of_a_well_formed_code_is_a_string_code(db):
    response = post(MFA_VERIFY, {"code": "123456"})

    assert response.status_code == 401
    assert response.json() == {
        "detail": "The login is not pending any more: log in again.",
        "code": "mfa_token_invalid",
    }


def test_totp_confirm_and_reauthenticate_keep_their_code_field_errors_apart(logged_in):
    confirm = post(TOTP_CONFIRM, {"code": []}, logged_in)
    reauthenticate = post(REAUTHENTICATE, {"code": 7, "password": PASSWORD}, logged_in)

    assert listed(confirm) == [("code", "invalid")]
    assert confirm.json()["code"] == [confirm.json()["errors"][0]["message"]]
    assert listed(reauthenticate) == [
        ("code", "invalid"),
        ("non_field_errors", "one_proof_required"),
    ]
    assert isinstance(reauthenticate.json()["code"], list)


def test_a_missing_code_at_totp_confirm_is_required(logged_in):
    response = post(TOTP_CONFIRM, {}, logged_in)

    assert listed(response) == [("code", "required")]


# --- Other refusals stay {detail, code} ---------------------------------------------------


def test_a_wrong_password_is_detail_and_code_only(user):
    response = post(LOGIN, {"username": "alice", "password": "wrong"})

    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code"}
    assert response.json()["code"] == "no_active_account"


def test_a_body_that_is_not_an_object_is_a_parse_error_without_errors(db):
    response = APIClient().post(SIGNUP, "[1, 2]", content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()) == {"detail", "code"}
    assert response.json()["code"] == "parse_error"


def test_a_csrf_refusal_is_csrf_failed(api, user):
    login(api)
    api.credentials()  # drops the X-CSRFToken header

    response = api.post("/api/auth/logout-all/")

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert response.json()["detail"].startswith("CSRF Failed: ")


# --- The shape, for any shape of errors -----------------------------------------------------


class _Item(serializers.Serializer):
    name = serializers.CharField(max_length=3)


class _Nested(serializers.Serializer):
    credential = _Item()
    items = _Item(many=True)
    tags = serializers.ListField(child=serializers.IntegerField())
    labels = serializers.DictField(child=serializers.CharField(max_length=2))
    code = serializers.CharField()


class _NestedView(PublicAPIView):
    def post(self, request):
        serializer = _Nested(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data)


def test_nested_errors_are_named_with_dots():
    request = APIRequestFactory().post(
        "/nested/",
        {
            "credential": {"name": "toolong"},
            "items": [{"name": "ok"}, {}],
            "tags": [1, "x"],
            "labels": {"en": "long"},
            "code": ["not", "a", "string"],
        },
        format="json",
    )

    response = _NestedView.as_view()(request)
    response.render()

    body = response.data
    assert [(e["field"], e["code"]) for e in body["errors"]] == [
        ("credential.name", "max_length"),
        ("items.1.name", "required"),
        ("tags.1", "invalid"),
        ("labels.en", "max_length"),
        ("code", "invalid"),
    ]
    # DRF's nested shape is kept as it is.
    assert body["credential"] == {"name": ["Ensure this field has no more than 3 characters."]}
    assert body["items"] == {1: {"name": ["This field is required."]}}
    assert body["code"] == ["Not a valid string."]


def test_errors_of_no_field_are_non_field_errors():
    assert validation_error_body(["Broken."]) == {
        "non_field_errors": ["Broken."],
        "detail": "Invalid input.",
        "errors": [{"field": "non_field_errors", "code": "invalid", "message": "Broken."}],
    }
    assert validation_error_body("Broken.")["errors"][0]["field"] == "non_field_errors"


@given(
    st.dictionaries(st.sampled_from(["detail", "errors", "code", "", "name"]), st.just(["Bad."]))
)
def test_field_errors_of_any_name_leave_detail_a_sentence_and_errors_the_list(detail):
    body = validation_error_body(detail)

    assert body["detail"] == "Invalid input."
    assert [error["message"] for error in body["errors"]] == ["Bad."] * len(detail)
    assert {error["field"] for error in body["errors"]} == {
        name or "non_field_errors" for name in detail
    }


# --- Whatever the body: never a 500, and the errors list matches the fields ---------------

_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(max_size=40),
    st.text(alphabet="abc@.-_ ", max_size=20),
    st.lists(st.text(max_size=5), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@pytest.mark.django_db
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    path=st.sampled_from([SIGNUP, LOGIN, MFA_VERIFY, PASSKEY_LOGIN, "/api/auth/password/reset/"]),
    body=st.dictionaries(
        st.sampled_from(["username", "email", "password", "code", "recovery_code", "credential"]),
        _VALUES,
        max_size=6,
    ),
)
def test_any_request_body_gets_a_consistent_answer(path, body):
    cache.clear()  # or the throttles would answer most examples
    response = post(path, body)

    assert response.status_code < 500
    data = response.json()
    if response.status_code == 400 and "errors" in data:
        assert_is_validation_error(response)
        assert field_errors(response)
    elif response.status_code >= 400:
        assert isinstance(data["code"], str) and isinstance(data["detail"], str)
