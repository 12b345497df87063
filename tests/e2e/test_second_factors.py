"""Second factors on the example page in Chromium: passkeys with a virtual authenticator (the
DevTools protocol's WebAuthn domain), TOTP with codes computed here, and the re-authentication
prompt. The page's origin is FRONTEND_URL, from which the API derives its WebAuthn rp id and
origins; http://localhost is a secure context, so WebAuthn works on it."""

import sqlite3
from contextlib import closing
from datetime import datetime

import pyotp
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, log_in, open_example, submit_login

pytestmark = [pytest.mark.live, pytest.mark.browser]

# The browser's own WebAuthn JSON helpers; without them the client converts by itself.
NATIVE_JSON = (
    "typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function'"
    " && typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function'"
    " && typeof PublicKeyCredential.prototype.toJSON === 'function'"
)
WITHOUT_NATIVE_JSON = """
delete PublicKeyCredential.parseCreationOptionsFromJSON;
delete PublicKeyCredential.parseRequestOptionsFromJSON;
delete PublicKeyCredential.prototype.toJSON;
"""


def virtual_authenticator(page) -> tuple:
    """A platform authenticator with resident keys and user verification, for this page."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def held_credentials(cdp, authenticator_id) -> list[dict]:
    return cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]


def make_authentication_stale(page, servers, username) -> None:
    """The user's sessions proved who the user is long ago, as if hours had passed: the next
    token (the page refreshes once its access cookie is gone) carries that auth_time."""
    with closing(sqlite3.connect(servers.database, timeout=10)) as db, db:
        db.execute(
            "UPDATE accounts_loginsession SET auth_time = '2000-01-01 00:00:00' "
            "WHERE user_id = (SELECT id FROM accounts_user WHERE username = ?)",
            (username,),
        )
    page.context.clear_cookies(name="access_token")


def log_out(page) -> None:
    page.click("#logout")
    expect(page.locator("#user")).to_have_text("nobody")


def register_passkey(page, name: str, *, first: bool = True) -> None:
    page.fill("#passkey-name", name)
    page.click("#passkey-register-form button")
    expect(page.locator("#log")).to_contain_text(f"passkey added: {name}")
    if first:
        # The account's first factor comes with its recovery codes, shown once.
        expect(page.locator("#recovery-codes-screen")).to_be_visible()
        expect(page.locator("#recovery-codes-list li")).to_have_count(10)
        page.click("#recovery-codes-done")
        expect(page.locator("#recovery-codes-screen")).to_be_hidden()


def test_a_passkey_logs_in_alone_and_as_a_second_factor_and_deleting_it_asks_who_you_are(
    page, servers, username
):
    cdp, authenticator_id = virtual_authenticator(page)
    open_example(page, servers)
    assert page.evaluate(NATIVE_JSON), "this run should use the browser's own JSON helpers"
    log_in(page, username)

    register_passkey(page, "Laptop")
    passkeys = page.locator("#passkeys-list li")
    expect(passkeys).to_have_count(1)
    expect(passkeys.locator(".passkey-name")).to_have_value("Laptop")
    (held,) = held_credentials(cdp, authenticator_id)
    assert held["isResidentCredential"]
    assert held["rpId"] == "localhost"

    # Passwordless: the browser offers the passkey it holds.
    log_out(page)
    page.click("#passkey-login")
    expect(page.locator("#user")).to_have_text(username)

    # The passkey as the second factor, after the password.
    log_out(page)
    submit_login(page, username)
    expect(page.locator("#mfa-passkey")).to_be_visible()
    expect(page.locator("#mfa-code")).to_be_hidden()  # the account has no authenticator app
    page.click("#mfa-passkey")
    expect(page.locator("#user")).to_have_text(username)
    expect(page.locator("#mfa-form")).to_be_hidden()

    # Renaming needs no recent authentication; deleting does: the page asks, with the passkey.
    page.click("#mfa-show")
    make_authentication_stale(page, servers, username)
    passkeys.locator(".passkey-name").fill("Old laptop")
    passkeys.locator(".passkey-rename").click()
    expect(page.locator("#log")).to_contain_text("passkey renamed: Old laptop")
    expect(page.locator("#reauth-screen")).to_be_hidden()
    passkeys.locator(".passkey-delete").click()
    expect(page.locator("#reauth-screen")).to_be_visible()
    page.click("#reauth-passkey")
    expect(page.locator("#log")).to_contain_text("passkey deleted: Old laptop")
    expect(page.locator("#reauth-screen")).to_be_hidden()
    expect(passkeys).to_have_count(0)

    # The authenticator still holds it, but the account does not know it any more.
    assert len(held_credentials(cdp, authenticator_id)) == 1
    log_out(page)
    page.click("#passkey-login")
    expect(page.locator("#login-error")).to_have_text("That passkey could not be verified.")
    expect(page.locator("#user")).to_have_text("nobody")


def test_without_the_browsers_json_helpers_the_client_converts_by_itself(page, servers, username):
    page.add_init_script(WITHOUT_NATIVE_JSON)
    virtual_authenticator(page)
    open_example(page, servers)
    assert not page.evaluate(NATIVE_JSON)
    log_in(page, username)

    register_passkey(page, "Fallback")
    log_out(page)
    page.click("#passkey-login")

    expect(page.locator("#user")).to_have_text(username)


def test_totp_enrolment_after_reauthenticating_then_a_two_step_login_with_a_code(
    page, servers, username
):
    open_example(page, servers)
    log_in(page, username)
    make_authentication_stale(page, servers, username)

    # Enrolling needs a recent authentication: the page asks for the password, then goes on.
    with page.expect_response(
        lambda r: r.url.endswith("/api/auth/mfa/totp/") and r.status == 200
    ) as enrolled:
        page.click("#totp-enrol")
        expect(page.locator("#reauth-screen")).to_be_visible()
        page.fill("#reauth-password", "not the password")
        page.click("#reauth-form button[type=submit]")
        expect(page.locator("#reauth-error")).to_have_text("Wrong username, email or password.")
        page.fill("#reauth-password", PASSWORD)
        page.click("#reauth-form button[type=submit]")
    secret = enrolled.value.json()["secret"]
    expect(page.locator("#reauth-screen")).to_be_hidden()
    expect(page.locator("#totp-secret")).to_have_text(secret)
    # The QR code shows as an image (its SVG drawn, not broken).
    page.wait_for_function("() => document.querySelector('#totp-qr').naturalWidth > 0")

    totp = pyotp.TOTP(secret)
    step = totp.timecode(datetime.now())
    page.fill("#totp-code", totp.generate_otp(step))
    page.click("#totp-confirm-form button")
    codes = page.locator("#recovery-codes-list li")
    expect(codes).to_have_count(10)
    page.click("#recovery-codes-done")
    expect(page.locator("#recovery-codes-screen")).to_be_hidden()
    expect(codes).to_have_count(0)
    expect(page.locator("#mfa-status")).to_contain_text("Authenticator app: on")

    log_out(page)
    submit_login(page, username)
    expect(page.locator("#mfa-form")).to_be_visible()
    expect(page.locator("#mfa-passkey")).to_be_hidden()
    expect(page.locator("#mfa-recovery-code")).to_be_visible()
    assert "access_token" not in {c["name"] for c in page.context.cookies()}
    # A code of no step the server could accept now (the used one's, or the two after it).
    usable = {totp.generate_otp(step + k) for k in (0, 1, 2)}
    page.fill("#mfa-code", next(c for c in ("000000", "111111", "222222") if c not in usable))
    page.click("#mfa-form button[type=submit]")
    expect(page.locator("#login-error")).to_have_text("That code is not right: try again.")
    # The next step's code: the one that confirmed the app is spent for its step.
    page.fill("#mfa-code", totp.generate_otp(step + 1))
    page.click("#mfa-form button[type=submit]")
    expect(page.locator("#user")).to_have_text(username)
