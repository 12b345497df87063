"""Credential cookies sent twice (tossed from a sibling host for a parent domain) are refused.

The test client's cookie jar holds one cookie per name, so these tests write
the raw ``Cookie`` header that a browser sends with a tossed copy beside the
service's own.
"""

import logging
from collections import Counter

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from accounts.cookies import cookie_domains, cookie_names_repeated
from tests.conftest import login

API_HOST = "api.example.test"


def set_cookies(response) -> list[str]:
    """Each Set-Cookie header of a response, as the server writes it."""
    return [morsel.OutputString() for morsel in response.cookies.values()]


def cleared(response) -> set[tuple[str, str, str]]:
    """(name, path, domain) of every cookie the response clears; domain "" is host-only."""
    return {
        (morsel.key, morsel["path"], morsel["domain"])
        for morsel in response.cookies.values()
        if morsel.value == "" and morsel["max-age"] == 0
    }


def on_api_host():
    return override_settings(ALLOWED_HOSTS=[API_HOST])


@pytest.fixture
def session_cookies(api, user) -> dict[str, str]:
    """The cookies of a logged-in browser: access, refresh and CSRF."""
    assert login(api).status_code == 200
    return {name: morsel.value for name, morsel in api.cookies.items()}


def cookie_header(cookies: dict[str, str], *extra: str) -> str:
    return "; ".join([*(f"{name}={value}" for name, value in cookies.items()), *extra])


# --- Which requests are refused -----------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "access_token=mine; access_token=tossed",
        "access_token=mine;access_token=tossed",
        " access_token = mine ;access_token=",
        'access_token="mine"; access_token=tossed',
        "refresh_token=a; sessionid=x; refresh_token=b",
        "csrftoken=a; csrftoken=b",
        "access_token=a; access_token=b; access_token=c",
    ],
)
def test_a_credential_cookie_named_twice_is_counted_however_it_is_spelled(header):
    assert cookie_names_repeated(header)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "access_token=a; refresh_token=b; csrftoken=c",
        "access_token=a; Access_Token=b",
        "access_token=a; access_token2=b; xaccess_token=c",
        "sessionid=a; sessionid=b",
        "access_token",
    ],
)
def test_other_cookies_and_single_credentials_are_not_ambiguous(header):
    assert cookie_names_repeated(header) == []


_NAMES = st.sampled_from(
    ["access_token", "refresh_token", "csrftoken", "sessionid", "xaccess_token", " csrftoken "]
)
# Values that hold a credential name as text too, which no count of names may mistake.
_VALUES = st.sampled_from(["", "v", "access_token", "csrftoken=", "a;refresh_token"])


@given(st.lists(st.tuples(_NAMES, _VALUES), max_size=6))
def test_repeated_names_are_those_a_cookie_parser_sees_twice(cookies):
    header = "; ".join(f"{name}={value}" for name, value in cookies)
    names = Counter(chunk.split("=", 1)[0].strip() for chunk in header.split(";"))
    credentials = {"access_token", "refresh_token", "csrftoken"}

    assert cookie_names_repeated(header) == sorted(
        name for name, count in names.items() if count > 1 and name in credentials
    )


def test_a_tossed_access_cookie_beside_the_users_own_is_refused(api, session_cookies):
    header = cookie_header(session_cookies, "access_token=tossed-by-a-sibling")

    response = api.get("/api/auth/me/", HTTP_COOKIE=header)

    assert response.status_code == 401
    assert response.json() == {
        "detail": "The request carries the same credential cookie more than once. "
        "Its cookies have been cleared: log in again.",
        "code": "ambiguous_credentials",
    }
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert "no-store" in response["Cache-Control"]


def test_the_users_own_cookies_alone_still_work(api, session_cookies):
    response = api.get("/api/auth/me/", HTTP_COOKIE=cookie_header(session_cookies))

    assert response.status_code == 200


def test_the_same_cookie_twice_with_the_same_value_is_refused_too(api, session_cookies):
    access = session_cookies["access_token"]
    header = cookie_header(session_cookies, f"access_token={access}")

    assert api.get("/api/auth/me/", HTTP_COOKIE=header).status_code == 401


def test_a_refresh_with_a_tossed_refresh_cookie_uses_neither_token(api, session_cookies):
    header = cookie_header(session_cookies, "refresh_token=tossed")

    response = api.post(
        "/api/auth/refresh/", HTTP_COOKIE=header, HTTP_X_CSRFTOKEN=session_cookies["csrftoken"]
    )

    assert response.status_code == 401
    assert response.json()["code"] == "ambiguous_credentials"
    # The user's own refresh token was not spent: presented alone, it rotates as usual
    # (a second use of a rotated token would be refused).
    fresh = api.post(
        "/api/auth/refresh/",
        HTTP_COOKIE=cookie_header(session_cookies),
        HTTP_X_CSRFTOKEN=session_cookies["csrftoken"],
    )
    assert fresh.status_code == 200


def test_a_tossed_csrf_cookie_is_refused_on_a_safe_request_as_well(api, session_cookies):
    header = cookie_header(session_cookies, "csrftoken=chosen-by-the-attacker")

    assert api.get("/api/auth/me/", HTTP_COOKIE=header).status_code == 401


