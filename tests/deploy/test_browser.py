"""Chromium, trusting the test's CA, through nginx: the front ends, the admin, Swagger UI,
cookies tossed from a sibling host, and a front end on another site in the default profile."""

import itertools
import json

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.deploy.stack import (
    API_HOST,
    APP_HOST,
    DOMAIN,
    FRONT_END_CSRF_COOKIE,
    OTHER_SITE_HOST,
    SIBLING_HOST,
    THIRD_PARTY_HOST,
    https_request,
)
from tests.e2e.conftest import log_in, submit_login
from tests.e2e.test_swagger_ui import response_body, try_it_out

pytestmark = [pytest.mark.live, pytest.mark.browser]

_serial = itertools.count()


def signup(deployment, tls, prefix: str = "user") -> str:
    username = f"{prefix}{next(_serial)}"
    body = {"username": username, "email": f"{username}@example.test", "password": PASSWORD}
    reply = https_request(
        tls,
        API_HOST,
        deployment.https_port,
        "POST",
        "/api/auth/signup/",
        headers={"Content-Type": "application/json"},
        body=json.dumps(body).encode(),
    )
    assert reply.status == 201, reply.body
    return username


def open_front_end(page, deployment, host: str) -> None:
    page.goto(f"{deployment.origin(host)}/?api={deployment.api}")
    expect(page.locator("#log")).to_contain_text("ready")


def cookies_of(context, name: str) -> list[dict]:
    return [cookie for cookie in context.cookies() if cookie["name"] == name]


def watch(page):
    """The page's refresh requests, and the tokens that GET csrf/ gave it."""
    seen = {"refreshes": [], "csrf_answers": []}
    page.on(
        "request",
        lambda r: seen["refreshes"].append(r) if r.url.endswith("/api/auth/refresh/") else None,
    )
    # The response itself is kept: reading its body inside the handler races the test.
    page.on(
        "response",
        lambda r: (
            seen["csrf_answers"].append(r) if r.url.endswith("/api/auth/csrf/") and r.ok else None
        ),
    )
    return seen


def expire_access_cookie(context) -> None:
    # The browser drops the access cookie when its Max-Age runs out, as it does here.
    context.clear_cookies(name="access_token")


# --- The recommended layout: app.example.test and api.example.test --------------------------


def test_a_front_end_on_a_sibling_host_logs_in_refreshes_once_and_logs_out(page, same_site, tls):
    username = signup(same_site, tls)
    seen = watch(page)
    log = page.locator("#log")
    open_front_end(page, same_site, APP_HOST)
    # The front end's host has a CSRF cookie of its own, which is not the API's.
    assert FRONT_END_CSRF_COOKIE in page.evaluate("document.cookie")

    log_in(page, username)
    page.click("#me")
    expect(log).to_contain_text(f"me: 200 {username}")

    expire_access_cookie(page.context)
    page.click("#parallel-me")
    expect(log).to_contain_text("parallel: ok, ok, ok, ok, ok")
    [refresh] = seen["refreshes"]
    assert refresh.headers["x-csrftoken"] == seen["csrf_answers"][-1].json()["csrfToken"]

    [access] = cookies_of(page.context, "access_token")
    [refresh_cookie] = cookies_of(page.context, "refresh_token")
    assert access["domain"] == API_HOST  # host-only: no other host of the domain gets it
    for cookie in (access, refresh_cookie):
        assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert refresh_cookie["path"] == "/api/auth/"

    page.click("#logout")
    expect(log).to_contain_text("logged out")
    assert cookies_of(page.context, "access_token") == []
    assert cookies_of(page.context, "refresh_token") == []
    page.click("#me")
    expect(log).to_contain_text("#me failed: 401")


def test_the_admin_signs_in_on_a_port_other_than_443(page, same_site):
    """The CSRF Origin check compares the browser's Origin with the Host, port included."""
    same_site.manage(
        "createsuperuser",
        "--noinput",
        "--username",
        "operator",
        "--email",
        "operator@example.test",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )

    page.goto(f"{same_site.api}/admin/login/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")

    expect(page).to_have_url(f"{same_site.api}/admin/")
    expect(page.locator("#site-name")).to_be_visible()


def test_swagger_try_it_out_calls_the_api_where_the_page_is(page, same_site, tls):
    username = signup(same_site, tls)
    calls = []
    page.on("request", lambda r: calls.append(r.url) if "/api/auth/" in r.url else None)
    page.goto(f"{same_site.api}/swagger/")
    expect(page.locator("#operations-auth-auth_login")).to_be_visible()

    credentials = {"username": username, "password": PASSWORD}
    assert try_it_out(page, "auth-auth_login", credentials) == "200"
    assert try_it_out(page, "auth-auth_me") == "200"
    assert f'"username": "{username}"' in response_body(page, "auth-auth_me")
    assert try_it_out(page, "auth-auth_refresh") == "200"
    assert try_it_out(page, "auth-auth_logout") == "204"
    assert try_it_out(page, "auth-auth_me") == "401"

    assert calls and all(url.startswith(f"{same_site.api}/api/auth/") for url in calls), calls


