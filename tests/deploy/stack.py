"""The service deployed as the README says: gunicorn started the documented way behind nginx.

nginx runs ``deploy/nginx.conf`` (which the README shows), changed only where a
test must: the host name, the ports and the certificates' directory. Around it
a test-only main configuration adds the front ends: the example page on a
sibling host of the API (same site) and on another site, and a page on another
sibling host, whose scripts may set cookies for the parent domain.
"""

import http.client
import os
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
from dataclasses import dataclass, field
from pathlib import Path

from tests.deploy.tls import Authority, certificate_issue
from tests.e2e.conftest import PORTS
from tests.servers import ROOT, Reply, base_env
from tests.servers import free_port as free_port_in
from tests.test_production import PRODUCTION_ENV_FILE, a_secret_key


def _nginx() -> str | None:
    """NGINX_PATH, or nginx on PATH or in sbin (which a user's PATH may lack)."""
    candidates = (
        [os.environ.get("NGINX_PATH")]
        if os.environ.get("NGINX_PATH")
        else [
            shutil.which("nginx"),
            "/usr/sbin/nginx",
            "/usr/local/sbin/nginx",
        ]
    )
    return next((path for path in candidates if path and Path(path).is_file()), None)


NGINX = _nginx()
SITE_TEMPLATE = ROOT / "deploy" / "nginx.conf"
# gunicorn as the README starts it: the virtual environment's script, no arguments.
GUNICORN = Path(sys.executable).with_name("gunicorn")

DOMAIN = "example.test"
API_HOST = f"api.{DOMAIN}"
APP_HOST = f"app.{DOMAIN}"  # the recommended layout: the front end on a sibling host
SIBLING_HOST = f"evil.{DOMAIN}"  # another host of the domain, which could toss cookies
OTHER_SITE_HOST = "front.othersite.test"  # a front end on another site (partitioned cookies)
THIRD_PARTY_HOST = f"cookies.{DOMAIN}"  # sets a plain third-party cookie, to show it is blocked
FRONT_HOSTS = [APP_HOST, SIBLING_HOST, OTHER_SITE_HOST, THIRD_PARTY_HOST]
# The front ends' own CSRF cookie, as a Django-rendered front end has one.
FRONT_END_CSRF_COOKIE = "csrftoken=TheFrontEndsOwnCsrfCookieValue00"
# Chromium resolves the test's names to this machine, and no other name at all.
HOST_RESOLVER_RULES = f"MAP *.{DOMAIN} 127.0.0.1, MAP *.othersite.test 127.0.0.1, MAP * ~NOTFOUND"


def free_port() -> int:
    """A port of E2E_PORTS that nothing listens on, never the same one twice in a run."""
    return free_port_in(PORTS)


# --- A client that speaks TLS to the names the test uses ------------------------------------


