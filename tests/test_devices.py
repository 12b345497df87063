"""The new-device alert: once per device the account has not used, never for a known one."""

import secrets

import pyotp
import pytest
from rest_framework.test import APIClient

from accounts.models import KnownDevice
from accounts.services import mfa
from accounts.services.devices import device_describe
from tests.conftest import LOGIN, PASSWORD, in_parallel

pytestmark = pytest.mark.django_db(transaction=True)

CHROME_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
CHROME_LINUX_UPDATED = CHROME_LINUX.replace("120.0.0.0", "121.0.6167.85")
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)
HOME, CAFE = "203.0.113.10", "198.51.100.77"


class Browser:
    """A browser profile: it keeps its cookies, the device cookie among them."""

    def __init__(self, user_agent: str, address: str = HOME):
        self.client = APIClient()
        self.user_agent = user_agent
        self.address = address

    def log_in(self, username="alice", password=PASSWORD, **extra):
        response = self.client.post(
            LOGIN,
            {"username": username, "password": password},
            format="json",
            HTTP_USER_AGENT=self.user_agent,
            REMOTE_ADDR=self.address,
            **extra,
        )
        assert response.status_code in (200, 401), response.content
        return response


def alerts(outbox, to="alice@example.com") -> list:
    return [m for m in outbox() if m.subject == "New sign-in to your account" and m.to == [to]]


def test_the_first_device_of_an_account_is_recorded_without_an_alert(user, outbox):
    response = Browser(CHROME_LINUX).log_in()

    assert alerts(outbox) == []
    cookie = response.cookies["device_id"]
    assert cookie["httponly"] and cookie["path"] == "/api/auth/"
    assert cookie["max-age"] == 400 * 24 * 3600
    assert KnownDevice.objects.filter(user=user).count() == 1


def test_a_new_device_is_alerted_once_and_then_known(user, outbox):
    Browser(CHROME_LINUX).log_in()
    laptop = Browser(FIREFOX_WINDOWS, CAFE)

    laptop.log_in()
    laptop.log_in()
    laptop.log_in()

    [alert] = alerts(outbox)
    assert "Firefox on Windows" in alert.body
    assert CAFE in alert.body
    assert "When: " in alert.body and " UTC" in alert.body
    assert "http://localhost:3000/sessions" in alert.body
    assert "token=" not in alert.body
    [(html, _)] = alert.alternatives
    assert 'href="http://localhost:3000/sessions"' in html


def test_a_known_browser_is_never_alerted_wherever_it_logs_in_from(user, outbox):
    phone = Browser(SAFARI_IPHONE)
    phone.log_in()
    Browser(FIREFOX_WINDOWS).log_in()  # a second device: one alert
    for address in (CAFE, "192.0.2.200", "2001:db8::1"):
        phone.address = address
        phone.log_in()

    assert len(alerts(outbox)) == 1


def test_a_browser_whose_cookie_is_gone_is_known_by_its_agent_and_network(user, outbox):
    first = Browser(CHROME_LINUX)
    first.log_in()
    # The same browser, cookies cleared, after an update, from another address of the network.
    again = Browser(CHROME_LINUX_UPDATED, "203.0.113.99")

    response = again.log_in()

    assert alerts(outbox) == []
    assert response.cookies["device_id"].value != first.client.cookies["device_id"].value
    # From now on its new cookie is known too.
    again.address = CAFE
    again.log_in()
    assert alerts(outbox) == []


def test_the_same_browser_type_on_another_network_without_the_cookie_is_new(user, outbox):
    Browser(CHROME_LINUX, HOME).log_in()

    Browser(CHROME_LINUX, CAFE).log_in()

    assert len(alerts(outbox)) == 1


@pytest.mark.parametrize("forged", ["", "x", "a" * 42, "a" * 43 + "!", "a" * 500])
def test_a_malformed_device_cookie_counts_as_none_and_is_replaced(user, outbox, forged):
    Browser(CHROME_LINUX).log_in()
    other = Browser(FIREFOX_WINDOWS, CAFE)
    other.client.cookies["device_id"] = forged

    response = other.log_in()

    assert len(alerts(outbox)) == 1
    assert response.cookies["device_id"].value not in ("", forged)


