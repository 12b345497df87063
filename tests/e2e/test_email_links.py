"""The example page's password reset and email verification screens in Chromium.

The API writes its emails to files; each test opens the emailed link as it is:
FRONTEND_URL, the example page's origin, then /reset-password or /verify-email.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    PASSWORD,
    api_server,
    cookies,
    emailed_links,
    log_in,
    open_example,
    signup,
    submit_login,
    unique_username,
)

pytestmark = [pytest.mark.live, pytest.mark.browser]

NEW_PASSWORD = "a-brand-new-passphrase-42"


@pytest.fixture(scope="module")
def mandatory_servers(tmp_path_factory, example_origin):
    """A second API that refuses logins until the address is verified."""
    workdir = tmp_path_factory.mktemp("e2e-mandatory")
    with api_server(workdir, example_origin, AUTH_EMAIL_VERIFICATION="mandatory") as running:
        yield running


def address(username: str) -> str:
    return f"{username}@example.com"


def reset_link_requested_on_the_page(page, servers, username) -> str:
    open_example(page, servers)
    page.fill("#forgot-email", address(username))
    page.click("#forgot-form button")
    expect(page.locator("#recovery-result")).to_contain_text("password reset link is on its way")
    [link] = emailed_links(servers, to=address(username), path="reset-password")
    return link


def set_password_from_link(page, link: str, password: str) -> None:
    page.goto(link)
    expect(page.locator("#reset-screen")).to_be_visible()
    page.fill("#new-password", password)
    page.click("#reset-form button")


# --- Password reset -------------------------------------------------------------------


def test_a_forgotten_password_is_reset_from_the_emailed_link_and_every_old_session_ends(
    new_page, servers, username
):
    laptop, phone = new_page(), new_page()
    open_example(laptop, servers)
    log_in(laptop, username)

    link = reset_link_requested_on_the_page(phone, servers, username)
    # A weak password is refused with the validators' messages, and the link still works.
    set_password_from_link(phone, link, "12345")
    expect(phone.locator("#reset-errors li").first).to_contain_text("too short")
    # The token is out of the address bar once the page has read it.
    assert "token=" not in phone.url
    phone.fill("#new-password", NEW_PASSWORD)
    phone.click("#reset-form button")
    expect(phone.locator("#reset-result")).to_contain_text("Your password is changed")
    expect(phone.locator("#reset-form")).to_be_hidden()

    submit_login(phone, username, PASSWORD)
    expect(phone.locator("#login-error")).to_contain_text("Wrong username, email or password.")
    expect(phone.locator("#login-error")).to_have_attribute("data-code", "no_active_account")
    expect(phone.locator("#user")).to_have_text("nobody")
    log_in(phone, username, NEW_PASSWORD)

    # The laptop's session, started before the reset, is gone: its access token and its refresh.
    laptop.click("#me")
    expect(laptop.locator("#log")).to_contain_text("session ended")
    expect(laptop.locator("#log")).to_contain_text("#me failed: 401")
    expect(laptop.locator("#user")).to_have_text("nobody")


def test_a_used_reset_link_shows_the_invalid_link_error(page, servers, username):
    link = reset_link_requested_on_the_page(page, servers, username)
    set_password_from_link(page, link, NEW_PASSWORD)
    expect(page.locator("#reset-result")).to_contain_text("Your password is changed")

    set_password_from_link(page, link, "another-new-passphrase-43")
    expect(page.locator("#reset-result")).to_contain_text(
        "This link is wrong, expired or already used."
    )
    expect(page.locator("#reset-result")).to_have_attribute("data-code", "invalid_link")
    expect(page.locator("#reset-form")).to_be_hidden()
    log_in(page, username, NEW_PASSWORD)


# --- Email verification (AUTH_EMAIL_VERIFICATION=mandatory) ----------------------------


def test_mandatory_verification_lets_a_page_signup_log_in_only_after_the_emailed_link(
    page, mandatory_servers
):
    username = unique_username()
    open_example(page, mandatory_servers)
    page.fill("#signup-username", username)
    page.fill("#signup-email", address(username))
    page.fill("#signup-password", PASSWORD)
    page.click("#signup-form button")
    expect(page.locator("#log")).to_contain_text(f"signed up: {username}")

    submit_login(page, username)
    expect(page.locator("#login-error")).to_contain_text("Verify your address first")
    expect(page.locator("#login-error")).to_have_attribute("data-code", "email_not_verified")
    expect(page.locator("#user")).to_have_text("nobody")
    assert "access_token" not in cookies(page)

    [link] = emailed_links(mandatory_servers, to=address(username), path="verify-email")
    page.goto(link)
    expect(page.locator("#verify-result")).to_have_text(
        "Your email address is verified: you can log in."
    )
    log_in(page, username)
    page.click("#me")
    expect(page.locator("#log")).to_contain_text(f"me: 200 {username}")

    # Verified, the address's link is dead: opening it again says so.
    page.goto(link)
    expect(page.locator("#verify-result")).to_contain_text(
        "This link is wrong, expired or already used."
    )


def test_resend_verification_on_the_page_emails_a_link_that_verifies(page, mandatory_servers):
    username = signup(mandatory_servers, unique_username())
    open_example(page, mandatory_servers)
    page.fill("#resend-email", address(username))
    page.click("#resend-form button")
    expect(page.locator("#recovery-result")).to_contain_text("verification link is on its way")

    # The signup's email and the resent one.
    links = emailed_links(mandatory_servers, to=address(username), path="verify-email", count=2)
    page.goto(links[-1])
    expect(page.locator("#verify-result")).to_have_text(
        "Your email address is verified: you can log in."
    )
    log_in(page, username)
