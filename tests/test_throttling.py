"""Login and signup rate limits through the API.

Per address and per account, with and without proxies in front, and with the cache down.
"""

import logging

import pytest
from django.conf import settings
from django.test import override_settings

from accounts.models import LoginSession
from tests.conftest import PASSWORD, in_parallel
from tests.servers import free_port


def limits(*, login: str = "3/min", signup: str = "2/hour", num_proxies: int = 0):
    """Small rates, read by the throttles at each request; the proxies at 10.0.0.1."""
    return override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                "login": login,
                "signup": signup,
            },
            "NUM_PROXIES": num_proxies,
        },
        TRUSTED_PROXIES=["10.0.0.1"],
    )


def attempt_login(api, username: str, password: str = "wrong-password", **headers):
    return api.post(
        "/api/auth/login/", {"username": username, "password": password}, format="json", **headers
    )


def signup(api, n: int, **headers):
    return api.post(
        "/api/auth/signup/",
        {"username": f"newcomer{n}", "email": f"newcomer{n}@example.com", "password": PASSWORD},
        format="json",
        **headers,
    )


def assert_throttled(response):
    assert response.status_code == 429, response.content
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "throttled"


# --- Login ------------------------------------------------------------------------------


@limits()
def test_login_is_limited_per_client_address(api, user):
    for n in range(3):
        assert attempt_login(api, f"nobody{n}", REMOTE_ADDR="198.51.100.1").status_code == 401

    # Even the right password waits once the address is over its limit.
    assert_throttled(attempt_login(api, "alice", PASSWORD, REMOTE_ADDR="198.51.100.1"))
    assert attempt_login(api, "alice", PASSWORD, REMOTE_ADDR="198.51.100.2").status_code == 200


@limits()
def test_login_is_limited_per_account_whatever_the_address(api, user, make_user):
    make_user("bob")
    for n, name in enumerate(["alice", "ALICE", " Alice "]):
        assert attempt_login(api, name, REMOTE_ADDR=f"198.51.100.{n}").status_code == 401

    assert_throttled(attempt_login(api, "alice", PASSWORD, REMOTE_ADDR="198.51.100.50"))
    # Another account from that same fresh address is not held back.
    assert attempt_login(api, "bob", PASSWORD, REMOTE_ADDR="198.51.100.50").status_code == 200


@limits()
def test_a_forged_forwarded_for_does_not_dodge_the_limit_without_proxies(api, user):
    for n in range(3):
        response = attempt_login(
            api, f"nobody{n}", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}"
        )
        assert response.status_code == 401

    assert_throttled(
        attempt_login(
            api, "alice", PASSWORD, REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.99"
        )
    )


@limits()
def test_without_proxies_the_session_records_the_connecting_address(api, user):
    response = attempt_login(
        api, "alice", PASSWORD, REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.7"
    )

    assert response.status_code == 200
    assert LoginSession.objects.get().ip_address == "198.51.100.1"


@limits(num_proxies=1)
def test_behind_one_proxy_each_forwarded_client_has_its_own_limit(api, user):
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(3):
        response = attempt_login(api, f"nobody{n}", HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy)
        assert response.status_code == 401

    assert_throttled(
        attempt_login(api, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy)
    )
    response = attempt_login(api, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.2", **proxy)
    assert response.status_code == 200
    assert LoginSession.objects.get().ip_address == "203.0.113.2"


@limits(num_proxies=1)
def test_behind_one_proxy_addresses_the_client_prepends_are_ignored(api, user):
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(3):
        # The proxy appends the address it saw; what the client sent stands before it.
        forwarded = f"198.51.100.{n}, 203.0.113.1"
        response = attempt_login(api, f"nobody{n}", HTTP_X_FORWARDED_FOR=forwarded, **proxy)
        assert response.status_code == 401

    assert_throttled(
        attempt_login(
            api, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.1", **proxy
        )
    )


# --- Signup -----------------------------------------------------------------------------


@limits()
def test_signup_is_limited_per_client_address(api, db):
    assert signup(api, 1, REMOTE_ADDR="198.51.100.1").status_code == 201
    assert signup(api, 2, REMOTE_ADDR="198.51.100.1").status_code == 201

    assert_throttled(signup(api, 3, REMOTE_ADDR="198.51.100.1"))
    assert signup(api, 4, REMOTE_ADDR="198.51.100.2").status_code == 201


@limits()
def test_login_and_signup_limits_are_counted_apart(api, user):
    for n in range(2):
        assert signup(api, n, REMOTE_ADDR="198.51.100.1").status_code == 201

    assert attempt_login(api, "alice", PASSWORD, REMOTE_ADDR="198.51.100.1").status_code == 200


# --- The cache is down ------------------------------------------------------------------


@pytest.fixture
def cache_down():
    """The cache is a Redis server that is not there: every call raises."""
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=unreachable):
        yield


