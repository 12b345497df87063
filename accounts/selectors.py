"""Reads: the live session behind a token, a user's sessions, the account an identifier names."""

import uuid

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts import identifiers
from accounts.models import LoginSession, Passkey, RecoveryCode, TotpDevice, User

# Every authenticated request runs this query, so it is written once as SQL:
# compiling the same ORM query (two joins and six conditions) costs more than
# running it, and would be a third of the request. Its conditions are those of
# LoginSessionQuerySet.active(), the one definition of a live session, and
# tests/test_selectors.py holds the two to each other case by case. The
# parameters still go through the fields, so each backend gets its own values.
_SESSION_USER_SQL = (
    "SELECT u.* FROM {user} u"
    " INNER JOIN {session} s ON s.user_id = u.id"
    " LEFT OUTER JOIN {blacklist} b ON b.token_id = s.current_refresh_id"
    " WHERE s.id = %s AND u.id = %s AND u.is_active"
    " AND s.revoked_at IS NULL AND s.expires_at > %s"
    " AND s.current_refresh_id IS NOT NULL AND b.id IS NULL"
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
    sql = _SESSION_USER_SQL.format(
        user=User._meta.db_table,
        session=LoginSession._meta.db_table,
        blacklist=BlacklistedToken._meta.db_table,
    )
    params = [
        LoginSession._meta.pk.get_db_prep_value(session_id, connection),
        User._meta.pk.get_db_prep_value(user_pk, connection),
        LoginSession._meta.get_field("expires_at").get_db_prep_value(timezone.now(), connection),
    ]
    return next(iter(User.objects.raw(sql, params)), None)


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
    return user.login_sessions.active().order_by("-last_used_at")


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
    user = _users_by_identifier(identifier).first() if could_name_an_account else None
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
