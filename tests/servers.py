"""Real gunicorn processes, for tests that need more than the test client, and an HTTP client."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def port_range(variable: str, default: str) -> range:
    """The ports a kind of test may listen on, from ``variable`` (``8500-8599``), so that two
    checkouts can test at once."""
    spec = os.environ.get(variable, default)
    first, _, last = spec.partition("-")
    if not (first.isdigit() and last.isdigit()):
        raise RuntimeError(f"{variable} must be a range such as 8500-8599, not {spec!r}")
    return range(int(first), int(last) + 1)


# The range of ports these tests may listen on; TEST_PORTS=8300-8399 moves it.
PORTS = port_range("TEST_PORTS", "8100-8199")
_handed_out: set[int] = set()


def free_port(ports: range = PORTS) -> int:
    """A port of ``ports`` that nothing listens on, never the same one twice in a run."""
    for port in ports:
        if port in _handed_out:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free port in {ports.start}-{ports.stop - 1}")


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "")


def request(
    port: int,
    method: str,
    path: str,
    *,
    body: dict | None = None,
    headers=None,
    source: str | None = None,
) -> Reply:
    """``source``: the local address to connect from (127.0.0.2 is another loopback client)."""
    headers = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    source_address = (source, 0) if source else None
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=60, source_address=source_address
    )
    try:
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


class Gunicorn:
    """gunicorn started from the project directory, so it loads gunicorn.conf.py.

    ``defaults=True`` gives gunicorn's own settings instead (``make bench`` serves
    stock SimpleJWT so, as its users would); ``port`` is one of PORTS unless given.
    """

    def __init__(
        self,
        *,
        env: dict[str, str],
        log_path: Path,
        workers: int = 1,
        port: int | None = None,
        defaults: bool = False,
    ):
        self.port = port or free_port()
        self.log_path = log_path
        self.env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
        }
        self.command = [sys.executable, "-m", "gunicorn"]
        if defaults:
            self.command += ["-c", os.devnull, "--bind", self.env["GUNICORN_BIND"]]
            self.command += ["--workers", str(workers), "config.wsgi:application"]
        self.process: subprocess.Popen | None = None

    def start(self, *, ready_within: float = 60) -> "Gunicorn":
        self.launch()
        return self.wait_ready(ready_within=ready_within)

    def launch(self) -> "Gunicorn":
        """Start without waiting, so that several servers can start at once."""
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def wait_ready(self, *, ready_within: float = 60) -> "Gunicorn":
        deadline = time.monotonic() + ready_within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.log()}")
            try:
                request(self.port, "GET", "/healthz/")
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within {ready_within} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def request(self, method: str, path: str, **kwargs) -> Reply:
        return request(self.port, method, path, **kwargs)


def base_env(**overrides: str) -> dict[str, str]:
    """A clean environment: the machine's PATH and HOME, and only the variables given."""
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    env.update(overrides)
    return env
