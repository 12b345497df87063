"""Reads: the live session behind a token, a user's sessions, the account an identifier names."""

import functools
import uuid

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts import identifiers
from accounts.models import LoginSession, Passkey, RecoveryCode, TotpDevice, User
from accounts.pagination import Position

# Every authenticated request runs this query, so it is written once as SQL and
# its row read straight into a User: compiling the same ORM query (two joins and
# six conditions) costs more than running it, and so does a RawQuerySet's
# per-query work (columns, init order, converters). Its conditions are those of
# LoginSessionQuerySet.active(), the one definition of a live session, and
# tests/test_selectors.py holds the two to each other case by case. The
# parameters still go through the fields, so each backend gets its own values.
_SESSION_USER_SQL = (
    "SELECT {columns} FROM {user} u"
    " INNER JOIN {session} s ON s.user_id = u.id"
    " LEFT OUTER JOIN {blacklist} b ON b.token_id = s.current_refresh_id"
    " WHERE s.id = %s AND u.id = %s AND u.is_active"
    " AND s.revoked_at IS NULL AND s.expires_at > %s"
    " AND s.current_refresh_id IS NOT NULL AND b.id IS NULL"
)


@functools.lru_cache(maxsize=8)
def _session_user_reader(connection) -> tuple[str, list[str], list[tuple[int, list, object]]]:
    """For one connection: the query, the user's column names, and the converters its
    backend applies to them (SQLite's text datetimes, say), as Django's compiler would."""
    fields = User._meta.concrete_fields
    sql = _SESSION_USER_SQL.format(
        columns=", ".join(f"u.{connection.ops.quote_name(field.column)}" for field in fields),
        user=User._meta.db_table,
        session=LoginSession._meta.db_table,
        blacklist=BlacklistedToken._meta.db_table,
    )
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(User._meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converters.append((index, found, column))
    return sql, [field.attname for field in fields], converters


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
    sql, attnames, converters = _session_user_reader(connection)
    params = [
        LoginSession._meta.pk.get_db_prep_value(session_id, connection),
        User._meta.pk.get_db_prep_value(user_pk, connection),
        LoginSession._meta.get_field("expires_at").get_db_prep_value(timezone.now(), connection),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, functions, column in converters:
        for function in functions:
            values[index] = function(values[index], column, connection)
    return User.from_db(connection.alias, attnames, values)


def session_live_get(*, session_id: uuid.UUID, user_id) -> LoginSession | None:
    """The live session, with its user and current refresh token, if the token's user claim
    names its user. One query; refresh and logout need the current token to tell reuse from
    rotation."""
    user_pk = _user_pk(user_id)
    if user_pk is None:
        return None
    return (
        LoginSession.objects.active()
        .select_related("user", "current_refresh")
        .filter(pk=session_id, user_id=user_pk)
        .first()
    )


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


def _users_by_identifier(identifier: str) -> QuerySet[User]:
    """The account a login identifier names: by its address if it has an @, else by username.

    Compared in canonical form, as uniqueness is, on every database alike. The
    same query says whether the account has a second factor, which a login asks next.
    """
    if identifiers.is_email(identifier):
        users = User.objects.filter(email_canonical=identifiers.email_canonical(identifier))
    else:
        users = User.objects.filter(username_canonical=identifiers.canonical(identifier))
    return users.annotate(has_second_factor=_HAS_SECOND_FACTOR)


_LOOKUP_MEMO = "_user_by_identifier"


def user_by_identifier_get(*, identifier: str, request=None) -> User | None:
    """The account a login identifier names, looked up once per request.

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
    # Unordered: the canonical columns are unique, and first()'s ORDER BY costs a compile.
    user = next(iter(_users_by_identifier(identifier)[:1]), None) if could_name_an_account else None
    if request is not None:
        setattr(request, _LOOKUP_MEMO, (identifier, user))
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
