"""What the benchmark does inside one Django process: ``python -m bench.probe <command> …``.

Run under either project's settings (this service's ``config.settings`` or
``bench.stock_settings``, either through ``bench.fast_hash_settings``); each
command prints one JSON value.

- ``user <name>``: create a user, its password hashed as configured.
- ``statements``: the SQL statements of a login, a refresh and an authenticated
  request, with the test suite's counter (tests/statements.py).
- ``hashers``: milliseconds to check a password with the configured hasher,
  Django's default Argon2 and Django's default PBKDF2, and their parameters.
- ``sessions <name> <count>``: give this service's user ``count`` more live sessions.
- ``tokens <name> <count>``: start ``count`` sessions of this service's user and
  print their refresh tokens, one a line (for loads that rotate them).
"""

import json
import os
import statistics
import sys
import time
from datetime import timedelta

import django

PASSWORD = "bench-password-0123456789"
HOST = "127.0.0.1"


def create_user(name: str) -> dict:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username=name, email=f"{name}@example.com", password=PASSWORD
    )
    return {"user_id": user.pk, "hasher": user.password.split("$", 1)[0]}


def _is_stock() -> bool:
    from django.conf import settings

    return settings.ROOT_URLCONF == "bench.stock_urls"


def _counted(client, method: str, path: str, **kwargs):
    from tests.statements import statements_counted

    with statements_counted() as counted:
        response = getattr(client, method)(path, **kwargs)
    assert response.status_code in (200, 204), (path, response.status_code, response.content)
    return response, {
        "statements": counted.count,
        "transactions": counted.transactions,
        "sql": counted.sql,
    }


def count_statements(name: str) -> dict:
    from django.test import Client

    client = Client(enforce_csrf_checks=True, SERVER_NAME=HOST)
    credentials = {"username": name, "password": PASSWORD}
    if _is_stock():
        response, login = _counted(
            client, "post", "/api/token/", data=credentials, content_type="application/json"
        )
        tokens = response.json()
        response, refresh = _counted(
            client,
            "post",
            "/api/token/refresh/",
            data={"refresh": tokens["refresh"]},
            content_type="application/json",
        )
        bearer = {"authorization": f"Bearer {response.json()['access']}"}
        _, me = _counted(client, "get", "/api/me/", headers=bearer)
        return {"login": login, "refresh": refresh, "me": me}

    # Over HTTPS, as deployed: production settings redirect plain HTTP.
    _, login = _counted(
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
    _, refresh = _counted(client, "post", "/api/auth/refresh/", **browser)
    _, me = _counted(client, "get", "/api/auth/me/", secure=True)
    _, logout = _counted(client, "post", "/api/auth/logout/", **browser)
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
    result["configured"]["variant"] = encoded["configured"].split("$")[1]
    result["configured"]["params"] = {
        name: getattr(configured, name)
        for name in ("time_cost", "memory_cost", "parallelism", "iterations")
        if hasattr(configured, name)
    }
    result["django_pbkdf2"]["iterations"] = PBKDF2PasswordHasher.iterations
    return result


def add_sessions(name: str, count: int) -> dict:
    """Live sessions as logins would leave them, written in bulk."""
    import uuid

    from django.utils import timezone
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    from accounts.models import LoginSession, User

    user = User.objects.get(username=name)
    now = timezone.now()
    tokens = OutstandingToken.objects.bulk_create(
        [
            OutstandingToken(
                user=user,
                jti=uuid.uuid4().hex * 2,
                token="",
                created_at=now,
                expires_at=now + timedelta(days=7),
            )
            for _ in range(count)
        ],
        batch_size=2000,
    )
    LoginSession.objects.bulk_create(
        [
            LoginSession(
                id=uuid.uuid4(),
                user=user,
                created_at=now - timedelta(seconds=n),
                last_used_at=now - timedelta(seconds=n),
                expires_at=token.expires_at,
                user_agent="bench",
                ip_address=HOST,
                current_refresh=token,
            )
            for n, token in enumerate(tokens)
        ],
        batch_size=2000,
    )
    return {"sessions": LoginSession.objects.filter(user=user).count()}


def start_sessions(name: str, count: int) -> list[str]:
    from accounts.models import User
    from accounts.services.sessions import session_login

    user = User.objects.get(username=name)
    return [
        str(session_login(user=user, user_agent="bench", ip_address=HOST, amr=["pwd"]).refresh)
        for _ in range(count)
    ]


def main() -> None:
    command, *args = sys.argv[1:]
    django.setup()
    if command == "user":
        print(json.dumps(create_user(args[0])))
    elif command == "statements":
        print(json.dumps(count_statements(args[0])))
    elif command == "hashers":
        print(json.dumps(time_hashers()))
    elif command == "sessions":
        print(json.dumps(add_sessions(args[0], int(args[1]))))
    elif command == "tokens":
        print("\n".join(start_sessions(args[0], int(args[1]))))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main()
