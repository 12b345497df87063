"""Two tabs of one browser sharing a session, in Chromium: their refreshes never log a tab out.

The tabs are two pages of one context (one profile, one cookie jar) on the example page,
whose client is `window.auth`. Each round drops the access cookie, as the browser does at
its Max-Age, and has both tabs call the API at the same instant, so both get a 401 and
want to refresh with the same refresh token.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import api_server, log_in, open_example, signup, unique_username

pytestmark = [pytest.mark.live, pytest.mark.browser]

ROUNDS = 12

# Both tabs call me() at the same moment of the shared clock, and keep the outcome.
START_TOGETHER = """at => {
  window.__round = new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())))
    .then(() => window.auth.me())
    .then((me) => `ok ${me.username}`, (error) => `failed ${error.status} ${error.code}`);
}"""
OUTCOME = "() => window.__round"
STATE = "() => window.auth.getState().status"


def refresh_answers(context) -> list:
    answers = []
    context.on(
        "response",
        lambda response: (
            answers.append(response)
            if response.request.method == "POST" and response.url.endswith("/api/auth/refresh/")
            else None
        ),
    )
    return answers


def two_tabs(new_page, servers, username, *, without_web_locks=False):
    first = new_page()
    if without_web_locks:
        # As in a browser without the Web Locks API: only the server's grace protects the tabs.
        first.context.add_init_script("delete Navigator.prototype.locks;")
    second = first.context.new_page()
    open_example(first, servers)
    log_in(first, username)
    open_example(second, servers)
    expect(second.locator("#user")).to_have_text(username)
    return first, second


def race(first, second, rounds: int) -> list[tuple[str, str]]:
    outcomes = []
    for _ in range(rounds):
        first.context.clear_cookies(name="access_token")
        at = first.evaluate("Date.now()") + 150
        first.evaluate(START_TOGETHER, at)
        second.evaluate(START_TOGETHER, at)
        outcomes.append((first.evaluate(OUTCOME), second.evaluate(OUTCOME)))
    return outcomes


def assert_both_still_logged_in(first, second, username):
    for tab in (first, second):
        assert tab.evaluate(STATE) == "authenticated"
        expect(tab.locator("#user")).to_have_text(username)
        expect(tab.locator("#log")).not_to_contain_text("session ended")


def test_two_tabs_refreshing_at_once_share_one_refresh_under_the_lock(new_page, servers, username):
    first, second = two_tabs(new_page, servers, username)
    answers = refresh_answers(first.context)

    outcomes = race(first, second, ROUNDS)

    assert outcomes == [(f"ok {username}", f"ok {username}")] * ROUNDS
    assert_both_still_logged_in(first, second, username)
    # The lock lets one tab refresh while the other waits, then finds the new cookies:
    # no refresh ever sends a token that was already rotated.
    assert [answer.status for answer in answers] == [200] * len(answers)
    assert ROUNDS <= len(answers) <= 2 * ROUNDS


def test_without_web_locks_a_lost_race_is_token_rotated_and_retried(new_page, servers, username):
    first, second = two_tabs(new_page, servers, username, without_web_locks=True)
    assert first.evaluate("'locks' in navigator") is False
    answers = refresh_answers(first.context)

    outcomes = race(first, second, ROUNDS)

    assert outcomes == [(f"ok {username}", f"ok {username}")] * ROUNDS
    assert_both_still_logged_in(first, second, username)
    statuses = {answer.status for answer in answers}
    assert statuses <= {200, 401}
    for answer in answers:
        if answer.status == 401:
            assert answer.json()["code"] == "token_rotated"


@pytest.fixture(scope="module")
def short_lived_servers(tmp_path_factory, example_origin):
    """An API whose access tokens live 8 seconds, so that a refresh ahead comes soon."""
    workdir = tmp_path_factory.mktemp("e2e-short-access")
    with api_server(workdir, example_origin, ACCESS_TOKEN_LIFETIME_SECONDS="8") as running:
        yield running


def expiry(tab) -> int:
    return tab.evaluate("() => window.auth.getState().accessExpiresAt.getTime()")


def test_the_tabs_refresh_ahead_of_expiry_without_a_401(new_page, short_lived_servers):
    username = signup(short_lived_servers, unique_username())
    first, second = two_tabs(new_page, short_lived_servers, username)
    unauthorized = []
    first.context.on(
        "response",
        lambda response: unauthorized.append(response) if response.status == 401 else None,
    )

    # Half-way through the lifetime, one of the tabs refreshes; the other hears of it.
    with first.context.expect_event(
        "response", lambda r: r.url.endswith("/api/auth/refresh/"), timeout=30_000
    ) as refreshed:
        pass
    assert refreshed.value.status == 200
    refresher = refreshed.value.frame.page
    listener = second if refresher is first else first
    expect(listener.locator("#log")).to_contain_text("another tab: refresh")
    assert expiry(listener) == expiry(refresher)

    first.click("#me")
    second.click("#me")
    expect(first.locator("#log")).to_contain_text(f"me: 200 {username}")
    expect(second.locator("#log")).to_contain_text(f"me: 200 {username}")
    assert unauthorized == []
