"""X-Forwarded-For and X-Forwarded-Proto count only from TRUSTED_PROXIES, and only with NUM_PROXIES.

Through the test client for Django's side, and on real gunicorn processes, whose
own reading of X-Forwarded-Proto (forwarded_allow_ips) gunicorn.conf.py derives
from the same two settings. 127.0.0.2 stands for another host: a client that
reaches gunicorn without passing through the proxy.
"""

import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings

from accounts.models import LoginSession
from tests.conftest import PASSWORD, login
from tests.servers import ROOT, Gunicorn, base_env
from tests.test_production import a_secret_key, manage
from tests.test_settings import ENTRY_POINTS, start

HTTPS = {"HTTP_X_FORWARDED_PROTO": "https"}


def behind(proxies: int = 1, **overrides):
    return override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies},
        SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https") if proxies else None,
        **overrides,
    )


def served_as_https(response) -> bool:
    # SecurityMiddleware sends HSTS on secure requests only.
    return "Strict-Transport-Security" in response


# --- Django ---------------------------------------------------------------------------------


@behind(TRUSTED_PROXIES=["10.0.0.2"])
def test_a_trusted_proxys_headers_count(api, user):
    response = login(api, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1", **HTTPS)

    assert served_as_https(response)
    assert LoginSession.objects.get().ip_address == "198.51.100.1"


@behind(TRUSTED_PROXIES=["10.0.0.2"])
def test_a_client_that_bypasses_the_proxy_cannot_forge_its_address_or_https(api, user):
    response = login(api, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="198.51.100.1", **HTTPS)

    assert response.status_code == 200
    assert not served_as_https(response)
    assert LoginSession.objects.get().ip_address == "10.0.0.9"


@behind(TRUSTED_PROXIES=["10.0.1.0/24", "2001:db8::/32"])
@pytest.mark.parametrize(
    "peer, trusted",
    [
        ("10.0.1.7", True),
        ("10.0.2.7", False),
        ("2001:db8::7", True),
        ("::ffff:10.0.1.7", True),  # an IPv4 client of a dual-stack socket
        ("2001:db9::7", False),
        ("127.0.0.1", False),  # loopback is trusted by default only
        ("", True),  # a unix socket: no address, and only its permitted users reach it
    ],
)
def test_trusted_proxies_are_addresses_or_networks(api, peer, trusted):
    response = api.get("/api/auth/csrf/", REMOTE_ADDR=peer, **HTTPS)

    assert served_as_https(response) is trusted


def test_a_peer_is_judged_by_the_list_of_the_moment_not_by_an_earlier_verdict(api):
    with behind(TRUSTED_PROXIES=["10.0.0.2"]):
        assert served_as_https(api.get("/api/auth/csrf/", REMOTE_ADDR="10.0.0.2", **HTTPS))
    with behind(TRUSTED_PROXIES=["10.0.0.3"]):
        assert not served_as_https(api.get("/api/auth/csrf/", REMOTE_ADDR="10.0.0.2", **HTTPS))


@behind(TRUSTED_PROXIES=["*"])
def test_a_star_trusts_every_peer(api):
    response = api.get("/api/auth/csrf/", REMOTE_ADDR="203.0.113.50", **HTTPS)

    assert served_as_https(response)


def test_by_default_the_proxy_on_this_host_is_the_trusted_one():
    assert settings.TRUSTED_PROXIES == ["127.0.0.1", "::1"]


@pytest.mark.parametrize("value", ["10.0.0.1/24", "nginx.internal", "10.0.0.0/33", "*, 10.0.0"])
@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_bad_trusted_proxies_value_stops_start_up_naming_the_variable(entry, value):
    result = start(ENTRY_POINTS[entry], TRUSTED_PROXIES=value)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "TRUSTED_PROXIES" in result.stderr


# --- gunicorn ---------------------------------------------------------------------------------


def gunicorn_config(**env: str) -> dict[str, str]:
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--print-config"],
        cwd=ROOT,
        env=base_env(DJANGO_SECRET_KEY=a_secret_key(), **env),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return {
        name.strip(): value.strip()
        for name, _, value in (line.partition("=") for line in result.stdout.splitlines())
    }


@pytest.mark.parametrize(
    "env, allowed",
    [
        ({}, "[]"),
        ({"NUM_PROXIES": "0", "TRUSTED_PROXIES": "10.0.0.2"}, "[]"),
        ({"NUM_PROXIES": "1"}, "['127.0.0.1', '::1']"),
        (
            {"NUM_PROXIES": "1", "TRUSTED_PROXIES": "10.0.0.2,10.0.1.0/24"},
            "['10.0.0.2', '10.0.1.0/24']",
        ),
    ],
    ids=["no-proxy", "no-proxy-with-list", "one-proxy", "one-proxy-listed"],
)
def test_gunicorn_trusts_forwarded_headers_as_num_proxies_and_trusted_proxies_say(env, allowed):
    config = gunicorn_config(**env)

    assert config["forwarded_allow_ips"] == allowed
    assert config["secure_scheme_headers"] == "{'X-FORWARDED-PROTO': 'https'}"


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('proxies') / 'db.sqlite3'}"
    migrated = manage("migrate", "--noinput", env={"DJANGO_DEBUG": "1", "DATABASE_URL": url})
    assert migrated.returncode == 0, migrated.stderr
    return url


