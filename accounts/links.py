"""Emailed links: the one-time links to the front end, made, read and checked in one place.

A link is ``FRONTEND_URL/<path>?uid=…&token=…``: ``uid`` is the user's primary
key in URL-safe base64, ``token`` a token of Django's PasswordResetTokenGenerator
family (signed with the secret key, expiring after PASSWORD_RESET_TIMEOUT, dead
once the user state it binds changes). Each kind of link has its own salt, so a
link made for one purpose is worthless for another.
"""

import json
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import tokens
from django.core.exceptions import ValidationError
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.timesince import timeuntil
from django.utils.timezone import now

from accounts import emails, events
from accounts.errors import InvalidLink
from accounts.models import EmailChange, User


class LinkTokenGenerator(tokens.PasswordResetTokenGenerator):
    """Django's reset token over an unambiguous value: the user state it binds, as a JSON list.

    Concatenated fields run into each other (user 1 with ``0ceo@x`` and user 10
    with ``ceo@x`` would share a token); a JSON list cannot.
    """

    def _make_hash_value(self, user, timestamp):
        return json.dumps([timestamp, *self.bound_to(user)], default=str)

    def bound_to(self, user) -> list:
        """The user state the link dies with when it changes."""
        raise NotImplementedError


class PasswordResetTokenGenerator(LinkTokenGenerator):
    """Dies once the password changes (the link was used) or the user logs in meanwhile."""

    key_salt = "accounts.links.password_reset.v2"

    def bound_to(self, user) -> list:
        # Without microseconds, as Django's own reset token, since some databases drop them.
        last_login = user.last_login and user.last_login.replace(microsecond=0, tzinfo=None)
        return [user.pk, user.password, last_login, user.email]


class EmailVerificationTokenGenerator(LinkTokenGenerator):
    """Dies once the address changes or is verified; a password reset or a login leaves it."""

    key_salt = "accounts.links.email_verification.v2"

    def bound_to(self, user) -> list:
        return [user.pk, user.email, user.email_verified]


class EmailChangeTokenGenerator(LinkTokenGenerator):
    """Binds the pending change (its new address and the nonce of its request) and the current
    address: a link for one new address confirms no other, and dies once the change is made,
    replaced by a new request or cancelled."""

    key_salt = "accounts.links.email_change.v1"

    def bound_to(self, user) -> list:
        change = pending_email_change(user)
        if change is None:
            return [user.pk, user.email, None, None]
        return [user.pk, user.email, change.nonce, change.new_email]


class EmailChangeCancelTokenGenerator(EmailChangeTokenGenerator):
    """The same binding under another salt: the notice's cancel link confirms nothing."""

    key_salt = "accounts.links.email_change_cancel.v1"


def pending_email_change(user) -> EmailChange | None:
    try:
        return user.email_change
    except EmailChange.DoesNotExist:
        return None


@dataclass(frozen=True)
class LinkKind:
    """A kind of emailed link: where it leads, the email that carries it, and its tokens."""

    name: str
    path: str
    template: str
    generator: LinkTokenGenerator


PASSWORD_RESET = LinkKind(
    "password_reset", "reset-password", "password_reset", PasswordResetTokenGenerator()
)
EMAIL_VERIFICATION = LinkKind(
    "email_verification", "verify-email", "verify_email", EmailVerificationTokenGenerator()
)
# Sent to the new address; the notice to the old one carries the cancel link.
EMAIL_CHANGE = LinkKind(
    "email_change", "confirm-email-change", "email_change", EmailChangeTokenGenerator()
)
EMAIL_CHANGE_CANCEL = LinkKind(
    "email_change_cancel",
    "cancel-email-change",
    "email_change_notice",
    EmailChangeCancelTokenGenerator(),
)


def link_build(*, kind: LinkKind, user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    query = urlencode({"uid": uid, "token": kind.generator.make_token(user)})
    return f"{settings.FRONTEND_URL}/{kind.path}?{query}"


def link_email_send(
    *, kind: LinkKind, user: User, to: str | None = None, context: dict | None = None
) -> None:
    """Email the user a fresh link of this kind, at the address stored for them (or ``to``)."""
    emails.email_send(
        template=kind.template,
        user=user,
        to=to,
        context={
            **(context or {}),
            "link": link_build(kind=kind, user=user),
            "valid_for": _valid_for(),
        },
    )


def link_user_get(*, kind: LinkKind, uid: str, token: str, ip_address: str | None) -> User:
    """The active user a link names, locked for the change it leads to, if its token holds.

    Raises InvalidLink, whatever was wrong: a uid of any other shape, an unknown
    or inactive user, a token that is tampered with, expired or used.
    """
    user = _user_by_uid(uid)
    if user is None or not kind.generator.check_token(user, token):
        events.record("email_link_refused", purpose=kind.name, ip=ip_address)
        raise InvalidLink()
    return user


def _user_by_uid(uid: str) -> User | None:
    try:
        pk = urlsafe_base64_decode(uid).decode()
        return User.objects.select_for_update().filter(pk=pk, is_active=True).first()
    except (TypeError, ValueError, OverflowError, ValidationError):
        return None


def _valid_for() -> str:
    """How long a link works, in words ("1 hour")."""
    start = now()
    return timeuntil(start + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT), start)
