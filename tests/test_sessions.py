"""Login sessions through the API: list, revoke one, revoke all, password change, single session."""

import uuid

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.models import LoginSession
from tests.conftest import (
    PASSWORD,
    REFRESH,
    SESSIONS,
    assert_cookies_cleared,
    cookie,
    decode,
    later,
    login,
)

NEW_PASSWORD = "a-brand-new-passphrase"


@pytest.fixture
def devices(user):
    """Alice logged in on a laptop, then a phone, then a tablet."""
    clients = {}
    for name in ("laptop", "phone", "tablet"):
        client = APIClient(enforce_csrf_checks=True)
        assert login(client, HTTP_USER_AGENT=name).status_code == 200
        clients[name] = client
    return clients


def session_of(client) -> LoginSession:
    return LoginSession.objects.get(pk=decode(cookie(client, "access_token"))["sid"])


def test_the_list_shows_active_sessions_most_recently_used_first_and_marks_the_current(devices):
    with later(60):
        devices["laptop"].post(REFRESH)
    with later(61):
        response = devices["phone"].get(SESSIONS)

    assert response.status_code == 200
    sessions = response.json()
    assert [s["user_agent"] for s in sessions] == ["laptop", "tablet", "phone"]
    assert [s["current"] for s in sessions] == [False, False, True]
    assert set(sessions[0]) == {
        "id",
        "created_at",
        "last_used_at",
        "expires_at",
        "user_agent",
        "ip_address",
        "current",
    }
    assert sessions[0]["ip_address"] == "127.0.0.1"


def test_the_list_leaves_out_revoked_and_expired_sessions_and_other_users(devices, make_user):
    make_user("bob")
    login(APIClient(), username="bob")
    devices["tablet"].post("/api/auth/logout/")

    sessions = devices["laptop"].get(SESSIONS).json()

    assert [s["user_agent"] for s in sessions] == ["phone", "laptop"]


def test_the_list_needs_authentication(db):
    assert APIClient().get(SESSIONS).status_code == 401


def test_deleting_another_session_revokes_it_at_once(devices):
    phone = session_of(devices["phone"])

    response = devices["laptop"].delete(f"{SESSIONS}{phone.id}/")

    assert response.status_code == 204
    assert "access_token" not in response.cookies
    assert devices["phone"].get("/api/auth/me/").status_code == 401
    assert devices["phone"].post(REFRESH).status_code == 401
    assert devices["laptop"].get("/api/auth/me/").status_code == 200
    phone.refresh_from_db()
    assert phone.revoked_reason == "session_deleted"


def test_deleting_the_current_session_clears_the_cookies(devices):
    laptop = session_of(devices["laptop"])

    response = devices["laptop"].delete(f"{SESSIONS}{laptop.id}/")

    assert response.status_code == 204
    assert_cookies_cleared(response)


def test_another_users_session_is_a_404_and_stays_alive(devices, make_user):
    make_user("bob")
    bob = APIClient(enforce_csrf_checks=True)
    login(bob, username="bob")
    laptop = session_of(devices["laptop"])

    response = bob.delete(f"{SESSIONS}{laptop.id}/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert devices["laptop"].get("/api/auth/me/").status_code == 200


@pytest.mark.parametrize("session_id", [uuid.uuid4(), "revoked"])
def test_an_unknown_or_already_revoked_session_is_a_404(devices, session_id):
    if session_id == "revoked":
        session_id = session_of(devices["tablet"]).id
        devices["tablet"].post("/api/auth/logout/")

    assert devices["laptop"].delete(f"{SESSIONS}{session_id}/").status_code == 404


def test_logout_all_revokes_every_session_and_clears_cookies(devices):
    response = devices["phone"].post("/api/auth/logout-all/")

    assert response.status_code == 204
    assert_cookies_cleared(response)
    for client in devices.values():
        assert client.get("/api/auth/me/").status_code == 401
    assert set(LoginSession.objects.values_list("revoked_reason", flat=True)) == {"logout_all"}


def test_logout_all_needs_authentication(db):
    assert APIClient().post("/api/auth/logout-all/").status_code == 401


def test_password_change_keeps_the_current_session_and_ends_the_others(devices, user):
    response = devices["phone"].post(
        "/api/auth/password/change/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
    )

    assert response.status_code == 200
    assert response.json() == {"detail": "password changed"}
    assert devices["phone"].get("/api/auth/me/").status_code == 200
    assert devices["phone"].post(REFRESH).status_code == 200
    assert devices["laptop"].get("/api/auth/me/").status_code == 401
    assert devices["tablet"].post(REFRESH).status_code == 401
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert login(APIClient(), password=PASSWORD).status_code == 401
    assert login(APIClient(), password=NEW_PASSWORD).status_code == 200


def test_a_wrong_old_password_is_a_400_and_changes_nothing(logged_in, user):
    response = logged_in.post(
        "/api/auth/password/change/",
        {"old_password": "not-my-password", "new_password": NEW_PASSWORD},
        format="json",
    )

    assert response.status_code == 400
    assert "old_password" in response.json()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("weak", ["short", "12345678901", "alice-example", "password1"])
def test_a_weak_new_password_is_a_400(logged_in, user, weak):
    response = logged_in.post(
        "/api/auth/password/change/",
        {"old_password": PASSWORD, "new_password": weak},
        format="json",
    )

    assert response.status_code == 400
    assert "new_password" in response.json()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_needs_authentication(db):
    response = APIClient().post(
        "/api/auth/password/change/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
    )

    assert response.status_code == 401


@override_settings(AUTH_SINGLE_SESSION=True)
def test_single_session_mode_revokes_the_others_at_login(user):
    first, second = APIClient(), APIClient()
    login(first)

    login(second)

    assert first.get("/api/auth/me/").status_code == 401
    assert second.get("/api/auth/me/").status_code == 200
    assert LoginSession.objects.filter(revoked_reason="single_session").count() == 1


def test_by_default_sessions_coexist(user):
    first, second = APIClient(), APIClient()
    login(first)
    login(second)

    assert first.get("/api/auth/me/").status_code == 200
    assert second.get("/api/auth/me/").status_code == 200


@override_settings(AUTH_RETURN_TOKENS_IN_BODY=True)
def test_tokens_in_body_option_also_applies_to_refresh(logged_in):
    response = logged_in.post(REFRESH)

    assert response.json()["refresh"] == cookie(logged_in, "refresh_token")
    assert response.json()["access"] == cookie(logged_in, "access_token")


def test_revocations_are_logged_with_their_reason(devices, caplog):
    caplog.set_level("INFO", logger="accounts.security")

    devices["laptop"].post("/api/auth/logout-all/")

    revoked = [r for r in caplog.messages if '"event": "session_revoked"' in r]
    assert len(revoked) == 3
    assert all('"reason": "logout_all"' in line for line in revoked)
