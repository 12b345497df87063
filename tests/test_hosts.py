"""A Host outside ALLOWED_HOSTS: a quiet JSON 400 under /api/, and health checks by address."""

import logging

import pytest


@pytest.fixture
def security_log(caplog):
    caplog.set_level(logging.INFO)
    return caplog


def refusals(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("django.security")]


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/auth/me/"),
        ("post", "/api/auth/login/"),
        ("post", "/api/auth/refresh/"),
        ("get", "/api/auth/no-such-endpoint/"),
        ("delete", "/api/auth/sessions/"),
    ],
)
@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:443",
        "203.0.113.5",
        "203.0.113.5:8000",
        "localhost.evil.example",
        "local@host",  # not a host name at all
        "[::2]:80",
    ],
)
def test_an_unknown_host_gets_a_json_400_under_the_api(api, security_log, method, path, host):
    response = getattr(api, method)(path, HTTP_HOST=host)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "This service does not answer to that host name.",
        "code": "disallowed_host",
    }


def test_the_refusal_is_one_warning_without_a_traceback(api, security_log):
    api.get("/api/auth/me/", HTTP_HOST="scanner.example")

    [record] = refusals(security_log)
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert "'scanner.example'" in record.getMessage()
    assert not [r for r in security_log.records if r.levelno >= logging.ERROR]


def test_a_long_host_is_cut_short_in_the_log(api, security_log):
    api.get("/api/auth/me/", HTTP_HOST="x" * 5000)

    [record] = refusals(security_log)
    assert len(record.getMessage()) < 400


def test_outside_the_api_an_unknown_host_gets_djangos_quiet_400(api, security_log):
    response = api.get("/admin/login/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    [record] = refusals(security_log)
    assert record.levelno == logging.WARNING and record.exc_info is None


def test_a_known_host_with_a_port_is_served(api):
    assert api.get("/api/auth/csrf/", HTTP_HOST="localhost:8443").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["10.0.0.5:8000", "203.0.113.5", "health-probe"])
@pytest.mark.parametrize("method", ["get", "head"])
def test_the_health_check_answers_a_probe_by_address(api, host, method, security_log):
    response = getattr(api, method)("/healthz/", HTTP_HOST=host)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    if method == "get":
        assert response.json() == {"status": "ok", "database": "ok"}
    assert refusals(security_log) == []


@pytest.mark.parametrize("path", ["/healthz", "/healthz/x", "/healthz//", "/api/../healthz/"])
def test_only_the_health_check_itself_answers_any_host(api, path):
    response = api.get(path, HTTP_HOST="10.0.0.5")

    assert response.status_code == 400


def test_the_health_check_answers_no_other_method_by_address(api):
    response = api.post("/healthz/", HTTP_HOST="10.0.0.5")

    assert response.status_code == 405