def test_another_accounts_device_cookie_makes_no_device_known(user, make_user, outbox):
    make_user("bob")
    shared = Browser(CHROME_LINUX)
    shared.log_in("bob")
    Browser(FIREFOX_WINDOWS).log_in()  # alice's first device

    shared.address = CAFE
    shared.log_in()  # alice, on bob's computer: a device she has not used

    assert len(alerts(outbox)) == 1
    assert alerts(outbox, to="bob@example.com") == []


def test_a_failed_login_records_no_device(user, outbox):
    Browser(CHROME_LINUX).log_in()
    stranger = Browser(FIREFOX_WINDOWS, CAFE)

    assert stranger.log_in(password="wrong").status_code == 401

    assert alerts(outbox) == []
    assert KnownDevice.objects.count() == 1
    assert "device_id" not in stranger.client.cookies


def test_app_clients_are_known_by_agent_and_network_and_get_no_cookie(user, outbox):
    Browser(CHROME_LINUX).log_in()
    app = Browser("ExampleApp/2.1 (Android 14)", CAFE)

    first = app.log_in(HTTP_X_AUTH_CLIENT="app")
    app.log_in(HTTP_X_AUTH_CLIENT="app")

    assert not first.cookies
    [alert] = alerts(outbox)
    assert "Android" in alert.body


def test_a_login_finished_by_a_second_factor_is_checked_too(user, outbox):
    secret = mfa.totp_enrol(user=user).secret
    codes = mfa.totp_confirm(user=user, code=pyotp.TOTP(secret).now(), ip_address=None)

    def finish(browser: Browser, code: str):
        assert browser.log_in().json()["code"] == "mfa_required"
        assert alerts(outbox) == [] and "device_id" not in browser.client.cookies
        return browser.client.post(
            "/api/auth/mfa/verify/",
            {"recovery_code": code},
            format="json",
            HTTP_USER_AGENT=browser.user_agent,
            REMOTE_ADDR=browser.address,
        )

    first = finish(Browser(CHROME_LINUX), codes[0])
    assert first.status_code == 200, first.content
    assert "device_id" in first.cookies
    assert alerts(outbox) == []  # the account's first device

    second = finish(Browser(FIREFOX_WINDOWS, CAFE), codes[1])

    assert second.status_code == 200
    assert len(alerts(outbox)) == 1


def test_the_alert_can_be_turned_off(user, outbox, settings):
    settings.AUTH_NOTIFICATIONS_DISABLED = ["new_device"]
    Browser(CHROME_LINUX).log_in()

    Browser(FIREFOX_WINDOWS, CAFE).log_in()

    assert alerts(outbox) == []
    assert KnownDevice.objects.count() == 2


def test_parallel_logins_from_one_new_device_alert_once(user, outbox):
    Browser(CHROME_LINUX).log_in()
    device = secrets.token_urlsafe(32)

    def log_in():
        browser = Browser(FIREFOX_WINDOWS, CAFE)
        browser.client.cookies["device_id"] = device
        return browser.log_in()

    replies = in_parallel(log_in, count=4)

    assert [reply.status_code for reply in replies] == [200] * 4
    assert len(alerts(outbox)) == 1
    assert KnownDevice.objects.filter(user=user).count() == 2


@pytest.mark.parametrize(
    "user_agent, described",
    [
        (CHROME_LINUX, "Chrome on Linux"),
        (FIREFOX_WINDOWS, "Firefox on Windows"),
        (SAFARI_IPHONE, "Safari on iPhone"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
            "Edge on macOS",
        ),
        ("curl/8.5.0", "curl"),
        ("", "an unknown device"),
        ("SomethingElse/1.0", "SomethingElse/1.0"),
    ],
)
def test_a_user_agent_is_described_in_words(user_agent, described):
    assert device_describe(user_agent) == described
