"""Accounts and passwords: signup, the password rules, and setting a password."""

import uuid

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.fields import get_error_detail

from accounts import links
from accounts.models import RevokeReason, User
from accounts.services.notifications import notify
from accounts.services.sessions import user_sessions_revoke


def user_create(*, username: str, email: str, password: str) -> User:
    try:
        with transaction.atomic():
            return User.objects.create_user(username=username, email=email, password=password)
    except IntegrityError:
        # Two signups raced past the serializer's uniqueness check.
        raise exceptions.ValidationError(
            {"username": [_("A user with that username or email already exists.")]}, code="unique"
        ) from None
    except DataError:
        # Validation bounds every value, so this is a bug; still a 400, never a 500.
        raise exceptions.ValidationError(
            _("A value does not fit its field."), code="invalid"
        ) from None


def user_signup(*, username: str, email: str, password: str) -> User:
    """Create an account and, unless verification is off, email it a verification link."""
    user = user_create(username=username, email=email, password=password)
    if settings.AUTH_EMAIL_VERIFICATION != "none":
        links.link_email_send(kind=links.EMAIL_VERIFICATION, user=user)
    return user


def password_validate(*, password: str, user: User) -> None:
    """Django's password validators, their messages and codes as a DRF validation error."""
    try:
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(get_error_detail(exc)) from None


def user_password_set(
    *,
    user: User,
    password: str,
    reason: RevokeReason,
    keep_session_id: uuid.UUID | None = None,
    ip_address: str | None = None,
    user_agent: str | None = None,
) -> None:
    """Set a password and end every session of the user but ``keep_session_id``; the owner is
    notified (a reset, or else a change)."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        user_sessions_revoke(user=user, reason=reason, keep=keep_session_id)
        kind = "password_reset" if reason == RevokeReason.PASSWORD_RESET else "password_changed"
        notify(user=user, kind=kind, ip_address=ip_address, user_agent=user_agent)
