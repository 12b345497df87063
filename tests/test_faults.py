"""Faults: a database that stops answering, and a failure half-way through a refresh or a logout.

The same faults against a real gunicorn whose database is unreachable, /healthz/
included, are in test_production.py.
"""

from unittest import mock

import pytest
from django.db import OperationalError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.cookies import ACCESS_COOKIE, REFRESH_COOKIE
from accounts.models import LoginSession
from tests.conftest import PASSWORD


@pytest.fixture
def database_down():
    """Every new query fails as it does when PostgreSQL has gone away."""
    lost = OperationalError("server closed the connection unexpectedly")
    with mock.patch(
        "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection", side_effect=lost
    ):
        yield


def assert_json_503(response):
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "The service is temporarily unavailable.",
        "code": "service_unavailable",
    }


# --- The database does not answer ----------------------------------------------------


def test_an_authenticated_request_gives_json_503(logged_in, database_down):
    assert_json_503(logged_in.get("/api/auth/me/"))


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/auth/login/", {"username": "alice", "password": PASSWORD}),
        (
            "/api/auth/signup/",
            {"username": "bob", "email": "bob@example.com", "password": PASSWORD},
        ),
    ],
)
def test_public_endpoints_give_json_503(api, user, database_down, path, body):
    assert_json_503(api.post(path, body, format="json"))


def test_refresh_gives_json_503_and_keeps_the_cookies(logged_in, database_down):
    response = logged_in.post("/api/auth/refresh/")

    assert_json_503(response)
    # The refresh token was not refused: the browser keeps it to try again.
    assert REFRESH_COOKIE not in response.cookies
    assert ACCESS_COOKIE not in response.cookies


def test_an_unexpected_error_under_api_is_a_json_500(logged_in):
    boom = RuntimeError("boom")
    with mock.patch("accounts.views.sessions.selectors.sessions_active_page", side_effect=boom):
        response = logged_in.get("/api/auth/sessions/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Server error.", "code": "server_error"}


# --- A failure half-way through a write ------------------------------------------------


def _state(session: LoginSession) -> dict:
    session.refresh_from_db()
    return {
        "current_refresh": session.current_refresh_id,
        "last_used_at": session.last_used_at,
        "expires_at": session.expires_at,
        "revoked_at": session.revoked_at,
        "outstanding": OutstandingToken.objects.count(),
        "blacklisted": BlacklistedToken.objects.count(),
    }


def test_a_refresh_that_fails_at_its_last_write_rotates_nothing(logged_in):
    session = LoginSession.objects.get()
    before = _state(session)
    old_refresh = logged_in.cookies[REFRESH_COOKIE].value
    lost = OperationalError("server closed the connection unexpectedly")

    # The successor is saved and the session moved on to it before this fails.
    with mock.patch.object(BlacklistedToken.objects, "bulk_create", side_effect=lost):
        assert_json_503(logged_in.post("/api/auth/refresh/"))

    assert _state(session) == before
    assert logged_in.cookies[REFRESH_COOKIE].value == old_refresh
    # The same token still refreshes, once, as if the failed attempt never happened.
    retried = logged_in.post("/api/auth/refresh/")
    assert retried.status_code == 200
    assert _state(session)["current_refresh"] != before["current_refresh"]
    assert not LoginSession.objects.get().revoked_at


def test_a_logout_that_fails_at_its_last_write_ends_nothing(logged_in):
    session = LoginSession.objects.get()
    before = _state(session)
    lost = OperationalError("server closed the connection unexpectedly")

    # The session is marked revoked before this fails.
    with mock.patch.object(BlacklistedToken.objects, "bulk_create", side_effect=lost):
        assert_json_503(logged_in.post("/api/auth/logout/"))

    assert _state(session) == before
    assert logged_in.get("/api/auth/me/").status_code == 200
    assert logged_in.post("/api/auth/logout/").status_code == 204
    assert logged_in.get("/api/auth/me/").status_code == 401
