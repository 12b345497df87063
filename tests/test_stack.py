"""The database and cache the suite runs on, and input that only PostgreSQL refuses."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from accounts.models import LoginSession
from tests.conftest import login


@pytest.mark.skipif(
    os.environ.get("REQUIRE_POSTGRES") != "1",
    reason="checks the set-up of the PostgreSQL run (REQUIRE_POSTGRES=1) only",
)
def test_the_postgresql_run_really_uses_postgresql_and_redis(db):
    assert connection.vendor == "postgresql"
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    cache.set("stack-check", "ok", timeout=5)
    assert cache.get("stack-check") == "ok"


def test_a_user_agent_holding_nul_is_stored_without_it(api, user):
    response = login(api, HTTP_USER_AGENT="Browser\x00/1.0")

    assert response.status_code == 200
    assert LoginSession.objects.get().user_agent == "Browser/1.0"
