"""Serves the example page, the client package it uses, and the APIs it may call.

    python3 examples/serve.py [port] [--api URL]...    # default 3000, on 127.0.0.1

- ``/config.json`` lists the APIs the page may call (``--api``, repeatable; by default
  http://localhost:8000). The page calls the first, or another one of the list named by
  ``?api=``; an address that is not in the list is refused, so a crafted link cannot send
  a password elsewhere.
- ``/auth-client/`` is the client package, clients/js (its published files only).
- The API's emails link to FRONTEND_URL/reset-password?uid=…&token=…, /verify-email?…,
  /confirm-email-change?…, /cancel-email-change?… and /sessions; like a single-page front
  end, the server answers those paths with index.html, and the page picks its screen from
  the path.
- Everything else is a plain static file of this directory.
"""

import argparse
import json
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

DIRECTORY = Path(__file__).resolve().parent
CLIENT_DIRECTORY = DIRECTORY.parent / "clients" / "js"
CLIENT_PREFIX = "/auth-client/"
CLIENT_FILES = frozenset({"index.js", "index.d.ts", "schema.d.ts"})
PAGE_PATHS = frozenset(
    {
        "/reset-password",
        "/verify-email",
        "/confirm-email-change",
        "/cancel-email-change",
        "/sessions",
    }
)
DEFAULT_API = "http://localhost:8000"


def api_origin(url: str) -> str:
    """The origin of an API address, refusing anything but an absolute http(s) URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) address: {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


class ExampleHandler(SimpleHTTPRequestHandler):
    # The APIs the page may call; the first is its default. Set by main() or by the tests.
    api_origins: list[str] = [DEFAULT_API]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(DIRECTORY), **kwargs)

    def do_GET(self):
        if urlsplit(self.path).path == "/config.json":
            body = json.dumps({"apiOrigins": list(self.api_origins)}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def translate_path(self, path: str) -> str:
        route = urlsplit(path).path
        if route in PAGE_PATHS:
            path = "/index.html"
        elif route.startswith(CLIENT_PREFIX):
            name = route[len(CLIENT_PREFIX) :]
            # Only the package's own files: never its tests or node_modules.
            return str(CLIENT_DIRECTORY / name) if name in CLIENT_FILES else ""
        return super().translate_path(path)

    def end_headers(self):
        # The page and the client change with the checkout: never serve a stale copy.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", nargs="?", type=int, default=3000)
    parser.add_argument(
        "--api",
        action="append",
        type=api_origin,
        help="an API the page may call (repeatable; the first is the default)",
    )
    options = parser.parse_args()
    ExampleHandler.api_origins = options.api or [DEFAULT_API]
    with ThreadingHTTPServer(("127.0.0.1", options.port), ExampleHandler) as server:
        print(
            f"Serving {DIRECTORY} on http://localhost:{options.port}/ "
            f"(API: {', '.join(ExampleHandler.api_origins)})",
            flush=True,
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