@limits(login="1/min", signup="1/hour")
def test_login_lets_every_attempt_through_while_the_cache_is_down(api, user, cache_down, caplog):
    caplog.set_level(logging.WARNING, logger="accounts.throttling")

    assert attempt_login(api, "alice").status_code == 401
    response = attempt_login(api, "alice", PASSWORD)

    assert response.status_code == 200
    assert "access_token" in response.cookies
    assert "throttle login skipped: cache unavailable (ConnectionError)" in caplog.text


@limits(login="1/min", signup="1/hour")
def test_signup_works_while_the_cache_is_down(api, db, cache_down):
    assert signup(api, 1).status_code == 201
    assert signup(api, 2).status_code == 201


# --- One account, one bucket -------------------------------------------------------------


@limits()
def test_the_username_and_the_email_of_one_account_share_one_bucket(api, user):
    attempts = ["alice", "alice@example.com", "ALICE@EXAMPLE.COM"]
    for n, identifier in enumerate(attempts):
        assert attempt_login(api, identifier, REMOTE_ADDR=f"198.51.100.{n}").status_code == 401

    assert_throttled(attempt_login(api, "ａｌｉｃｅ", PASSWORD, REMOTE_ADDR="198.51.100.9"))


@limits()
def test_an_unknown_name_is_counted_under_its_canonical_form(api, db):
    for n, name in enumerate(["émile", "ÉMILE", "e\u0301mile"]):
        assert attempt_login(api, name, REMOTE_ADDR=f"198.51.100.{n}").status_code == 401

    assert_throttled(attempt_login(api, "Émile", REMOTE_ADDR="198.51.100.9"))


@limits()
def test_a_dotted_capital_i_names_no_account_so_it_cannot_dodge_alices_bucket(api, user):
    # PostgreSQL's LOWER() may fold İ to i; the canonical form does not, so "alİce"
    # is another (unknown) name, and never a door to alice's password.
    for n in range(3):
        assert attempt_login(api, "alice", REMOTE_ADDR=f"198.51.100.{n}").status_code == 401

    response = attempt_login(api, "al\u0130ce", PASSWORD, REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 401
    assert_throttled(attempt_login(api, "alice", PASSWORD, REMOTE_ADDR="198.51.100.9"))


# --- Atomic counting ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@limits(login="10/min")
def test_a_parallel_burst_gets_no_more_attempts_than_the_limit(make_user):
    from rest_framework.test import APIClient

    make_user("alice")
    addresses = iter(range(30))

    def attempt() -> int:
        address = f"198.51.100.{next(addresses)}"
        return attempt_login(APIClient(), "alice", REMOTE_ADDR=address).status_code

    statuses = in_parallel(attempt, count=30)

    assert statuses.count(401) == 10, statuses
    assert statuses.count(429) == 20, statuses


def test_counting_is_one_atomic_increment_whatever_the_interleaving(db):
    from accounts.throttling import attempt_count

    counts = [attempt_count(key="t:burst", period=60, now=120.0)[0] for _ in range(5)]

    assert counts == [1, 2, 3, 4, 5]


def test_the_previous_window_weighs_by_how_much_of_it_still_overlaps(db):
    from accounts.throttling import attempt_count

    for _ in range(10):
        attempt_count(key="t:slide", period=60, now=60.0)
    # A quarter into the next window, three quarters of the last one still count.
    count, wait = attempt_count(key="t:slide", period=60, now=135.0)

    assert count == 10 * 0.75 + 1
    assert wait == 45


# --- Password checks of a signed-in user -------------------------------------------------


@limits()
def test_password_change_guesses_are_throttled_per_account(logged_in, user):
    # The login that made `logged_in` was the first of the account's three attempts.
    for n in range(2):
        response = logged_in.post(
            "/api/auth/password/change/",
            {"old_password": f"guess-{n}", "new_password": "a-brand-new-passphrase"},
            format="json",
        )
        assert response.status_code == 400

    response = logged_in.post(
        "/api/auth/password/change/",
        {"old_password": PASSWORD, "new_password": "a-brand-new-passphrase"},
        format="json",
    )
    assert_throttled(response)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@limits()
def test_password_change_guesses_and_logins_share_the_accounts_bucket(logged_in, user, api):
    for n in range(2):
        response = logged_in.post(
            "/api/auth/password/change/",
            {"old_password": f"guess-{n}", "new_password": "a-brand-new-passphrase"},
            format="json",
        )
        assert response.status_code == 400

    assert_throttled(attempt_login(api, "alice", PASSWORD, REMOTE_ADDR="198.51.100.77"))
