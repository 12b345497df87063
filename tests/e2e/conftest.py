"""Browser tests: Debian's Chromium, driven by Playwright, against a real server on localhost.

The API runs as gunicorn does in production (a subprocess with its own SQLite
file, configured through the environment) and the example client is served on
another port of localhost, the origin that the API's CORS and CSRF settings trust.

Without Chromium the tests are skipped with the reason; REQUIRE_BROWSER=1 (set by
CI) turns that into a failure, so that CI cannot skip them silently.
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

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
PORTS = range(8400, 8500)
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
    example: str  # http://localhost:<port>, the front end's origin


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def _serve_examples() -> ThreadingHTTPServer:
    handler = partial(_QuietHandler, directory=str(ROOT / "examples"))
    for port in PORTS:
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError:
            continue
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server
    raise RuntimeError("no free port in 8400-8499 for the example page")


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8400-8499 for the API")


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
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    if migrate.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{migrate.stdout}{migrate.stderr}")
    log_path = workdir / "gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "config.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4",
            ],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(f"http://127.0.0.1:{port}/healthz/", process, log_path)
    except RuntimeError:
        process.kill()
        process.wait()
        raise
    return process


@pytest.fixture(scope="package")
def servers(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("e2e")
    example_server = _serve_examples()
    example_origin = f"http://localhost:{example_server.server_address[1]}"
    api_port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "1",  # as `make run`; static files come from the apps
        "DATABASE_URL": f"sqlite:///{workdir / 'e2e.sqlite3'}",
        "REDIS_URL": "",
        # The front end's origin, as an operator would configure it.
        "CORS_ALLOWED_ORIGINS": example_origin,
        "CSRF_TRUSTED_ORIGINS": example_origin,
        "AUTH_LOGIN_THROTTLE_RATE": "1000/min",
        "AUTH_SIGNUP_THROTTLE_RATE": "1000/min",
        "DJANGO_EMAIL_BACKEND": "locmem",
    }
    try:
        api = _start_api(env, api_port, workdir)
        try:
            yield Servers(api=f"http://localhost:{api_port}", example=example_origin)
        finally:
            api.terminate()
            api.wait(timeout=10)
    finally:
        example_server.shutdown()
        example_server.server_close()


def signup(servers: Servers, username: str) -> str:
    """Create an account through the API; returns its username."""
    request = urllib.request.Request(
        f"{servers.api}/api/auth/signup/",
        data=json.dumps(
            {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
        ).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
    return username


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
    """The pages under test must need nothing but this machine."""
    if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
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
