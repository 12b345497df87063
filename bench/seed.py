"""Bulk SQL that gives a PostgreSQL database the history of a long-running service.

``python -m bench.seed <sessions> <expired>`` (run with the server's environment)
adds ``sessions`` login sessions of ``sessions // 100`` users, each with two
outstanding refresh tokens (the current one and one rotated away, which is
blacklisted): ``sessions`` sessions, ``2 * sessions`` outstanding and
``sessions`` blacklisted tokens. The oldest ``expired`` sessions and their
tokens have expired, for ``flushexpiredtokens`` to remove.

The rows come from ``generate_series`` in one statement per table, with the
tables' indexes and constraints dropped meanwhile and rebuilt afterwards from
their own definitions (building an index once is far faster than growing it
row by row; the foreign keys come back NOT VALID, enforced for every new row),
so ten million sessions take minutes, not the days that requests would.
Columns the seed does not know get their model field's default. Prints the
row counts as JSON.
"""

import json
import sys
import time

import django

_CHUNK = 1_000_000  # rows per INSERT, so no statement holds its whole table's rows at once


def _sessions_columns(first_token: int, first_user: int, users: int, expired: int) -> dict:
    """SQL per column of a seeded session, ``n`` numbering the sessions from 1."""
    expiry = (
        f"CASE WHEN n <= {expired} THEN now() - interval '1 day' + n * interval '1 ms'"
        " ELSE now() + interval '7 days' + n * interval '1 ms' END"
    )
    return {
        "id": "gen_random_uuid()",
        "created_at": "now() - interval '8 days'",
        "last_used_at": "now() - interval '8 days' + n * interval '1 ms'",
        "expires_at": expiry,
        "user_agent": "'seed'",
        "ip_address": "'127.0.0.1'",
        "revoked_at": "NULL",
        "revoked_reason": "''",
        "current_refresh_id": f"{first_token} + n",
        "user_id": f"{first_user} + 1 + mod(n - 1, {users})",
    }


def _tokens_columns(first_token: int, first_user: int, users: int, sessions: int, expired: int):
    """The current tokens are numbered 1..sessions, the rotated ones after them."""
    session = f"(mod(n - 1, {sessions}) + 1)"
    return {
        "id": f"{first_token} + n",
        "jti": "md5(n::text) || lpad(to_hex(n), 32, '0')",
        "token": "''",
        "created_at": "now() - interval '8 days'",
        # A session's current token expires with it, the rotated one an hour earlier.
        "expires_at": f"CASE WHEN {session} <= {expired} THEN now() - interval '1 day'"
        f" ELSE now() + interval '7 days' END + {session} * interval '1 ms'"
        f" - CASE WHEN n > {sessions} THEN interval '1 hour' ELSE interval '0' END",
        "user_id": f"{first_user} + 1 + mod({session} - 1, {users})",
    }


def _insert(cursor, model, columns: dict[str, str], count: int) -> None:
    """INSERT ... SELECT over generate_series, in chunks; unknown columns take their default."""
    from django.db import connection

    table = model._meta.db_table
    expressions, params = [], []
    for field in model._meta.concrete_fields:
        if field.column in columns:
            expressions.append(columns[field.column])
        else:
            expressions.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
    names = ", ".join(
        connection.ops.quote_name(field.column) for field in model._meta.concrete_fields
    )
    for start in range(1, count + 1, _CHUNK):
        end = min(start + _CHUNK - 1, count)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {', '.join(expressions)}"
            f" FROM generate_series({start}, {end}) AS n",
            params,
        )


def _constraints(cursor, tables: list[str]) -> list[tuple[str, str, str, str]]:
    """The keys, unique constraints and foreign keys of the tables, and the foreign keys of
    other tables that point at them: (table, name, definition, type)."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype"
        " FROM pg_constraint"
        " WHERE (conrelid::regclass::text = ANY(%s) AND contype IN ('p', 'u', 'f'))"
        " OR (confrelid::regclass::text = ANY(%s) AND contype = 'f')",
        [tables, tables],
    )
    return sorted(set(cursor.fetchall()))


def _indexes(cursor, tables: list[str]) -> list[tuple[str, str]]:
    """The tables' indexes that no constraint owns: (name, definition)."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)"
        " AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        [tables],
    )
    return cursor.fetchall()


def seed(sessions: int, expired: int) -> dict[str, int]:
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    from accounts import identifiers
    from accounts.models import LoginSession, User

    users = max(1, sessions // 100)
    tables = [
        LoginSession._meta.db_table,
        OutstandingToken._meta.db_table,
        BlacklistedToken._meta.db_table,
    ]
    first_user = User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    User.objects.bulk_create(
        [
            User(
                pk=first_user + n,
                username=f"seed{first_user + n}",
                username_canonical=identifiers.canonical(f"seed{first_user + n}"),
                email=f"seed{first_user + n}@example.com",
                email_canonical=f"seed{first_user + n}@example.com",
                password="!",
                email_verified=True,
            )
            for n in range(1, users + 1)
        ],
        batch_size=5000,
    )
    first_token = OutstandingToken.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        constraints, indexes = _constraints(cursor, tables), _indexes(cursor, tables)
        foreign_keys = [c for c in constraints if c[3] == "f"]
        keys = [c for c in constraints if c[3] != "f"]
        for table, name, _, _ in foreign_keys + keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        _insert(
            cursor,
            OutstandingToken,
            _tokens_columns(first_token, first_user, users, sessions, expired),
            2 * sessions,
        )
        _insert(
            cursor,
            LoginSession,
            _sessions_columns(first_token, first_user, users, expired),
            sessions,
        )
        # Every rotated token (the second half) is blacklisted.
        _insert(
            cursor,
            BlacklistedToken,
            {
                "id": f"{first_token} + n",
                "blacklisted_at": "now() - interval '8 days'",
                "token_id": f"{first_token} + {sessions} + n",
            },
            sessions,
        )
        for table, name, definition, _ in keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _, definition in indexes:
            cursor.execute(definition)
        # NOT VALID: enforced for every row written from now on, but the seeded rows,
        # consistent by construction, are not checked again (minutes at this size).
        for table, name, definition, _ in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition} NOT VALID')
        # The ids were given explicitly: the sequences must move past them.
        for statement in connection.ops.sequence_reset_sql(
            no_style(), [User, OutstandingToken, BlacklistedToken]
        ):
            cursor.execute(statement)
    with connection.cursor() as cursor:
        for table in [*tables, User._meta.db_table]:
            cursor.execute(f"ANALYZE {table}")  # the planner's statistics, from a sample
        counts = {}
        for table in [*tables, User._meta.db_table]:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts


def main() -> None:
    django.setup()
    print(json.dumps(seed(int(sys.argv[1]), int(sys.argv[2]))))


if __name__ == "__main__":
    main()
