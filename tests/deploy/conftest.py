"""The deployment guide as a test: a throw-away CA, nginx with the README's configuration,
gunicorn started the documented way, and Chromium trusting the CA (not ignoring errors).

Two deployments: the recommended same-site layout (the front end on a sibling
host of the API, Lax cookies) and a front end on another site (SameSite=None,
partitioned cookies). Without nginx, NSS's certutil or Chromium the tests are
skipped with the reason; REQUIRE_NGINX=1 (set by CI) turns that into a failure.
"""

import os

import pytest

from tests.deploy.stack import (
    APP_HOST,
    HOST_RESOLVER_RULES,
    NGINX,
    OTHER_SITE_HOST,
    Deployment,
    shared_prepare,
    tls_context,
)
from tests.deploy.tls import CERTUTIL, authority_create, browser_home_trusting
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, _browser_missing


def _missing() -> str | None:
    if NGINX is None:
        return "no nginx (apt-get install nginx, or set NGINX_PATH)"
    if CERTUTIL is None:
        return "no certutil to make the browser's NSS database (apt-get install libnss3-tools)"
    return _browser_missing()


@pytest.fixture(scope="package", autouse=True)
def _deployment_tools_available():
    missing = _missing()
    if missing is None:
        return
    if os.environ.get("REQUIRE_NGINX") == "1":
        pytest.fail(f"REQUIRE_NGINX=1 but {missing}", pytrace=False)
    pytest.skip(f"deployment tests skipped: {missing}")


@pytest.fixture(scope="package")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("deploy")


@pytest.fixture(scope="package")
def authority(workdir):
    return authority_create(directory=workdir)


@pytest.fixture(scope="package")
def tls(authority):
    """A TLS client context that trusts the test's CA, and only it."""
    return tls_context(authority)


@pytest.fixture(scope="package")
def shared(workdir, authority):
    return shared_prepare(workdir, authority)


@pytest.fixture(scope="package")
def same_site(shared):
    """The recommended layout: https://app.example.test and https://api.example.test."""
    deployment = Deployment("same-site", shared, front_end=APP_HOST).start()
    yield deployment
    deployment.stop()


@pytest.fixture(scope="package")
def cross_site(shared):
    """A front end on another site: https://front.othersite.test calls https://api.example.test."""
    deployment = Deployment(
        "cross-site",
        shared,
        front_end=OTHER_SITE_HOST,
        settings={"AUTH_COOKIE_SAMESITE": "None", "AUTH_COOKIE_PARTITIONED": "1"},
    ).start()
    yield deployment
    deployment.stop()


# --- Chromium --------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser_home(workdir, authority):
    """A HOME whose NSS database trusts the test's CA: Chromium's certificate store."""
    return browser_home_trusting(authority, home=workdir / "home")


@pytest.fixture(scope="package")
def launch_options(browser_home) -> dict:
    return {
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [*CHROMIUM_ARGS, f"--host-resolver-rules={HOST_RESOLVER_RULES}"],
        "env": {**os.environ, "HOME": str(browser_home)},
    }


@pytest.fixture(scope="package")
def playwright():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="package")
def browser(playwright, launch_options):
    browser = playwright.chromium.launch(**launch_options)
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser):
    """Pages in fresh browser contexts: each is a separate, empty profile."""
    contexts = []

    def open_page():
        context = browser.new_context()
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def default_profile(playwright, launch_options, tmp_path):
    """Chromium with a profile of its own on disk, as a user's is, with the default settings."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"), **launch_options
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()
