"""What the benchmark measures inside one Django process: ``python -m bench.probe <command>``.

Run under either settings module (this service's ``config.settings`` or
``bench.stock_settings``); each command prints one JSON object.

- ``user``: create the benchmark's user, its password hashed as configured.
- ``statements``: the SQL statements of a login, a refresh and an authenticated
  request, counted with Django's ``CaptureQueriesContext``.
- ``hashers``: milliseconds to check a password with the configured hasher,
  Django's default Argon2 and Django's default PBKDF2.
"""

import json
import os
import statistics
import sys
import time

import django

USERNAME = "bench"
PASSWORD = "bench-password-0123456789"
EMAIL = "bench@example.com"
HOST = "127.0.0.1"


def create_user() -> dict:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username=USERNAME, email=EMAIL, password=PASSWORD)
    return {"user_id": user.pk, "hasher": user.password.split("$", 1)[0]}


def _is_stock() -> bool:
    from django.conf import settings

    return settings.ROOT_URLCONF == "bench.stock_urls"


def _captured(client, method: str, path: str, **kwargs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, **kwargs)
    assert response.status_code in (200, 204), (path, response.status_code, response.content)
    statements = [query["sql"] for query in queries.captured_queries]
    return response, {
        "statements": len(statements),
        # SQLite opens each transaction with a BEGIN that Django logs like any statement.
        "transactions": sum(sql.upper().startswith("BEGIN") for sql in statements),
        "sql": statements,
    }


def count_statements() -> dict:
    from django.test import Client

    client = Client(enforce_csrf_checks=True, SERVER_NAME=HOST)
    credentials = {"username": USERNAME, "password": PASSWORD}
    if _is_stock():
        response, login = _captured(
            client, "post", "/api/token/", data=credentials, content_type="application/json"
        )
        tokens = response.json()
        response, refresh = _captured(
            client,
            "post",
            "/api/token/refresh/",
            data={"refresh": tokens["refresh"]},
            content_type="application/json",
        )
        bearer = {"authorization": f"Bearer {response.json()['access']}"}
        _, me = _captured(client, "get", "/api/me/", headers=bearer)
        return {"login": login, "refresh": refresh, "me": me}

    # Over HTTPS, as deployed: production settings redirect plain HTTP.
    _, login = _captured(
        client,
        "post",
        "/api/auth/login/",
        data=credentials,
        content_type="application/json",
        secure=True,
    )
    # A browser's refresh and logout: bodiless, the refresh cookie and the CSRF header.
    browser = {
        "headers": {
            "x-csrftoken": client.cookies["csrftoken"].value,
            "referer": f"https://{HOST}/",
        },
        "content_type": "application/json",
        "secure": True,
    }
    _, refresh = _captured(client, "post", "/api/auth/refresh/", **browser)
    _, me = _captured(client, "get", "/api/auth/me/", secure=True)
    _, logout = _captured(client, "post", "/api/auth/logout/", **browser)
    return {"login": login, "refresh": refresh, "me": me, "logout": logout}


def time_hashers() -> dict:
    """Each hasher in turn, repeatedly, so that a busy machine weighs on all of them alike."""
    from django.contrib.auth.hashers import (
        Argon2PasswordHasher,
        PBKDF2PasswordHasher,
        get_hasher,
    )

    configured = get_hasher()
    hashers = {
        "configured": configured,
        "django_argon2": Argon2PasswordHasher(),
        "django_pbkdf2": PBKDF2PasswordHasher(),
    }
    samples = {name: [] for name in hashers}
    encoded = {name: hasher.encode(PASSWORD, hasher.salt()) for name, hasher in hashers.items()}
    for _ in range(int(os.environ.get("BENCH_HASHES", "7"))):
        for name, hasher in hashers.items():
            started = time.perf_counter()
            hasher.verify(PASSWORD, encoded[name])
            samples[name].append((time.perf_counter() - started) * 1000)
    result = {name: {"ms": statistics.median(times)} for name, times in samples.items()}
    result["configured"]["name"] = f"{type(configured).__module__}.{type(configured).__name__}"
    result["configured"]["params"] = {
        name: getattr(configured, name)
        for name in ("time_cost", "memory_cost", "parallelism", "iterations")
        if hasattr(configured, name)
    }
    result["django_pbkdf2"]["iterations"] = PBKDF2PasswordHasher.iterations
    return result


COMMANDS = {"user": create_user, "statements": count_statements, "hashers": time_hashers}


def main() -> None:
    command = COMMANDS[sys.argv[1]]
    django.setup()
    print(json.dumps(command()))


if __name__ == "__main__":
    main()
