"""Of several concurrent refreshes with one token exactly one succeeds, on parallel connections."""

import threading

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts.errors import TokenRotated
from accounts.models import LoginSession, User
from accounts.services import sessions
from tests.conftest import PASSWORD, in_parallel, login

THREADS = 8


@pytest.fixture
def refresh_token(transactional_db):
    User.objects.create_user(username="alice", email="alice@example.com", password=PASSWORD)
    return login(APIClient()).cookies["refresh_token"].value


def test_concurrent_refreshes_through_the_api_give_exactly_one_success(refresh_token):
    def refresh():
        return APIClient().post("/api/auth/refresh/", {"refresh": refresh_token}, format="json")

    responses = in_parallel(refresh)

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [401] * (THREADS - 1)
    winner = next(r for r in responses if r.status_code == 200)
    session = LoginSession.objects.get()
    # The losers were within the grace: nothing revoked, the winner's token is current.
    assert session.revoked_at is None
    assert (
        APIClient()
        .post(
            "/api/auth/refresh/", {"refresh": winner.cookies["refresh_token"].value}, format="json"
        )
        .status_code
        == 200
    )
    assert BlacklistedToken.objects.count() == 2


def test_concurrent_refreshes_at_the_service_level_rotate_once(refresh_token):
    def refresh():
        try:
            return sessions.session_refresh(raw_refresh=refresh_token)
        except TokenRotated:
            return None

    results = in_parallel(refresh)

    assert sum(result is not None for result in results) == 1
    session = LoginSession.objects.get()
    winner = next(result for result in results if result is not None)
    assert session.current_refresh.jti == winner.refresh.jti


def test_concurrent_signups_with_spellings_of_one_name_make_one_account(transactional_db):
    spellings = iter(["émile", "ÉMILE", "e\u0301mile", "éMILE", "Émile", "ÉmIle"])
    lock = threading.Lock()

    def signup():
        with lock:
            username = next(spellings)
        return APIClient().post(
            "/api/auth/signup/",
            {
                "username": username,
                "email": f"{abs(hash(username))}@example.com",
                "password": PASSWORD,
            },
            format="json",
            REMOTE_ADDR=f"198.51.100.{abs(hash(username)) % 250}",
        )

    replies = in_parallel(signup, count=5)

    statuses = sorted(reply.status_code for reply in replies)
    assert statuses.count(201) == 1, [r.content for r in replies]
    assert statuses.count(400) == 4, statuses
    assert all(r["Content-Type"] == "application/json" for r in replies)
    assert User.objects.count() == 1
