"""The example page's account screens in Chromium: the profile, changing the email address from
the emailed links, closing the account, with the re-authentication they may ask for."""

import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    PASSWORD,
    TIMEOUT_MS,
    _emails_written,
    api_server,
    emailed_links,
    log_in,
    open_example,
    signup,
    submit_login,
    unique_username,
)

pytestmark = [pytest.mark.live, pytest.mark.browser]

REAUTHENTICATION_SECONDS = 2


@pytest.fixture(scope="module")
def strict_servers(tmp_path_factory, example_origin):
    """An API whose sensitive actions need an authentication of the last two seconds."""
    workdir = tmp_path_factory.mktemp("e2e-reauthentication")
    with api_server(
        workdir, example_origin, AUTH_REAUTHENTICATION_SECONDS=str(REAUTHENTICATION_SECONDS)
    ) as running:
        yield running


def address(username: str) -> str:
    return f"{username}@example.com"


def subjects_to(servers, to: str, *, count: int) -> list[str]:
    """The subjects of the emails to ``to``, once ``count`` have arrived."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        subjects = [m["Subject"] for m in _emails_written(servers.emails) if m["To"] == to]
        if len(subjects) >= count or time.monotonic() > deadline:
            return subjects
        time.sleep(0.1)


def request_email_change(page, new_address: str) -> None:
    page.fill("#email-change-email", new_address)
    page.click("#email-change-form button")
    expect(page.locator("#account-result")).to_contain_text("on its way to the new address")


def test_the_email_address_changes_from_the_link_sent_to_the_new_one(page, servers, username):
    new_address = f"{username}-new@example.org"
    open_example(page, servers)
    log_in(page, username)

    request_email_change(page, new_address)
    [link] = emailed_links(servers, to=new_address, path="confirm-email-change")
    emailed_links(servers, to=address(username), path="cancel-email-change")
    # Nothing has changed yet.
    assert page.evaluate("auth.me()")["email"] == address(username)

    page.goto(link)
    expect(page.locator("#confirm-email-change-result")).to_have_text(
        "Your email address is changed: log in with the new one from now on."
    )
    assert "token=" not in page.url
    me = page.evaluate("auth.me()")
    assert (me["email"], me["email_verified"]) == (new_address, True)
    assert "Your email address was changed" in subjects_to(servers, address(username), count=2)

    # The old address no longer logs in; the new one does.
    page.click("#logout")
    submit_login(page, address(username))
    expect(page.locator("#login-error")).to_have_attribute("data-code", "no_active_account")
    page.fill("#username", new_address)
    page.fill("#password", PASSWORD)
    page.click("#login-form button")
    expect(page.locator("#user")).to_have_text(username)

    # Used once: opened again, the link says so.
    page.goto(link)
    expect(page.locator("#confirm-email-change-result")).to_have_attribute(
        "data-code", "invalid_link"
    )


def test_the_notice_to_the_old_address_cancels_the_change(page, servers, username):
    new_address = f"{username}-other@example.org"
    open_example(page, servers)
    log_in(page, username)
    request_email_change(page, new_address)
    [cancel] = emailed_links(servers, to=address(username), path="cancel-email-change")
    [confirm] = emailed_links(servers, to=new_address, path="confirm-email-change")

    page.goto(cancel)
    expect(page.locator("#cancel-email-change-result")).to_contain_text("The change is cancelled")

    page.goto(confirm)
    expect(page.locator("#confirm-email-change-result")).to_contain_text(
        "This link is wrong, expired or already used."
    )
    assert page.evaluate("auth.me()")["email"] == address(username)


def test_the_profile_is_saved_and_a_taken_username_is_a_field_error(page, servers, username):
    taken = signup(servers, unique_username())
    open_example(page, servers)
    log_in(page, username)

    page.fill("#profile-username", taken.upper())
    page.click("#profile-form button")
    expect(page.locator("#profile-errors li").first).to_have_attribute("data-field", "username")
    expect(page.locator("#profile-errors li").first).to_contain_text("already exists")

    renamed = f"{username}-renamed"
    page.fill("#profile-username", renamed)
    page.fill("#profile-first-name", "Ada")
    page.click("#profile-form button")
    expect(page.locator("#account-result")).to_contain_text(f"Saved: {renamed} (Ada )")
    expect(page.locator("#user")).to_have_text(renamed)
    expect(page.locator("#profile-errors li")).to_have_count(0)


def test_closing_the_account_logs_out_and_the_login_is_refused(new_page, servers, username):
    page, other_browser = new_page(), new_page()
    open_example(other_browser, servers)
    log_in(other_browser, username)
    open_example(page, servers)
    log_in(page, username)

    page.check("#delete-account-confirm")
    page.click("#delete-account-form button")

    expect(page.locator("#account-result")).to_contain_text("Your account is closed")
    expect(page.locator("#user")).to_have_text("nobody")
    assert "Your account was closed" in subjects_to(servers, address(username), count=1)
    submit_login(page, username)
    expect(page.locator("#login-error")).to_have_attribute("data-code", "no_active_account")
    # The other browser's session ended too.
    other_browser.click("#me")
    expect(other_browser.locator("#log")).to_contain_text("#me failed: 401")
    expect(other_browser.locator("#user")).to_have_text("nobody")


def test_an_old_login_is_asked_for_the_password_before_the_account_closes(page, strict_servers):
    username = signup(strict_servers, unique_username())
    open_example(page, strict_servers)
    log_in(page, username)
    # Let the login grow older than the API's AUTH_REAUTHENTICATION_SECONDS.
    time.sleep(REAUTHENTICATION_SECONDS + 0.5)

    page.check("#delete-account-confirm")
    page.click("#delete-account-form button")
    # The client asks through onReauthenticationRequired: the "Confirm it is you" screen.
    expect(page.locator("#reauth-screen")).to_be_visible()
    expect(page.locator("#user")).to_have_text(username)

    page.fill("#reauth-password", "a wrong password")
    page.click("#reauth-form button[type=submit]")
    expect(page.locator("#reauth-error")).to_have_attribute("data-code", "no_active_account")
    expect(page.locator("#user")).to_have_text(username)

    page.fill("#reauth-password", PASSWORD)
    page.click("#reauth-form button[type=submit]")
    expect(page.locator("#account-result")).to_contain_text("Your account is closed")
    expect(page.locator("#reauth-screen")).to_be_hidden()
    expect(page.locator("#user")).to_have_text("nobody")


def test_the_sessions_page_of_the_notifications_lists_the_sessions(page, servers, username):
    open_example(page, servers)
    log_in(page, username)

    page.goto(f"{servers.example}/sessions")

    expect(page.locator("#log")).to_contain_text("sessions shown")
    expect(page.locator("#sessions-list li.current")).to_have_count(1)
