"""Reads: the live session behind a token, and a user's active sessions."""

import uuid

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import LoginSession, User


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