# --- Cookies tossed from another host of the domain --------------------------------------------


def toss(page, deployment, cookie: str) -> None:
    """A script on another host of the domain sets ``cookie`` for the whole domain."""
    page.goto(f"{deployment.origin(SIBLING_HOST)}/")
    page.evaluate(f"document.cookie = {json.dumps(f'{cookie}; Domain={DOMAIN}; Path=/; Secure')}")


def test_an_access_cookie_tossed_beside_the_users_own_is_refused_and_cleared(
    new_page, same_site, tls
):
    victim_name, attacker_name = signup(same_site, tls, "victim"), signup(same_site, tls, "mallory")
    attacker, victim = new_page(), new_page()
    open_front_end(attacker, same_site, APP_HOST)
    log_in(attacker, attacker_name)
    [attackers_access] = cookies_of(attacker.context, "access_token")

    open_front_end(victim, same_site, APP_HOST)
    log_in(victim, victim_name)
    toss(victim, same_site, f"access_token={attackers_access['value']}")
    assert len(cookies_of(victim.context, "access_token")) == 2

    # The page's first call to the API (it fetches a CSRF token) is refused.
    victim.goto(f"{same_site.origin(APP_HOST)}/?api={same_site.api}")
    expect(victim.locator("#log")).to_contain_text('"code":"ambiguous_credentials"')
    # Every copy is gone, the tossed one on the parent domain too.
    for name in ("access_token", "refresh_token"):
        assert cookies_of(victim.context, name) == []

    open_front_end(victim, same_site, APP_HOST)
    victim.click("#me")
    log = victim.locator("#log")
    expect(log).to_contain_text("#me failed: 401")
    log_in(victim, victim_name)
    victim.click("#me")
    expect(log).to_contain_text(f"me: 200 {victim_name}")
    assert attacker_name not in log.inner_text()


def test_a_csrf_cookie_tossed_before_the_first_visit_is_cleared_and_the_next_login_is_clean(
    page, same_site, tls
):
    username = signup(same_site, tls)
    toss(page, same_site, "csrftoken=ChosenByTheOtherHostOfTheDomain0")

    open_front_end(page, same_site, APP_HOST)
    # The first visit's calls carry the tossed token alone; the login then sets the API's own,
    # and the next call carries both: it is refused as ambiguous, and the tossed one is cleared.
    # Bodies are read after the fact: reading one inside the handler races the assertion.
    unauthorized = []
    page.on("response", lambda r: unauthorized.append(r) if r.status == 401 else None)
    submit_login(page, username)
    log = page.locator("#log")
    expect(log).to_contain_text("logged in")
    page.click("#me")
    expect(log).to_contain_text("#me failed")
    assert any("ambiguous_credentials" in r.text() for r in unauthorized)
    assert [c for c in cookies_of(page.context, "csrftoken") if c["domain"] == f".{DOMAIN}"] == []

    log_in(page, username)
    expire_access_cookie(page.context)
    page.click("#me")
    expect(log).to_contain_text(f"me: 200 {username}")  # after a refresh, which CSRF guards
    page.click("#logout")
    expect(log).to_contain_text("logged out")


# --- A front end on another site, in Chromium's default profile ---------------------------------


def test_the_default_profile_blocks_third_party_cookies_that_are_not_partitioned(
    default_profile, cross_site
):
    """Why the cross-site layout needs AUTH_COOKIE_PARTITIONED: the failure it fixes."""
    page = default_profile.new_page()
    open_front_end(page, cross_site, OTHER_SITE_HOST)

    status = page.evaluate(
        "url => fetch(url, {credentials: 'include'}).then(r => r.status)",
        f"{cross_site.origin(THIRD_PARTY_HOST)}/set",
    )

    assert status == 204
    assert cookies_of(default_profile, "third_party") == []


def test_a_front_end_on_another_site_works_with_partitioned_cookies(
    default_profile, cross_site, tls
):
    username = signup(cross_site, tls)
    page = default_profile.new_page()
    seen = watch(page)
    log = page.locator("#log")
    open_front_end(page, cross_site, OTHER_SITE_HOST)

    log_in(page, username)
    page.click("#me")
    expect(log).to_contain_text(f"me: 200 {username}")

    for name in ("access_token", "refresh_token", "csrftoken"):
        # The front end's host has a csrftoken of its own.
        [cookie] = [c for c in cookies_of(default_profile, name) if c["domain"] == API_HOST]
        assert cookie["secure"] and cookie["sameSite"] == "None"
        # Kept in the front end's partition, the only place this profile keeps them.
        assert cookie["partitionKey"] == "https://othersite.test"

    expire_access_cookie(default_profile)
    page.click("#parallel-me")
    expect(log).to_contain_text("parallel: ok, ok, ok, ok, ok")
    assert len(seen["refreshes"]) == 1

    page.click("#logout")
    expect(log).to_contain_text("logged out")
    assert cookies_of(default_profile, "access_token") == []
    assert cookies_of(default_profile, "refresh_token") == []
    page.click("#me")
    expect(log).to_contain_text("#me failed: 401")