@pytest.fixture(scope="module")
def start_gunicorn(tmp_path_factory, database):
    servers = []

    def start_one(**env: str) -> Gunicorn:
        env = base_env(
            DJANGO_DEBUG="0",
            DJANGO_SECRET_KEY=a_secret_key(),
            DATABASE_URL=database,
            AUTH_RETURN_TOKENS_IN_BODY="1",
            AUTH_LOGIN_THROTTLE_RATE="1000/min",
            **env,
        )
        log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
        server = Gunicorn(env=env, log_path=log).start()
        servers.append(server)
        return server

    yield start_one
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def without_proxy(start_gunicorn) -> Gunicorn:
    return start_gunicorn(NUM_PROXIES="0")


@pytest.fixture(scope="module")
def behind_proxy(start_gunicorn) -> Gunicorn:
    # Plain HTTP is served, so that what counts as HTTPS shows in the HSTS header.
    return start_gunicorn(
        NUM_PROXIES="1", TRUSTED_PROXIES="127.0.0.1", DJANGO_SECURE_SSL_REDIRECT="0"
    )


@pytest.fixture(scope="module")
def account(behind_proxy) -> str:
    body = {"username": "proxied", "email": "proxied@example.com", "password": PASSWORD}
    assert behind_proxy.request("POST", "/api/auth/signup/", body=body).status == 201
    return "proxied"


def session_address(server: Gunicorn, username: str, **request) -> str:
    """The address that a login through ``server`` records for its session."""
    reply = server.request(
        "POST", "/api/auth/login/", body={"username": username, "password": PASSWORD}, **request
    )
    assert reply.status == 200, reply.body
    access = reply.json()["access"]
    [session] = [
        s
        for s in server.request(
            "GET", "/api/auth/sessions/", headers={"Authorization": f"Bearer {access}"}
        ).json()
        if s["current"]
    ]
    return session["ip_address"]


@pytest.mark.live
def test_without_a_proxy_a_local_client_cannot_make_its_request_https(without_proxy):
    """gunicorn's own default trusts X-Forwarded-Proto from any loopback client."""
    reply = without_proxy.request("GET", "/api/auth/csrf/", headers={"X-Forwarded-Proto": "https"})

    assert reply.status == 301
    assert reply.headers["Location"].startswith("https://")
    assert "Strict-Transport-Security" not in reply.headers


@pytest.mark.live
@pytest.mark.parametrize("header", ["X-Forwarded-Ssl", "X-Forwarded-Protocol"])
def test_without_a_proxy_no_other_scheme_header_counts_either(without_proxy, header):
    value = {"X-Forwarded-Ssl": "on", "X-Forwarded-Protocol": "ssl"}[header]

    reply = without_proxy.request("GET", "/api/auth/csrf/", headers={header: value})

    assert reply.status == 301


@pytest.mark.live
def test_behind_the_proxy_its_headers_count(behind_proxy, account):
    forged = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.1"}

    reply = behind_proxy.request("GET", "/api/auth/csrf/", headers=forged)

    assert reply.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert session_address(behind_proxy, account, headers=forged) == "198.51.100.1"


@pytest.mark.live
def test_a_client_that_bypasses_the_proxy_cannot_forge_https_or_its_address(behind_proxy, account):
    forged = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.1"}

    reply = behind_proxy.request("GET", "/api/auth/csrf/", headers=forged, source="127.0.0.2")

    assert reply.status == 200
    assert "Strict-Transport-Security" not in reply.headers
    assert session_address(behind_proxy, account, headers=forged, source="127.0.0.2") == (
        "127.0.0.2"
    )
