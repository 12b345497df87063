"""The CSRF token across origins, in Chromium, in the recommended same-site layout.

The front end is http://app.dev.localhost:<port> and the API http://api.dev.localhost:<port>
(Chromium sends *.localhost to this machine): one site, two hosts. The page cannot read the
API's csrftoken cookie, and its own host has a csrftoken cookie of its own (a front end with
a Django back end of its own has one). The client must send the token GET csrf/ gave it,
never the page's cookie, and fetch it again after login, which rotates it.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import _serve_examples, api_server, log_in, signup, unique_username

pytestmark = [pytest.mark.live, pytest.mark.browser]

PAGE_TOKEN = "the-front-end-own-csrf-token-0123456789abcdef"


@pytest.fixture(scope="module")
def subdomains(tmp_path_factory):
    example = _serve_examples()
    app_origin = f"http://app.dev.localhost:{example.server_address[1]}"
    try:
        with api_server(
            tmp_path_factory.mktemp("e2e-subdomains"),
            app_origin,
            api_host="api.dev.localhost",
            DJANGO_ALLOWED_HOSTS="api.dev.localhost,127.0.0.1",
        ) as running:
            yield running
    finally:
        example.shutdown()
        example.server_close()


def test_the_client_sends_the_fetched_token_never_the_page_cookie_and_refetches_after_login(
    page, subdomains
):
    username = signup(subdomains, unique_username())
    sent = []
    page.on(
        "request",
        lambda request: (
            sent.append(request.headers["x-csrftoken"])
            if request.url.startswith(subdomains.api) and "x-csrftoken" in request.headers
            else None
        ),
    )
    refused = []
    page.on(
        "response", lambda response: refused.append(response) if response.status == 403 else None
    )
    page.goto(f"{subdomains.example}/?api={subdomains.api}")
    expect(page.locator("#log")).to_contain_text("ready")
    page.evaluate(f"document.cookie = 'csrftoken={PAGE_TOKEN}; path=/'")
    # The page sees its own token only: the API's cookie belongs to the API's host.
    assert page.evaluate("document.cookie") == f"csrftoken={PAGE_TOKEN}"
    before_login = page.evaluate("() => window.auth.csrf()")

    log_in(page, username)
    page.click("#logout-all")

    expect(page.locator("#log")).to_contain_text("logged out everywhere")
    assert sent, "the unsafe call sent X-CSRFToken"
    assert PAGE_TOKEN not in sent
    assert refused == []  # right the first time: no csrf_failed, then a retry
    # The token fetched before the login is dead: login rotated the secret behind it.
    log_in(page, username)
    stale = page.evaluate(
        """async ([api, token]) => {
          const response = await fetch(`${api}/api/auth/logout-all/`, {
            method: "POST", credentials: "include", headers: {"X-CSRFToken": token}});
          return [response.status, (await response.json()).code];
        }""",
        [subdomains.api, before_login],
    )
    assert stale == [403, "csrf_failed"]
    page.click("#sessions")
    expect(page.locator("#log")).to_contain_text("sessions: 1")
