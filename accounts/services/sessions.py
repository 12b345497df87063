"""Login sessions: login, refresh (rotation and reuse detection), logout and revocation."""

import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts import events
from accounts.errors import EmailNotVerified, TokenInvalid, TokenRotated
from accounts.models import LoginSession, RevokeReason, User
from accounts.selectors import session_live_get
from accounts.services.notifications import notify
from accounts.tokens import (
    SessionRefreshToken,
    TokenPair,
    outstanding_token_build,
    refresh_token_read,
    token_pair_issue,
)


class _LostRotationRace(Exception):
    pass


def session_login(
    *, user: User, user_agent: str, ip_address: str | None, amr: list[str]
) -> TokenPair:
    """Start a session for an authenticated user and issue its first tokens.

    ``amr`` says how the user proved who they are (``["pwd"]``, ``["pwd", "otp"]``…).
    """
    if settings.AUTH_EMAIL_VERIFICATION == "mandatory" and not user.email_verified:
        events.record("login_refused", user_id=user.pk, reason="email_not_verified", ip=ip_address)
        raise EmailNotVerified()
    now = timezone.now()
    session = LoginSession(
        id=uuid.uuid4(),
        user=user,
        created_at=now,
        last_used_at=now,
        user_agent=user_agent.replace("\x00", "")[:512],
        ip_address=ip_address,
        auth_time=now,
        amr=amr,
    )
    pair = token_pair_issue(session=session, now=now)
    with transaction.atomic():
        if settings.AUTH_SINGLE_SESSION:
            user_sessions_revoke(user=user, reason=RevokeReason.SINGLE_SESSION)
        session.current_refresh = outstanding_token_build(pair.refresh, user=user, now=now)
        session.current_refresh.save(force_insert=True)
        session.expires_at = pair.refresh.expires_at
        session.save(force_insert=True)
        # In the same transaction: one commit (one wait for the disk) a login, not two;
        # one UPDATE of the column, as update_last_login would save it, without a model save.
        user.last_login = now
        User.objects.filter(pk=user.pk).update(last_login=now)
    events.record("login_succeeded", user_id=user.pk, session_id=session.id, ip=ip_address, amr=amr)
    return pair


def session_refresh(*, raw_refresh: str) -> TokenPair:
    """Rotate a refresh token: a new pair in the same session, the presented token blacklisted.

    Of several concurrent refreshes with one token exactly one wins (``_rotate``).
    """
    token = refresh_token_read(raw_refresh)
    session = _session_live_for(token)
    if not _is_current(session, token):
        _refuse_used_token(session, token)

    try:
        return _rotate(session)
    except _LostRotationRace:
        _refuse_used_token(session, token)


def session_reauthenticate(*, session_id, method: str) -> TokenPair:
    """The user proved who they are again: the session's tokens are reissued with a fresh
    ``auth_time`` (and ``method`` added to ``amr``), as a rotation of its current token."""
    session = (
        LoginSession.objects.active()
        .select_related("user", "current_refresh")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise TokenInvalid(gettext_lazy("Session has ended"))
    session.auth_time = timezone.now()
    session.amr = [*session.amr, method] if method not in session.amr else session.amr
    try:
        return _rotate(session, auth_time=session.auth_time, amr=session.amr)
    except _LostRotationRace:
        # A refresh of the same session won the race: its browser holds the newest token.
        raise TokenRotated() from None


def _rotate(session: LoginSession, **changes) -> TokenPair:
    """A new pair in the same session, its current refresh token blacklisted.

    The session row is updated only where it still names the token it had, so of
    several concurrent rotations exactly one wins; the others raise _LostRotationRace.
    """
    now = timezone.now()
    pair = token_pair_issue(session=session, now=now)
    with transaction.atomic():
        successor = outstanding_token_build(pair.refresh, user=session.user, now=now)
        successor.save(force_insert=True)
        rotated = (
            LoginSession.objects.unrevoked()
            .filter(pk=session.pk, current_refresh_id=session.current_refresh_id)
            .update(
                current_refresh=successor,
                last_used_at=now,
                expires_at=pair.refresh.expires_at,
                **changes,
            )
        )
        if not rotated:
            raise _LostRotationRace
        # Ignoring a conflict: the token may have been blacklisted by another path
        # meanwhile; it is rotated away all the same.
        BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token_id=session.current_refresh_id)], ignore_conflicts=True
        )
    return pair


