"""``make bench``: this service against stock SimpleJWT and a plain Django view, in one run.

It builds four SQLite databases under ``bench/.data/`` (this service's and
stock SimpleJWT's, each empty and with a million login sessions' history),
serves each with gunicorn (two sync workers on 127.0.0.1), and then, in short
rounds that alternate the variants so that a busy machine weighs on all of
them alike:

- loads the plain Django ceiling and each authenticated view with ``wrk -t2 -c16``;
- refreshes one after another, on the empty and on the full databases;
- logs in one after another.

It prints the medians of the rounds as Markdown tables with the goals of the
performance issue (also written to ``bench/.data/report.md``, with the raw
figures in ``results.json``), and exits with status 1 when one is not met.
Environment knobs: ``BENCH_ROUNDS`` (10), ``BENCH_SECONDS`` per wrk run (3),
``BENCH_ROWS`` login sessions in the full databases (1000000),
``BENCH_REFRESHES`` (50) and ``BENCH_LOGINS`` (2) per round and variant,
``BENCH_PORT`` (8200: 8201-8204).
"""

import http.client
import json
import os
import platform
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from bench.probe import PASSWORD, USERNAME
from bench.seed import seed_project, seed_stock

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / ".data"
BIN = Path(sys.executable).parent
LUA = ROOT / "bench" / "report.lua"

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "10"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "3"))
ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
REFRESHES = int(os.environ.get("BENCH_REFRESHES", "50"))
LOGINS = int(os.environ.get("BENCH_LOGINS", "2"))
PORT = int(os.environ.get("BENCH_PORT", "8200"))
WORKERS = 2
# The servers get these from the caller's environment, and their settings from the run alone.
_INHERITED = ("PATH", "HOME", "LANG", "TMPDIR")

# The goals of the performance issue.
GOAL_COOKIE_OVER_STOCK = 1.25
GOAL_REFRESH_OVER_STOCK = 0.7
GOAL_REFRESH_FULL_OVER_EMPTY = 1.1
GOAL_LOGIN_OVER_PBKDF2 = 0.5
MAX_REFRESH_STATEMENTS = 6


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- Servers --------------------------------------------------------------------------


@dataclass
class Server:
    """One gunicorn serving one settings module on one database."""

    name: str
    port: int
    settings: str
    database: Path
    ready_path: str
    process: subprocess.Popen | None = None
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(48))

    @property
    def is_project(self) -> bool:
        return self.settings == "config.settings"

    @property
    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key in _INHERITED}
        env.update(DJANGO_SETTINGS_MODULE=self.settings, DJANGO_SECRET_KEY=self.secret)
        if self.is_project:
            env.update(
                DJANGO_DEBUG="0",
                DATABASE_URL=f"sqlite:///{self.database}",
                DJANGO_STATIC_ROOT=str(DATA / "static"),
                # As deployed, behind one TLS-terminating proxy: the clients send
                # the X-Forwarded-Proto header that such a proxy would set.
                NUM_PROXIES="1",
                # The benchmark logs in more often than the shipped 10 a minute allow.
                AUTH_LOGIN_THROTTLE_RATE="100000/min",
            )
        else:
            env["BENCH_STOCK_DB"] = str(self.database)
        return env

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [str(BIN / "python"), *args], cwd=ROOT, env=self.env, capture_output=True, text=True
        )
        if result.returncode:
            raise SystemExit(f"{' '.join(args)} ({self.name}) failed:\n{result.stderr}")
        return result.stdout

    def start(self) -> None:
        command = [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--no-control-socket",
        ]
        # gunicorn reads ./gunicorn.conf.py: this service ships one, stock
        # SimpleJWT gets gunicorn's defaults by starting elsewhere.
        cwd = ROOT if self.is_project else DATA
        if not self.is_project:
            command += ["--chdir", str(ROOT)]
        with open(DATA / f"{self.name}.log", "w") as output:
            self.process = subprocess.Popen(
                command, cwd=cwd, env=self.env, stdout=output, stderr=subprocess.STDOUT
            )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the {self.name} server exited; see {DATA / self.name}.log")
            try:
                if request(self.port, "GET", self.ready_path).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"the {self.name} server did not answer on port {self.port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

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


