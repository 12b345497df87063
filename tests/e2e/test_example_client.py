"""The reference client (examples/) in Chromium, on another origin than the API."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import cookies, log_in, open_example

pytestmark = [pytest.mark.live, pytest.mark.browser]


def test_login_then_parallel_calls_after_expiry_share_one_refresh_then_logout(
    page, servers, username
):
    log = page.locator("#log")
    refreshes = []
    page.on(
        "response",
        lambda response: (
            refreshes.append(response)
            if response.request.method == "POST" and response.url.endswith("/api/auth/refresh/")
            else None
        ),
    )
    open_example(page, servers)
    log_in(page, username)

    page.click("#me")
    expect(log).to_contain_text(f"me: 200 {username}")

    # The browser drops the access cookie when its Max-Age runs out, as it does here.
    page.context.clear_cookies(name="access_token")
    page.click("#parallel-me")
    expect(log).to_contain_text("parallel: ok, ok, ok, ok, ok")
    assert len(refreshes) == 1
    assert refreshes[0].status == 200
    assert refreshes[0].request.headers["x-csrftoken"]

    # The one refresh rotated the session's token; it did not trip reuse detection.
    page.click("#sessions")
    expect(log).to_contain_text("sessions: 1")
    assert len(refreshes) == 1

    page.click("#logout")
    expect(log).to_contain_text("logged out")
    assert "access_token" not in cookies(page)
    assert "refresh_token" not in cookies(page)

    page.click("#me")
    expect(log).to_contain_text("#me failed: 401")
    expect(page.locator("#user")).to_have_text("nobody")


def test_page_scripts_cannot_read_the_tokens(page, servers, username):
    open_example(page, servers)
    log_in(page, username)

    readable = page.evaluate("document.cookie")
    assert "csrftoken=" in readable
    assert "access_token" not in readable
    assert "refresh_token" not in readable

    # The browser does hold them, as HttpOnly cookies of the API's host.
    held = cookies(page)
    assert held["access_token"]["httpOnly"] and held["refresh_token"]["httpOnly"]
    assert not held["csrftoken"]["httpOnly"]
    assert held["refresh_token"]["path"] == "/api/auth/"

    page.click("#cookies")
    expect(page.locator("#log")).to_contain_text("cookies scripts can read: csrftoken")


def test_revoking_a_session_from_another_device_ends_it_there(new_page, servers, username):
    laptop, phone = new_page(), new_page()
    for device in (laptop, phone):
        open_example(device, servers)
        log_in(device, username)

    laptop.click("#sessions")
    expect(laptop.locator("#log")).to_contain_text("sessions: 2")
    laptop.locator("#sessions-list li:not(.current) button.revoke").click()
    expect(laptop.locator("#log")).to_contain_text("revoked session")
    expect(laptop.locator("#sessions-list li")).to_have_count(1)

    # The phone's access token stops at once, and its refresh fails: log in again.
    phone.click("#me")
    expect(phone.locator("#log")).to_contain_text("session ended")
    expect(phone.locator("#log")).to_contain_text("#me failed: 401")

    laptop.click("#me")
    expect(laptop.locator("#log")).to_contain_text(f"me: 200 {username}")
