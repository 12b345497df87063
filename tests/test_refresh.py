from datetime import timedelta

import pytest
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import LoginSession
from tests.conftest import REFRESH, assert_cookies_cleared, cookie, decode, later, login


def test_refresh_with_the_cookie_rotates_both_tokens(logged_in):
    old_refresh = cookie(logged_in, "refresh_token")
    old_access = cookie(logged_in, "access_token")

    response = logged_in.post(REFRESH)

    assert response.status_code == 200
    body = response.json()
    assert body["detail"] == "token refreshed"
    assert {"access_expires_at", "refresh_expires_at"} <= body.keys()
    assert cookie(logged_in, "refresh_token") != old_refresh
    assert cookie(logged_in, "access_token") != old_access
    assert response.cookies["refresh_token"]["path"] == "/api/auth/"
    assert response.cookies["access_token"]["max-age"] == 300
    assert response["Cache-Control"] == "no-store"
    assert logged_in.get("/api/auth/me/").status_code == 200


def test_rotation_keeps_the_session_blacklists_the_old_token_and_moves_last_used(logged_in, user):
    old = decode(cookie(logged_in, "refresh_token"))
    session = LoginSession.objects.get(user=user)

    with later(60):
        logged_in.post(REFRESH)

    new = decode(cookie(logged_in, "refresh_token"))
    assert new["sid"] == old["sid"] == str(session.id)
    assert new["jti"] != old["jti"]
    assert BlacklistedToken.objects.filter(token__jti=old["jti"]).exists()
    assert not BlacklistedToken.objects.filter(token__jti=new["jti"]).exists()
    session.refresh_from_db()
    assert session.current_refresh.jti == new["jti"]
    assert session.last_used_at > session.created_at + timedelta(seconds=59)


def test_outstanding_tokens_never_store_the_token_value(logged_in):
    logged_in.post(REFRESH)

    assert OutstandingToken.objects.count() == 2
    assert set(OutstandingToken.objects.values_list("token", flat=True)) == {""}


def test_refresh_with_the_body_token_needs_no_csrf(api, user):
    refresh = cookie_of_login(api)
    body_client = APIClient(enforce_csrf_checks=True)

    response = body_client.post(REFRESH, {"refresh": refresh}, format="json")

    assert response.status_code == 200
    assert response.cookies["refresh_token"].value != refresh


def cookie_of_login(client):
    response = login(client)
    return response.cookies["refresh_token"].value


def test_the_cookie_wins_over_the_body_token(logged_in, user, make_user):
    make_user("mallory")
    other = APIClient()
    mallory_refresh = cookie_of_login_as(other, "mallory")

    response = logged_in.post(REFRESH, {"refresh": mallory_refresh}, format="json")

    assert response.status_code == 200
    assert decode(cookie(logged_in, "access_token"))["username"] == "alice"


def cookie_of_login_as(client, username):
    return login(client, username=username).cookies["refresh_token"].value


def test_no_refresh_token_is_a_400_and_clears_cookies(api, db):
    response = api.post(REFRESH)

    assert response.status_code == 400
    assert response.json() == {"detail": "no refresh token", "code": "no_refresh_token"}
    assert_cookies_cleared(response)


@pytest.mark.parametrize(
    "token",
    ["garbage", "a.b.c", "", "eyJhbGciOiJIUzI1NiJ9.e30.bad-signature"],
    ids=["garbage", "three parts", "empty", "bad signature"],
)
def test_invalid_body_tokens_are_refused(api, db, token):
    response = api.post(REFRESH, {"refresh": token}, format="json")

    assert response.status_code in (400, 401)
    if token:
        assert response.status_code == 401
        assert response.json()["code"] == "token_not_valid"
    assert_cookies_cleared(response)