# --- HTTP clients ---------------------------------------------------------------------


@dataclass
class Response:
    status: int
    body: bytes
    cookies: dict[str, str]

    def json(self) -> dict:
        return json.loads(self.body)


# What the TLS-terminating proxy in front of this service adds to each request.
BEHIND_PROXY = {"X-Forwarded-Proto": "https"}


def request(port: int, method: str, path: str, *, body=None, headers=None) -> Response:
    """One request on a fresh connection, as gunicorn's sync workers close each one."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = dict(headers or {})
    payload = None
    if body is not None:
        payload = json.dumps(body)
        headers["Content-Type"] = "application/json"
    try:
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        jar = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or ():
            jar.load(header)
        return Response(response.status, response.read(), {k: m.value for k, m in jar.items()})
    finally:
        connection.close()


def _expect(response: Response, status: int, what: str) -> Response:
    if response.status != status:
        raise SystemExit(f"{what}: HTTP {response.status} {response.body[:300]!r}")
    return response


class ProjectClient:
    """A browser on this service: cookies, and the CSRF header on unsafe requests."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def login(self) -> None:
        response = request(
            self.port,
            "POST",
            "/api/auth/login/",
            body={"username": USERNAME, "password": PASSWORD},
            headers=BEHIND_PROXY,
        )
        self.cookies.update(_expect(response, 200, "login").cookies)

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
        response = request(self.port, "POST", "/api/auth/refresh/", headers=headers)
        self.cookies.update(_expect(response, 200, "refresh").cookies)

    @property
    def access(self) -> str:
        return self.cookies["access_token"]


class StockClient:
    """A client of stock SimpleJWT: tokens in JSON bodies."""

    def __init__(self, port: int):
        self.port = port
        self.tokens: dict[str, str] = {}

    def login(self) -> None:
        response = request(
            self.port, "POST", "/api/token/", body={"username": USERNAME, "password": PASSWORD}
        )
        self.tokens = _expect(response, 200, "stock login").json()

    def refresh(self) -> None:
        response = request(
            self.port, "POST", "/api/token/refresh/", body={"refresh": self.tokens["refresh"]}
        )
        self.tokens = _expect(response, 200, "stock refresh").json()

    @property
    def access(self) -> str:
        return self.tokens["access"]


# --- Load -----------------------------------------------------------------------------


@dataclass
class LoadVariant:
    key: str
    label: str
    server: Server
    path: str
    headers: Callable[[], list[str]]
    runs: list[dict] = field(default_factory=list)

    def median(self, name: str) -> float | None:
        values = [run[name] for run in self.runs if run[name] is not None]
        return statistics.median(values) if values else None

    def paired_ratio(self, other: "LoadVariant") -> float:
        """The median of the rounds' ratios of requests/s.

        Each round's runs are close in time, so load that comes and goes on the
        machine cancels out of the ratio.
        """
        pairs = zip(self.runs, other.runs, strict=True)
        return statistics.median(mine["rps"] / theirs["rps"] for mine, theirs in pairs)


def wrk(variant: LoadVariant, seconds: int) -> dict:
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "-s", str(LUA)]
    for header in variant.headers():
        command += ["-H", header]
    command.append(f"http://127.0.0.1:{variant.server.port}{variant.path}")
    cpu_before = variant.server.worker_cpu()
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    cpu_after = variant.server.worker_cpu()
    result = json.loads(output.strip().splitlines()[-1])
    if result["non_2xx"]:
        raise SystemExit(f"{variant.label}: {result['non_2xx']} responses were not 2xx")
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["p50"] = result["p50_us"] / 1000
    result["p99"] = result["p99_us"] / 1000
    result["cpu_ms"] = None
    # Unknown when a worker was replaced meanwhile.
    if cpu_before and cpu_after and cpu_before[0] == cpu_after[0] and result["requests"]:
        result["cpu_ms"] = (cpu_after[1] - cpu_before[1]) * 1000 / result["requests"]
    return result


