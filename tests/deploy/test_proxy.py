"""nginx with the README's configuration in front of gunicorn: TLS, names, health, headers."""

import http.client
import json
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.deploy.stack import API_HOST, NGINX, http_request, https_request, site_config
from tests.servers import request as direct_request

pytestmark = pytest.mark.live


def api_request(deployment, tls, method: str, path: str, *, body=None, headers=None):
    headers = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    return https_request(
        tls, API_HOST, deployment.https_port, method, path, headers=headers, body=data
    )


def set_cookies(reply) -> dict[str, str]:
    cookies = {}
    for header in reply.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        cookies[name] = rest.split(";", 1)[0]
    return cookies


def handshake(deployment, context: ssl.SSLContext, server_name: str | None) -> ssl.SSLSocket:
    raw = socket.create_connection(("127.0.0.1", deployment.https_port), timeout=30)
    return context.wrap_socket(raw, server_hostname=server_name)


# --- TLS -------------------------------------------------------------------------------------


def test_nginx_accepts_the_documented_configuration(same_site):
    assert "test is successful" in same_site.nginx_test_output
    assert "[emerg]" not in same_site.nginx_test_output


@pytest.mark.parametrize(
    "version, name",
    [(ssl.TLSVersion.TLSv1_2, "TLSv1.2"), (ssl.TLSVersion.TLSv1_3, "TLSv1.3")],
)
def test_tls_1_2_and_1_3_are_both_offered(same_site, tls, version, name):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cadata=_ca_pem(tls))
    context.minimum_version = context.maximum_version = version

    with handshake(same_site, context, API_HOST) as connection:
        assert connection.version() == name


def _ca_pem(context: ssl.SSLContext) -> str:
    return "".join(ssl.DER_cert_to_PEM_cert(der) for der in context.get_ca_certs(binary_form=True))


def test_http2_is_offered(same_site, tls):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cadata=_ca_pem(tls))
    context.set_alpn_protocols(["h2", "http/1.1"])

    with handshake(same_site, context, API_HOST) as connection:
        assert connection.selected_alpn_protocol() == "h2"


@pytest.mark.parametrize("server_name", ["other.example.test", "example.test", None])
def test_a_name_that_is_not_served_gets_no_certificate(same_site, tls, server_name):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.load_verify_locations(cadata=_ca_pem(tls))

    with pytest.raises(ssl.SSLError, match="UNRECOGNIZED_NAME|unrecognized name"):
        handshake(same_site, context, server_name)


# --- Plain HTTP and the default server -------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "10.0.0.5:80", "other.example.test"])
@pytest.mark.parametrize("path", ["/healthz/", "/api/auth/csrf/"])
def test_plain_http_for_another_name_is_closed_without_an_answer(same_site, host, path):
    with pytest.raises(http.client.RemoteDisconnected):
        http_request(same_site.http_port, "GET", path, host=host)


def test_the_health_check_is_answered_over_plain_http_not_redirected(same_site):
    reply = http_request(same_site.http_port, "GET", "/healthz/", host=API_HOST)

    assert reply.status == 200
    assert reply.json() == {"status": "ok", "database": "ok"}


def test_everything_else_over_plain_http_is_redirected_to_https(same_site):
    host = f"{API_HOST}:{same_site.http_port}"

    reply = http_request(same_site.http_port, "GET", "/api/auth/me/?next=1", host=host)

    assert reply.status == 301
    assert reply.headers["Location"] == f"https://{API_HOST}/api/auth/me/?next=1"


# --- What reaches the service ---------------------------------------------------------------


def test_https_answers_carry_hsts(same_site, tls):
    reply = api_request(same_site, tls, "GET", "/api/auth/csrf/")

    assert reply.status == 200
    assert reply.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


def test_the_service_sees_the_host_with_its_port(same_site, tls):
    """What the API docs' "Try it out" calls, and what the CSRF Origin check compares."""
    schema = api_request(same_site, tls, "GET", "/swagger.json").json()

    assert schema["host"] == f"{API_HOST}:{same_site.https_port}"
    assert schema["schemes"] == ["https"]


def test_a_forged_scheme_through_nginx_is_replaced(same_site, tls):
    reply = api_request(
        same_site, tls, "GET", "/api/auth/csrf/", headers={"X-Forwarded-Proto": "http"}
    )

    # Taken for plain HTTP, it would be redirected, without HSTS.
    assert reply.status == 200
    assert "Strict-Transport-Security" in reply.headers


def test_a_forged_address_through_nginx_is_not_the_one_recorded(same_site, tls):
    username = "forwardedfor"
    body = {"username": username, "email": f"{username}@example.test", "password": PASSWORD}
    assert api_request(same_site, tls, "POST", "/api/auth/signup/", body=body).status == 201
    forged = {"X-Forwarded-For": "198.51.100.1"}

    login = api_request(same_site, tls, "POST", "/api/auth/login/", body=body, headers=forged)
    access = set_cookies(login)["access_token"]
    sessions = api_request(
        same_site, tls, "GET", "/api/auth/sessions/", headers={"Cookie": f"access_token={access}"}
    ).json()

    assert [s["ip_address"] for s in sessions] == ["127.0.0.1"]


