"""Development set-up: in debug, any loopback front end and FRONTEND_URL are trusted; a page at /.

The settings come from the environment at start-up, so what DJANGO_DEBUG=1 and =0 set is
read from a fresh process; the CSRF and CORS behaviour under those settings is checked
through the API.
"""

import json
import sys

import pytest
from django.test import override_settings

from config.settings import LOOPBACK_ORIGIN_REGEX
from tests.test_settings import start

DEBUG_ORIGINS = override_settings(
    CORS_ALLOWED_ORIGIN_REGEXES=[f"^{LOOPBACK_ORIGIN_REGEX}$"],
    CSRF_TRUSTED_ORIGIN_REGEXES=[LOOPBACK_ORIGIN_REGEX],
    CORS_ALLOWED_ORIGINS=[],
    CSRF_TRUSTED_ORIGINS=[],
)
DEV_FRONT_ENDS = [
    "http://localhost:5173",  # Vite
    "http://localhost:3000",  # Next.js, the example page
    "http://localhost:8080",
    "http://127.0.0.1:5173",
    "http://[::1]:5173",
    "http://localhost",
]
LOOKALIKES = [
    "https://evil.example",
    "http://localhost.evil.example:5173",
    "http://evil-localhost:5173",
    "http://localhost:5173.evil.example",
    "http://localhost:5173@evil.example",
    "http://sub.localhost:5173",
    "https://localhost:5173",  # not what a dev server speaks; and not in the pattern
    "null",
]


def _settings(**env) -> dict:
    code = (
        "import json, django; from django.conf import settings as s; django.setup();"
        " print(json.dumps({k: getattr(s, k) for k in ('CORS_ALLOWED_ORIGINS',"
        " 'CSRF_TRUSTED_ORIGINS', 'CORS_ALLOWED_ORIGIN_REGEXES', 'CSRF_TRUSTED_ORIGIN_REGEXES')}))"
    )
    result = start([sys.executable, "-c", code], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_debug_trusts_loopback_ports_and_the_frontend_url():
    values = _settings(DJANGO_DEBUG="1", FRONTEND_URL="http://app.example.test:4200/base/")

    assert values["CORS_ALLOWED_ORIGIN_REGEXES"] and values["CSRF_TRUSTED_ORIGIN_REGEXES"]
    assert "http://app.example.test:4200" in values["CORS_ALLOWED_ORIGINS"]
    assert "http://app.example.test:4200" in values["CSRF_TRUSTED_ORIGINS"]
    assert "http://localhost:3000" in values["CORS_ALLOWED_ORIGINS"]  # the contract's default


def test_debug_adds_the_frontend_url_to_an_explicit_list():
    values = _settings(
        DJANGO_DEBUG="1", FRONTEND_URL="http://localhost:5173", CORS_ALLOWED_ORIGINS="http://a.test"
    )

    assert values["CORS_ALLOWED_ORIGINS"] == ["http://a.test", "http://localhost:5173"]


def test_production_trusts_only_the_listed_origins():
    values = _settings(
        DJANGO_DEBUG="0",
        FRONTEND_URL="https://app.example.com",
        CORS_ALLOWED_ORIGINS="https://app.example.com",
    )

    assert values == {
        "CORS_ALLOWED_ORIGINS": ["https://app.example.com"],
        "CSRF_TRUSTED_ORIGINS": ["https://app.example.com"],
        "CORS_ALLOWED_ORIGIN_REGEXES": [],
        "CSRF_TRUSTED_ORIGIN_REGEXES": [],
    }
    assert _settings(DJANGO_DEBUG="0")["CORS_ALLOWED_ORIGINS"] == []


@DEBUG_ORIGINS
@pytest.mark.parametrize("origin", DEV_FRONT_ENDS)
def test_in_debug_a_dev_front_end_passes_csrf_and_cors(logged_in, origin):
    response = logged_in.post("/api/auth/refresh/", HTTP_ORIGIN=origin)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == origin
    assert response["Access-Control-Allow-Credentials"] == "true"


@DEBUG_ORIGINS
@pytest.mark.parametrize("origin", DEV_FRONT_ENDS[:2])
def test_in_debug_a_dev_front_end_gets_its_preflight(api, origin):
    response = api.options(
        "/api/auth/logout/",
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type,x-csrftoken",
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == origin
    assert "x-csrftoken" in response["Access-Control-Allow-Headers"]


@DEBUG_ORIGINS
@pytest.mark.parametrize("origin", LOOKALIKES)
def test_in_debug_a_lookalike_origin_is_still_refused(logged_in, origin):
    response = logged_in.post("/api/auth/refresh/", HTTP_ORIGIN=origin)

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("origin", DEV_FRONT_ENDS)
def test_in_production_a_localhost_origin_is_refused(logged_in, origin):
    response = logged_in.post("/api/auth/refresh/", HTTP_ORIGIN=origin)

    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response


@override_settings(DEBUG=True, FRONTEND_URL="http://localhost:3000")
def test_in_debug_the_root_points_to_the_docs_the_admin_and_the_example(client):
    response = client.get("/")

    assert response.status_code == 200
    page = response.content.decode()
    for link in (
        'href="/swagger/"',
        'href="/redoc/"',
        'href="/admin/"',
        'href="http://localhost:3000/"',
    ):
        assert link in page


def test_in_production_the_root_is_a_404(client):
    assert client.get("/").status_code == 404