def alternating(items: list, round_number: int) -> list:
    return items if round_number % 2 == 0 else items[::-1]


def bearer(client, *extra: str) -> Callable[[], list[str]]:
    return lambda: [f"Authorization: Bearer {client.access}", *extra]


PROXY_HEADER = "{}: {}".format(*next(iter(BEHIND_PROXY.items())))


def load_rounds(project: Server, stock: Server) -> list[LoadVariant]:
    project_client, stock_client = ProjectClient(project.port), StockClient(stock.port)
    # Stock SimpleJWT and the cookie variant sit side by side, in both directions.
    variants = [
        LoadVariant(
            "ceiling",
            "plain Django view, constant JSON (the ceiling)",
            stock,
            "/api/ceiling/",
            lambda: [],
        ),
        LoadVariant(
            "stateless",
            "stock SimpleJWT, stateless: no user lookup (reference)",
            stock,
            "/api/me-stateless/",
            bearer(stock_client),
        ),
        LoadVariant(
            "stock", "stock SimpleJWT, Bearer header", stock, "/api/me/", bearer(stock_client)
        ),
        LoadVariant(
            "cookie",
            "this service, `me` with the access cookie",
            project,
            "/api/auth/me/",
            lambda: [f"Cookie: access_token={project_client.access}", PROXY_HEADER],
        ),
        LoadVariant(
            "bearer",
            "this service, `me` with a Bearer header",
            project,
            "/api/auth/me/",
            bearer(project_client, PROXY_HEADER),
        ),
    ]
    project_client.login()
    stock_client.login()
    for variant in variants:
        headers = dict(header.split(": ", 1) for header in variant.headers())
        response = request(variant.server.port, "GET", variant.path, headers=headers)
        _expect(response, 200, variant.label)
        wrk(variant, 1)  # warm-up
    for round_number in range(ROUNDS):
        log(f"load round {round_number + 1}/{ROUNDS}")
        # Fresh tokens each round: access tokens live five minutes.
        project_client.login()
        stock_client.login()
        for variant in alternating(variants, round_number):
            variant.runs.append(wrk(variant, SECONDS))
    return variants


# --- Refresh and login ----------------------------------------------------------------


