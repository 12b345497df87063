"""Permissions beyond DRF's: a recent authentication for sensitive actions."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework.permissions import BasePermission

from accounts.errors import ReauthenticationRequired, SecondFactorRequired


class RecentAuthentication(BasePermission):
    """The token's ``auth_time`` is no older than AUTH_REAUTHENTICATION_SECONDS, else
    ``401 reauthentication_required`` (POST reauthenticate/ renews it)."""

    def has_permission(self, request, view) -> bool:
        auth_time = getattr(request.auth, "auth_time", None)
        window = timedelta(seconds=settings.AUTH_REAUTHENTICATION_SECONDS)
        if auth_time is None or timezone.now() - auth_time > window:
            raise ReauthenticationRequired()
        return True


def recent_for(*methods: str):
    """A permission that asks for a recent authentication only for some methods
    (``DELETE`` of a passkey, but not its rename)."""

    class RecentForMethods(RecentAuthentication):
        def has_permission(self, request, view) -> bool:
            return request.method not in methods or super().has_permission(request, view)

    return RecentForMethods


SECOND_FACTORS = frozenset({"otp", "recovery_code", "webauthn"})


class SecondFactorInSession(BasePermission):
    """With AUTH_MFA_REQUIRED_FOR_EVERYONE, a session that did not prove a second factor may
    only enrol one (and see who it is, re-authenticate, log out): ``403
    mfa_enrolment_required`` elsewhere. Views open to such a session say
    ``open_before_second_factor = True``."""

    def has_permission(self, request, view) -> bool:
        if not settings.AUTH_MFA_REQUIRED_FOR_EVERYONE or request.auth is None:
            return True
        if getattr(view, "open_before_second_factor", False):
            return True
        amr = request.auth.payload.get("amr")
        if isinstance(amr, list) and SECOND_FACTORS.intersection(amr):
            return True
        raise SecondFactorRequired()
