"""Bad input of any shape is a clear 4xx with a JSON body, and every /api/ error is JSON."""

from unittest import mock

import pytest
from django.db import OperationalError
from rest_framework.test import APIClient

from accounts.models import User
from tests.conftest import PASSWORD

ENDPOINTS = [
    "/api/auth/signup/",
    "/api/auth/login/",
    "/api/auth/refresh/",
    "/api/auth/logout/",
]


def post_raw(path, body: bytes | str, content_type="application/json"):
    return APIClient().post(path, body, content_type=content_type)


def assert_json_error(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, dict) and body
    return body


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    "raw",
    ['{"username": ', "{'single': 'quotes'}", "NaN", '{"a": NaN}', "\xff\xfe", "1" * 5000],
    ids=["truncated", "single quotes", "NaN", "NaN value", "bad utf-8", "huge number"],
)
def test_malformed_json_is_a_400(db, path, raw):
    body = assert_json_error(post_raw(path, raw.encode("latin-1")), 400)

    assert body["detail"].startswith("JSON parse error")


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("raw", ["[]", '["alice"]', '"alice"', "42", "null", "true"])
def test_json_that_is_not_an_object_is_a_400(db, path, raw):
    body = assert_json_error(post_raw(path, raw), 400)

    assert "JSON object" in body["detail"]


@pytest.mark.parametrize("path", ENDPOINTS)
def test_deeply_nested_json_is_a_400(db, path):
    raw = '{"a": ' + "[" * 20000 + "]" * 20000 + "}"

    assert_json_error(post_raw(path, raw), 400)


@pytest.mark.parametrize("path", ENDPOINTS)
def test_a_huge_body_is_a_413(db, path):
    raw = '{"username": "' + "a" * 100_000 + '", "password": "x"}'

    body = assert_json_error(post_raw(path, raw), 413)

    assert body["code"] == "request_too_large"


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
        # Wildcards match JSON in DRF's own negotiation; a body must say what it is.
        "*/*",
        "application/*",
        "*/json",
        "application/json-patch+json",
        "application/jsonx",
    ],
)
def test_other_content_types_are_a_415(db, path, content_type):
    response = post_raw(path, "username=alice&password=x", content_type)

    body = assert_json_error(response, 415)
    assert body["code"] == "unsupported_media_type"


@pytest.mark.parametrize("path", ["/api/auth/signup/", "/api/auth/login/"])
def test_a_lone_surrogate_is_a_400_not_a_database_error(db, path):
    raw = '{"username": "a\\ud800b", "email": "x@example.com", "password": "pw\\udfff"}'

    body = assert_json_error(post_raw(path, raw), 400)

    assert "unicode" in body["detail"]


@pytest.mark.parametrize("field", ["username", "email", "password"])
def test_a_nul_character_is_a_400(db, field):
    body = {"username": "bob", "email": "bob@example.com", "password": PASSWORD}
    body[field] = body[field][:2] + "\x00" + body[field][2:]

    response = APIClient().post("/api/auth/signup/", body, format="json")

    assert_json_error(response, 400)
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "username",
    ["bob\u202egnp", "\U0001f600", "b\u0301ob", "\u200bbob", "a" * 151],
    ids=["rtl override", "emoji", "combining mark", "zero width space", "too long"],
)
def test_odd_unicode_usernames_are_refused_with_a_field_error(db, username):
    response = APIClient().post(
        "/api/auth/signup/",
        {"username": username, "email": "odd@example.com", "password": PASSWORD},
        format="json",
    )

    assert_json_error(response, 400)
    assert "username" in response.json()


def test_odd_unicode_passwords_are_accepted_and_work(db):
    password = "пароль-密码-🔑-\u202e-long"
    client = APIClient()

    signup = client.post(
        "/api/auth/signup/",
        {"username": "bob", "email": "bob@example.com", "password": password},
        format="json",
    )
    login = client.post(
        "/api/auth/login/", {"username": "bob", "password": password}, format="json"
    )

    assert signup.status_code == 201
    assert login.status_code == 200


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "Application/JSON"]
)
def test_json_with_or_without_parameters_is_parsed(user, content_type):
    response = post_raw(
        "/api/auth/login/",
        '{"username": "alice", "password": "correct-horse-battery-staple"}',
        content_type,
    )

    assert response.status_code == 200


def test_a_bodiless_post_needs_no_content_type(db):
    response = APIClient().generic("POST", "/api/auth/refresh/", "", content_type="")

    body = assert_json_error(response, 400)
    assert body["detail"] == "no refresh token"


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
@pytest.mark.parametrize(
    "path", ["/api/", "/api/nothing/", "/api/auth/nothing/", "/api/auth/me/extra/"]
)
def test_unknown_api_paths_are_a_json_404(db, method, path):
    body = assert_json_error(getattr(APIClient(), method)(path), 404)

    assert body == {"detail": "Not found.", "code": "not_found"}


def test_a_malformed_session_id_is_a_json_404(logged_in):
    assert_json_error(logged_in.delete("/api/auth/sessions/not-a-uuid/"), 404)


@pytest.mark.parametrize(
    "method, path",
    [("get", "/api/auth/login/"), ("put", "/api/auth/refresh/"), ("post", "/api/auth/me/")],
)
def test_a_wrong_method_is_a_json_405(logged_in, method, path):
    body = assert_json_error(getattr(logged_in, method)(path), 405)

    assert body["code"] == "method_not_allowed"


def test_a_server_fault_under_api_is_a_json_500_without_a_traceback(logged_in):
    boom = RuntimeError("secret detail")
    with mock.patch("accounts.views.account.MeSerializer", side_effect=boom):
        response = logged_in.get("/api/auth/me/")

    body = assert_json_error(response, 500)
    assert body == {"detail": "Server error.", "code": "server_error"}
    assert "secret detail" not in response.content.decode()


def test_a_database_outage_under_api_is_a_json_503(logged_in):
    with mock.patch(
        "accounts.authentication.session_user_get", side_effect=OperationalError("down")
    ):
        response = logged_in.get("/api/auth/me/")

    body = assert_json_error(response, 503)
    assert body["code"] == "service_unavailable"


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "*/*", "", "nonsense;;"])
def test_the_api_answers_json_whatever_the_accept_header(logged_in, accept):
    response = logged_in.get("/api/auth/me/", HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["username"] == "alice"


def test_the_docs_still_negotiate_their_formats(db):
    assert APIClient().get("/swagger.yaml").headers["Content-Type"].startswith("application/yaml")
