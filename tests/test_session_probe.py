"""GET /api/auth/session/: a quiet answer to "is anyone logged in here?"."""

from rest_framework.test import APIClient

from tests.conftest import SESSION_PROBE, later, login


def test_an_anonymous_caller_gets_a_200_that_says_nobody_is_logged_in(api, db):
    response = api.get(SESSION_PROBE)

    assert response.status_code == 200
    assert response.json() == {"authenticated": False, "refreshable": False}


def test_a_logged_in_caller_gets_its_user_and_when_to_refresh(logged_in, user):
    response = logged_in.get(SESSION_PROBE)

    body = response.json()
    assert body["authenticated"] is True and body["refreshable"] is False
    assert body["user"] == logged_in.get("/api/auth/me/").json()
    assert body["access_expires_at"]
    assert response["Cache-Control"] == "no-store"


def test_after_the_access_cookie_expired_it_says_a_refresh_may_restore_the_session(logged_in):
    del logged_in.cookies["access_token"]  # the browser dropped it at its Max-Age

    assert logged_in.get(SESSION_PROBE).json() == {"authenticated": False, "refreshable": True}


def test_an_expired_access_token_with_a_live_refresh_cookie_is_refreshable(logged_in):
    with later(301):
        assert logged_in.get(SESSION_PROBE).json() == {"authenticated": False, "refreshable": True}


def test_a_revoked_session_is_not_authenticated(logged_in, user):
    access = logged_in.cookies["access_token"].value
    logged_in.post("/api/auth/logout-all/")

    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {access}")
    assert client.get(SESSION_PROBE).json() == {"authenticated": False, "refreshable": False}


def test_a_forged_or_garbled_cookie_is_not_an_error(api, db):
    api.cookies["access_token"] = "forged"
    api.cookies["refresh_token"] = "garbled"

    response = api.get(SESSION_PROBE)

    assert response.status_code == 200
    assert response.json() == {"authenticated": False, "refreshable": False}


def test_a_bearer_header_is_read_too(user):
    tokens = login(APIClient()).cookies
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {tokens['access_token'].value}")

    assert client.get(SESSION_PROBE).json()["authenticated"] is True
