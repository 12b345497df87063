"""Reads: the live session behind a token, a user's sessions, the user of an address or a link."""

import uuid

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.http import urlsafe_base64_decode

from accounts.models import LoginSession, User, same_text_ignoring_case


def session_live_get(*, session_id: uuid.UUID, user_id: str) -> LoginSession | None:
    """The session, with its user, if it and the user may still act; one query."""
    session = (
        LoginSession.objects.select_related("user", "current_refresh")
        .filter(pk=session_id)
        .first()
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


def user_active_by_email_get(*, email: str) -> User | None:
    """The active account with this address, compared case-insensitively as at signup."""
    return User.objects.filter(same_text_ignoring_case("email", email), is_active=True).first()


def user_active_by_uid_get(*, uid: str, for_update: bool = False) -> User | None:
    """The active user an emailed link's ``uid`` names; None for a uid of any other shape."""
    users = User.objects.select_for_update() if for_update else User.objects.all()
    try:
        return users.filter(pk=urlsafe_base64_decode(uid).decode(), is_active=True).first()
    except (TypeError, ValueError, OverflowError, ValidationError):
        return None
