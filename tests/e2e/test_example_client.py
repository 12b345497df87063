"""The reference client (examples/) in Chromium, on another origin than the API."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode, urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _free_port, cookies, log_in, open_example

pytestmark = [pytest.mark.live, pytest.mark.browser]


def test_login_then_parallel_calls_after_expiry_share_one_refresh_then_logout(
    page, servers, username
):
    log = page.locator("#log")
    refreshes, csrf_answers = [], []
    page.on(
        "response",
        lambda response: (
            refreshes.append(response)
            if response.request.method == "POST" and response.url.endswith("/api/auth/refresh/")
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            csrf_answers.append(response) if response.url.endswith("/api/auth/csrf/") else None
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
    # The page is on another origin than the API: it sends the token that csrf/ gave it.
    assert refreshes[0].request.headers["x-csrftoken"] == csrf_answers[-1].json()["csrfToken"]

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


# --- The APIs the page may call -------------------------------------------------------


@pytest.fixture
def recorder():
    """Another host on this machine that records every request sent to it."""
    seen = []

    class Recorder(BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            seen.append((self.command, self.path, self.rfile.read(length)))
            self.send_response(200)
            # It would accept anything from anyone, to catch a page that sends to it.
            self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin") or "*")
            self.send_header("Access-Control-Allow-Credentials", "true")
            self.send_header("Access-Control-Allow-Headers", "content-type, x-csrftoken")
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        do_GET = do_POST = do_OPTIONS = _answer

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", _free_port()), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://localhost:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    "crafted",
    [
        "{evil}",
        "{evil}/",
        "{evil}/api/auth/",
        "http://localhost:{api_port}@{evil_host}",
        "//{evil_host}",
    ],
)
def test_a_crafted_link_cannot_send_the_password_to_another_host(
    page, servers, username, recorder, crafted
):
    evil, seen = recorder
    api_port = urlsplit(servers.api).port
    crafted = crafted.format(evil=evil, evil_host=urlsplit(evil).netloc, api_port=api_port)
    open_example(page, servers)  # the user once used the page with its own API

    page.goto(f"{servers.example}/?{urlencode({'api': crafted})}")
    expect(page.locator("#api-warning")).to_contain_text("This page does not call")
    expect(page.locator("#api-url")).to_have_text(servers.api)
    log_in(page, username)
    page.click("#me")
    expect(page.locator("#log")).to_contain_text(f"me: 200 {username}")

    # A remembered address that is not one of the page's APIs is dropped too.
    page.evaluate("evil => localStorage.setItem('auth-example-api', evil)", evil)
    page.goto(servers.example)
    expect(page.locator("#log")).to_contain_text("ready")
    expect(page.locator("#api-url")).not_to_have_text(evil)
    assert seen == []


def test_another_api_of_the_list_may_be_chosen_with_the_address_bar(page, servers):
    page.goto(f"{servers.example}/?api={servers.api}/")
    expect(page.locator("#log")).to_contain_text(f"ready; API at {servers.api}")
    expect(page.locator("#api-warning")).to_be_empty()


# --- Quiet loads and logouts in several tabs --------------------------------------------


def test_an_anonymous_page_load_makes_one_quiet_call(page, servers):
    answers = []
    page.on("response", lambda response: answers.append((response.url, response.status)))

    open_example(page, servers)

    api_answers = [(url, status) for url, status in answers if url.startswith(servers.api)]
    assert api_answers == [(f"{servers.api}/api/auth/session/", 200)]
    expect(page.locator("#log")).to_contain_text("nobody logged in")
    expect(page.locator("#log")).not_to_contain_text("session ended")


def test_a_logout_in_one_tab_logs_out_the_other_and_a_second_logout_is_fine(
    new_page, servers, username
):
    first = new_page()
    second = first.context.new_page()
    open_example(first, servers)
    log_in(first, username)
    open_example(second, servers)
    expect(second.locator("#user")).to_have_text(username)  # restored quietly

    first.click("#logout")
    expect(first.locator("#log")).to_contain_text("logged out")
    # The other tab heard it: it shows nobody without calling the API.
    expect(second.locator("#user")).to_have_text("nobody")
    expect(second.locator("#log")).to_contain_text("session ended (other_tab)")

    with second.expect_response(lambda r: r.url.endswith("/api/auth/logout/")) as logout:
        second.click("#logout")
    assert logout.value.status == 204
    expect(second.locator("#log")).to_contain_text("logged out\n")
    expect(second.locator("#user")).to_have_text("nobody")


def test_a_login_in_one_tab_shows_in_the_other(new_page, servers, username):
    first = new_page()
    second = first.context.new_page()
    open_example(first, servers)
    open_example(second, servers)

    log_in(first, username)

    expect(second.locator("#user")).to_have_text(username)
    second.click("#logout-all")
    expect(second.locator("#log")).to_contain_text("logged out everywhere")