@pytest.mark.parametrize(
    "method, path",
    [
        ("post", "/api/auth/login/"),
        ("post", "/api/auth/logout/"),
        ("get", "/api/auth/csrf/"),
        ("get", "/api/auth/no-such-endpoint/"),
        ("get", "/swagger.json"),
        ("get", "/admin/login/"),
    ],
)
def test_every_path_refuses_repeated_credentials(api, method, path):
    response = getattr(api, method)(path, HTTP_COOKIE="csrftoken=a; csrftoken=b")

    assert response.status_code == 401
    assert response.json()["code"] == "ambiguous_credentials"


def test_the_refusal_is_a_security_event_without_cookie_values(api, session_cookies, caplog):
    header = cookie_header(session_cookies, "access_token=tossed-secret-value")

    with caplog.at_level(logging.INFO, logger="accounts.security"):
        api.get("/api/auth/me/", HTTP_COOKIE=header)

    [record] = [r for r in caplog.records if "ambiguous_credentials" in r.getMessage()]
    assert '"cookies": ["access_token"]' in record.getMessage()
    assert "tossed-secret-value" not in caplog.text
    assert session_cookies["access_token"] not in caplog.text


def test_a_front_end_on_another_origin_can_read_the_refusal(api, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.test"]

    response = api.get(
        "/api/auth/me/",
        HTTP_COOKIE="access_token=a; access_token=b",
        HTTP_ORIGIN="https://app.example.test",
    )

    assert response.status_code == 401
    assert response["Access-Control-Allow-Origin"] == "https://app.example.test"
    assert response["Access-Control-Allow-Credentials"] == "true"


# --- What the refusal clears ------------------------------------------------------------------


@on_api_host()
def test_the_refusal_clears_both_auth_cookies_and_csrf_on_the_host_and_its_parent_domains(api):
    response = api.get(
        "/api/auth/me/", HTTP_HOST=f"{API_HOST}:8443", HTTP_COOKIE="csrftoken=a; csrftoken=b"
    )

    domains = ("", "api.example.test", "example.test")
    assert cleared(response) == {
        *(("access_token", "/", domain) for domain in domains),
        *(("refresh_token", "/api/auth/", domain) for domain in domains),
        # The repeated name, on both of the service's paths.
        *(("csrftoken", path, domain) for path in ("/", "/api/auth/") for domain in domains),
    }
    for header in set_cookies(response):
        assert "Secure" in header and "SameSite=Lax" in header and "Max-Age=0" in header
        assert ("HttpOnly" in header) != header.startswith("csrftoken=")


@on_api_host()
def test_a_tossed_refresh_cookie_is_cleared_on_the_access_cookies_path_too(api):
    """Path=/ is sent after the user's Path=/api/auth/ copy, so Django would have picked it."""
    response = api.get(
        "/api/auth/me/", HTTP_HOST=API_HOST, HTTP_COOKIE="refresh_token=a; refresh_token=b"
    )

    assert {("refresh_token", path, "example.test") for path in ("/", "/api/auth/")} <= cleared(
        response
    )


@override_settings(ALLOWED_HOSTS=[".example.test"])
@pytest.mark.parametrize("host", [API_HOST, "eu.auth.api.example.test"])
def test_the_clearing_headers_fit_a_proxys_default_header_buffer(api, host):
    """nginx answers 502 when an answer's headers pass its 4 KiB proxy_buffer_size."""
    header = "access_token=a; access_token=b; refresh_token=c; refresh_token=d"

    response = api.get("/api/auth/me/", HTTP_HOST=host, HTTP_COOKIE=header)

    size = sum(len(f"Set-Cookie: {header}\r\n") for header in set_cookies(response))
    assert size < 3000


@pytest.mark.parametrize(
    "host, domains",
    [
        ("api.example.test", ["api.example.test", "example.test"]),
        ("example.test", ["example.test"]),
        ("API.Example.COM", ["api.example.com", "example.com"]),
        ("api.example.com.", ["api.example.com", "example.com"]),
        ("a.b.example.co.uk", ["a.b.example.co.uk", "b.example.co.uk", "example.co.uk"]),
        # A public suffix of the private section: no cookie can be set above the host.
        ("alice.github.io", ["alice.github.io"]),
        ("localhost", []),
        ("test", []),
        ("127.0.0.1", []),
        ("[::1]", []),
        ("[2001:db8::1]", []),
    ],
)
def test_cookie_domains_stop_at_the_registrable_domain(host, domains):
    assert cookie_domains(host) == domains


@override_settings(
    ALLOWED_HOSTS=[API_HOST],
    AUTH_COOKIE_DOMAIN="example.test",
    CSRF_COOKIE_DOMAIN="example.test",
)
def test_with_a_cookie_domain_the_services_own_copies_are_cleared_too(api):
    response = api.get(
        "/api/auth/me/", HTTP_HOST=API_HOST, HTTP_COOKIE="refresh_token=a; refresh_token=b"
    )

    assert ("access_token", "/", "example.test") in cleared(response)
    assert ("refresh_token", "/api/auth/", "example.test") in cleared(response)
    assert ("csrftoken", "/", "example.test") in cleared(response)