def test_a_client_that_bypasses_nginx_cannot_make_its_request_https(same_site):
    """gunicorn listens on loopback, but another local client is not the proxy either."""
    reply = direct_request(
        same_site.gunicorn_port,
        "GET",
        "/api/auth/csrf/",
        headers={"Host": API_HOST, "X-Forwarded-Proto": "https"},
        source="127.0.0.2",
    )

    assert reply.status == 301
    assert "Strict-Transport-Security" not in reply.headers


def test_an_instance_probed_by_address_answers_its_health_check(same_site):
    reply = http_request(same_site.gunicorn_port, "GET", "/healthz/", host="10.0.0.5:8000")

    assert reply.status == 200
    assert reply.json()["status"] == "ok"


def test_an_instance_asked_for_the_api_by_address_answers_a_quiet_json_400(same_site):
    reply = http_request(same_site.gunicorn_port, "GET", "/api/auth/me/", host="10.0.0.5:8000")

    assert reply.status == 400
    assert reply.json()["code"] == "disallowed_host"
    log = same_site.gunicorn_log.read_text()
    assert "disallowed host '10.0.0.5:8000'" in log
    assert "Traceback" not in log


def test_the_answer_to_repeated_cookies_fits_through_nginx(same_site, tls):
    """nginx answers 502 when a response's headers outgrow its 4 KiB buffer."""
    cookie = "; ".join(
        f"{name}=a; {name}=b" for name in ("access_token", "refresh_token", "csrftoken")
    )

    reply = api_request(same_site, tls, "GET", "/api/auth/me/", headers={"Cookie": cookie})

    assert reply.status == 401
    assert reply.json()["code"] == "ambiguous_credentials"
    assert len(reply.headers.get_all("Set-Cookie")) == 3 * 2 * 3  # names, paths, domains


# --- Start-up ---------------------------------------------------------------------------------


def test_check_deploy_warns_of_hsts_reach_in_the_documented_environment(same_site):
    output = same_site.check_deploy_output

    assert "System check identified 1 issue" in output, output
    assert "(accounts.W001)" in output


def test_gunicorn_says_the_same_when_it_starts(same_site):
    deadline = time.monotonic() + 60
    while "System check identified" not in (log := same_site.gunicorn_log.read_text()):
        assert time.monotonic() < deadline, log
        time.sleep(0.2)

    assert "(accounts.W001) HSTS is sent with includeSubDomains and preload" in log


# --- Inside Debian's own nginx.conf --------------------------------------------------------

DEBIAN_MAIN_CONFIG = Path("/etc/nginx/nginx.conf")
DEBIAN_DEFAULT_SITE = Path("/etc/nginx/sites-enabled/default")
DEBIAN_MODULES = Path("/usr/share/nginx/modules")


def debian_check(same_site, tmp_path, *, keep_default_site: bool) -> subprocess.CompletedProcess:
    """`nginx -t` of Debian's main file with the site as the README installs it, on 80 and 443."""
    if not DEBIAN_MAIN_CONFIG.exists():
        pytest.skip(f"no {DEBIAN_MAIN_CONFIG}: this nginx is not Debian's package")
    site = tmp_path / "auth.conf"
    site.write_text(
        site_config(
            https_port=443,
            http_port=80,
            upstream_port=8000,
            certificates=same_site.shared.certificates,
        )
    )
    main = DEBIAN_MAIN_CONFIG.read_text()
    for include in ("include /etc/nginx/conf.d/*.conf;", "include /etc/nginx/sites-enabled/*;"):
        assert include in main, f"{DEBIAN_MAIN_CONFIG} no longer has {include!r}"
    main = main.replace("include /etc/nginx/conf.d/*.conf;", f"include {site};")
    if not keep_default_site:
        main = main.replace("include /etc/nginx/sites-enabled/*;", "")
    # `nginx -t` opens the log files; this test writes none of the machine's.
    main = main.replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "nginx.conf").write_text(main)
    # Debian's dynamic modules (libnginx-mod-*, in modules-enabled/) load from
    # modules/ under the prefix, which -p moves here.
    if DEBIAN_MODULES.is_dir():
        (tmp_path / "modules").symlink_to(DEBIAN_MODULES)
    return subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", "stderr"],
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_the_site_loads_inside_debians_own_main_configuration(same_site, tmp_path):
    result = debian_check(same_site, tmp_path, keep_default_site=False)

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_debians_default_site_must_go_as_the_readme_says(same_site, tmp_path):
    if not DEBIAN_DEFAULT_SITE.exists():
        pytest.skip(f"no {DEBIAN_DEFAULT_SITE} to clash with")

    result = debian_check(same_site, tmp_path, keep_default_site=True)

    assert result.returncode != 0
    assert "duplicate default server" in result.stderr
