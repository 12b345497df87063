"""Reads: the live session behind a token, a user's sessions, the account an identifier names."""

import functools
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts import identifiers
from accounts.models import KnownDevice, LoginSession, Passkey, RecoveryCode, TotpDevice, User
from accounts.pagination import Position

# The hot reads (every authenticated request, every login) are written once as
# SQL and their rows read straight into models: compiling the same ORM query
# costs more than running it, and so does a RawQuerySet's per-query work
# (columns, init order, converters). Parameters still go through the fields, so
# each backend gets its own values, and tests/test_selectors.py holds each query
# to its ORM definition case by case. Parameters are named: Django's SQLite backend
# turns named ones into its own with one string format, and positional ones with a
# regular expression over the whole statement, which costs as much as the query.

# The conditions of LoginSessionQuerySet.active(), the one definition of a live session:
# of an authenticated request, the user; of a refresh or logout, also the session and its
# current refresh token (inner-joined: a live session has one).
_LIVE_SESSION_CONDITIONS = (
    " LEFT OUTER JOIN {blacklist} b ON b.token_id = s.current_refresh_id"
    " WHERE s.id = %(session)s AND u.id = %(user)s AND u.is_active"
    " AND s.revoked_at IS NULL AND s.expires_at > %(now)s"
    " AND s.current_refresh_id IS NOT NULL AND b.id IS NULL"
)
_SESSION_USER_SQL = (
    "SELECT {user_columns} FROM {user} u INNER JOIN {session} s ON s.user_id = u.id"
    + _LIVE_SESSION_CONDITIONS
)
_SESSION_LIVE_SQL = (
    "SELECT {session_columns}, {user_columns}, {token_columns} FROM {session} s"
    " INNER JOIN {user} u ON u.id = s.user_id"
    " INNER JOIN {outstanding} o ON o.id = s.current_refresh_id" + _LIVE_SESSION_CONDITIONS
)
# The account with this canonical identifier, and whether it has a second factor
# (_HAS_SECOND_FACTOR: a confirmed TOTP device or a passkey).
_USER_BY_CANONICAL_SQL = (
    "SELECT {columns},"
    " EXISTS (SELECT 1 FROM {totp} t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL)"
    " OR EXISTS (SELECT 1 FROM {passkey} p WHERE p.user_id = u.id)"
    " FROM {user} u WHERE u.{column} = %(value)s"
)

# Of the account's known devices (services.devices), the closest to a login's:
# 2 this very device, 1 one like it on its network, 0 another.
_DEVICE_CLOSEST_SQL = (
    "SELECT {columns}, CASE WHEN d.key_hash = %(key_hash)s THEN 2"
    " WHEN d.agent_key = %(agent_key)s AND d.network = %(network)s THEN 1 ELSE 0 END AS closeness"
    " FROM {device} d WHERE d.user_id = %(user)s ORDER BY closeness DESC LIMIT 1"
)


@dataclass(frozen=True)
class _RowReader:
    """One model's columns on one connection: as a SELECT names them, and how a row of them
    becomes an instance, with the converters its backend applies (SQLite's text datetimes,
    say) as Django's compiler would."""

    connection: object
    model: type
    columns: str
    attnames: list[str]
    converters: list[tuple[int, list, object]]

    def instance(self, row, start: int = 0) -> object:
        """The instance whose columns start at ``start`` of ``row``."""
        values = list(row[start : start + len(self.attnames)])
        for index, functions, column in self.converters:
            for function in functions:
                values[index] = function(values[index], column, self.connection)
        return self.model.from_db(self.connection.alias, self.attnames, values)


@functools.lru_cache(maxsize=16)
def _row_reader(connection, model, alias: str) -> _RowReader:
    fields = model._meta.concrete_fields
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((index, found, column))
    return _RowReader(
        connection=connection,
        model=model,
        columns=", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in fields),
        attnames=[field.attname for field in fields],
        converters=converters,
    )


@functools.lru_cache(maxsize=16)
def _live_session_sql(connection, template: str) -> str:
    return template.format(
        session_columns=_row_reader(connection, LoginSession, "s").columns,
        user_columns=_row_reader(connection, User, "u").columns,
        token_columns=_row_reader(connection, OutstandingToken, "o").columns,
        user=User._meta.db_table,
        session=LoginSession._meta.db_table,
        outstanding=OutstandingToken._meta.db_table,
        blacklist=BlacklistedToken._meta.db_table,
    )


