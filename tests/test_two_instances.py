"""Two gunicorn instances on one PostgreSQL database and one Redis, as in a scaled-out deployment.

What one instance does, the other sees at once: a logout, a rotation, the
login attempts counted. These need PostgreSQL (SQLite is one file for one
host); `make test-postgres` sets REQUIRE_POSTGRES=1 so that there they fail
instead of being skipped.
"""

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from accounts.models import LoginSession
from tests.conftest import PASSWORD, decode
from tests.servers import Gunicorn, base_env

pytestmark = pytest.mark.live

LOGIN_RATE = 5


def _unavailable(reason: str):
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        pytest.fail(f"REQUIRE_POSTGRES=1, but this test {reason}")
    pytest.skip(f"this test {reason}: run `make test-postgres`")


@pytest.fixture(scope="module")
def on_postgresql():
    if connection.vendor != "postgresql":
        _unavailable("needs PostgreSQL (DATABASE_URL=postgres://...)")


@pytest.fixture
def shared_cache():
    if not os.environ.get("REDIS_URL"):
        _unavailable("needs a cache shared by the instances (REDIS_URL=redis://...)")


def _test_database_url() -> str:
    """DATABASE_URL with the name of the test database that pytest-django made."""
    url = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))


def _wait_until_disconnected(django_db_blocker, within: float = 30) -> None:
    """The test database can be dropped only once the servers' connections are gone."""
    deadline = time.monotonic() + within
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)


@pytest.fixture(scope="module")
def instances(on_postgresql, django_db_setup, django_db_blocker, tmp_path_factory):
    env = base_env(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=_test_database_url(),
        AUTH_RETURN_TOKENS_IN_BODY="1",
        AUTH_LOGIN_THROTTLE_RATE=f"{LOGIN_RATE}/min",
    )
    if os.environ.get("REDIS_URL"):
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    logs = tmp_path_factory.mktemp("instances")
    servers = []
    try:
        for name in ("a", "b"):
            servers.append(Gunicorn(env=env, log_path=logs / f"{name}.log", workers=2).start())
        yield servers
    finally:
        for server in servers:
            server.stop()
        _wait_until_disconnected(django_db_blocker)


@pytest.fixture
def alice(transactional_db, make_user):
    return make_user("alice")


def log_in(server, username: str = "alice", password: str = PASSWORD):
    credentials = {"username": username, "password": password}
    return server.request("POST", "/api/auth/login/", body=credentials)


def bearer(tokens: dict) -> dict:
    return {"Authorization": f"Bearer {tokens['access']}"}


def test_a_logout_on_one_instance_rejects_the_access_token_on_the_other_at_once(instances, alice):
    a, b = instances
    tokens = log_in(a).json()
    assert b.request("GET", "/api/auth/me/", headers=bearer(tokens)).status == 200

    assert a.request("POST", "/api/auth/logout/", body={"refresh": tokens["refresh"]}).status == 204

    refused = b.request("GET", "/api/auth/me/", headers=bearer(tokens))
    assert refused.status == 401
    assert refused.json()["code"] == "token_not_valid"
    refresh = b.request("POST", "/api/auth/refresh/", body={"refresh": tokens["refresh"]})
    assert refresh.status == 401


def test_of_sixteen_concurrent_refreshes_over_both_instances_exactly_one_succeeds(instances, alice):
    tokens = log_in(instances[0]).json()
    start = threading.Barrier(16)

    def refresh(n: int):
        server = instances[n % 2]
        start.wait()
        return server.request("POST", "/api/auth/refresh/", body={"refresh": tokens["refresh"]})

    with ThreadPoolExecutor(max_workers=16) as pool:
        replies = list(pool.map(refresh, range(16)))

    statuses = [reply.status for reply in replies]
    assert statuses.count(200) == 1, statuses
    assert statuses.count(401) == 15, statuses
    assert {r.json()["code"] for r in replies if r.status == 401} == {"token_rotated"}
    # The losers came within the grace: the session goes on with the winner's tokens.
    winner = next(reply for reply in replies if reply.status == 200).json()
    session = LoginSession.objects.get()
    assert session.revoked_at is None
    assert (
        session.current_refresh.jti
        == decode(winner["refresh"])["jti"]
        != decode(tokens["refresh"])["jti"]
    )
    for server in instances:
        assert server.request("GET", "/api/auth/me/", headers=bearer(winner)).status == 200
    again = instances[1].request("POST", "/api/auth/refresh/", body={"refresh": winner["refresh"]})
    assert again.status == 200


def test_login_attempts_are_counted_across_both_instances(instances, shared_cache, alice):
    a, b = instances
    for n in range(LOGIN_RATE):
        assert log_in(instances[n % 2], password="wrong-password").status == 401

    for server in (a, b):
        refused = log_in(server)
        assert refused.status == 429
        assert int(refused.headers["Retry-After"]) > 0
