"""The business rules of accounts and login sessions: signup, login, rotation, reuse, revocation,
password reset and email verification."""

import uuid

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import update_last_login
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts import emails, events
from accounts.models import LoginSession, RevokeReason, User
from accounts.selectors import session_live_get, user_active_by_email_get, user_active_by_uid_get
from accounts.tokens import (
    SessionRefreshToken,
    TokenPair,
    outstanding_token_build,
    refresh_token_read,
    token_pair_issue,
)


class RefreshReusedWithinGrace(InvalidToken):
    """A just-rotated refresh token sent again, as by a second tab refreshing at once.

    It is refused, but it revokes nothing and the client keeps its cookies.
    """

    default_detail = "Token was already rotated; the newest token is already in your cookies: retry"
    default_code = "token_rotated"


class InvalidLink(exceptions.APIException):
    """An emailed link whose uid or token is wrong, expired or already used."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The link is invalid, has expired or was already used."
    default_code = "invalid_link"


class _LostRotationRace(Exception):
    pass


# --- Users -------------------------------------------------------------------------


def user_create(*, username: str, email: str, password: str) -> User:
    try:
        with transaction.atomic():
            return User.objects.create_user(username=username, email=email, password=password)
    except IntegrityError:
        # Two signups raced past the serializer's uniqueness check.
        raise exceptions.ValidationError(
            {"username": ["A user with that username or email already exists."]}, code="unique"
        ) from None
    except DataError:
        # Validation bounds every value, so this is a bug; still a 400, never a 500.
        raise exceptions.ValidationError(
            {"detail": "A value does not fit its field."}, code="invalid"
        ) from None


def user_signup(*, username: str, email: str, password: str) -> User:
    """Create an account and, unless verification is off, email it a verification link."""
    user = user_create(username=username, email=email, password=password)
    if settings.AUTH_EMAIL_VERIFICATION != "none":
        _verification_email_send(user)
    return user


def password_validate(*, password: str, user: User) -> None:
    """Django's password validators, their messages as a DRF validation error."""
    try:
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(get_error_detail(exc)) from None


