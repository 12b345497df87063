"""Browser tests: Debian's Chromium, driven by Playwright, against a real server on localhost.

The API runs as gunicorn does in production (a subprocess with its own SQLite
file, configured through the environment) and the example client is served on
another port of localhost, the origin that the API's CORS and CSRF settings trust
and that its emailed links point at. The API writes its emails to files, where
the tests read the links.

Without Chromium the tests are skipped with the reason; REQUIRE_BROWSER=1 (set by
CI) turns that into a failure, so that CI cannot skip them silently.
"""

import email.policy
import importlib.util
import itertools
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.servers import free_port, port_range

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


PORTS = port_range("E2E_PORTS", "8400-8499")
PASSWORD = "correct-horse-battery-staple"
LOCAL_HOSTS = {"localhost", "127.0.0.1"}
# Generous: the machine may be busy; a passing step takes a fraction of it.
TIMEOUT_MS = 20_000


def _browser_missing() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements.txt)"
    return None


@pytest.fixture(scope="package", autouse=True)
def _browser_available():
    missing = _browser_missing()
    if missing is None:
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"REQUIRE_BROWSER=1 but {missing}", pytrace=False)
    pytest.skip(f"browser tests skipped: {missing}")


# --- Servers ------------------------------------------------------------------------


@dataclass(frozen=True)
class Servers:
    api: str  # http://localhost:<port>
    example: str  # http://localhost:<port>, the front end's origin and FRONTEND_URL
    emails: Path  # EMAIL_FILE_PATH: the API's file email backend writes here
    database: Path  # the API's SQLite file


# The APIs the example page may call (its /config.json): each API server of the tests joins.
EXAMPLE_API_ORIGINS: list[str] = []


def _example_handler() -> type:
    """The handler of `make example` (examples/serve.py), without its request log."""
    spec = importlib.util.spec_from_file_location("example_serve", ROOT / "examples" / "serve.py")
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)

    class QuietHandler(serve.ExampleHandler):
        api_origins = EXAMPLE_API_ORIGINS

        def log_message(self, format, *args):
            pass

    return QuietHandler


def _serve_examples() -> ThreadingHTTPServer:
    handler = _example_handler()
    for port in PORTS:
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError:
            continue
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1} for the example page")


def _free_port() -> int:
    return free_port(PORTS)


def _wait_until_healthy(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError(f"the API did not start:\n{log_path.read_text()[-3000:]}")


def _start_api(env: dict, port: int, workdir: Path) -> subprocess.Popen:
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if migrate.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{migrate.stdout}{migrate.stderr}")
    log_path = workdir / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "4",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(f"http://127.0.0.1:{port}/healthz/", process, log_path)
    except RuntimeError:
        process.kill()
        process.wait()
        raise
    return process


@pytest.fixture(scope="package")
def example_origin():
    """The example page, served as `make example` serves it."""
    server = _serve_examples()
    try:
        yield f"http://localhost:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def api_server(
    workdir: Path, example_origin: str, *, api_host: str = "localhost", **settings: str
) -> Iterator[Servers]:
    """The API in gunicorn, with its own database and email directory in ``workdir``.

    ``settings`` are added to its environment, e.g. AUTH_EMAIL_VERIFICATION="mandatory";
    the example page may call it (it joins the page's /config.json).
    """
    api_port = _free_port()
    emails = workdir / "emails"
    database = workdir / "e2e.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "1",  # as `make run`; static files come from the apps
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",
        # The front end's origin, as an operator would configure it.
        "CORS_ALLOWED_ORIGINS": example_origin,
        "CSRF_TRUSTED_ORIGINS": example_origin,
        "AUTH_LOGIN_THROTTLE_RATE": "1000/min",
        "AUTH_SIGNUP_THROTTLE_RATE": "1000/min",
        # The emailed links lead to the example page, as they would to a front end.
        "FRONTEND_URL": example_origin,
        "DJANGO_EMAIL_BACKEND": "filebased",
        "EMAIL_FILE_PATH": str(emails),
        **settings,
    }
    api = _start_api(env, api_port, workdir)
    api_origin = f"http://{api_host}:{api_port}"
    EXAMPLE_API_ORIGINS.append(api_origin)
    try:
        yield Servers(api=api_origin, example=example_origin, emails=emails, database=database)
    finally:
        EXAMPLE_API_ORIGINS.remove(api_origin)
        api.terminate()
        api.wait(timeout=10)


