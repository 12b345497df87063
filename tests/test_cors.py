"""Trusted front-end origins may read the API's answers with credentials, and nothing else."""

import pytest
from django.test import override_settings

FRONT_END = "https://app.example.test"


@pytest.fixture(autouse=True)
def trusted_front_end():
    with override_settings(CORS_ALLOWED_ORIGINS=[FRONT_END], CSRF_TRUSTED_ORIGINS=[FRONT_END]):
        yield


def preflight(client, path):
    return client.options(
        path,
        HTTP_ORIGIN=FRONT_END,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, x-csrftoken",
    )


def test_a_trusted_origin_reads_the_api_with_credentials(logged_in):
    response = logged_in.get("/api/auth/me/", HTTP_ORIGIN=FRONT_END)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONT_END
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert "origin" in response["Vary"].lower()


def test_a_trusted_origin_may_send_the_csrf_header_to_the_api(api):
    response = preflight(api, "/api/auth/refresh/")

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == FRONT_END
    assert "x-csrftoken" in response["Access-Control-Allow-Headers"]


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/login/", "/swagger/", "/swagger.json", "/healthz/", "/API/auth/me/"]
)
def test_outside_the_api_no_origin_is_allowed_to_read(api, db, path):
    response = api.get(path, HTTP_ORIGIN=FRONT_END)

    assert not response.has_header("Access-Control-Allow-Origin")
    assert not response.has_header("Access-Control-Allow-Credentials")


def test_no_preflight_opens_the_admin_to_another_origin(api, db):
    response = preflight(api, "/admin/login/")

    assert not response.has_header("Access-Control-Allow-Origin")
    assert not response.has_header("Access-Control-Allow-Headers")


def test_an_untrusted_origin_reads_nothing(logged_in):
    response = logged_in.get("/api/auth/me/", HTTP_ORIGIN="https://evil.example")

    assert not response.has_header("Access-Control-Allow-Origin")
