"""Bulk SQL that fills a benchmark database with a long-running service's history.

For ``rows`` login sessions it adds a hundredth as many users, two outstanding
refresh tokens a session (the current one and one rotated away) and a
blacklist entry for each rotated token: ``rows`` sessions, ``2 * rows``
outstanding tokens and ``rows`` blacklisted tokens. One statement per table,
so a million sessions take seconds, not the hours that requests would.
"""

import os
import sqlite3
from datetime import UTC, datetime, timedelta

# Django stores aware datetimes in SQLite as naive UTC text.
_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
_SEQUENCE = "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < :count) "
_RANDOM_HEX = "lower(hex(randomblob(16)))"


def _times() -> dict[str, str]:
    now = datetime.now(UTC)
    return {
        "now": now.strftime(_FORMAT),
        "expires": (now + timedelta(days=7)).strftime(_FORMAT),
        "past": (now - timedelta(days=1)).strftime(_FORMAT),
    }


def _users(
    db: sqlite3.Connection, table: str, count: int, extra_columns: str, extra_values: str
) -> int:
    """Insert ``count`` users with unusable passwords; returns the id before the first."""
    first = _max_id(db, table)
    db.execute(
        _SEQUENCE
        + f"INSERT INTO {table} (id, password, is_superuser, username, first_name, last_name,"
        f" is_staff, is_active, date_joined, email{extra_columns})"
        " SELECT :first + n, '!', 0, 'seed' || n, '', '', 0, 1, :now, 'seed' || n || '@example.com'"
        f"{extra_values} FROM seq",
        {"count": count, "first": first, **_times()},
    )
    return first


def _tokens(db: sqlite3.Connection, *, rows: int, users: int, first_user: int) -> tuple[int, int]:
    """``rows`` current and ``rows`` rotated tokens, the rotated ones blacklisted.

    Returns the id before the first current token and before the first rotated one.
    """
    first = _max_id(db, "token_blacklist_outstandingtoken")
    params = {
        "count": 2 * rows,
        "first": first,
        "users": users,
        "first_user": first_user,
        **_times(),
    }
    db.execute(
        _SEQUENCE + "INSERT INTO token_blacklist_outstandingtoken"
        " (id, jti, token, created_at, expires_at, user_id)"
        f" SELECT :first + n, {_RANDOM_HEX}, '', :now, :expires, :first_user + 1 + (n - 1) % :users"
        " FROM seq",
        params,
    )
    rotated = first + rows
    db.execute(
        _SEQUENCE + "INSERT INTO token_blacklist_blacklistedtoken (token_id, blacklisted_at)"
        " SELECT :rotated + n, :past FROM seq",
        {"count": rows, "rotated": rotated, **_times()},
    )
    return first, rotated


def seed_project(path: str, rows: int) -> dict[str, int]:
    """This service's tables: users, outstanding and blacklisted tokens, login sessions."""
    users = max(1, rows // 100)
    with _bulk(path) as db:
        first_user = _users(db, "accounts_user", users, ", email_verified", ", 1")
        first_token, _ = _tokens(db, rows=rows, users=users, first_user=first_user)
        db.execute(
            _SEQUENCE
            + "INSERT INTO accounts_loginsession (id, created_at, last_used_at, expires_at,"
            " user_agent, ip_address, revoked_at, revoked_reason, current_refresh_id, user_id)"
            f" SELECT {_RANDOM_HEX}, :now, :now, :expires, 'seed', '127.0.0.1', NULL, '',"
            " :first_token + n, :first_user + 1 + (n - 1) % :users FROM seq",
            {
                "count": rows,
                "first_token": first_token,
                "first_user": first_user,
                "users": users,
                **_times(),
            },
        )
        return _counts(
            db,
            [
                "accounts_user",
                "accounts_loginsession",
                "token_blacklist_outstandingtoken",
                "token_blacklist_blacklistedtoken",
            ],
        )


def seed_stock(path: str, rows: int) -> dict[str, int]:
    """Stock SimpleJWT's tables: users, outstanding and blacklisted tokens."""
    users = max(1, rows // 100)
    with _bulk(path) as db:
        first_user = _users(db, "auth_user", users, "", "")
        _tokens(db, rows=rows, users=users, first_user=first_user)
        return _counts(
            db,
            ["auth_user", "token_blacklist_outstandingtoken", "token_blacklist_blacklistedtoken"],
        )


class _bulk:
    """One transaction with the durability that a throw-away database does not need switched off."""

    def __init__(self, path: str):
        self.db = sqlite3.connect(path, isolation_level=None)

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("PRAGMA cache_size = -1000000")  # KiB: the indexes stay in memory
        self.db.execute("BEGIN")
        return self.db

    def __exit__(self, exc_type, *_):
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
        # Into the database file now, so that no request pays for it later.
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.db.close()
        os.sync()


def _max_id(db: sqlite3.Connection, table: str) -> int:
    return db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]


def _counts(db: sqlite3.Connection, tables: list[str]) -> dict[str, int]:
    return {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in tables}
