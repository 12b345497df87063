"""Production mode: the settings the environment gives, `check --deploy`, and a real gunicorn.

The gunicorn here runs the production settings (DJANGO_DEBUG=0, manifest
static files collected into a temporary STATIC_ROOT) behind a pretend proxy,
with a database that does not answer: static files, HTTPS and the JSON
faults must all hold without it.
"""

import re
import runpy
import secrets
import subprocess
import sys
import time

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.servers import ROOT, Gunicorn, base_env, free_port

PRODUCTION_ENV_FILE = ROOT / "deploy" / "production.env"
BEHIND_PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}


def read_env_file(path) -> dict[str, str]:
    env = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    return env


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def a_secret_key() -> str:
    return secrets.token_urlsafe(50)


# --- check --deploy -----------------------------------------------------------------


HSTS_CHOSEN = {"DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS": "1", "DJANGO_SECURE_HSTS_PRELOAD": "1"}


def test_the_documented_production_env_warns_only_of_hsts_reach_until_it_is_chosen():
    env = {**read_env_file(PRODUCTION_ENV_FILE), "DJANGO_SECRET_KEY": a_secret_key()}

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "System check identified 1 issue" in output, output
    assert "(accounts.W001) HSTS is sent with includeSubDomains and preload" in output


def test_the_documented_production_env_passes_check_deploy_once_hsts_reach_is_kept():
    env = {**read_env_file(PRODUCTION_ENV_FILE), "DJANGO_SECRET_KEY": a_secret_key(), **HSTS_CHOSEN}

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_narrowing_hsts_leaves_only_djangos_own_warnings_about_it():
    narrowed = dict.fromkeys(HSTS_CHOSEN, "0")
    env = {**read_env_file(PRODUCTION_ENV_FILE), "DJANGO_SECRET_KEY": a_secret_key(), **narrowed}

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    output = result.stdout + result.stderr
    assert "accounts.W001" not in output
    assert sorted(re.findall(r"\((\w+\.\w+)\)", output)) == ["security.W005", "security.W021"]


def test_the_documented_production_env_lists_both_hsts_choices_to_uncomment():
    lines = PRODUCTION_ENV_FILE.read_text().splitlines()

    for name in HSTS_CHOSEN:
        assert f"#{name}=1" in lines and f"#{name}=0" in lines


def test_check_deploy_flags_the_placeholder_secret_key_left_in_place():
    env = read_env_file(PRODUCTION_ENV_FILE)

    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


# --- Settings read from the environment -----------------------------------------------

_SETTINGS_ENV = (
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "NUM_PROXIES",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_SECURE_HSTS_SECONDS",
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "DJANGO_SECURE_HSTS_PRELOAD",
    "DJANGO_STATIC_ROOT",
)


@pytest.fixture
def load_settings(monkeypatch):
    """config/settings.py evaluated afresh under the given environment, as a dict."""

    def load(**env: str) -> dict:
        for name in _SETTINGS_ENV:
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("DJANGO_SECRET_KEY", a_secret_key())
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(str(ROOT / "config" / "settings.py"))

    return load


def test_production_defaults_to_https_only(load_settings):
    settings = load_settings(DJANGO_DEBUG="0")

    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SECURE_HSTS_SECONDS"] == 31536000
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert settings["SECURE_HSTS_PRELOAD"] is True
    # With no proxy in front, X-Forwarded-Proto is the client's to forge.
    assert settings["SECURE_PROXY_SSL_HEADER"] is None


def test_debug_serves_plain_http(load_settings):
    settings = load_settings(DJANGO_DEBUG="1")

    assert settings["SECURE_SSL_REDIRECT"] is False
    assert settings["SECURE_HSTS_SECONDS"] == 0


def test_a_proxy_in_front_is_trusted_for_the_scheme(load_settings):
    settings = load_settings(DJANGO_DEBUG="0", NUM_PROXIES="1")

    assert settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert settings["REST_FRAMEWORK"]["NUM_PROXIES"] == 1


