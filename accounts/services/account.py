"""The owner's self-service: the profile, a change of email address, closing the account."""

import secrets
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework import exceptions

from accounts import events, identifiers, links
from accounts.errors import InvalidLink
from accounts.models import (
    EmailChange,
    KnownDevice,
    LoginSession,
    Passkey,
    PendingLogin,
    RecoveryCode,
    RevokeReason,
    SecurityEvent,
    TotpDevice,
    User,
    WebAuthnChallenge,
)
from accounts.services.notifications import notify
from accounts.services.sessions import user_sessions_revoke

PROFILE_FIELDS = ("username", "first_name", "last_name")


# --- The profile --------------------------------------------------------------------------------


def user_profile_update(*, user: User, **changes) -> User:
    """Change what the owner may change (``PROFILE_FIELDS``), already validated as at signup."""
    fields = [name for name in PROFILE_FIELDS if name in changes]
    if not fields:
        return user
    for name in fields:
        setattr(user, name, changes[name])
    try:
        with transaction.atomic():
            user.save(update_fields=fields)
    except IntegrityError:
        # Another account took the name between the check and the save.
        user.refresh_from_db()
        raise exceptions.ValidationError(
            {"username": [gettext("A user with that username already exists.")]}, code="unique"
        ) from None
    events.record("profile_updated", user_id=user.pk, fields=fields)
    return user


# --- Changing the email address ---------------------------------------------------------------


def email_change_request(*, user: User, new_email: str, ip_address: str | None) -> None:
    """Ask to move the account to ``new_email``: a link goes there, a notice with a cancel link
    to the current address. Nothing changes until the link is used, and the new address is not
    reserved meanwhile; a new request replaces this one and kills its links."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        EmailChange.objects.update_or_create(
            user=locked,
            defaults={
                "new_email": new_email,
                "nonce": secrets.token_hex(16),
                "requested_at": timezone.now(),
            },
        )
        context = {"new_email": new_email, "old_email": locked.email}
        links.link_email_send(kind=links.EMAIL_CHANGE, user=locked, to=new_email, context=context)
        links.link_email_send(kind=links.EMAIL_CHANGE_CANCEL, user=locked, context=context)
    events.record("email_change_requested", user_id=user.pk, ip=ip_address)


def email_change_confirm(*, uid: str, token: str, ip_address: str | None) -> User:
    """Move the account to the address its link was sent to; that address is then verified.

    Refused as an invalid link when another account has the address by now: two
    accounts never share one, whatever races (the canonical column's unique index
    has the last word).
    """
    with transaction.atomic():
        user = links.link_user_get(
            kind=links.EMAIL_CHANGE, uid=uid, token=token, ip_address=ip_address
        )
        change = EmailChange.objects.select_for_update().filter(user=user).first()
        if change is None:
            raise InvalidLink()
        old_email = user.email
        canonical = identifiers.email_canonical(change.new_email)
        if User.objects.filter(email_canonical=canonical).exclude(pk=user.pk).exists():
            events.record("email_change_refused", user_id=user.pk, reason="taken", ip=ip_address)
            raise InvalidLink()
        user.email = change.new_email
        user.email_verified = True
        try:
            with transaction.atomic():
                user.save(update_fields=["email", "email_verified"])
        except IntegrityError:
            events.record("email_change_refused", user_id=user.pk, reason="taken", ip=ip_address)
            raise InvalidLink() from None
        change.delete()
        notify(
            user=user,
            kind="email_changed",
            to=old_email,
            ip_address=ip_address,
            old_email=old_email,
            new_email=user.email,
        )
    events.record("email_changed", user_id=user.pk, ip=ip_address)
    return user


def email_change_cancel(*, uid: str, token: str, ip_address: str | None) -> None:
    """Drop the pending change from the notice's link: the links sent for it die."""
    with transaction.atomic():
        user = links.link_user_get(
            kind=links.EMAIL_CHANGE_CANCEL, uid=uid, token=token, ip_address=ip_address
        )
        EmailChange.objects.filter(user=user).delete()
    events.record("email_change_cancelled", user_id=user.pk, ip=ip_address)


# --- Closing the account ---------------------------------------------------------------------


def account_close(*, user: User, ip_address: str | None, by: str = "owner") -> bool:
    """Close the account: every session revoked, the account deactivated and anonymised.

    The row stays, so that what refers to it (token records, security events, the
    outbox) keeps a referent and the account can never log in again; everything
    that identifies its owner goes: the username becomes ``closed-<random>``, the
    address and names are emptied, the password made unusable, factors, devices
    and the addresses and user agents of its sessions deleted. The username and
    the address are free for a new signup at once. A confirmation goes to the
    last address. Closing a closed account does nothing (returns False).
    """
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.closed_at is not None:
            return False
        user_sessions_revoke(user=locked, reason=RevokeReason.ACCOUNT_CLOSED)
        # Written before the address goes: the outbox keeps it until the email is sent.
        notify(user=locked, kind="account_closed", ip_address=ip_address)
        for model in (
            EmailChange,
            KnownDevice,
            Passkey,
            PendingLogin,
            RecoveryCode,
            TotpDevice,
            WebAuthnChallenge,
        ):
            model.objects.filter(user=locked).delete()
        LoginSession.objects.filter(user=locked).update(user_agent="", ip_address=None)
        SecurityEvent.objects.filter(user=locked).update(ip_address=None)
        locked.username = f"closed-{uuid.uuid4().hex}"
        locked.email = ""
        locked.first_name = locked.last_name = ""
        locked.email_verified = False
        locked.set_unusable_password()
        locked.is_active = locked.is_staff = locked.is_superuser = False
        locked.closed_at = timezone.now()
        locked.save()
        locked.groups.clear()
        locked.user_permissions.clear()
    events.record("account_closed", user_id=locked.pk, by=by, ip=ip_address)
    return True
