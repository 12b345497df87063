"""``make bench``: this service against stock SimpleJWT and a plain Django view, in one run.

On SQLite and on PostgreSQL, each project served by gunicorn (tests/servers.py,
two sync workers on 127.0.0.1), in short rounds that alternate the variants so
that a busy machine weighs on all of them alike:

- loads the plain Django ceiling, stateless SimpleJWT, stock SimpleJWT (on
  Django's defaults, and with persistent connections) and this service's `me`
  with ``wrk -t2 -c16``, and reads the workers' CPU time per request;
- refreshes and logs in one request at a time, logins also with the test
  suite's fast hasher, to time what a login does besides its hash.

Then, on PostgreSQL only: refresh among ten million sessions and twenty million
tokens (bench/seed.py), a user's sessions listed page by page with 50 of them
and with 10,000, ``flushexpiredtokens`` on the expired part of that history,
and two instances behind one nginx port with Redis, at 64 connections. Last,
the instructions per request (tests/instructions.py).

The figures go to ``bench/.data/results.json``; bench/report.py renders them,
with the goals of bench/goals.py, into ``bench/.data/report.md`` and the
README's Performance section, and the run exits with status 1 when a goal is
missed. Knobs (environment): ``BENCH_ROUNDS`` (4), ``BENCH_SECONDS`` per wrk run
(3), ``BENCH_REFRESHES`` (30), ``BENCH_LOGINS`` (2) and ``BENCH_FAST_LOGINS`` (30, with the
fast hasher) per round and variant,
``BENCH_SESSIONS`` (10000000), ``BENCH_DATABASES`` (``sqlite,postgresql``),
``BENCH_POSTGRES`` (``postgres://postgres@127.0.0.1:5432``), ``BENCH_REDIS``
(``redis://127.0.0.1:6379/6``), ``BENCH_PORT`` (9000: the servers take the
ports from there up). The databases it makes are named ``bench_*`` and dropped
at the end.
"""

import json
import os
import platform
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from bench import report
from bench.probe import PASSWORD
from tests import instructions
from tests.servers import Gunicorn, base_env, request

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
LUA = ROOT / "bench"

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "3"))
REFRESHES = int(os.environ.get("BENCH_REFRESHES", "30"))
LOGINS = int(os.environ.get("BENCH_LOGINS", "2"))
# A login with the fast hasher takes milliseconds, so its median can rest on many.
FAST_LOGINS = int(os.environ.get("BENCH_FAST_LOGINS", "30"))
SESSIONS = int(os.environ.get("BENCH_SESSIONS", "10000000"))
DATABASES = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/6")
FIRST_PORT = int(os.environ.get("BENCH_PORT", "9000"))
WORKERS = 2
CONNECTIONS = 16
CONCURRENT_CONNECTIONS = 64
PAGE_SESSIONS = {"one_page": 50, "many": 10_000}
USER, FAST_USER = "bench", "bench-fast"
# accounts.cookies.DEVICE_COOKIE (not imported: this process runs no Django).
DEVICE_COOKIE = "device_id"
# What the TLS-terminating proxy in front of this service adds to each request.
BEHIND_PROXY = {"X-Forwarded-Proto": "https"}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


_ports = iter(range(FIRST_PORT, FIRST_PORT + 200))


# --- Databases ------------------------------------------------------------------------


@dataclass
class Database:
    kind: str  # sqlite or postgresql
    name: str

    @property
    def url(self) -> str:
        if self.kind == "sqlite":
            return f"sqlite:///{DATA / (self.name + '.sqlite3')}"
        return f"{POSTGRES}/{self.name}"

    def _admin(self, statement: str) -> None:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            admin.execute(statement)

    def create(self) -> "Database":
        self.drop()
        if self.kind == "postgresql":
            self._admin(f'CREATE DATABASE "{self.name}"')
        return self

    def drop(self) -> None:
        if self.kind == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        else:
            for path in DATA.glob(self.name + ".sqlite3*"):
                path.unlink()