def test_https_settings_follow_the_environment(load_settings):
    settings = load_settings(
        DJANGO_DEBUG="0",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_HSTS_SECONDS="60",
        DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
        DJANGO_SECURE_HSTS_PRELOAD="0",
    )

    assert settings["SECURE_SSL_REDIRECT"] is False
    assert settings["SECURE_HSTS_SECONDS"] == 60
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert settings["SECURE_HSTS_PRELOAD"] is False


def test_a_bad_hsts_value_stops_start_up_naming_the_variable(load_settings):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECURE_HSTS_SECONDS"):
        load_settings(DJANGO_SECURE_HSTS_SECONDS="a year")


def test_database_url_selects_postgresql_with_kept_connections(load_settings):
    settings = load_settings(DATABASE_URL="postgres://auth:pw@db.internal:5433/auth")

    database = settings["DATABASES"]["default"]
    # Django's backend with a health check that costs no round trip (config/postgresql).
    assert database["ENGINE"] == "config.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.internal", 5433, "auth")
    assert database["CONN_MAX_AGE"] == 600
    assert database["CONN_HEALTH_CHECKS"] is True
    # Statements a connection repeats are prepared once, not planned on every request.
    assert database["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}


def test_redis_url_switches_the_cache_to_redis(load_settings):
    settings = load_settings(REDIS_URL="redis://cache.internal:6379/2")

    cache = settings["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/2"


def test_without_redis_url_each_process_counts_alone(load_settings):
    settings = load_settings()

    cache = settings["CACHES"]["default"]
    assert cache["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_static_root_follows_the_environment(load_settings, tmp_path):
    settings = load_settings(DJANGO_STATIC_ROOT=str(tmp_path))

    assert settings["STATIC_ROOT"] == tmp_path


# --- gunicorn's settings -----------------------------------------------------------------


def test_gunicorn_takes_its_settings_from_the_config_file_and_the_environment():
    env = base_env(
        DJANGO_SECRET_KEY=a_secret_key(),
        GUNICORN_BIND="127.0.0.1:8123",
        WEB_CONCURRENCY="3",
    )
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--print-config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    config = dict(
        (name.strip(), value.strip())
        for name, _, value in (line.partition("=") for line in result.stdout.splitlines())
    )
    assert config["wsgi_app"] == "config.wsgi:application"
    assert config["bind"] == "['127.0.0.1:8123']"
    assert config["workers"] == "3"
    # The application logs requests itself, without query strings or cookies.
    assert config["accesslog"] == "None"
    # Several instances on one host must not fight over one control socket.
    assert config["control_socket_disable"] == "True"


# --- A real gunicorn in production mode ------------------------------------------------


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """gunicorn with DJANGO_DEBUG=0 behind one (pretend) proxy, its database unreachable."""
    workdir = tmp_path_factory.mktemp("production")
    env = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": a_secret_key(),
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "NUM_PROXIES": "1",
        # Nothing listens there: every query fails to connect.
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/auth",
    }
    collected = manage("collectstatic", "--noinput", env=env)
    assert collected.returncode == 0, collected.stderr
    server = Gunicorn(env=base_env(**env), log_path=workdir / "gunicorn.log").start()
    yield server
    server.stop()


def _static_urls(html: bytes) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html.decode())


@pytest.mark.live
@pytest.mark.parametrize(
    "page, expected",
    [
        ("/admin/login/", "/static/admin/css/base."),
        ("/swagger/", "/static/drf-yasg/swagger-ui-dist/"),
    ],
)
def test_the_pages_static_files_are_served_hashed_and_cached_for_good(
    production_server, page, expected
):
    html = production_server.request("GET", page, headers=BEHIND_PROXY)
    assert html.status == 200
    urls = _static_urls(html.body)
    assert any(url.startswith(expected) for url in urls), urls

    for url in urls:
        asset = production_server.request("GET", url, headers=BEHIND_PROXY)
        assert asset.status == 200, url
        assert asset.body, url
        # The manifest names each file by its content's hash, so it can be cached forever.
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", url), url
        assert "immutable" in asset.headers["Cache-Control"], url


@pytest.mark.live
def test_static_files_are_served_compressed(production_server):
    html = production_server.request("GET", "/swagger/", headers=BEHIND_PROXY)
    script = next(url for url in _static_urls(html.body) if url.endswith(".js"))

    headers = {**BEHIND_PROXY, "Accept-Encoding": "gzip"}
    asset = production_server.request("GET", script, headers=headers)

    assert asset.status == 200
    assert asset.headers["Content-Encoding"] == "gzip"


@pytest.mark.live
def test_plain_http_is_redirected_to_https(production_server):
    response = production_server.request("GET", "/api/auth/csrf/")

    assert response.status == 301
    assert response.headers["Location"].startswith("https://")


@pytest.mark.live
def test_https_responses_carry_hsts(production_server):
    response = production_server.request("GET", "/api/auth/csrf/", headers=BEHIND_PROXY)

    assert response.status == 200
    hsts = response.headers["Strict-Transport-Security"]
    assert hsts == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.live
def test_healthz_reports_the_unreachable_database_as_json_503_over_plain_http_too(
    production_server,
):
    response = production_server.request("GET", "/healthz/")

    assert response.status == 503
    assert response.content_type == "application/json"
    assert response.json()["status"] == "error"


@pytest.mark.live
@pytest.mark.parametrize(
    "method, path, body",
    [
        ("POST", "/api/auth/login/", {"username": "alice", "password": "whatever-it-is"}),
        (
            "POST",
            "/api/auth/signup/",
            {"username": "bob", "email": "bob@example.com", "password": "x" * 20},
        ),
    ],
)
def test_the_api_answers_json_503_when_the_database_does_not(production_server, method, path, body):
    response = production_server.request(method, path, body=body, headers=BEHIND_PROXY)

    assert response.status == 503
    assert response.content_type == "application/json"
    assert response.json() == {
        "detail": "The service is temporarily unavailable.",
        "code": "service_unavailable",
    }
    assert b"Traceback" not in response.body


@pytest.mark.live
@pytest.mark.parametrize(
    "path, host",
    [
        ("/api/auth/me/", "203.0.113.80"),
        ("/api/auth/login/", "scanner.example"),
        ("/api/x/", "a:1"),
    ],
)
def test_an_unknown_host_gets_a_quiet_json_400_from_gunicorn(production_server, path, host):
    response = production_server.request("GET", path, headers={**BEHIND_PROXY, "Host": host})

    assert response.status == 400
    assert response.content_type == "application/json"
    assert response.json()["code"] == "disallowed_host"
    log = production_server.log()
    [line] = [line for line in log.splitlines() if f"'{host}'" in line]
    assert f" WARNING django.security.DisallowedHost disallowed host '{host}': GET {path}" in line
    # Django's own refusal logs an ERROR with a traceback instead.
    assert "Invalid HTTP_HOST header" not in log
    assert "Traceback" not in log


@pytest.mark.live
def test_a_health_probe_by_address_reaches_the_health_check(production_server):
    response = production_server.request("GET", "/healthz/", headers={"Host": "10.0.0.5:8000"})

    # The database of this server does not answer: the health check says so, as JSON.
    assert response.status == 503
    assert response.json()["status"] == "error"


@pytest.mark.live
def test_gunicorn_prints_check_deploy_at_start_up_with_the_hsts_warning(production_server):
    """Its environment leaves HSTS's reach to the defaults, so the warning is due."""
    deadline = time.monotonic() + 60
    while "System check identified" not in (log := production_server.log_path.read_text()):
        assert time.monotonic() < deadline, log
        time.sleep(0.2)

    assert "(accounts.W001) HSTS is sent with includeSubDomains and preload" in log


# --- The deployment guide ------------------------------------------------------------------


def test_the_readme_shows_deploy_nginx_conf_exactly():
    """tests/deploy/ runs deploy/nginx.conf; the README must show that very file."""
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### The reverse proxy") :]
    shown = re.search(r"```nginx\n(.*?)```", section, re.DOTALL).group(1)

    assert shown == (ROOT / "deploy" / "nginx.conf").read_text()
