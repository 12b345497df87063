"""Swagger UI's "Try it out" on the API's own origin: the cookies and the CSRF header just work."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, signup

pytestmark = [pytest.mark.live, pytest.mark.browser]


def try_it_out(page, operation_id: str, body: dict | None = None) -> str:
    """Expand an operation, run it with "Try it out", and return the status code shown."""
    operation = page.locator(f"#operations-{operation_id}")
    if not operation.locator(".try-out").is_visible():
        operation.locator(".opblock-summary").click()
    try_out = operation.locator("button.try-out__btn")
    if try_out.inner_text().strip() == "Try it out":
        try_out.click()
    if body is not None:
        operation.locator("textarea.body-param__text").fill(json.dumps(body))
    # Clear the previous answer, so that the one read below is this call's.
    clear = operation.locator("button.btn-clear")
    if clear.is_visible():
        clear.click()
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table .response .response-col_status")
    expect(status).to_be_visible()
    return status.inner_text().strip()


def response_body(page, operation_id: str) -> str:
    return page.locator(
        f"#operations-{operation_id} .live-responses-table .response-col_description pre"
    ).first.inner_text()


def test_try_it_out_logs_in_calls_me_refreshes_and_logs_out(page, servers):
    username = signup(servers, "swaggeruser")
    unsafe_requests = []
    page.on(
        "request",
        lambda request: unsafe_requests.append(request) if request.method == "POST" else None,
    )
    page.goto(f"{servers.api}/swagger/")
    expect(page.locator("#operations-auth-auth_login")).to_be_visible()

    credentials = {"username": username, "password": PASSWORD}
    assert try_it_out(page, "auth-auth_login", credentials) == "200"
    assert try_it_out(page, "auth-auth_me") == "200"
    assert f'"username": "{username}"' in response_body(page, "auth-auth_me")

    # The example body's "refresh" is ignored: the refresh cookie is there.
    assert try_it_out(page, "auth-auth_refresh") == "200"
    refresh = [r for r in unsafe_requests if r.url.endswith("/api/auth/refresh/")][-1]
    csrf_cookie = {c["name"]: c["value"] for c in page.context.cookies()}["csrftoken"]
    assert refresh.headers["x-csrftoken"] == csrf_cookie

    # Swagger UI's scripts see the CSRF cookie, never the tokens.
    readable = page.evaluate("document.cookie")
    assert "csrftoken=" in readable and "access_token" not in readable

    assert try_it_out(page, "auth-auth_logout") == "204"
    assert try_it_out(page, "auth-auth_me") == "401"
