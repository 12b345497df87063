"""config.postgresql: a kept-open connection is checked without a round trip, and still replaced
when the server has ended it. Needs PostgreSQL (`make test-postgres`)."""

import os
import select

import psycopg
import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def on_postgresql():
    if connection.vendor != "postgresql":
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1, but the tests run on another database")
        pytest.skip("tests the PostgreSQL backend: run `make test-postgres`")


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _as_at_a_new_request() -> None:
    # What Django's request_started signal does (close_old_connections).
    connection.close_if_unusable_or_obsolete()


def test_the_settings_use_this_backend_with_health_checks():
    assert connection.settings_dict["ENGINE"] == "config.postgresql"
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert connection.settings_dict["CONN_MAX_AGE"] > 0


def test_a_kept_connection_is_checked_without_asking_the_server(monkeypatch):
    pid = _backend_pid()
    raw = connection.connection

    def no_round_trip():
        raise AssertionError("the health check sent a query")

    monkeypatch.setattr(connection, "is_usable", no_round_trip)
    _as_at_a_new_request()
    assert _backend_pid() == pid
    assert connection.connection is raw


def test_a_connection_the_server_ended_is_replaced_before_the_request_uses_it():
    pid = _backend_pid()
    socket = connection.connection.pgconn.socket
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    # The server's last words reach the socket (bounded wait, not a timed assertion).
    poller = select.poll()
    poller.register(socket, select.POLLIN)
    assert poller.poll(30_000)

    _as_at_a_new_request()

    assert _backend_pid() != pid  # a new connection answered, the request did not fail
