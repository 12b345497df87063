import itertools
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.html import escape
from rest_framework.test import APIClient

from accounts.models import User

PASSWORD = "correct-horse-battery-staple"

# The API's paths, as the contract fixes them.
SIGNUP = "/api/auth/signup/"
LOGIN = "/api/auth/login/"
REFRESH = "/api/auth/refresh/"
LOGOUT = "/api/auth/logout/"
LOGOUT_ALL = "/api/auth/logout-all/"
ME = "/api/auth/me/"
CSRF = "/api/auth/csrf/"
SESSION_PROBE = "/api/auth/session/"
SESSIONS = "/api/auth/sessions/"
PASSWORD_CHANGE = "/api/auth/password/change/"
PASSWORD_RESET = "/api/auth/password/reset/"
PASSWORD_RESET_CONFIRM = "/api/auth/password/reset/confirm/"
EMAIL_VERIFY = "/api/auth/email/verify/"
EMAIL_VERIFY_RESEND = "/api/auth/email/verify/resend/"
_serial = itertools.count()


def sign(claims: dict, *, key: str | None = None, algorithm="HS256", headers=None) -> str:
    """A JWT of these claims signed as the service signs, with its key's kid, unless told."""
    from accounts.tokens import key_id

    key = key or settings.AUTH_JWT_SIGNING_KEY
    headers = {"kid": key_id(key), **(headers or {})}
    return jwt.encode(claims, key, algorithm=algorithm, headers=headers)


def decode(token: str) -> dict:
    """The claims of a token signed with the service's key, whatever the time."""
    return jwt.decode(
        token,
        settings.AUTH_JWT_SIGNING_KEY,
        algorithms=["HS256"],
        options={"verify_exp": False, "verify_iat": False, "verify_aud": False},
    )


def cookie(client, name: str) -> str:
    return client.cookies[name].value


def field_errors(response) -> dict:
    """A validation error's DRF part, ``{field: [message, …]}``, without its ``detail`` and
    ``errors``; each message of a top-level field is in ``errors`` with its field."""
    body = response.json()
    assert response.status_code == 400 and isinstance(body.get("errors"), list), body
    fields = {key: value for key, value in body.items() if key not in ("detail", "errors")}
    listed = {(error["field"], error["message"]) for error in body["errors"]}
    for field, messages in fields.items():
        if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
            assert {(field, message) for message in messages} <= listed, body
    return fields


def assert_cookies_cleared(response):
    for name in ("access_token", "refresh_token"):
        assert response.cookies[name].value == ""
        assert response.cookies[name]["max-age"] == 0
    assert response.cookies["access_token"]["path"] == "/"
    assert response.cookies["refresh_token"]["path"] == "/api/auth/"


def later(seconds: float):
    """Travel ``seconds`` into the future, for Django, SimpleJWT and PyJWT alike."""
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=True)


def pytest_collection_finish(session):
    """Start counting instructions at once when the budget test is to run (it takes seconds
    under valgrind, which then pass beside the other tests)."""
    from tests import instructions

    counting = any(
        item.module.__name__.endswith("test_instruction_budget") for item in session.items
    )
    if counting and instructions.callgrind_unavailable() is None:
        instructions.count_in_background()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters must not leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_user(db):
    def make(username=None, *, email=None, password=PASSWORD, **extra) -> User:
        username = username or f"user{next(_serial)}"
        return User.objects.create_user(
            username=username, email=email or f"{username}@example.com", password=password, **extra
        )

    return make


@pytest.fixture
def user(make_user) -> User:
    return make_user("alice", email="alice@example.com")


@pytest.fixture
def api() -> APIClient:
    """A browser-like client: it keeps cookies and Django's CSRF checks apply to it."""
    return APIClient(enforce_csrf_checks=True)


def login(client: APIClient, username: str = "alice", password: str = PASSWORD, **headers):
    """Log in and send the fresh CSRF token on later requests, as a front end does."""
    response = client.post(
        "/api/auth/login/", {"username": username, "password": password}, format="json", **headers
    )
    if response.status_code == 200:
        client.credentials(HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    return response


@pytest.fixture
def logged_in(api, user) -> APIClient:
    response = login(api)
    assert response.status_code == 200, response.content
    return api


@pytest.fixture
def outbox(mailoutbox):
    """Reads the emails sent so far.

    Emails leave after their transaction commits (AUTH_EMAIL_DELIVERY=immediate in
    tests/settings.py), so the tests that read them need ``django_db(transaction=True)``.
    """

    def read() -> list:
        return list(mailoutbox)

    return read


_URL = re.compile(r"https?://[^\s\"<>]+")


def emailed_link(message, path: str) -> dict[str, str]:
    """The uid and token of the link to ``FRONTEND_URL/<path>`` in an email's text and HTML."""
    links = _URL.findall(message.body)
    assert len(links) == 1, message.body
    url = urlsplit(links[0])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{settings.FRONTEND_URL}/{path}"
    params = parse_qs(url.query, strict_parsing=True)
    assert sorted(params) == ["token", "uid"] and all(len(v) == 1 for v in params.values())
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert f'href="{escape(links[0])}"' in html
    return {name: values[0] for name, values in params.items()}


def in_parallel(call, count=8):
    """Run ``call`` in ``count`` threads released at the same moment, each on its own connection."""
    barrier = threading.Barrier(count)

    def run(_):
        try:
            barrier.wait()
            return call()
        finally:
            connection.close()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))
