"""Reads: the live session behind a token, a user's sessions, the user of an address or a link."""

import uuid

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.http import urlsafe_base64_decode

from accounts import identifiers
from accounts.models import LoginSession, User

# Every authenticated request runs this query, so it is written once as SQL:
# compiling the same ORM query (a join and three conditions) costs three times
# as much as running it, and would be a third of the request. The parameters
# still go through the fields, so each backend gets its own UUID and datetime.
_SESSION_USER_SQL = (
    "SELECT u.* FROM {user} u INNER JOIN {session} s ON s.user_id = u.id"
    " WHERE s.id = %s AND s.revoked_at IS NULL AND s.expires_at > %s"
)


def session_user_get(*, session_id: uuid.UUID, user_id: str) -> User | None:
    """The user of a live session, if they may still act; one query."""
    sql = _SESSION_USER_SQL.format(user=User._meta.db_table, session=LoginSession._meta.db_table)
    params = [
        LoginSession._meta.pk.get_db_prep_value(session_id, connection),
        LoginSession._meta.get_field("expires_at").get_db_prep_value(timezone.now(), connection),
    ]
    user = next(iter(User.objects.raw(sql, params)), None)
    if user is None or not user.is_active or str(user.pk) != str(user_id):
        return None
    return user


def session_live_get(*, session_id: uuid.UUID, user_id: str) -> LoginSession | None:
    """The session, with its user and current refresh token, if it and the user may still act.

    One query; refresh and logout need the current token to tell reuse from rotation.
    """
    session = (
        LoginSession.objects.select_related("user", "current_refresh").filter(pk=session_id).first()
    )
    if (
        session is None
        or not session.is_active(timezone.now())
        or not session.user.is_active
        or str(session.user_id) != str(user_id)
    ):
        return None
    return session


def sessions_active_list(*, user: User) -> QuerySet[LoginSession]:
    return user.login_sessions.active().order_by("-last_used_at")


def _users_by_identifier(identifier: str) -> QuerySet[User]:
    """The account a login identifier names: by its address if it has an @, else by username.

    Compared in canonical form, as uniqueness is, on every database alike.
    """
    if identifiers.is_email(identifier):
        return User.objects.filter(email_canonical=identifiers.email_canonical(identifier))
    return User.objects.filter(username_canonical=identifiers.canonical(identifier))


_LOOKUP_MEMO = "_user_by_identifier"


def user_by_identifier_get(*, identifier: str, request=None) -> User | None:
    """The account a login identifier names, looked up once per request.

    A login asks twice, in its per-account throttle and in its password check.
    """
    memo = getattr(request, _LOOKUP_MEMO, None)
    if memo is not None and memo[0] == identifier:
        return memo[1]
    user = _users_by_identifier(identifier).first()
    if request is not None:
        setattr(request, _LOOKUP_MEMO, (identifier, user))
    return user


def user_active_by_email_get(*, email: str) -> User | None:
    """The active account with this address, compared in canonical form as at signup."""
    return User.objects.filter(
        email_canonical=identifiers.email_canonical(email), is_active=True
    ).first()


def user_active_by_uid_get(*, uid: str, for_update: bool = False) -> User | None:
    """The active user an emailed link's ``uid`` names; None for a uid of any other shape."""
    users = User.objects.select_for_update() if for_update else User.objects.all()
    try:
        return users.filter(pk=urlsafe_base64_decode(uid).decode(), is_active=True).first()
    except (TypeError, ValueError, OverflowError, ValidationError):
        return None
