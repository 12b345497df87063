"""Serves the example page, also at the paths of the links the API emails.

The API's emails link to FRONTEND_URL/reset-password?uid=…&token=… and
FRONTEND_URL/verify-email?uid=…&token=…. Like a single-page front end, the
server answers those paths with index.html, and the page picks its screen from
the path. Everything else is a plain static file of this directory.

    python3 examples/serve.py [port]    # default 3000, on 127.0.0.1
"""

import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

DIRECTORY = Path(__file__).resolve().parent
PAGE_PATHS = frozenset({"/reset-password", "/verify-email"})


class ExampleHandler(SimpleHTTPRequestHandler):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(DIRECTORY), **kwargs)

    def translate_path(self, path: str) -> str:
        if urlsplit(path).path in PAGE_PATHS:
            path = "/index.html"
        return super().translate_path(path)


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    with ThreadingHTTPServer(("127.0.0.1", port), ExampleHandler) as server:
        print(f"Serving {DIRECTORY} on http://localhost:{port}/", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
