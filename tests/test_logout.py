from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts.models import LoginSession
from tests.conftest import LOGOUT, REFRESH, assert_cookies_cleared, cookie, decode, later, login


def test_logout_revokes_the_session_blacklists_the_token_and_clears_cookies(logged_in, user):
    refresh = cookie(logged_in, "refresh_token")
    access = cookie(logged_in, "access_token")

    response = logged_in.post(LOGOUT)

    assert response.status_code == 204
    assert_cookies_cleared(response)
    assert response["Cache-Control"] == "no-store"
    session = LoginSession.objects.get(user=user)
    assert session.revoked_reason == "logout"
    assert BlacklistedToken.objects.filter(token__jti=decode(refresh)["jti"]).exists()
    # The access token stops working at once, not when it expires.
    assert APIClient(HTTP_AUTHORIZATION=f"Bearer {access}").get("/api/auth/me/").status_code == 401
    assert APIClient().post(REFRESH, {"refresh": refresh}, format="json").status_code == 401


def test_logout_needs_no_valid_access_token(logged_in):
    logged_in.cookies["access_token"] = "expired-or-forged"

    assert logged_in.post(LOGOUT).status_code == 204


def test_logout_with_a_body_token_needs_no_csrf(api, user):
    refresh = login(APIClient()).cookies["refresh_token"].value

    response = api.post(LOGOUT, {"refresh": refresh}, format="json")

    assert response.status_code == 204
    assert LoginSession.objects.get(user=user).revoked_at is not None


def test_logout_without_a_token_is_a_204_that_clears_cookies(api, db):
    response = api.post(LOGOUT)

    assert response.status_code == 204
    assert_cookies_cleared(response)


def test_logging_out_in_a_second_tab_after_the_first_is_a_success(logged_in, user):
    # Both tabs share the browser's cookies: the first logout cleared them for both.
    assert logged_in.post(LOGOUT).status_code == 204

    response = logged_in.post(LOGOUT)

    assert response.status_code == 204
    assert_cookies_cleared(response)
    assert LoginSession.objects.get(user=user).revoked_reason == "logout"


def test_logout_with_an_invalid_token_is_a_401_that_clears_cookies(api, db):
    response = api.post(LOGOUT, {"refresh": "nonsense"}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert_cookies_cleared(response)


def test_logging_out_twice_is_a_401(logged_in):
    refresh = cookie(logged_in, "refresh_token")
    logged_in.post(LOGOUT)

    response = APIClient().post(LOGOUT, {"refresh": refresh}, format="json")

    assert response.status_code == 401


def test_logout_with_a_token_rotated_within_the_grace_ends_the_session(logged_in, user):
    first = cookie(logged_in, "refresh_token")
    logged_in.post(REFRESH)
    newest_access = cookie(logged_in, "access_token")

    response = APIClient().post(LOGOUT, {"refresh": first}, format="json")

    assert response.status_code == 204
    assert LoginSession.objects.get(user=user).revoked_reason == "logout"
    assert logged_in.get("/api/auth/me/").status_code == 401
    assert (
        APIClient(HTTP_AUTHORIZATION=f"Bearer {newest_access}").get("/api/auth/me/").status_code
        == 401
    )


def test_logout_with_a_token_rotated_long_ago_is_reuse(logged_in, user):
    first = cookie(logged_in, "refresh_token")
    logged_in.post(REFRESH)

    with later(60):
        response = APIClient().post(LOGOUT, {"refresh": first}, format="json")

    assert response.status_code == 401
    assert LoginSession.objects.get(user=user).revoked_reason == "refresh_reuse"


def test_logout_ends_only_its_own_session(api, user):
    laptop, phone = APIClient(), APIClient()
    login(laptop)
    login(phone)

    phone.post(LOGOUT, {"refresh": cookie(phone, "refresh_token")}, format="json")

    assert laptop.get("/api/auth/me/").status_code == 200
    assert LoginSession.objects.active().count() == 1
