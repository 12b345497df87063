"""The recipes of docs/clients.md and clients/js/README.md that run outside a browser.

Node (axios with cookies, the package in app mode), Python requests (cookie and app mode)
and curl, each against the live API as behind HTTPS (see conftest.py).
"""

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import PASSWORD
from tests.recipes.conftest import PROXY_HEADERS, public_origin

pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "clients" / "js"


def _load_requests_recipe():
    spec = importlib.util.spec_from_file_location(
        "requests_client", ROOT / "docs" / "recipes" / "requests_client.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


recipe = _load_requests_recipe()


def _run(command, env, cwd=ROOT):
    result = subprocess.run(
        command, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.mark.parametrize("script", ["axios-node.live.js", "app-node.live.js"])
def test_the_node_recipe(https_api, account, script):
    node = shutil.which("node")
    assert node, "node is needed for the JavaScript client"
    assert (JS / "node_modules" / "axios").exists(), "run `make js-setup` first"

    output = _run(
        [node, "--test", f"live/{script}"],
        {
            "API": https_api.api,
            "PUBLIC_ORIGIN": public_origin(https_api.api),
            "USERNAME": account,
            "PASSWORD": PASSWORD,
            "FORWARDED_PROTO": "https",
        },
        cwd=JS,
    )
    assert "# fail 0" in output and "# pass 0" not in output


def proxied(client):
    client.http.headers.update(PROXY_HEADERS)
    return client


def test_python_requests_in_cookie_mode(https_api, account):
    client = proxied(recipe.CookieClient(https_api.api, public_origin=public_origin(https_api.api)))

    assert client.login(account, PASSWORD)["user"]["username"] == account
    client.http.cookies.set("access_token", None)  # expired, as the browser would drop it
    assert client.call("GET", "me/").json()["username"] == account
    assert client.call("POST", "logout-all/").status_code == 204
    client.logout()  # already logged out: still fine
    assert client.call("GET", "me/").status_code == 401


def test_python_requests_without_the_referer_is_refused_behind_https(https_api, account):
    client = proxied(recipe.CookieClient(https_api.api, public_origin=public_origin(https_api.api)))
    client.login(account, PASSWORD)
    client.referer = None

    response = client.call("POST", "logout-all/", headers={})

    assert response.status_code == 403
    assert "Referer" in response.json()["detail"]


def test_python_requests_in_app_mode_even_with_a_cookie_jar_full_of_browser_cookies(
    https_api, account
):
    browser = proxied(
        recipe.CookieClient(https_api.api, public_origin=public_origin(https_api.api))
    )
    browser.login(account, PASSWORD)
    client = proxied(recipe.AppClient(https_api.api))
    client.http.cookies.update(browser.http.cookies)  # a library that keeps every cookie

    client.login(account, PASSWORD)
    first = client.refresh_token
    client.access = "spoiled"
    assert client.call("GET", "me/").json()["username"] == account
    assert client.refresh_token != first
    client.logout()
    assert browser.call("GET", "sessions/").json()[0]["current"] is True  # the other goes on


def test_the_curl_recipe(https_api, account):
    assert shutil.which("curl"), "curl is needed for its recipe"

    output = _run(
        ["bash", "docs/recipes/curl.sh"],
        {
            "API": https_api.api,
            "PUBLIC_ORIGIN": public_origin(https_api.api),
            "USERNAME": account,
            "PASSWORD": PASSWORD,
            "CURL_EXTRA": "X-Forwarded-Proto: https",
        },
    )
    assert output.split() == [account, "True", account, "logged", "out"]