class _LocalHTTPSConnection(http.client.HTTPSConnection):
    """Connects to 127.0.0.1 whatever the host name, which it still sends (SNI) and verifies."""

    def connect(self):
        sock = socket.create_connection(("127.0.0.1", self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def tls_context(authority: Authority) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(authority.path))


def https_request(
    context: ssl.SSLContext,
    host: str,
    port: int,
    method: str,
    path: str,
    *,
    headers: dict | None = None,
    body: bytes | None = None,
) -> Reply:
    connection = _LocalHTTPSConnection(host, port, context=context, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


def http_request(port: int, method: str, path: str, *, host: str, headers=None) -> Reply:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, headers={"Host": host, **(headers or {})})
        response = connection.getresponse()
        return Reply(response.status, response.headers, response.read())
    finally:
        connection.close()


# --- nginx --------------------------------------------------------------------------------


def _replace(text: str, old: str, new: str, count: int) -> str:
    """Each change to the documented file is exact, so that a change there cannot slip past."""
    found = text.count(old)
    if found != count:
        raise AssertionError(f"{SITE_TEMPLATE}: {old!r} appears {found} times, not {count}")
    return text.replace(old, new)


def site_config(*, https_port: int, http_port: int, upstream_port: int, certificates: Path) -> str:
    """deploy/nginx.conf with the test's host name, ports and certificates."""
    text = SITE_TEMPLATE.read_text()
    text = _replace(text, "/etc/letsencrypt/live/", f"{certificates}/", 2)
    text = _replace(text, "api.example.com", API_HOST, 4)
    text = _replace(text, "server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream_port};", 1)
    text = _replace(text, "listen 443 ssl", f"listen {https_port} ssl", 2)
    text = _replace(text, "listen 80", f"listen {http_port}", 2)
    return text


_FRONT_ENDS = """
    # The example page, as a front end on another host serves it.
    server {{
        listen {https_port} ssl http2;
        server_name {app_host} {other_site_host};
        ssl_certificate     {certificates}/front/fullchain.pem;
        ssl_certificate_key {certificates}/front/privkey.pem;
        root {examples};
        types {{ text/html html; text/javascript js; text/css css; }}
        # Its own CSRF cookie, as a Django-rendered front end has one.
        add_header Set-Cookie "{front_end_csrf}; Path=/; Secure; SameSite=Lax";
        location / {{
            try_files $uri /index.html;
        }}
        # What examples/serve.py serves besides the page: the APIs it may call, the client.
        location = /config.json {{
            default_type application/json;
            return 200 '{{"apiOrigins": ["https://{api_host}:{https_port}"]}}';
        }}
        location /auth-client/ {{
            alias {client}/;
        }}
    }}

    # Another host of the same domain, whose pages' scripts can set cookies for it.
    server {{
        listen {https_port} ssl http2;
        server_name {sibling_host};
        ssl_certificate     {certificates}/front/fullchain.pem;
        ssl_certificate_key {certificates}/front/privkey.pem;
        default_type text/html;
        return 200 "<!doctype html><title>another host of the domain</title>";
    }}

    # A third party that sets a cookie without Partitioned, from another site's page.
    server {{
        listen {https_port} ssl http2;
        server_name {third_party_host};
        ssl_certificate     {certificates}/front/fullchain.pem;
        ssl_certificate_key {certificates}/front/privkey.pem;
        location = /set {{
            add_header Set-Cookie "third_party=1; Path=/; Secure; SameSite=None";
            add_header Access-Control-Allow-Origin $http_origin;
            add_header Access-Control-Allow-Credentials true;
            return 204;
        }}
    }}
"""


def main_config(workdir: Path, *, site: Path, https_port: int, certificates: Path) -> str:
    """nginx's main file: the process in the foreground, its files in ``workdir``, and the sites."""
    temp = {
        name: workdir / "temp" / name for name in ("client", "proxy", "fastcgi", "uwsgi", "scgi")
    }
    for path in temp.values():
        path.mkdir(parents=True, exist_ok=True)
    # As root, nginx's workers would run as nobody, who cannot enter the temporary directory.
    user = "user root;" if os.geteuid() == 0 else ""
    front_ends = _FRONT_ENDS.format(
        https_port=https_port,
        app_host=APP_HOST,
        other_site_host=OTHER_SITE_HOST,
        sibling_host=SIBLING_HOST,
        third_party_host=THIRD_PARTY_HOST,
        certificates=certificates,
        examples=ROOT / "examples",
        client=ROOT / "clients" / "js",
        api_host=API_HOST,
        front_end_csrf=FRONT_END_CSRF_COOKIE,
    )
    return f"""
daemon off;
{user}
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log info;
events {{ worker_connections 256; }}
http {{
    access_log {workdir}/nginx-access.log;
    client_body_temp_path {temp["client"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};

    include {site};
{front_ends}
}}
"""


# --- The deployment --------------------------------------------------------------------------


def _run(args: list[str], env: dict, what: str) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{result.stdout}{result.stderr}")
    return result


def _wait_for(check, what: str, *, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if check():
                return
        except (OSError, urllib.error.URLError, http.client.HTTPException):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start:\n{log.read_text(errors='replace')[-4000:]}")


@dataclass
class Shared:
    """What the deployments share: certificates, one database and the collected static files."""

    workdir: Path
    authority: Authority
    certificates: Path
    database_url: str
    static_root: Path
    installed: bool = False


def shared_prepare(workdir: Path, authority: Authority) -> Shared:
    certificates = workdir / "letsencrypt" / "live"
    certificate_issue(authority, hostnames=[API_HOST], directory=certificates / API_HOST)
    certificate_issue(authority, hostnames=FRONT_HOSTS, directory=certificates / "front")
    return Shared(
        workdir=workdir,
        authority=authority,
        certificates=certificates,
        database_url=f"sqlite:///{workdir / 'db.sqlite3'}",
        static_root=workdir / "static",
    )


@dataclass
class Deployment:
    name: str
    shared: Shared
    front_end: str  # the host of the front end whose origin the API trusts
    settings: dict[str, str] = field(default_factory=dict)
    https_port: int = field(default_factory=free_port)
    http_port: int = field(default_factory=free_port)
    gunicorn_port: int = field(default_factory=free_port)
    processes: list[subprocess.Popen] = field(default_factory=list)
    check_deploy_output: str = ""  # what `manage.py check --deploy` printed
    nginx_test_output: str = ""  # what `nginx -t` printed

    @property
    def api(self) -> str:
        return f"https://{API_HOST}:{self.https_port}"

    def origin(self, host: str) -> str:
        return f"https://{host}:{self.https_port}"

    @property
    def workdir(self) -> Path:
        return self.shared.workdir / self.name

    @property
    def gunicorn_log(self) -> Path:
        return self.workdir / "gunicorn.log"

    @property
    def env_file(self) -> Path:
        return self.workdir / "production.env"

    def _write_env_file(self) -> None:
        """deploy/production.env as an operator fills it in: its lines, then this machine's."""
        front_end = self.origin(self.front_end)
        values = {
            "DJANGO_SECRET_KEY": a_secret_key(),
            "DJANGO_ALLOWED_HOSTS": API_HOST,
            "DATABASE_URL": self.shared.database_url,
            "REDIS_URL": "",
            "FRONTEND_URL": front_end,
            "CORS_ALLOWED_ORIGINS": front_end,
            "DJANGO_EMAIL_BACKEND": "dummy",
            "DJANGO_STATIC_ROOT": str(self.shared.static_root),
            "GUNICORN_BIND": f"127.0.0.1:{self.gunicorn_port}",
            "WEB_CONCURRENCY": "2",
            "AUTH_LOGIN_THROTTLE_RATE": "1000/min",
            "AUTH_SIGNUP_THROTTLE_RATE": "1000/min",
            # The admin test signs in with a password alone; its point is the proxy's Host.
            "AUTH_MFA_REQUIRED_FOR_STAFF": "0",
            **self.settings,
        }
        lines = "".join(f"{name}={value}\n" for name, value in values.items())
        self.env_file.write_text(f"{PRODUCTION_ENV_FILE.read_text()}\n# This machine\n{lines}")

    def documented(self, *command: str) -> list[str]:
        """``command`` as the README runs it, after `set -a; . production.env; set +a`."""
        return ["bash", "-c", 'set -a; . "$0"; set +a; exec "$@"', str(self.env_file), *command]

    def manage(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        return _run(
            self.documented(sys.executable, "manage.py", *args), base_env(**env), " ".join(args)
        )

    def start(self) -> "Deployment":
        """The README's steps: check --deploy, migrate and collectstatic (once), gunicorn."""
        self.workdir.mkdir(parents=True)
        self._write_env_file()
        checked = self.manage("check", "--deploy")
        self.check_deploy_output = checked.stdout + checked.stderr
        if not self.shared.installed:
            self.manage("migrate", "--noinput")
            self.manage("collectstatic", "--noinput")
            self.shared.installed = True
        try:
            self._start_gunicorn()
            self._start_nginx()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_gunicorn(self) -> None:
        with open(self.gunicorn_log, "wb") as log:
            process = subprocess.Popen(
                self.documented(str(GUNICORN)),
                cwd=ROOT,
                env=base_env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.processes.append(process)
        # A load balancer's probe, by address: the health check answers whatever the host.
        _wait_for(
            lambda: (
                http_request(
                    self.gunicorn_port, "GET", "/healthz/", host=f"127.0.0.1:{self.gunicorn_port}"
                ).status
                == 200
            ),
            "gunicorn",
            process=process,
            log=self.gunicorn_log,
        )

    def nginx_command(self, *args: str) -> list[str]:
        config = self.workdir / "nginx.conf"
        return [NGINX, "-p", str(self.workdir), "-c", str(config), "-e", str(self.nginx_log), *args]

    @property
    def nginx_log(self) -> Path:
        return self.workdir / "nginx-error.log"

    def _start_nginx(self) -> None:
        site = self.workdir / "auth.conf"
        site.write_text(
            site_config(
                https_port=self.https_port,
                http_port=self.http_port,
                upstream_port=self.gunicorn_port,
                certificates=self.shared.certificates,
            )
        )
        (self.workdir / "nginx.conf").write_text(
            main_config(
                self.workdir,
                site=site,
                https_port=self.https_port,
                certificates=self.shared.certificates,
            )
        )
        self.nginx_test_output = _run(self.nginx_command("-t"), os.environ, "nginx -t").stderr
        process = subprocess.Popen(
            self.nginx_command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.processes.append(process)
        context = tls_context(self.shared.authority)
        _wait_for(
            lambda: (
                https_request(context, API_HOST, self.https_port, "GET", "/healthz/").status == 200
            ),
            "nginx",
            process=process,
            log=self.nginx_log,
        )

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self.processes.clear()
