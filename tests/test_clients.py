"""App clients (``X-Auth-Client: app``): tokens in the body, never a cookie, cookies ignored."""

from rest_framework.test import APIClient

from accounts.models import LoginSession
from tests.conftest import PASSWORD, login

APP = {"HTTP_X_AUTH_CLIENT": "app"}


def app_login(client=None, username="alice"):
    client = client or APIClient(enforce_csrf_checks=True)
    return client.post(
        "/api/auth/login/", {"username": username, "password": PASSWORD}, format="json", **APP
    )


def test_an_app_login_returns_the_tokens_in_the_body_and_sets_no_cookie(user):
    response = app_login()

    assert response.status_code == 200
    body = response.json()
    assert body["access"] and body["refresh"]
    assert not response.cookies
    me = APIClient(HTTP_AUTHORIZATION=f"Bearer {body['access']}").get("/api/auth/me/")
    assert me.status_code == 200 and me.json()["username"] == "alice"


def test_an_app_refresh_rotates_the_body_token_and_sets_no_cookie(user):
    tokens = app_login().json()

    response = APIClient().post(
        "/api/auth/refresh/", {"refresh": tokens["refresh"]}, format="json", **APP
    )

    assert response.status_code == 200
    assert response.json()["refresh"] != tokens["refresh"]
    assert not response.cookies


def test_an_app_client_whose_http_library_keeps_cookies_is_not_tripped_by_them(user):
    # A native client that logged in once as a browser would: its cookie jar holds
    # a refresh cookie, but in app mode the body token is the one used, without CSRF.
    client = APIClient(enforce_csrf_checks=True)
    login(client)
    client.credentials()
    tokens = app_login(client).json()

    response = client.post(
        "/api/auth/refresh/", {"refresh": tokens["refresh"]}, format="json", **APP
    )

    assert response.status_code == 200
    assert not response.cookies
    browser_session, app_session = LoginSession.objects.order_by("created_at")
    assert app_session.current_refresh.jti != browser_session.current_refresh.jti


def test_an_app_request_never_authenticates_with_the_access_cookie(logged_in):
    # The cookie alone would authenticate a browser; an app client must send the header.
    response = logged_in.get("/api/auth/me/", **APP)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_app_mode_cannot_lift_the_httponly_refresh_cookie_into_a_readable_body(logged_in):
    # A page script that adds the header gets no token out of the browser's cookies.
    response = logged_in.post("/api/auth/refresh/", **APP)

    assert response.status_code == 400
    assert response.json()["code"] == "no_refresh_token"
    assert "access" not in response.json() and "refresh" not in response.json()


def test_an_app_logout_ends_the_session_of_the_body_token_without_csrf(user):
    tokens = app_login().json()

    response = APIClient(enforce_csrf_checks=True).post(
        "/api/auth/logout/", {"refresh": tokens["refresh"]}, format="json", **APP
    )

    assert response.status_code == 204
    assert not response.cookies
    assert LoginSession.objects.get().revoked_reason == "logout"


def test_the_header_is_read_whatever_its_case(user):
    response = APIClient().post(
        "/api/auth/login/",
        {"username": "alice", "password": PASSWORD},
        format="json",
        HTTP_X_AUTH_CLIENT=" App ",
    )

    assert "refresh" in response.json() and not response.cookies


def test_another_header_value_is_a_browser_client(user):
    response = APIClient().post(
        "/api/auth/login/",
        {"username": "alice", "password": PASSWORD},
        format="json",
        HTTP_X_AUTH_CLIENT="browser",
    )

    assert "refresh" not in response.json()
    assert response.cookies["refresh_token"].value


def test_browsers_on_other_origins_may_not_send_the_header(settings, user):
    # CORS does not allow it, so a cross-origin page cannot switch a browser into app mode.
    settings.CORS_ALLOWED_ORIGINS = ["http://localhost:3000"]
    preflight = APIClient().options(
        "/api/auth/login/",
        HTTP_ORIGIN="http://localhost:3000",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, x-auth-client",
    )

    allowed = preflight["Access-Control-Allow-Headers"].lower()
    assert "content-type" in allowed and "x-auth-client" not in allowed
