"""AUTH_COOKIE_PARTITIONED: every auth cookie and csrftoken carries Partitioned, set and cleared."""

import pytest
from django.test import override_settings

from tests.conftest import login
from tests.test_settings import ENTRY_POINTS, start

CROSS_SITE = {
    "AUTH_COOKIE_PARTITIONED": True,
    "AUTH_COOKIE_SAMESITE": "None",
    "AUTH_COOKIE_SECURE": True,
    "CSRF_COOKIE_SAMESITE": "None",
    "CSRF_COOKIE_SECURE": True,
}

cross_site = override_settings(**CROSS_SITE)


def set_cookie_headers(response) -> dict[str, str]:
    return {morsel.key: morsel.OutputString() for morsel in response.cookies.values()}


def assert_partitioned(header: str) -> None:
    attributes = [part.strip() for part in header.split(";")[1:]]
    assert "Partitioned" in attributes, header
    assert "SameSite=None" in attributes and "Secure" in attributes, header
    assert attributes.count("Partitioned") == 1, header


@cross_site
def test_login_sets_every_cookie_partitioned(api, user):
    response = login(api)

    headers = set_cookie_headers(response)
    assert sorted(headers) == ["access_token", "csrftoken", "device_id", "refresh_token"]
    for header in headers.values():
        assert_partitioned(header)
    assert "HttpOnly" in headers["access_token"] and "HttpOnly" not in headers["csrftoken"]
    assert "HttpOnly" in headers["device_id"]


@cross_site
def test_the_csrf_endpoint_sets_csrftoken_partitioned(api):
    response = api.get("/api/auth/csrf/")

    assert_partitioned(set_cookie_headers(response)["csrftoken"])


@cross_site
def test_refresh_sets_both_auth_cookies_partitioned(api, user):
    login(api)

    response = api.post("/api/auth/refresh/")

    assert response.status_code == 200
    headers = set_cookie_headers(response)
    assert_partitioned(headers["access_token"])
    assert_partitioned(headers["refresh_token"])


@cross_site
def test_logout_clears_the_cookies_partitioned(api, user):
    """A partitioned cookie is cleared only by a partitioned Set-Cookie in its partition."""
    login(api)

    response = api.post("/api/auth/logout/")

    assert response.status_code == 204
    headers = set_cookie_headers(response)
    for name in ("access_token", "refresh_token"):
        assert headers[name].startswith(f'{name}="";') and "Max-Age=0" in headers[name]
        assert_partitioned(headers[name])


@cross_site
def test_a_refused_refresh_clears_the_cookies_partitioned(api):
    api.cookies["refresh_token"] = "not-a-token"
    api.get("/api/auth/csrf/")

    response = api.post("/api/auth/refresh/", HTTP_X_CSRFTOKEN=api.cookies["csrftoken"].value)

    assert response.status_code == 401
    assert_partitioned(set_cookie_headers(response)["refresh_token"])


@cross_site
def test_the_ambiguous_credentials_refusal_clears_partitioned(api):
    response = api.get("/api/auth/me/", HTTP_COOKIE="access_token=a; access_token=b")

    assert response.status_code == 401
    for morsel in response.cookies.values():
        assert_partitioned(morsel.OutputString())


def test_without_the_setting_no_cookie_is_partitioned(api, user):
    responses = [api.get("/api/auth/csrf/"), login(api), api.post("/api/auth/logout/")]

    for response in responses:
        for header in set_cookie_headers(response).values():
            assert "Partitioned" not in header


# --- Start-up -----------------------------------------------------------------------------


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize(
    "env",
    [
        {"AUTH_COOKIE_SAMESITE": "Lax", "AUTH_COOKIE_SECURE": "1"},
        {"AUTH_COOKIE_SAMESITE": "Strict", "AUTH_COOKIE_SECURE": "1"},
        {"AUTH_COOKIE_SAMESITE": "None", "AUTH_COOKIE_SECURE": "0"},
        {"DJANGO_DEBUG": "1"},  # debug: Lax and not Secure by default
    ],
    ids=["lax", "strict", "not-secure", "debug-defaults"],
)
def test_partitioned_cookies_are_refused_unless_samesite_none_and_secure(entry, env):
    result = start(ENTRY_POINTS[entry], AUTH_COOKIE_PARTITIONED="1", **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "AUTH_COOKIE_PARTITIONED=1 needs AUTH_COOKIE_SAMESITE=None" in result.stderr


def test_partitioned_cookies_start_with_samesite_none_and_secure():
    result = start(
        ENTRY_POINTS["manage.py"],
        AUTH_COOKIE_PARTITIONED="1",
        AUTH_COOKIE_SAMESITE="None",
        AUTH_COOKIE_SECURE="1",
    )

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_bad_partitioned_value_stops_start_up_naming_the_variable(entry):
    result = start(ENTRY_POINTS[entry], AUTH_COOKIE_PARTITIONED="chips")

    assert result.returncode != 0
    assert "AUTH_COOKIE_PARTITIONED" in result.stderr