# --- The projects' environments ----------------------------------------------------------


def project_env(database: Database, secret: str, **extra: str) -> dict[str, str]:
    """This service as deployed, behind one TLS-terminating proxy (its clients send the
    X-Forwarded-Proto header that such a proxy would set)."""
    env = base_env(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY=secret,
        DJANGO_DEBUG="0",
        DATABASE_URL=database.url,
        DJANGO_STATIC_ROOT=str(DATA / "static"),
        NUM_PROXIES="1",
        # The benchmark logs in more often than the shipped 10 a minute allow.
        AUTH_LOGIN_THROTTLE_RATE="1000000/min",
        **extra,
    )
    if database.kind == "postgresql":
        env["REDIS_URL"] = REDIS
    return env


def stock_env(database: Database, secret: str, conn_max_age: int = 0) -> dict[str, str]:
    return base_env(
        DJANGO_SETTINGS_MODULE="bench.stock_settings",
        DJANGO_SECRET_KEY=secret,
        BENCH_STOCK_DATABASE_URL=database.url,
        BENCH_STOCK_CONN_MAX_AGE=str(conn_max_age),
    )


def fast_hash(env: dict[str, str]) -> dict[str, str]:
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "bench.fast_hash_settings",
        "BENCH_BASE_SETTINGS": env["DJANGO_SETTINGS_MODULE"],
    }


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def prepare(env: dict[str, str]) -> None:
    """Migrate; create the benchmark's users, one hashed as shipped, one with the fast hasher."""
    manage(env, "manage.py", "migrate", "--noinput")
    manage(env, "-m", "bench.probe", "user", USER)
    manage(fast_hash(env), "-m", "bench.probe", "user", FAST_USER)


# --- Servers ------------------------------------------------------------------------------


class Server(Gunicorn):
    """One gunicorn of the benchmark, on the next of its ports."""

    def __init__(self, name: str, env: dict[str, str], *, stock: bool = False, workers=WORKERS):
        self.name = name
        super().__init__(
            env=env,
            log_path=DATA / f"{name}.log",
            workers=workers,
            port=next(_ports),
            defaults=stock,  # stock SimpleJWT on gunicorn's defaults, as its users run it
        )

    def worker_cpu(self) -> tuple[frozenset[str], float] | None:
        """The workers and the CPU time they have used (Linux): what requests cost the server."""
        pid = self.process.pid
        try:
            workers = frozenset(Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
            total = 0
            for worker in workers:
                fields = Path(f"/proc/{worker}/stat").read_text().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime + stime
        except (OSError, IndexError, ValueError):
            return None
        return workers, total / os.sysconf("SC_CLK_TCK")


def serving(*servers: Server):
    for server in servers:
        server.launch()
    for server in servers:
        server.wait_ready()


def stopped(*servers: Server) -> None:
    for server in servers:
        server.stop()


# --- HTTP clients -------------------------------------------------------------------------


def _expect(reply, status: int, what: str):
    if reply.status != status:
        raise SystemExit(f"{what}: HTTP {reply.status} {reply.body[:300]!r}")
    return reply


def _cookies(reply) -> dict[str, str]:
    jar = SimpleCookie()
    for header in reply.headers.get_all("Set-Cookie") or ():
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items()}


