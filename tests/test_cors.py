"""Trusted front-end origins may read the API's answers with credentials, and nothing else."""

import corsheaders.middleware
import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.cors import CorsMiddleware

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


# --- The fast path for requests without an Origin, held to django-cors-headers ----------------

_ORIGINS = st.sampled_from(
    [None, "", FRONT_END, "https://evil.example", "null", f"{FRONT_END}:8443", "not a url"]
)
_PATHS = st.sampled_from(["/api/auth/me/", "/api/", "/admin/", "/healthz/", "/API/auth/me/"])
_METHODS = st.sampled_from(["GET", "POST", "OPTIONS", "DELETE"])


def _answer_of(middleware_class, *, method, path, origin, vary, preflight):
    def view(request):
        response = HttpResponse("{}")
        if vary is not None:
            response["Vary"] = vary
        return response

    headers = {}
    if origin is not None:
        headers["HTTP_ORIGIN"] = origin
    if preflight:
        headers["HTTP_ACCESS_CONTROL_REQUEST_METHOD"] = "POST"
    request = RequestFactory().generic(method, path, **headers)
    response = middleware_class(view)(request)
    return response.status_code, sorted(response.items())


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    method=_METHODS,
    path=_PATHS,
    origin=_ORIGINS,
    vary=st.sampled_from([None, "Cookie", "Accept-Language, Cookie", "origin"]),
    preflight=st.booleans(),
)
def test_the_middleware_answers_as_django_cors_headers_does(method, path, origin, vary, preflight):
    case = dict(method=method, path=path, origin=origin, vary=vary, preflight=preflight)

    assert _answer_of(CorsMiddleware, **case) == _answer_of(
        corsheaders.middleware.CorsMiddleware, **case
    )


def test_an_api_answer_varies_on_origin_even_when_the_request_names_none(logged_in):
    response = logged_in.get("/api/auth/me/")

    assert "origin" in response["Vary"].lower()
    assert not response.has_header("Access-Control-Allow-Origin")