def test_an_access_token_is_refused_as_a_refresh_token(logged_in):
    access = cookie(logged_in, "access_token")
    client = APIClient()

    response = client.post(REFRESH, {"refresh": access}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_an_invalid_refresh_cookie_is_a_401_that_clears_both_cookies(logged_in):
    logged_in.cookies["refresh_token"] = "not-a-token"

    response = logged_in.post(REFRESH)

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert_cookies_cleared(response)


def test_an_expired_refresh_token_is_refused(logged_in):
    with later(8 * 24 * 3600):
        response = logged_in.post(REFRESH)

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_refresh_of_an_inactive_user_is_a_401_not_a_500(logged_in, user):
    user.is_active = False
    user.save()

    response = logged_in.post(REFRESH)

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_refresh_of_a_deleted_user_is_a_401_not_a_500(logged_in, user):
    user.delete()

    response = logged_in.post(REFRESH)

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_a_stale_access_cookie_does_not_block_refresh(logged_in):
    logged_in.cookies["access_token"] = "stale"

    assert logged_in.post(REFRESH).status_code == 200


# --- Reuse detection -------------------------------------------------------------------


def test_reuse_within_the_grace_is_refused_but_revokes_nothing_and_keeps_cookies(logged_in, user):
    first = cookie(logged_in, "refresh_token")
    logged_in.post(REFRESH)
    newest = cookie(logged_in, "refresh_token")
    other_tab = APIClient()

    with later(5):
        response = other_tab.post(REFRESH, {"refresh": first}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "token_rotated"
    assert "refresh_token" not in response.cookies
    assert "access_token" not in response.cookies
    assert LoginSession.objects.get(user=user).revoked_at is None
    assert APIClient().post(REFRESH, {"refresh": newest}, format="json").status_code == 200


def test_reuse_after_the_grace_revokes_the_session_and_its_newest_tokens(logged_in, user):
    first = cookie(logged_in, "refresh_token")
    logged_in.post(REFRESH)
    newest_refresh = cookie(logged_in, "refresh_token")
    newest_access = cookie(logged_in, "access_token")

    with later(11):
        response = APIClient().post(REFRESH, {"refresh": first}, format="json")

    assert response.status_code == 401
    assert_cookies_cleared(response)
    session = LoginSession.objects.get(user=user)
    assert session.revoked_reason == "refresh_reuse"
    assert APIClient().post(REFRESH, {"refresh": newest_refresh}, format="json").status_code == 401
    bearer = APIClient(HTTP_AUTHORIZATION=f"Bearer {newest_access}")
    assert bearer.get("/api/auth/me/").status_code == 401


def test_the_grace_counts_from_when_the_successor_was_issued(logged_in, user):
    first = cookie(logged_in, "refresh_token")
    with later(8):
        logged_in.post(REFRESH)  # first rotated at +8 s
    with later(16):
        # 8 s after its rotation: still within the 10 s grace.
        response = APIClient().post(REFRESH, {"refresh": first}, format="json")

    assert response.status_code == 401
    assert LoginSession.objects.get(user=user).revoked_at is None


@override_settings(AUTH_REFRESH_REUSE_GRACE=timedelta(0))
def test_with_no_grace_any_reuse_revokes(logged_in, user):
    first = cookie(logged_in, "refresh_token")
    logged_in.post(REFRESH)

    with later(1):
        APIClient().post(REFRESH, {"refresh": first}, format="json")

    assert LoginSession.objects.get(user=user).revoked_reason == "refresh_reuse"


def test_reuse_is_logged_as_a_security_event(logged_in, caplog):
    caplog.set_level("INFO", logger="accounts.security")
    first = cookie(logged_in, "refresh_token")
    logged_in.post(REFRESH)

    with later(30):
        APIClient().post(REFRESH, {"refresh": first}, format="json")

    assert '"event": "refresh_reuse_detected"' in caplog.text
    assert '"reason": "refresh_reuse"' in caplog.text
    assert first not in caplog.text


# --- The absolute session cap ------------------------------------------------------------


@override_settings(AUTH_SESSION_MAX_AGE=timedelta(hours=1))
def test_no_token_or_cookie_outlives_the_session_cap(logged_in, user):
    session = LoginSession.objects.get(user=user)
    cap = session.created_at + timedelta(hours=1)

    with later(3600 - 120):
        response = logged_in.post(REFRESH)

    assert response.status_code == 200
    access = decode(cookie(logged_in, "access_token"))
    refresh = decode(cookie(logged_in, "refresh_token"))
    assert access["exp"] <= cap.timestamp()
    assert refresh["exp"] <= cap.timestamp()
    assert response.cookies["refresh_token"]["max-age"] <= 120
    assert response.cookies["access_token"]["max-age"] <= 120
    session.refresh_from_db()
    assert session.expires_at <= cap


@override_settings(AUTH_SESSION_MAX_AGE=timedelta(hours=1))
def test_a_session_past_its_cap_cannot_refresh_however_often_it_refreshed(logged_in):
    for minutes in (20, 40, 59):
        with later(minutes * 60):
            assert logged_in.post(REFRESH).status_code == 200

    with later(3601):
        response = logged_in.post(REFRESH)

    assert response.status_code == 401
