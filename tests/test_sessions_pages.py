"""GET /api/auth/sessions/ a page at a time: a JSON list, the next page in a Link header."""

import base64
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import LoginSession
from accounts.pagination import SESSIONS_PAGE_SIZE, cursor_encode
from accounts.services import sessions
from tests.conftest import SESSIONS, login

_NEXT = re.compile(r'^<([^>]+)>; rel="next"$')


def _more_sessions(user, count: int) -> None:
    for _ in range(count):
        sessions.session_login(user=user, user_agent="elsewhere", ip_address=None, amr=["pwd"])


def _pages(client, path=SESSIONS) -> list[list[dict]]:
    """Every page, by following the links."""
    pages = []
    while path:
        response = client.get(path)
        assert response.status_code == 200, response.content
        pages.append(response.json())
        link = response.headers.get("Link")
        if link is None:
            return pages
        url = urlsplit(_NEXT.match(link).group(1))
        assert url.scheme == "http" and url.netloc == "testserver" and url.path == SESSIONS
        path = f"{url.path}?{url.query}"
    return pages


def test_a_long_list_comes_in_pages_of_50_that_together_hold_every_session_once(logged_in, user):
    _more_sessions(user, 2 * SESSIONS_PAGE_SIZE + 19)  # and the logged-in one: 120

    pages = _pages(logged_in)

    assert [len(page) for page in pages] == [50, 50, 20]
    listed = [s["id"] for page in pages for s in page]
    active = LoginSession.objects.active().filter(user=user)
    assert sorted(listed) == sorted(str(pk) for pk in active.values_list("pk", flat=True))
    stamps = [s["last_used_at"] for page in pages for s in page]
    assert stamps == sorted(stamps, reverse=True)
    assert sum(s["current"] for page in pages for s in page) == 1


def test_a_short_list_is_one_page_without_a_link(logged_in, user):
    _more_sessions(user, 3)

    response = logged_in.get(SESSIONS)

    assert len(response.json()) == 4
    assert "Link" not in response.headers


def test_sessions_used_at_the_same_moment_are_each_listed_once(logged_in, user):
    _more_sessions(user, 2 * SESSIONS_PAGE_SIZE)
    LoginSession.objects.filter(user=user).update(last_used_at=timezone.now())

    pages = _pages(logged_in)

    listed = [s["id"] for page in pages for s in page]
    assert len(listed) == len(set(listed)) == 2 * SESSIONS_PAGE_SIZE + 1


def test_a_cursor_lists_only_the_callers_own_sessions(logged_in, user, make_user):
    bob = make_user("bob")
    _more_sessions(bob, 3)
    bobs = LoginSession.objects.filter(user=bob).order_by("-last_used_at", "-id").first()
    # A cursor made from another user's session position, and one from the far future.
    for position in [(bobs.last_used_at, bobs.id), (timezone.now() + timedelta(days=9), bobs.id)]:
        response = logged_in.get(SESSIONS, {"cursor": cursor_encode(position)})

        assert response.status_code == 200
        assert {s["id"] for s in response.json()} <= {
            str(pk) for pk in LoginSession.objects.filter(user=user).values_list("pk", flat=True)
        }


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "%%%",
        _b64("2026-01-01T00:00:00|nothex"),
        _b64("2026-01-01T00:00:00|" + "0" * 32),  # no time zone
        _b64("yesterday|" + "0" * 32),
        _b64("2026-13-01T00:00:00+00:00|" + "0" * 32),
        base64.urlsafe_b64encode(b"\xff\xfe|").decode(),
        "A" * 5000,
    ],
)
def test_a_cursor_this_list_did_not_give_is_a_400(logged_in, cursor):
    response = logged_in.get(SESSIONS, {"cursor": cursor})

    assert response.status_code == 400
    body = response.json()
    assert isinstance(body["cursor"], list) and body["cursor"]


def test_an_empty_cursor_is_the_first_page(logged_in):
    # As DRF reads query strings: an empty optional value is an absent one.
    assert logged_in.get(SESSIONS, {"cursor": ""}).json() == logged_in.get(SESSIONS).json()


def test_the_page_needs_authentication_whatever_the_cursor(db):
    assert APIClient().get(SESSIONS, {"cursor": "x"}).status_code == 401


@override_settings(CORS_ALLOWED_ORIGINS=["https://app.example.com"])
def test_a_front_end_on_another_origin_may_read_the_link(logged_in, user):
    _more_sessions(user, SESSIONS_PAGE_SIZE)

    response = logged_in.get(SESSIONS, HTTP_ORIGIN="https://app.example.com")

    assert "Link" in response.headers
    assert "link" in response.headers["Access-Control-Expose-Headers"].lower()


def test_the_page_size_is_the_documented_one():
    assert SESSIONS_PAGE_SIZE == 50


def test_a_bearer_client_gets_the_same_pages(user):
    _more_sessions(user, SESSIONS_PAGE_SIZE)
    access = login(APIClient()).cookies["access_token"].value
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {access}")

    assert [len(page) for page in _pages(client)] == [50, 1]


def test_a_session_left_out_by_the_blacklist_shortens_its_page_and_loses_no_other(logged_in, user):
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

    _more_sessions(user, SESSIONS_PAGE_SIZE + 9)  # 60 in all
    first_page = [s["id"] for s in logged_in.get(SESSIONS).json()]
    hidden = LoginSession.objects.get(pk=first_page[10])
    BlacklistedToken.objects.create(token_id=hidden.current_refresh_id)

    pages = _pages(logged_in)

    assert [len(page) for page in pages] == [49, 10]
    listed = [s["id"] for page in pages for s in page]
    assert str(hidden.pk) not in listed
    assert len(set(listed)) == 59