def user_password_set(
    *, user: User, password: str, reason: RevokeReason, keep_session_id: uuid.UUID | None = None
) -> None:
    """Set a password and end every session of the user but ``keep_session_id``."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        user_sessions_revoke(user=user, reason=reason, keep=keep_session_id)


# --- Password reset and email verification ------------------------------------------
#
# The endpoints that take an address answer the same whether or not it has an
# account: these services return nothing, and the email, the only difference,
# is sent in the background (accounts.emails), so the timing is the same too.


def password_reset_request(*, email: str, ip_address: str | None) -> None:
    """Email a reset link to the active account with this address, if there is one."""
    user = user_active_by_email_get(email=email)
    # Like Django's PasswordResetForm: an account without a usable password gets none.
    if user is not None and user.has_usable_password():
        link = emails.link_build(
            path=emails.PASSWORD_RESET_PATH,
            user=user,
            generator=emails.password_reset_token_generator,
        )
        # To the stored address, never the submitted spelling of it.
        emails.email_send(template="password_reset", user=user, link=link)
    events.record("password_reset_requested", user_id=user.pk if user else None, ip=ip_address)


def password_reset_confirm(*, uid: str, token: str, password: str, ip_address: str | None) -> User:
    """Set a new password from an emailed link, ending every session of the user.

    The new password changes the hash the token was made from, so the link
    works once; a password the validators refuse leaves it usable. Opening the
    link proves the address, so it counts as verified.
    """
    with transaction.atomic():
        user = _user_from_link(
            uid=uid,
            token=token,
            generator=emails.password_reset_token_generator,
            purpose="password_reset",
            ip_address=ip_address,
        )
        try:
            password_validate(password=password, user=user)
        except exceptions.ValidationError as exc:
            raise exceptions.ValidationError({"new_password": exc.detail}) from None
        user_password_set(user=user, password=password, reason=RevokeReason.PASSWORD_RESET)
        if not user.email_verified:
            user.email_verified = True
            user.save(update_fields=["email_verified"])
    events.record("password_reset_completed", user_id=user.pk, ip=ip_address)
    return user


def email_verify(*, uid: str, token: str, ip_address: str | None) -> User:
    """Mark the address verified; the link then stops working, as it does if the address changes."""
    with transaction.atomic():
        user = _user_from_link(
            uid=uid,
            token=token,
            generator=emails.email_verification_token_generator,
            purpose="email_verification",
            ip_address=ip_address,
        )
        user.email_verified = True
        user.save(update_fields=["email_verified"])
    events.record("email_verified", user_id=user.pk, ip=ip_address)
    return user


def email_verification_resend(*, email: str, ip_address: str | None) -> None:
    """Email a new verification link to the active account with this unverified address, if any."""
    if settings.AUTH_EMAIL_VERIFICATION == "none":
        return
    user = user_active_by_email_get(email=email)
    if user is not None and not user.email_verified:
        _verification_email_send(user)
    events.record("email_verification_requested", user_id=user.pk if user else None, ip=ip_address)


def _verification_email_send(user: User) -> None:
    link = emails.link_build(
        path=emails.EMAIL_VERIFICATION_PATH,
        user=user,
        generator=emails.email_verification_token_generator,
    )
    emails.email_send(template="verify_email", user=user, link=link)


def _user_from_link(
    *,
    uid: str,
    token: str,
    generator: PasswordResetTokenGenerator,
    purpose: str,
    ip_address: str | None,
) -> User:
    """The user a link names, locked for the change it leads to, if its token still holds."""
    user = user_active_by_uid_get(uid=uid, for_update=True)
    if user is None or not generator.check_token(user, token):
        events.record("email_link_refused", purpose=purpose, ip=ip_address)
        raise InvalidLink()
    return user


# --- Login sessions ----------------------------------------------------------------


def session_login(*, user: User, user_agent: str, ip_address: str | None) -> TokenPair:
    """Start a session for an authenticated user and issue its first tokens."""
    if settings.AUTH_EMAIL_VERIFICATION == "mandatory" and not user.email_verified:
        events.record("login_refused", user_id=user.pk, reason="email_not_verified", ip=ip_address)
        raise exceptions.AuthenticationFailed(
            "The email address is not verified yet.", code="email_not_verified"
        )
    now = timezone.now()
    session = LoginSession(
        id=uuid.uuid4(),
        user=user,
        created_at=now,
        last_used_at=now,
        user_agent=user_agent.replace("\x00", "")[:512],
        ip_address=ip_address,
    )
    pair = token_pair_issue(
        user=user, session_id=session.id, now=now, not_after=session.absolute_expiry
    )
    with transaction.atomic():
        if settings.AUTH_SINGLE_SESSION:
            user_sessions_revoke(user=user, reason=RevokeReason.SINGLE_SESSION)
        session.current_refresh = outstanding_token_build(pair.refresh, user=user, now=now)
        session.current_refresh.save(force_insert=True)
        session.expires_at = pair.refresh.expires_at
        session.save(force_insert=True)
    update_last_login(None, user)
    events.record("login_succeeded", user_id=user.pk, session_id=session.id, ip=ip_address)
    return pair


def session_refresh(*, raw_refresh: str) -> TokenPair:
    """Rotate a refresh token: a new pair in the same session, the presented token blacklisted.

    The session row is updated only where it still names the presented token as
    current, so of several concurrent refreshes with one token exactly one wins.
    """
    token = refresh_token_read(raw_refresh)
    session = _session_live_for(token)
    if not _is_current(session, token):
        _refuse_used_token(session, token)

    now = timezone.now()
    pair = token_pair_issue(
        user=session.user, session_id=session.id, now=now, not_after=session.absolute_expiry
    )
    try:
        with transaction.atomic():
            successor = outstanding_token_build(pair.refresh, user=session.user, now=now)
            successor.save(force_insert=True)
            rotated = (
                LoginSession.objects.unrevoked()
                .filter(pk=session.pk, current_refresh_id=session.current_refresh_id)
                .update(
                    current_refresh=successor, last_used_at=now, expires_at=pair.refresh.expires_at
                )
            )
            if not rotated:
                raise _LostRotationRace
            # Ignoring a conflict: the token may have been blacklisted by another path
            # meanwhile; it is rotated away all the same.
            BlacklistedToken.objects.bulk_create(
                [BlacklistedToken(token_id=session.current_refresh_id)], ignore_conflicts=True
            )
    except _LostRotationRace:
        _refuse_used_token(session, token)
    return pair


def session_logout(*, raw_refresh: str) -> None:
    """End the session of a refresh token: the newest one, or one rotated within the grace."""
    token = refresh_token_read(raw_refresh)
    session = _session_live_for(token)
    if not _is_current(session, token) and not _rotated_within_grace(token):
        _revoke_for_reuse(session)
        raise InvalidToken("Token is invalid or expired")
    sessions_revoke(sessions=LoginSession.objects.filter(pk=session.pk), reason=RevokeReason.LOGOUT)


def user_sessions_revoke(*, user: User, reason: RevokeReason, keep: uuid.UUID | None = None) -> int:
    """Revoke every session of the user, but ``keep`` (the session that asked) if given."""
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


# --- Helpers -------------------------------------------------------------------------


def _session_live_for(token: SessionRefreshToken) -> LoginSession:
    session = session_live_get(session_id=token.session_id, user_id=token.payload.get("user_id"))
    if session is None:
        raise InvalidToken("Session has ended")
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
        raise RefreshReusedWithinGrace()
    _revoke_for_reuse(session)
    raise InvalidToken("Token is invalid or expired")


def _revoke_for_reuse(session: LoginSession) -> None:
    events.record("refresh_reuse_detected", user_id=session.user_id, session_id=session.id)
    sessions_revoke(
        sessions=LoginSession.objects.filter(pk=session.pk), reason=RevokeReason.REFRESH_REUSE
    )
