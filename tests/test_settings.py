"""Bad configuration stops every entry point with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENTRY_POINTS = {
    "manage.py": [sys.executable, "manage.py", "check"],
    "wsgi (gunicorn)": [sys.executable, "-c", "import config.wsgi"],
}
BASE_ENV = {"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_SECRET_KEY": "k" * 64}


def start(command, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AUTH_"))}
    environment.update(BASE_ENV)
    environment.update(env)
    environment = {k: v for k, v in environment.items() if v is not None}
    return subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize(
    "variable, value",
    [
        ("AUTH_COOKIE_SAMESITE", "Sideways"),
        ("ACCESS_TOKEN_LIFETIME_SECONDS", "five minutes"),
        ("REFRESH_TOKEN_LIFETIME_SECONDS", "-1"),
        ("REFRESH_REUSE_GRACE_SECONDS", "1.5"),
        ("AUTH_SESSION_MAX_AGE_SECONDS", "0"),
        ("AUTH_SINGLE_SESSION", "maybe"),
        ("AUTH_COOKIE_SECURE", "yes please"),
        ("AUTH_LOGIN_THROTTLE_RATE", "ten per minute"),
        ("AUTH_SIGNUP_THROTTLE_RATE", "5/fortnight"),
        ("AUTH_EMAIL_VERIFICATION", "sometimes"),
        ("NUM_PROXIES", "one"),
        ("DJANGO_DEBUG", "2"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(entry, variable, value):
    result = start(ENTRY_POINTS[entry], **{variable: value})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_samesite_none_without_secure_cookies_is_refused(entry):
    result = start(ENTRY_POINTS[entry], AUTH_COOKIE_SAMESITE="None", AUTH_COOKIE_SECURE="0")

    assert result.returncode != 0
    assert "AUTH_COOKIE_SAMESITE=None needs AUTH_COOKIE_SECURE=1" in result.stderr


def test_samesite_none_with_secure_cookies_starts():
    result = start(ENTRY_POINTS["manage.py"], AUTH_COOKIE_SAMESITE="None", AUTH_COOKIE_SECURE="1")

    assert result.returncode == 0, result.stderr


def test_an_access_lifetime_longer_than_the_refresh_lifetime_is_refused():
    result = start(
        ENTRY_POINTS["manage.py"],
        ACCESS_TOKEN_LIFETIME_SECONDS="7200",
        REFRESH_TOKEN_LIFETIME_SECONDS="3600",
    )

    assert result.returncode != 0
    assert "ACCESS_TOKEN_LIFETIME_SECONDS" in result.stderr


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_the_secret_key_is_required_outside_debug(entry):
    result = start(ENTRY_POINTS[entry], DJANGO_SECRET_KEY=None)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_debug_runs_with_a_development_key():
    result = start(ENTRY_POINTS["manage.py"], DJANGO_SECRET_KEY=None, DJANGO_DEBUG="1")

    assert result.returncode == 0, result.stderr


def test_environment_values_reach_the_settings():
    script = (
        "from django.conf import settings as s;"
        "print(s.AUTH_COOKIE_SAMESITE, s.AUTH_COOKIE_SECURE, s.AUTH_COOKIE_DOMAIN,"
        " s.ACCESS_TOKEN_LIFETIME.seconds, s.AUTH_SINGLE_SESSION,"
        " s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['login'], s.CORS_ALLOWED_ORIGINS,"
        " s.CSRF_TRUSTED_ORIGINS, s.ALLOWED_HOSTS)"
    )
    result = start(
        [sys.executable, "-c", "import django; django.setup();" + script],
        AUTH_COOKIE_SAMESITE="strict",
        AUTH_COOKIE_DOMAIN="example.com",
        ACCESS_TOKEN_LIFETIME_SECONDS="60",
        AUTH_SINGLE_SESSION="1",
        AUTH_LOGIN_THROTTLE_RATE="3/min",
        CORS_ALLOWED_ORIGINS="https://app.example.com, https://admin.example.com",
        DJANGO_ALLOWED_HOSTS="api.example.com",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == (
        "Strict True example.com 60 True 3/min "
        "['https://app.example.com', 'https://admin.example.com'] "
        "['https://app.example.com', 'https://admin.example.com'] ['api.example.com']"
    )


def test_production_defaults_are_safe():
    script = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.AUTH_COOKIE_SECURE, s.CORS_ALLOWED_ORIGINS, s.NUM_PROXIES,"
        " s.PASSWORD_HASHERS[0])"
    )
    result = start([sys.executable, "-c", "import django; django.setup();" + script])

    assert result.stdout.strip() == "False True [] 0 accounts.hashers.TunedArgon2PasswordHasher"
