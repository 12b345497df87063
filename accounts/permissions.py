"""Permissions beyond DRF's: a recent authentication for sensitive actions."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework.permissions import BasePermission

from accounts.errors import ReauthenticationRequired


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