def session_logout(*, raw_refresh: str) -> None:
    """End the session of a refresh token: the newest one, or one rotated within the grace."""
    token = refresh_token_read(raw_refresh)
    session = _session_live_for(token)
    if not _is_current(session, token) and not _rotated_within_grace(token):
        _revoke_for_reuse(session)
        raise TokenInvalid()
    sessions_revoke(sessions=LoginSession.objects.filter(pk=session.pk), reason=RevokeReason.LOGOUT)


def user_sessions_revoke(*, user: User, reason: RevokeReason, keep: uuid.UUID | None = None) -> int:
    """Revoke every session of the user, but ``keep`` (the session that asked) if given.

    The one way to end a user's sessions: password change and reset, logout
    everywhere, deactivation, the admin and ``changepassword`` all come here.
    """
    sessions = LoginSession.objects.filter(user_id=user.pk)
    if keep is not None:
        sessions = sessions.exclude(pk=keep)
    return sessions_revoke(sessions=sessions, reason=reason)


def sessions_revoke(*, sessions: QuerySet[LoginSession], reason: RevokeReason) -> int:
    """Revoke the unrevoked sessions among ``sessions``; blacklist their current refresh tokens.

    Their access tokens stop working at once: authentication checks the session.
    """
    now = timezone.now()
    with transaction.atomic():
        live = list(sessions.unrevoked().values_list("pk", "user_id", "current_refresh_id"))
        if not live:
            return 0
        revoked = (
            LoginSession.objects.unrevoked()
            .filter(pk__in=[pk for pk, _, _ in live])
            .update(revoked_at=now, revoked_reason=reason)
        )
        BlacklistedToken.objects.bulk_create(
            [BlacklistedToken(token_id=token_id) for _, _, token_id in live if token_id],
            ignore_conflicts=True,
        )
    for session_id, user_id, _ in live:
        events.record("session_revoked", user_id=user_id, session_id=session_id, reason=reason)
    return revoked


def _session_live_for(token: SessionRefreshToken) -> LoginSession:
    session = session_live_get(
        session_id=token.session_id, user_id=token.payload.get(api_settings.USER_ID_CLAIM)
    )
    if session is None:
        raise TokenInvalid(gettext_lazy("Session has ended"))
    return session


def _is_current(session: LoginSession, token: SessionRefreshToken) -> bool:
    return session.current_refresh is not None and session.current_refresh.jti == token.jti


def _rotated_within_grace(token: SessionRefreshToken) -> bool:
    """Whether the token's successor was issued no longer than the grace ago."""
    rotated_at = (
        BlacklistedToken.objects.filter(token__jti=token.jti)
        .values_list("blacklisted_at", flat=True)
        .first()
    )
    return (
        rotated_at is not None and timezone.now() - rotated_at <= settings.AUTH_REFRESH_REUSE_GRACE
    )


def _refuse_used_token(session: LoginSession, token: SessionRefreshToken):
    """Refuse a refresh token that is no longer the session's current one.

    Within the grace it is a benign race; after it, the token was stolen or
    replayed, so the whole session goes (RFC 9700, refresh token reuse detection).
    """
    if _rotated_within_grace(token):
        raise TokenRotated()
    _revoke_for_reuse(session)
    raise TokenInvalid()


def _revoke_for_reuse(session: LoginSession) -> None:
    events.record("refresh_reuse_detected", user_id=session.user_id, session_id=session.id)
    sessions_revoke(
        sessions=LoginSession.objects.filter(pk=session.pk), reason=RevokeReason.REFRESH_REUSE
    )
    notify(
        user=session.user,
        kind="refresh_reuse",
        ip_address=session.ip_address,
        user_agent=session.user_agent,
    )
