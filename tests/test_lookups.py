"""Case-insensitive lookups of users are served by the unique indexes, not a table scan."""

import pytest
from django.db import connection
from django.db.models import Q

from accounts.models import User, same_text_ignoring_case


@pytest.fixture(autouse=True)
def _planner_prefers_indexes(db):
    """A test table is tiny and PostgreSQL would scan it; ask what it would do at scale."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")


def test_login_lookup_uses_both_unique_indexes(user):
    plan = User.objects.filter(
        Q(same_text_ignoring_case("username", "Alice"))
        | Q(same_text_ignoring_case("email", "Alice"))
    ).explain()

    assert "user_username_ci_unique" in plan
    assert "user_email_ci_unique" in plan


def test_email_lookup_uses_its_unique_index(user):
    plan = User.objects.filter(same_text_ignoring_case("email", "ALICE@example.com")).explain()

    assert "user_email_ci_unique" in plan


def test_lookups_ignore_case(user):
    assert User.objects.filter(same_text_ignoring_case("username", "ALICE")).get() == user
    assert User.objects.filter(same_text_ignoring_case("email", "Alice@Example.COM")).get() == user