class ProjectClient:
    """A browser on this service: cookies, and the CSRF header on unsafe requests."""

    def __init__(self, port: int, username: str = USER):
        self.port = port
        self.username = username
        self.cookies: dict[str, str] = {}

    def login(self) -> None:
        # As a browser logs in again: with the device cookie its first login set, so the
        # account knows the device (accounts/services/devices.py).
        headers = dict(BEHIND_PROXY)
        if DEVICE_COOKIE in self.cookies:
            headers["Cookie"] = f"{DEVICE_COOKIE}={self.cookies[DEVICE_COOKIE]}"
        reply = request(
            self.port,
            "POST",
            "/api/auth/login/",
            body={"username": self.username, "password": PASSWORD},
            headers=headers,
        )
        self.cookies.update(_cookies(_expect(reply, 200, "login")))

    def refresh(self) -> None:
        cookies = "; ".join(
            f"{name}={self.cookies[name]}" for name in ("refresh_token", "csrftoken")
        )
        headers = {
            **BEHIND_PROXY,
            "Cookie": cookies,
            "X-CSRFToken": self.cookies["csrftoken"],
            # Django's CSRF check wants the page's address on an HTTPS request.
            "Referer": f"https://127.0.0.1:{self.port}/",
        }
        reply = request(self.port, "POST", "/api/auth/refresh/", headers=headers)
        self.cookies.update(_cookies(_expect(reply, 200, "refresh")))

    def get(self, path: str):
        headers = {**BEHIND_PROXY, "Cookie": f"access_token={self.access}"}
        return _expect(request(self.port, "GET", path, headers=headers), 200, path)

    @property
    def access(self) -> str:
        return self.cookies["access_token"]


class StockClient:
    """A client of stock SimpleJWT: tokens in JSON bodies."""

    def __init__(self, port: int, username: str = USER):
        self.port = port
        self.username = username
        self.tokens: dict[str, str] = {}

    def login(self) -> None:
        reply = request(
            self.port,
            "POST",
            "/api/token/",
            body={"username": self.username, "password": PASSWORD},
        )
        self.tokens = _expect(reply, 200, "stock login").json()

    def refresh(self) -> None:
        reply = request(
            self.port, "POST", "/api/token/refresh/", body={"refresh": self.tokens["refresh"]}
        )
        self.tokens = _expect(reply, 200, "stock refresh").json()

    @property
    def access(self) -> str:
        return self.tokens["access"]


# --- Load -----------------------------------------------------------------------------------


def database_cpu(name: str | None) -> tuple[frozenset[str], float] | None:
    """The PostgreSQL backends serving a database and the CPU time they have used: what
    requests cost the database server (known while the same connections stay open)."""
    if name is None:
        return None
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        pids = admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s", [name]
        ).fetchall()
    backends = frozenset(str(pid) for (pid,) in pids)
    try:
        total = 0
        for pid in backends:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return None
    return backends, total / os.sysconf("SC_CLK_TCK")


