"""The browser recipes of clients/js/README.md, in Chromium against the live API.

Each recipe (clients/js/recipes/) runs as a front end would load it, from a page on
another localhost port that no setting names: in debug the API trusts any loopback
origin. axios comes from clients/js/node_modules through an import map.
"""

import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ROOT, _free_port, api_server, cookies, signup, unique_username

pytestmark = [pytest.mark.live, pytest.mark.browser]

JS = ROOT / "clients" / "js"
FILES = {
    "/vendor/axios.js": JS / "node_modules" / "axios" / "dist" / "esm" / "axios.js",
    "/vendor/axios-auth-refresh.js": JS
    / "node_modules"
    / "axios-auth-refresh"
    / "dist"
    / "index.esm.js",
}
RECIPES = ["fetch", "axios-browser", "axios-auth-refresh"]
# axios's own XSRF options, which the README says work only where the page can read the
# API's cookie (one host name, any ports): not a recipe, the claim's test.
AXIOS_XSRF_OPTIONS = """import axios from "axios";
export function createApi(baseURL) {
  const api = axios.create({
    baseURL: `${baseURL}/api/auth/`, withCredentials: true,
    withXSRFToken: true, xsrfCookieName: "csrftoken", xsrfHeaderName: "X-CSRFToken",
  });
  return { api, login: async (username, password) =>
    (await api.post("login/", { username, password })).data };
}
"""
PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<script type="importmap">
{"imports": {"axios": "/vendor/axios.js", "axios-auth-refresh": "/vendor/axios-auth-refresh.js"}}
</script>
<script type="module">
  const { createApi } = await import("/recipes/%(recipe)s.js");
  const client = createApi("%(api)s");
  window.client = client;
  window.me = client.me || (() => client.api.get("me/").then((response) => response.data));
  document.title = "ready";
</script></head><body></body></html>
"""


class LabHandler(SimpleHTTPRequestHandler):
    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/":
            query = parse_qs(url.query)
            recipe = query["recipe"][0]
            assert recipe in [*RECIPES, "axios-xsrf-options"]
            self._send(PAGE % {"recipe": recipe, "api": query["api"][0]}, "text/html")
        elif url.path == "/recipes/axios-xsrf-options.js":
            self._send(AXIOS_XSRF_OPTIONS, "text/javascript")
        elif url.path.startswith("/recipes/") and url.path.endswith(".js"):
            self._send((JS / url.path.lstrip("/")).read_text(), "text/javascript")
        elif url.path in FILES:
            self._send(FILES[url.path].read_text(), "text/javascript")
        else:
            self.send_error(404)

    def _send(self, text: str, content_type: str):
        body = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def lab():
    missing = [str(path) for path in FILES.values() if not path.exists()]
    assert not missing, f"run `make js-setup` first: {missing}"
    server = ThreadingHTTPServer(("127.0.0.1", _free_port()), LabHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://localhost:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("recipe", RECIPES)
def test_a_browser_recipe_logs_in_shares_one_refresh_among_parallel_calls_and_logs_out(
    page, servers, username, lab, recipe
):
    refreshes = []
    page.on(
        "response",
        lambda r: refreshes.append(r.status) if r.url.endswith("/api/auth/refresh/") else None,
    )
    page.goto(f"{lab}/?recipe={recipe}&api={servers.api}")
    expect(page).to_have_title("ready")

    page.evaluate(
        "([u, p]) => window.client.login(u, p)", [username, "correct-horse-battery-staple"]
    )
    assert page.evaluate("() => window.me().then((me) => me.username)") == username

    # The browser drops the access cookie at its Max-Age: five calls get a 401 at once.
    page.context.clear_cookies(name="access_token")
    names = page.evaluate("() => Promise.all([1, 2, 3, 4, 5].map(() => window.me()))")
    assert [me["username"] for me in names] == [username] * 5
    assert refreshes == [200]

    page.evaluate("() => window.client.logout()")
    assert "refresh_token" not in cookies(page)
    status = page.evaluate(
        "() => window.me().then(() => 200, (e) => e.status || (e.response && e.response.status))"
    )
    assert status == 401


@pytest.fixture(scope="module")
def subdomain_api(tmp_path_factory, lab):
    """An API on api.dev.localhost for a page on app.dev.localhost: one site, two hosts."""
    app_origin = lab.replace("localhost", "app.dev.localhost")
    with api_server(
        tmp_path_factory.mktemp("e2e-recipes-subdomains"),
        app_origin,
        api_host="api.dev.localhost",
        DJANGO_ALLOWED_HOSTS="api.dev.localhost,127.0.0.1",
    ) as running:
        yield app_origin, running


def _unsafe_call_status(page):
    return page.evaluate(
        """() => window.client.api.post("logout-all/").then(
          (r) => [r.status, null], (e) => [e.response.status, e.response.data.code])"""
    )


def test_axios_xsrf_options_work_when_page_and_api_share_a_host_name(page, servers, username, lab):
    page.goto(f"{lab}/?recipe=axios-xsrf-options&api={servers.api}")
    expect(page).to_have_title("ready")
    page.evaluate(
        "([u, p]) => window.client.login(u, p)", [username, "correct-horse-battery-staple"]
    )

    assert _unsafe_call_status(page) == [204, None]


def test_axios_xsrf_options_send_no_token_to_an_api_on_another_host(page, subdomain_api):
    app_origin, api = subdomain_api
    username = signup(api, unique_username())
    page.goto(f"{app_origin}/?recipe=axios-xsrf-options&api={api.api}")
    expect(page).to_have_title("ready")
    page.evaluate(
        "([u, p]) => window.client.login(u, p)", [username, "correct-horse-battery-staple"]
    )

    assert _unsafe_call_status(page) == [403, "csrf_failed"]

    # The recipe's interceptor, on the same two hosts, gets it right.
    page.goto(f"{app_origin}/?recipe=axios-browser&api={api.api}")
    expect(page).to_have_title("ready")
    page.evaluate(
        "([u, p]) => window.client.login(u, p)", [username, "correct-horse-battery-staple"]
    )
    assert _unsafe_call_status(page) == [204, None]
