"""The non-browser recipes against a live API, as behind a TLS-terminating proxy.

The API runs in gunicorn as tests/e2e starts it, with NUM_PROXIES=1; the clients add the
`X-Forwarded-Proto: https` that the proxy would set, so Django applies its HTTPS rules
(the Referer check on every cookie write) exactly as in production.
"""

import pytest

from tests.e2e.conftest import api_server, signup, unique_username

# Where the proxy would serve the API; the Referer the recipes send names it.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


@pytest.fixture(scope="package")
def https_api(tmp_path_factory):
    with api_server(
        tmp_path_factory.mktemp("recipes"),
        "https://app.example.test",
        NUM_PROXIES="1",
        DJANGO_SECURE_SSL_REDIRECT="0",
    ) as running:
        yield running


@pytest.fixture
def account(https_api):
    return signup(https_api, unique_username())


def public_origin(api: str) -> str:
    """The API's origin as its clients see it through the proxy."""
    return api.replace("http://", "https://", 1)
