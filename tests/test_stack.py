"""The database and cache that the PostgreSQL run of the suite really uses."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection


@pytest.mark.skipif(
    os.environ.get("REQUIRE_POSTGRES") != "1",
    reason="checks the set-up of the PostgreSQL run (REQUIRE_POSTGRES=1) only",
)
def test_the_postgresql_run_really_uses_postgresql_and_redis(db):
    assert connection.vendor == "postgresql"
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    cache.set("stack-check", "ok", timeout=5)
    assert cache.get("stack-check") == "ok"