def timed(action: Callable[[], None]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def refresh_rounds(clients: dict) -> dict[str, list[float]]:
    samples = {name: [] for name in clients}
    for client in clients.values():  # warm-up
        client.login()
        for _ in range(REFRESHES):
            client.refresh()
    # One refresh of each variant in turn, so that a busy moment slows them all alike.
    for round_number in range(ROUNDS):
        log(f"refresh round {round_number + 1}/{ROUNDS}")
        for _ in range(REFRESHES):
            for name in alternating(list(clients), round_number):
                samples[name].append(timed(clients[name].refresh))
    return samples


def login_rounds(clients: dict) -> dict[str, list[float]]:
    samples = {name: [] for name in clients}
    for round_number in range(ROUNDS):
        for _ in range(LOGINS):
            for name in alternating(list(clients), round_number):
                samples[name].append(timed(clients[name].login))
    return samples


# --- The run --------------------------------------------------------------------------


def build(project: Server, project_full: Server, stock: Server, stock_full: Server) -> dict:
    log("migrating the databases and creating the benchmark user")
    project.manage("manage.py", "migrate", "--noinput")
    project.manage("manage.py", "collectstatic", "--noinput")
    project.manage("-m", "bench.probe", "user")
    stock.manage("manage.py", "migrate", "--noinput")
    stock.manage("-m", "bench.probe", "user")
    shutil.copyfile(project.database, project_full.database)
    shutil.copyfile(stock.database, stock_full.database)
    log(f"seeding the history of {ROWS:,} login sessions into the full databases")
    return {
        "project": seed_project(str(project_full.database), ROWS),
        "stock": seed_stock(str(stock_full.database), ROWS),
    }


def statement_counts(project: Server, stock: Server) -> dict:
    """Counted on copies, so that the measured databases stay as built."""
    counts = {}
    for server in (project, stock):
        scratch = DATA / f"{server.name}-statements.sqlite3"
        shutil.copyfile(server.database, scratch)
        probe = Server(server.name, server.port, server.settings, scratch, server.ready_path)
        counts[server.name] = json.loads(probe.manage("-m", "bench.probe", "statements"))
    return counts


def main() -> int:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    shutil.rmtree(DATA, ignore_errors=True)
    DATA.mkdir(parents=True)
    project = Server("project", PORT + 1, "config.settings", DATA / "project.sqlite3", "/healthz/")
    project_full = Server(
        "project-full", PORT + 2, "config.settings", DATA / "project-full.sqlite3", "/healthz/"
    )
    stock = Server(
        "stock", PORT + 3, "bench.stock_settings", DATA / "stock.sqlite3", "/api/ceiling/"
    )
    stock_full = Server(
        "stock-full", PORT + 4, "bench.stock_settings", DATA / "stock-full.sqlite3", "/api/ceiling/"
    )
    servers = [project, project_full, stock, stock_full]

    seeded = build(project, project_full, stock, stock_full)
    statements = statement_counts(project, stock)
    log("timing the password hashers")
    hashers = json.loads(project.manage("-m", "bench.probe", "hashers"))
    try:
        for server in servers:
            server.start()
        for server in servers:
            server.wait_ready()
        load = load_rounds(project, stock)
        refresh = refresh_rounds(
            {
                "project": ProjectClient(project.port),
                "project-full": ProjectClient(project_full.port),
                "stock": StockClient(stock.port),
                "stock-full": StockClient(stock_full.port),
            }
        )
        log("timing logins")
        login = login_rounds(
            {"project": ProjectClient(project.port), "stock": StockClient(stock.port)}
        )
    finally:
        for server in servers:
            server.stop()
        # The seeded databases take a gigabyte; the report and the logs stay.
        for database in DATA.glob("*.sqlite3*"):
            database.unlink()
        shutil.rmtree(DATA / "static", ignore_errors=True)

    report, met = render(load, refresh, login, statements, hashers, seeded)
    print(report)
    (DATA / "report.md").write_text(report + "\n")
    raw = {
        "load": {variant.key: variant.runs for variant in load},
        "refresh_ms": refresh,
        "login_ms": login,
        "statements": statements,
        "hashers": hashers,
        "seeded": seeded,
    }
    (DATA / "results.json").write_text(json.dumps(raw, indent=1))
    return 0 if met else 1


# --- The report -----------------------------------------------------------------------


def machine() -> str:
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

    version = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return (
        f"{cpu}, {os.cpu_count()} cores, Linux {platform.release()}; Python "
        f"{platform.python_version()}, Django {django.get_version()}, SQLite "
        f"{sqlite3.sqlite_version}, gunicorn {gunicorn.__version__} ({WORKERS} sync workers), "
        f"wrk {(version.stdout or version.stderr).split()[1]} (-t2 -c16)"
    )


def render(load, refresh, login, statements, hashers, seeded) -> tuple[str, bool]:
    by_key = {variant.key: variant for variant in load}
    ceiling = by_key["ceiling"]
    lines = [
        f"Machine: {machine()}.",
        "",
        f"Load: {ROUNDS} rounds of {SECONDS} s per variant, the variants alternating; medians of "
        "the rounds, and of the rounds' ratios for the ratios. Server CPU is the workers' CPU "
        "time per request.",
        "",
        "| variant | requests/s | p50 ms | p99 ms | of the ceiling | server CPU ms/request |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for variant in load:
        rps, cpu = variant.median("rps"), variant.median("cpu_ms")
        lines.append(
            f"| {variant.label} | {rps:,.0f} | {variant.median('p50'):.1f} | "
            f"{variant.median('p99'):.1f} | {variant.paired_ratio(ceiling):.2f} | "
            f"{'n/a' if cpu is None else f'{cpu:.2f}'} |"
        )

    ms = {name: statistics.median(samples) for name, samples in refresh.items()}
    refresh_sql = {name: statements[name]["refresh"] for name in ("project", "stock")}
    full = seeded["project"]
    lines += [
        "",
        f"Refresh: one after another, the variants in turn, {REFRESHES} a round each; median "
        f"ms. The full databases hold {full['accounts_loginsession']:,} login sessions of "
        f"{full['accounts_user']:,} users, {full['token_blacklist_outstandingtoken']:,} "
        f"outstanding and {full['token_blacklist_blacklistedtoken']:,} blacklisted tokens (stock "
        f"SimpleJWT's: {seeded['stock']['token_blacklist_outstandingtoken']:,} and "
        f"{seeded['stock']['token_blacklist_blacklistedtoken']:,}). Statements as Django logs "
        "them, BEGIN and COMMIT included.",
        "",
        "| refresh | ms, empty tables | ms, full tables | full / empty | SQL statements "
        "| transactions |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, label in (
        ("project", "this service, refresh cookie"),
        ("stock", "stock SimpleJWT, rotation and blacklist"),
    ):
        lines.append(
            f"| {label} | {ms[name]:.2f} | {ms[name + '-full']:.2f} | "
            f"{ms[name + '-full'] / ms[name]:.2f} | {refresh_sql[name]['statements']} | "
            f"{refresh_sql[name]['transactions']} |"
        )

    login_ms = {name: statistics.median(samples) for name, samples in login.items()}
    params = hashers["configured"]["params"]
    lines += [
        "",
        f"Login: one after another, the variants in turn, {LOGINS} a round each; median ms. "
        "The hash alone: checking one password in one process.",
        "",
        "| login | ms | hash alone, ms | SQL statements |",
        "| --- | ---: | ---: | ---: |",
        f"| this service, Argon2id m={params['memory_cost'] // 1024} MiB t={params['time_cost']} "
        f"p={params['parallelism']} | {login_ms['project']:.0f} | "
        f"{hashers['configured']['ms']:.0f} | {statements['project']['login']['statements']} |",
        f"| stock SimpleJWT, Django's PBKDF2, {hashers['django_pbkdf2']['iterations']:,} "
        f"iterations | {login_ms['stock']:.0f} | {hashers['django_pbkdf2']['ms']:.0f} | "
        f"{statements['stock']['login']['statements']} |",
        f"| Django's default Argon2 (100 MiB, t=2, p=8), for reference | | "
        f"{hashers['django_argon2']['ms']:.0f} | |",
        "",
        f"Other statement counts: this service's `me` {statements['project']['me']['statements']}"
        f", logout {statements['project']['logout']['statements']}; stock SimpleJWT's `me` "
        f"{statements['stock']['me']['statements']}, on a new database connection each request.",
    ]

    goals = [
        (
            "`me` by cookie / stock SimpleJWT, requests/s",
            by_key["cookie"].paired_ratio(by_key["stock"]),
            ">=",
            GOAL_COOKIE_OVER_STOCK,
        ),
        (
            "refresh / stock SimpleJWT's refresh, ms",
            ms["project"] / ms["stock"],
            "<=",
            GOAL_REFRESH_OVER_STOCK,
        ),
        (
            "refresh, full tables / empty tables, ms",
            ms["project-full"] / ms["project"],
            "<=",
            GOAL_REFRESH_FULL_OVER_EMPTY,
        ),
        (
            "refresh, SQL statements",
            refresh_sql["project"]["statements"],
            "<=",
            MAX_REFRESH_STATEMENTS,
        ),
        ("refresh, transactions", refresh_sql["project"]["transactions"], "<=", 1),
        (
            "login / stock SimpleJWT's PBKDF2 login, ms",
            login_ms["project"] / login_ms["stock"],
            "<=",
            GOAL_LOGIN_OVER_PBKDF2,
        ),
    ]
    lines += ["", "| goal | measured | target | |", "| --- | ---: | ---: | --- |"]
    met = True
    for label, value, relation, target in goals:
        ok = value >= target if relation == ">=" else value <= target
        met = met and ok
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        lines.append(f"| {label} | {shown} | {relation} {target} | {'met' if ok else 'NOT MET'} |")
    return "\n".join(lines), met


if __name__ == "__main__":
    sys.exit(main())