@pytest.fixture(scope="package")
def servers(tmp_path_factory, example_origin):
    with api_server(tmp_path_factory.mktemp("e2e"), example_origin) as running:
        yield running


_serial = itertools.count()


def unique_username() -> str:
    return f"browser{next(_serial)}"


def signup(servers: Servers, username: str) -> str:
    """Create an account through the API; returns its username."""
    # Through 127.0.0.1 with the API's host name: *.localhost resolves in browsers only.
    api = urlsplit(servers.api)
    request = urllib.request.Request(
        f"http://127.0.0.1:{api.port}/api/auth/signup/",
        data=json.dumps(
            {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
        ).encode(),
        headers={"Content-Type": "application/json", "Host": api.netloc},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
    return username


@pytest.fixture
def username(servers):
    return signup(servers, unique_username())


# --- Emails ---------------------------------------------------------------------------

# Django's file backend ends every message with this line.
_MESSAGE_END = b"\n" + b"-" * 79 + b"\n"
_URL = re.compile(r"https?://\S+")


def _emails_written(directory: Path) -> list[EmailMessage]:
    messages = []
    for path in sorted(directory.glob("*.log")):
        # A file may be half written: only the messages before an end line are whole.
        *whole, _rest = path.read_bytes().split(_MESSAGE_END)
        messages += [email.message_from_bytes(m, policy=email.policy.default) for m in whole]
    return messages


def emailed_links(servers: Servers, *, to: str, path: str, count: int = 1) -> list[str]:
    """The links to FRONTEND_URL/<path> in the emails to ``to``, once ``count`` have arrived.

    The API sends its emails on a background thread after the request's
    transaction commits, so they are waited for, within a bound.
    """
    prefix = f"{servers.example}/{path}?"
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        links = [
            link
            for message in _emails_written(servers.emails)
            if message["To"] == to
            for link in _URL.findall(message.get_body(("plain",)).get_content())
            if link.startswith(prefix)
        ]
        if len(links) >= count:
            return links
        if time.monotonic() > deadline:
            raise AssertionError(f"{count} email(s) to {to} linking to {prefix}… expected: {links}")
        time.sleep(0.1)


# --- Browser ------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _local_only(route):
    """The pages under test must need nothing but this machine (*.localhost is loopback too)."""
    host = urlsplit(route.request.url).hostname or ""
    if host in LOCAL_HOSTS or host.endswith(".localhost"):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def new_page(browser):
    """Opens pages in fresh browser contexts: each is a separate browser profile."""
    contexts = []

    def open_page():
        context = browser.new_context()
        context.set_default_timeout(TIMEOUT_MS)
        context.route("**/*", _local_only)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


# --- The example page -----------------------------------------------------------------


def open_example(page, servers: Servers) -> None:
    """Opens the page with ?api=, which it remembers for the emailed links opened later."""
    from playwright.sync_api import expect

    page.goto(f"{servers.example}/?api={servers.api}")
    expect(page.locator("#log")).to_contain_text("ready")


def submit_login(page, username: str, password: str = PASSWORD) -> None:
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-form button")


def log_in(page, username: str, password: str = PASSWORD) -> None:
    from playwright.sync_api import expect

    submit_login(page, username, password)
    expect(page.locator("#user")).to_have_text(username)


def cookies(page) -> dict:
    return {cookie["name"]: cookie for cookie in page.context.cookies()}