@functools.lru_cache(maxsize=16)
def _user_by_canonical_sql(connection, field_name: str) -> str:
    return _USER_BY_CANONICAL_SQL.format(
        columns=_row_reader(connection, User, "u").columns,
        user=User._meta.db_table,
        totp=TotpDevice._meta.db_table,
        passkey=Passkey._meta.db_table,
        column=connection.ops.quote_name(User._meta.get_field(field_name).column),
    )


@functools.lru_cache(maxsize=8)
def _device_closest_sql(connection) -> str:
    return _DEVICE_CLOSEST_SQL.format(
        columns=_row_reader(connection, KnownDevice, "d").columns,
        device=KnownDevice._meta.db_table,
    )


def _user_pk(user_id) -> int | None:
    """A token's user claim as a primary key; None for one that no row can have."""
    try:
        pk = User._meta.pk.to_python(user_id)
    except ValidationError:
        return None
    return pk if isinstance(pk, int) and 0 < pk < 2**63 else None


def session_user_get(*, session_id: uuid.UUID, user_id) -> User | None:
    """The user of a live session, if the token's user claim names them; one query."""
    user_pk = _user_pk(user_id)
    if user_pk is None:
        return None
    connection = connections[DEFAULT_DB_ALIAS]  # this thread's, not the proxy
    row = _live_session_row(connection, _SESSION_USER_SQL, session_id, user_pk)
    return None if row is None else _row_reader(connection, User, "u").instance(row)


def _live_session_row(connection, template: str, session_id, user_pk: int) -> tuple | None:
    params = {
        "session": LoginSession._meta.pk.get_db_prep_value(session_id, connection),
        "user": User._meta.pk.get_db_prep_value(user_pk, connection),
        "now": LoginSession._meta.get_field("expires_at").get_db_prep_value(
            timezone.now(), connection
        ),
    }
    with connection.cursor() as cursor:
        cursor.execute(_live_session_sql(connection, template), params)
        return cursor.fetchone()


_SESSION_LIVE_MODELS = ((LoginSession, "s"), (User, "u"), (OutstandingToken, "o"))


def session_live_get(*, session_id: uuid.UUID, user_id) -> LoginSession | None:
    """The live session, with its user and current refresh token, if the token's user claim
    names its user. One query; refresh and logout need the current token to tell reuse from
    rotation."""
    user_pk = _user_pk(user_id)
    if user_pk is None:
        return None
    connection = connections[DEFAULT_DB_ALIAS]
    row = _live_session_row(connection, _SESSION_LIVE_SQL, session_id, user_pk)
    if row is None:
        return None
    readers = [_row_reader(connection, model, alias) for model, alias in _SESSION_LIVE_MODELS]
    session, user, token = _instances(readers, row)
    session.user, session.current_refresh = user, token
    return session


def _instances(readers: list[_RowReader], row) -> list:
    """The instances of a row that holds each reader's columns in turn."""
    found, start = [], 0
    for reader in readers:
        found.append(reader.instance(row, start))
        start += len(reader.attnames)
    return found


def sessions_active_list(*, user: User) -> QuerySet[LoginSession]:
    """Most recently used first; the id orders sessions used at the same moment."""
    return user.login_sessions.active().order_by("-last_used_at", "-id")


def sessions_active_page(
    *, user: User, after: Position | None, size: int
) -> tuple[list[LoginSession], Position | None]:
    """A page of the user's active sessions after ``after`` (from the start without it),
    and the position the next page starts from (None on the last page).

    Two bounded queries whatever the number of sessions: the page's window, read in
    order from the (user, last_used_at, id) index with the session's own conditions
    only, then the active sessions among it. In one query the planner cannot tell how
    few sessions the blacklist leaves and sorts them all. A window may hold sessions
    that are not active (a blacklisted current token): its page is then shorter.
    """
    window = user.login_sessions.unrevoked().filter(expires_at__gt=timezone.now())
    if after is not None:
        last_used_at, session_id = after
        # The first condition bounds the index range; the second leaves out the ties before.
        window = window.filter(last_used_at__lte=last_used_at).filter(
            Q(last_used_at__lt=last_used_at) | Q(id__lt=session_id)
        )
    rows = list(
        window.order_by("-last_used_at", "-id").values_list("last_used_at", "pk")[: size + 1]
    )
    following = rows[size - 1] if len(rows) > size else None
    # By key alone: the window holds the user's sessions only, and naming the user again
    # would have the database read the user's whole index.
    page = (
        LoginSession.objects.active()
        .filter(pk__in=[pk for _, pk in rows[:size]])
        .order_by("-last_used_at", "-id")
    )
    return list(page), following


