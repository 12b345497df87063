"""The request log: one JSON line a request, and never a secret in any log line."""

import json
import logging
from unittest import mock

import pytest
from django.db import OperationalError

from accounts.cookies import ACCESS_COOKIE, REFRESH_COOKIE
from tests.conftest import PASSWORD, login


@pytest.fixture
def request_lines(caplog):
    caplog.set_level(logging.INFO)

    def lines() -> list[dict]:
        return [
            json.loads(record.getMessage())
            for record in caplog.records
            if record.name == "config.request_log"
        ]

    return lines


def test_each_request_logs_one_line_with_its_method_path_status_duration_and_user(
    api, user, request_lines
):
    login(api)
    api.get("/api/auth/me/")
    api.get("/api/auth/sessions/", HTTP_AUTHORIZATION="Bearer not-a-token")

    lines = request_lines()
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [
        ("POST", "/api/auth/login/", 200),
        ("GET", "/api/auth/me/", 200),
        ("GET", "/api/auth/sessions/", 401),
    ]
    assert [line["user_id"] for line in lines] == [None, user.pk, None]
    for line in lines:
        assert line["event"] == "request"
        assert isinstance(line["duration_ms"], (int, float)) and line["duration_ms"] >= 0


def test_server_faults_are_logged_with_their_status(logged_in, request_lines):
    lost = OperationalError("server closed the connection unexpectedly")
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection", side_effect=lost
    ):
        logged_in.get("/api/auth/me/")

    assert request_lines()[-1]["status"] == 503


def test_no_log_line_holds_a_token_a_cookie_a_password_or_the_query_string(api, user, caplog):
    caplog.set_level(logging.DEBUG)

    response = login(api)
    secrets = {
        "password": PASSWORD,
        "access": response.cookies[ACCESS_COOKIE].value,
        "refresh": response.cookies[REFRESH_COOKIE].value,
        "csrf": response.cookies["csrftoken"].value,
    }
    api.get("/api/auth/me/?token=query-secret-value")
    api.post("/api/auth/refresh/")
    api.post("/api/auth/refresh/", {"refresh": secrets["refresh"]}, format="json")
    api.post("/api/auth/logout/")
    wrong = {"username": "alice", "password": "wrong-" + PASSWORD}
    api.post("/api/auth/login/", wrong, format="json")
    secrets["query"] = "query-secret-value"

    assert caplog.records, "nothing was logged"
    for name, value in secrets.items():
        assert value not in caplog.text, f"the {name} was logged"


def test_the_line_names_its_own_module_and_obeys_the_loggers_level_and_filters(logged_in, caplog):
    caplog.set_level(logging.INFO)
    request_logger = logging.getLogger("config.request_log")

    logged_in.get("/api/auth/me/")
    (record,) = [r for r in caplog.records if r.name == "config.request_log"]
    assert record.levelno == logging.INFO
    assert record.pathname.endswith("config/request_log.py") and record.lineno > 0
    assert record.funcName == "_log_line"

    caplog.clear()
    request_logger.addFilter(lambda record: False)
    try:
        logged_in.get("/api/auth/me/")
    finally:
        request_logger.filters.clear()
    caplog.set_level(logging.WARNING, logger="config.request_log")
    logged_in.get("/api/auth/me/")

    assert [r for r in caplog.records if r.name == "config.request_log"] == []
