"""Cookie credentials need a CSRF token on unsafe requests; header and body credentials do not."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from accounts.models import LoginSession
from tests.conftest import PASSWORD, cookie, login

WRITES = [
    ("post", "/api/auth/refresh/", None),
    ("post", "/api/auth/logout/", None),
    ("post", "/api/auth/logout-all/", None),
    (
        "post",
        "/api/auth/password/change/",
        {"old_password": PASSWORD, "new_password": "a-new-long-passphrase"},
    ),
    ("delete", "/api/auth/sessions/{sid}/", None),
]


def _request(client, method, path, body, session):
    path = path.format(sid=session.id)
    return getattr(client, method)(path, body, format="json")


def _state(user):
    session = LoginSession.objects.get(user=user)
    user.refresh_from_db()
    return (session.revoked_at, session.current_refresh_id, session.last_used_at, user.password)


@pytest.mark.parametrize("method, path, body", WRITES, ids=[p for _, p, _ in WRITES])
def test_a_cookie_authenticated_write_without_csrf_token_is_403_and_changes_nothing(
    logged_in, user, method, path, body
):
    logged_in.credentials()  # drop the X-CSRFToken header
    before = _state(user)

    response = _request(logged_in, method, path, body, LoginSession.objects.get(user=user))

    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed:")
    assert response.json()["code"] == "csrf_failed"
    assert "access_token" not in response.cookies and "refresh_token" not in response.cookies
    assert _state(user) == before


@pytest.mark.parametrize("method, path, body", WRITES, ids=[p for _, p, _ in WRITES])
def test_a_wrong_csrf_token_is_403(logged_in, user, method, path, body):
    logged_in.credentials(HTTP_X_CSRFTOKEN="x" * 32)

    response = _request(logged_in, method, path, body, LoginSession.objects.get(user=user))

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


@pytest.mark.parametrize("method, path, body", WRITES, ids=[p for _, p, _ in WRITES])
def test_a_cookie_authenticated_write_with_the_csrf_token_succeeds(
    logged_in, user, method, path, body
):
    response = _request(logged_in, method, path, body, LoginSession.objects.get(user=user))

    assert response.status_code in (200, 204)


def test_an_untrusted_origin_is_refused_even_with_the_token(logged_in):
    response = logged_in.post("/api/auth/refresh/", HTTP_ORIGIN="https://evil.example")

    assert response.status_code == 403
    assert "Origin" in response.json()["detail"]


@override_settings(CSRF_TRUSTED_ORIGINS=["http://localhost:3000"])
def test_a_trusted_front_end_origin_is_accepted(logged_in):
    response = logged_in.post("/api/auth/refresh/", HTTP_ORIGIN="http://localhost:3000")

    assert response.status_code == 200


def test_an_explicit_authorization_header_needs_no_csrf_token(user):
    access = login(APIClient()).cookies["access_token"].value
    client = APIClient(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {access}")

    response = client.post("/api/auth/logout-all/")

    assert response.status_code == 204
    assert not LoginSession.objects.active().exists()


def test_the_header_wins_over_the_cookie_and_then_no_csrf_is_needed(logged_in, make_user):
    make_user("bob")
    bob_access = login(APIClient(), username="bob").cookies["access_token"].value
    logged_in.credentials(HTTP_AUTHORIZATION=f"Bearer {bob_access}")

    me = logged_in.get("/api/auth/me/")
    logout_all = logged_in.post("/api/auth/logout-all/")

    assert me.json()["username"] == "bob"
    assert logout_all.status_code == 204
    assert LoginSession.objects.active().get().user.username == "alice"


def test_safe_requests_with_the_cookie_need_no_csrf_token(logged_in):
    logged_in.credentials()

    assert logged_in.get("/api/auth/me/").status_code == 200
    assert logged_in.get("/api/auth/sessions/").status_code == 200


def test_a_refresh_cookie_is_csrf_checked_even_when_a_body_token_is_sent(logged_in):
    body_token = cookie(logged_in, "refresh_token")
    logged_in.credentials()

    response = logged_in.post("/api/auth/refresh/", {"refresh": body_token}, format="json")

    assert response.status_code == 403


def test_the_csrf_endpoint_sets_the_cookie_and_returns_its_value(api, db):
    response = api.get("/api/auth/csrf/")

    assert response.status_code == 200
    token = response.json()["csrfToken"]
    assert token
    assert response.cookies["csrftoken"].value
    assert not response.cookies["csrftoken"]["httponly"]


def test_the_csrf_token_from_the_endpoint_passes_the_check(api, user):
    refresh = login(APIClient()).cookies["refresh_token"].value
    token = api.get("/api/auth/csrf/").json()["csrfToken"]
    api.cookies["refresh_token"] = refresh

    without = api.post("/api/auth/refresh/")
    api.credentials(HTTP_X_CSRFTOKEN=token)
    with_token = api.post("/api/auth/refresh/")

    assert without.status_code == 403
    assert with_token.status_code == 200


def test_cross_site_forms_are_kept_out_by_the_json_only_rule(api, user):
    response = api.post(
        "/api/auth/login/",
        "username=alice&password=" + PASSWORD,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 415
    assert "access_token" not in response.cookies