def _canonical_lookup(identifier: str) -> tuple[str, str]:
    if identifiers.is_email(identifier):
        return "email_canonical", identifiers.email_canonical(identifier)
    return "username_canonical", identifiers.canonical(identifier)


_LOOKUP_MEMO = "_user_by_identifier"


def user_by_identifier_get(*, identifier: str, request=None) -> User | None:
    """The account a login identifier names, looked up once per request: by its address if it
    has an @, else by username, compared in canonical form as uniqueness is, on every database
    alike. The same query says whether the account has a second factor, which a login asks
    next (user_has_second_factor).

    A login asks twice, in its per-account throttle and in its password check.
    """
    memo = getattr(request, _LOOKUP_MEMO, None)
    if memo is not None and memo[0] == identifier:
        return memo[1]
    # Looked up before the request is validated (by the login throttle), so
    # whatever no account can be named by must not reach the database.
    could_name_an_account = (
        len(identifier) <= identifiers.EMAIL_MAX_LENGTH and "\x00" not in identifier
    )
    user = _user_by_canonical_get(*_canonical_lookup(identifier)) if could_name_an_account else None
    if request is not None:
        setattr(request, _LOOKUP_MEMO, (identifier, user))
    return user


def _user_by_canonical_get(field_name: str, value: str) -> User | None:
    connection = connections[DEFAULT_DB_ALIAS]
    param = User._meta.get_field(field_name).get_db_prep_value(value, connection)
    with connection.cursor() as cursor:
        cursor.execute(_user_by_canonical_sql(connection, field_name), {"value": param})
        row = cursor.fetchone()
    if row is None:
        return None
    user = _row_reader(connection, User, "u").instance(row)
    user.has_second_factor = bool(row[-1])
    return user


def user_active_by_email_get(*, email: str) -> User | None:
    """The active account with this address, compared in canonical form as at signup."""
    return User.objects.filter(
        email_canonical=identifiers.email_canonical(email), is_active=True
    ).first()


# A confirmed TOTP device or a passkey; recovery codes only stand in for one.
_HAS_SECOND_FACTOR = Exists(
    TotpDevice.objects.filter(user=OuterRef("pk"), confirmed_at__isnull=False)
) | Exists(Passkey.objects.filter(user=OuterRef("pk")))


def user_has_second_factor(*, user: User) -> bool:
    """Whether the account has a second factor (known already if the login lookup found it)."""
    known = user.__dict__.get("has_second_factor")
    if known is not None:
        return known
    return User.objects.filter(pk=user.pk).filter(_HAS_SECOND_FACTOR).exists()


def totp_enabled(*, user: User) -> bool:
    return TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def passkeys_list(*, user: User) -> QuerySet[Passkey]:
    return Passkey.objects.filter(user=user).order_by("created_at")


def second_factor_methods_get(*, user: User) -> list[str]:
    """Which of ``totp``, ``recovery_code`` and ``webauthn`` can finish the user's login."""
    kinds = {
        "totp": Exists(TotpDevice.objects.filter(user=user, confirmed_at__isnull=False)),
        "recovery_code": Exists(RecoveryCode.objects.filter(user=user, used_at__isnull=True)),
        "webauthn": Exists(Passkey.objects.filter(user=user)),
    }
    found = User.objects.filter(pk=user.pk).values(**kinds).first() or {}
    return [kind for kind in kinds if found.get(kind)]


def known_device_closest_get(
    *, user: User, key_hash: str, agent_key: str, network: str
) -> tuple[KnownDevice, int] | None:
    """The account's known device closest to a login's, and how close: 2 the device of that
    key, 1 one with the same agent on the same network, 0 another; None if it has none."""
    connection = connections[DEFAULT_DB_ALIAS]
    params = {
        "key_hash": key_hash,
        "agent_key": agent_key,
        "network": network,
        "user": User._meta.pk.get_db_prep_value(user.pk, connection),
    }
    with connection.cursor() as cursor:
        cursor.execute(_device_closest_sql(connection), params)
        row = cursor.fetchone()
    if row is None:
        return None
    return _row_reader(connection, KnownDevice, "d").instance(row), row[-1]
