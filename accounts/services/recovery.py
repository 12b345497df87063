"""Password reset and email verification: the flows behind the emailed links.

The endpoints that take an address answer the same whether or not it has an
account: these services return nothing, and the email, the only difference,
is sent in the background (accounts.emails), so the timing is the same too.
"""

from django.conf import settings
from django.db import transaction
from rest_framework import exceptions

from accounts import events, links
from accounts.models import RevokeReason, User
from accounts.selectors import user_active_by_email_get
from accounts.services.users import password_validate, user_password_set


def password_reset_request(*, email: str, ip_address: str | None) -> None:
    """Email a reset link to the active account with this address, if there is one."""
    user = user_active_by_email_get(email=email)
    # Like Django's PasswordResetForm: an account without a usable password gets none.
    if user is not None and user.has_usable_password():
        # To the stored address, never the submitted spelling of it.
        links.link_email_send(kind=links.PASSWORD_RESET, user=user)
    events.record("password_reset_requested", user_id=user.pk if user else None, ip=ip_address)


def password_reset_confirm(*, uid: str, token: str, password: str, ip_address: str | None) -> User:
    """Set a new password from an emailed link, ending every session of the user.

    The new password changes the hash the token was made from, so the link
    works once; a password the validators refuse leaves it usable. Opening the
    link proves the address, so it counts as verified.
    """
    with transaction.atomic():
        user = links.link_user_get(
            kind=links.PASSWORD_RESET, uid=uid, token=token, ip_address=ip_address
        )
        try:
            password_validate(password=password, user=user)
        except exceptions.ValidationError as exc:
            raise exceptions.ValidationError({"new_password": exc.detail}) from None
        user_password_set(
            user=user, password=password, reason=RevokeReason.PASSWORD_RESET, ip_address=ip_address
        )
        if not user.email_verified:
            user.email_verified = True
            user.save(update_fields=["email_verified"])
    events.record("password_reset_completed", user_id=user.pk, ip=ip_address)
    return user


def email_verify(*, uid: str, token: str, ip_address: str | None) -> User:
    """Mark the address verified; the link then stops working, as it does if the address changes."""
    with transaction.atomic():
        user = links.link_user_get(
            kind=links.EMAIL_VERIFICATION, uid=uid, token=token, ip_address=ip_address
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
        links.link_email_send(kind=links.EMAIL_VERIFICATION, user=user)
    events.record("email_verification_requested", user_id=user.pk if user else None, ip=ip_address)