def wrk(
    port: int,
    path: str,
    *,
    headers: list[str] = (),
    seconds: int,
    connections: int = CONNECTIONS,
    script: str = "summary.lua",
    script_args: list[str] = (),
    server: Server | None = None,
    database: str | None = None,
) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(LUA / script)]
    for header in headers:
        command += ["-H", header]
    command.append(f"http://127.0.0.1:{port}{path}")
    if script_args:
        command += ["--", *script_args]
    env = {**os.environ, "BENCH_REPORT_LUA": str(LUA / "report.lua")}
    cpu_before = server.worker_cpu() if server else None
    database_before = database_cpu(database)
    output = subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
    cpu_after = server.worker_cpu() if server else None
    database_after = database_cpu(database)
    result = json.loads(output.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["p50"] = result["p50_us"] / 1000
    result["p99"] = result["p99_us"] / 1000
    result["cpu_ms"] = None
    # Unknown when a worker was replaced meanwhile.
    if cpu_before and cpu_after and cpu_before[0] == cpu_after[0] and result["requests"]:
        result["cpu_ms"] = (cpu_after[1] - cpu_before[1]) * 1000 / result["requests"]
    result["database_cpu_ms"] = None
    if (
        database_before
        and database_after
        and database_before[0] == database_after[0]
        and result["requests"]
    ):
        result["database_cpu_ms"] = (
            (database_after[1] - database_before[1]) * 1000 / result["requests"]
        )
    return result


@dataclass
class LoadVariant:
    key: str
    server: Server
    path: str
    headers: Callable[[], list[str]]
    database: str | None = None  # a PostgreSQL database whose backends it keeps
    runs: list[dict] = field(default_factory=list)

    def run(self, seconds: int) -> dict:
        result = wrk(
            self.server.port,
            self.path,
            headers=self.headers(),
            seconds=seconds,
            server=self.server,
            database=self.database,
        )
        if result["non_2xx"] or result["socket_errors"]:
            raise SystemExit(f"{self.key}: {result} (see {self.server.log_path})")
        return result


def alternating(items: list, round_number: int) -> list:
    return items if round_number % 2 == 0 else items[::-1]


def bearer(client, *extra: str) -> Callable[[], list[str]]:
    return lambda: [f"Authorization: Bearer {client.access}", *extra]


PROXY_HEADER = "X-Forwarded-Proto: https"


def load_rounds(
    project: Server, stock: Server, stock_persistent: Server, databases: dict[str, str | None]
) -> dict[str, list]:
    project_client = ProjectClient(project.port)
    stock_client, persistent_client = StockClient(stock.port), StockClient(stock_persistent.port)
    clients = (project_client, stock_client, persistent_client)
    variants = [
        LoadVariant("ceiling", stock, "/api/ceiling/", lambda: []),
        LoadVariant("stateless", stock, "/api/me-stateless/", bearer(stock_client)),
        LoadVariant("stock", stock, "/api/me/", bearer(stock_client)),
        LoadVariant(
            "stock_persistent",
            stock_persistent,
            "/api/me/",
            bearer(persistent_client),
            databases["stock"],
        ),
        LoadVariant(
            "cookie",
            project,
            "/api/auth/me/",
            lambda: [f"Cookie: access_token={project_client.access}", PROXY_HEADER],
            databases["project"],
        ),
        LoadVariant(
            "bearer",
            project,
            "/api/auth/me/",
            bearer(project_client, PROXY_HEADER),
            databases["project"],
        ),
    ]
    for client in clients:
        client.login()
    for variant in variants:
        variant.run(1)  # warm-up
    for round_number in range(ROUNDS):
        log(f"  load round {round_number + 1}/{ROUNDS}")
        for client in clients:  # fresh tokens each round: access tokens live five minutes
            client.login()
        for variant in alternating(variants, round_number):
            variant.runs.append(variant.run(SECONDS))
    return {variant.key: variant.runs for variant in variants}


# --- One request at a time ----------------------------------------------------------------


def timed(action: Callable[[], None]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def refresh_rounds(clients: dict) -> dict[str, list[float]]:
    samples = {name: [] for name in clients}
    for client in clients.values():  # warm-up
        client.login()
        for _ in range(5):
            client.refresh()
    # One refresh of each variant in turn, so that a busy moment slows them all alike.
    for round_number in range(ROUNDS):
        for _ in range(REFRESHES):
            for name in alternating(list(clients), round_number):
                samples[name].append(timed(clients[name].refresh))
    return samples


def login_rounds(clients: dict, logins: int) -> dict[str, list[float]]:
    samples = {name: [] for name in clients}
    for client in clients.values():  # warm-up
        client.login()
    for round_number in range(ROUNDS):
        for _ in range(logins):
            for name in alternating(list(clients), round_number):
                samples[name].append(timed(clients[name].login))
    return samples


# --- The phases ---------------------------------------------------------------------------


def database_phase(kind: str) -> dict:
    """The comparison on one database: load, refresh and login, side by side."""
    log(f"{kind}: databases and users")
    project_db = Database(kind, "bench_project").create()
    stock_db = Database(kind, "bench_stock").create()
    secret = secrets.token_urlsafe(48)
    project = project_env(project_db, secret)
    stock = stock_env(stock_db, secret)
    prepare(project)
    prepare(stock)
    result = {}
    if kind == "sqlite":
        result["statements"] = {
            "project": json.loads(
                manage(fast_hash(project), "-m", "bench.probe", "statements", FAST_USER)
            ),
            "stock": json.loads(
                manage(fast_hash(stock), "-m", "bench.probe", "statements", FAST_USER)
            ),
        }
    servers = {
        "project": Server(f"{kind}-project", project),
        "stock": Server(f"{kind}-stock", stock, stock=True),
        "stock_persistent": Server(
            f"{kind}-stock-persistent", stock_env(stock_db, secret, conn_max_age=600), stock=True
        ),
        "project_fast": Server(f"{kind}-project-fast-hash", fast_hash(project)),
        "stock_fast": Server(f"{kind}-stock-fast-hash", fast_hash(stock), stock=True),
    }
    try:
        serving(*servers.values())
        log(f"{kind}: load")
        postgresql = kind == "postgresql"
        result["load"] = load_rounds(
            servers["project"],
            servers["stock"],
            servers["stock_persistent"],
            {
                "project": project_db.name if postgresql else None,
                "stock": stock_db.name if postgresql else None,
            },
        )
        log(f"{kind}: refresh")
        result["refresh_ms"] = refresh_rounds(
            {
                "project": ProjectClient(servers["project"].port),
                "stock": StockClient(servers["stock"].port),
                "stock_persistent": StockClient(servers["stock_persistent"].port),
            }
        )
        log(f"{kind}: login")
        result["login_ms"] = login_rounds(
            {
                "project": ProjectClient(servers["project"].port),
                "stock": StockClient(servers["stock"].port),
            },
            LOGINS,
        ) | login_rounds(
            {
                "project_fast": ProjectClient(servers["project_fast"].port, FAST_USER),
                "stock_fast": StockClient(servers["stock_fast"].port, FAST_USER),
            },
            FAST_LOGINS,
        )
    finally:
        stopped(*servers.values())
    stock_db.drop()
    if kind == "sqlite":
        project_db.drop()  # PostgreSQL's stays for the scale phase, which drops it
    return result


def _peak_rss_and_output(env: dict[str, str], *args: str) -> tuple[float, str, float]:
    """Run a command; its peak memory (MiB), its output and its seconds."""
    started = time.monotonic()
    with open(DATA / "command.out", "w+") as output:
        process = subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        text = output.read()
    if process.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{text[-3000:]}")
    return usage.ru_maxrss / 1024, text, time.monotonic() - started


def scale_phase() -> dict:
    """PostgreSQL with a long history: refresh, listing sessions, removing the expired."""
    secret = secrets.token_urlsafe(48)
    empty_db = Database("postgresql", "bench_project")  # left by the PostgreSQL phase
    full_db = Database("postgresql", "bench_project_full").create()
    empty, full = project_env(empty_db, secret), project_env(full_db, secret)
    prepare(full)
    expired = SESSIONS // 4
    log(f"postgresql at scale: seeding {SESSIONS:,} sessions ({expired:,} expired)")
    result = {"seeded": json.loads(manage(full, "-m", "bench.seed", str(SESSIONS), str(expired)))}
    for name, count in PAGE_SESSIONS.items():
        manage(full, "-m", "bench.probe", "user", name)
        manage(full, "-m", "bench.probe", "sessions", name, str(count - 1))  # and its login's
    servers = {
        "empty": Server("postgresql-project-empty", empty),
        "full": Server("postgresql-project-full", full),
    }
    try:
        serving(*servers.values())
        log("postgresql at scale: refresh")
        result["refresh_ms"] = refresh_rounds(
            {name: ProjectClient(server.port) for name, server in servers.items()}
        )
        log("postgresql at scale: sessions pages")
        result["sessions_ms"] = sessions_pages(servers["full"])
    finally:
        stopped(*servers.values())
    log("postgresql at scale: flushexpiredtokens")
    idle_mib, _, _ = _peak_rss_and_output(empty, "manage.py", "flushexpiredtokens")
    flush_mib, text, seconds = _peak_rss_and_output(full, "manage.py", "flushexpiredtokens")
    result["flush"] = {"idle_mib": idle_mib, "mib": flush_mib, "seconds": seconds, "output": text}
    full_db.drop()
    empty_db.drop()
    return result


def sessions_pages(server: Server) -> dict[str, list[float]]:
    """The first page of each user's sessions, and a page far into the many."""
    clients = {name: ProjectClient(server.port, name) for name in PAGE_SESSIONS}
    for client in clients.values():
        client.login()
        page = client.get("/api/auth/sessions/")
        if len(page.json()) != 50:
            raise SystemExit(f"a page of {client.username}'s sessions has {len(page.json())}")
    # A hundred pages in, by the links the pages give.
    path = "/api/auth/sessions/"
    for _ in range(100):
        link = urlsplit(clients["many"].get(path).headers["Link"].split(">", 1)[0].lstrip("<"))
        path = f"{link.path}?{link.query}"
    pages = {
        "one_page": lambda: clients["one_page"].get("/api/auth/sessions/"),
        "many_first": lambda: clients["many"].get("/api/auth/sessions/"),
        "many_deep": lambda: clients["many"].get(path),
    }
    samples = {name: [] for name in pages}
    for round_number in range(ROUNDS):
        for _ in range(REFRESHES):
            for name in alternating(list(pages), round_number):
                samples[name].append(timed(pages[name]))
    return samples


NGINX_CONF = """
worker_processes 1;
pid {data}/nginx.pid;
error_log {data}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {data}/nginx-body;
    proxy_temp_path {data}/nginx-proxy;
    fastcgi_temp_path {data}/nginx-fastcgi;
    uwsgi_temp_path {data}/nginx-uwsgi;
    scgi_temp_path {data}/nginx-scgi;
    upstream one {{ server 127.0.0.1:{a}; }}
    upstream both {{ server 127.0.0.1:{a}; server 127.0.0.1:{b}; }}
    server {{
        listen 127.0.0.1:{one_port};
        location / {{ proxy_pass http://one; {headers} }}
    }}
    server {{
        listen 127.0.0.1:{both_port};
        location / {{ proxy_pass http://both; {headers} }}
    }}
}}
"""
# As the README's nginx sets them; TLS is what the header says it ended.
NGINX_HEADERS = (
    "proxy_set_header Host $http_host;"
    " proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"
    " proxy_set_header X-Forwarded-Proto https;"
)


def production_phase() -> dict:
    """Two instances on PostgreSQL and Redis behind one nginx port, at 64 connections."""
    log("production stack: two instances behind nginx")
    database = Database("postgresql", "bench_production").create()
    env = project_env(database, secrets.token_urlsafe(48))
    prepare(env)
    subprocess.run(["redis-cli", "-u", REDIS, "FLUSHDB"], capture_output=True)
    instances = [Server(f"production-{name}", env) for name in ("a", "b")]
    one_port, both_port = next(_ports), next(_ports)
    conf = DATA / "nginx.conf"
    conf.write_text(
        NGINX_CONF.format(
            data=DATA,
            a=instances[0].port,
            b=instances[1].port,
            one_port=one_port,
            both_port=both_port,
            headers=NGINX_HEADERS,
        )
    )
    nginx = None
    runs = {
        f"{kind}_{instances_}": [] for kind in ("me", "refresh") for instances_ in ("one", "two")
    }
    ports = {"one": one_port, "two": both_port}
    try:
        serving(*instances)
        nginx = subprocess.Popen(
            ["nginx", "-p", str(DATA), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=open(DATA / "nginx.log", "w"),
        )
        client = ProjectClient(both_port)
        for _ in range(100):
            try:
                client.login()
                break
            except OSError:
                time.sleep(0.1)
        per_run = 2 * CONCURRENT_CONNECTIONS  # a token per connection, and as many spare
        tokens = manage(env, "-m", "bench.probe", "tokens", USER, str(per_run * 2 * (ROUNDS + 1)))
        tokens = tokens.split()
        for round_number in range(-1, ROUNDS):  # round -1 warms up
            client.login()
            for instances_ in alternating(["one", "two"], round_number):
                me = wrk(
                    ports[instances_],
                    "/api/auth/me/",
                    headers=[f"Cookie: access_token={client.access}"],
                    seconds=SECONDS,
                    connections=CONCURRENT_CONNECTIONS,
                )
                batch, tokens = tokens[:per_run], tokens[per_run:]
                path = DATA / "tokens.txt"
                path.write_text("\n".join(batch) + "\n")
                refresh = wrk(
                    ports[instances_],
                    "/api/auth/refresh/",
                    seconds=SECONDS,
                    connections=CONCURRENT_CONNECTIONS,
                    script="refresh.lua",
                    script_args=[str(path), "2"],
                )
                if round_number >= 0:
                    runs[f"me_{instances_}"].append(me)
                    runs[f"refresh_{instances_}"].append(refresh)
    finally:
        if nginx is not None:
            nginx.send_signal(signal.SIGQUIT)
            nginx.wait(timeout=30)
        stopped(*instances)
        database.drop()
    return runs


# --- The run ----------------------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import django
    import gunicorn

    def version(*command: str) -> str:
        try:
            done = subprocess.run(command, capture_output=True, text=True)
        except OSError:
            return "absent"
        return (done.stdout or done.stderr).strip().splitlines()[0]

    with psycopg.connect(f"{POSTGRES}/postgres") as connection:
        postgres = connection.execute("SHOW server_version").fetchone()[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "linux": platform.release(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres.split()[0],
        "gunicorn": gunicorn.__version__,
        "wrk": version("wrk", "--version").split()[1],
        "nginx": version("nginx", "-v").rsplit("/", 1)[-1],
        "workers": WORKERS,
        "rounds": ROUNDS,
        "seconds": SECONDS,
        "refreshes": REFRESHES,
        "logins": LOGINS,
        "fast_logins": FAST_LOGINS,
        "connections": CONNECTIONS,
        "concurrent_connections": CONCURRENT_CONNECTIONS,
        "sessions": SESSIONS,
    }


def main() -> int:
    for tool in ("wrk", "nginx", "redis-cli"):
        if shutil.which(tool) is None:
            raise SystemExit(f"make bench needs {tool}: apt-get install -y {tool.split('-')[0]}")
    started = time.monotonic()
    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    results = {"machine": machine()}
    log("instructions per request (callgrind)")
    unavailable = instructions.callgrind_unavailable()
    results["instructions"] = (
        {"unavailable": unavailable}
        if unavailable
        else {"counts": instructions.count(), "budget": instructions.budget_read()}
    )
    log("timing the password hashers")
    results["hashers"] = json.loads(
        manage(
            project_env(Database("sqlite", "bench_hashers"), "x"), "-m", "bench.probe", "hashers"
        )
    )
    phases = [(kind, lambda kind=kind: database_phase(kind)) for kind in DATABASES]
    if "postgresql" in DATABASES:
        phases += [("scale", scale_phase), ("production", production_phase)]
    try:
        for name, phase in phases:
            results[name] = phase()
            results["minutes"] = (time.monotonic() - started) / 60
            # After each phase, so that a run cut short still shows what it measured.
            (DATA / "results.json").write_text(json.dumps(results, indent=1))
    finally:
        if "postgresql" in DATABASES:  # also when a phase failed half-way
            for name in ("bench_project", "bench_stock", "bench_project_full", "bench_production"):
                Database("postgresql", name).drop()
    return report.main(results)


if __name__ == "__main__":
    sys.exit(main())
