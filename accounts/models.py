"""The user and the login session, the two things this service keeps."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Value
from django.db.models.functions import Lower
from django.db.models.lookups import Exact
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken


def same_text_ignoring_case(field: str, value: str) -> Exact:
    """``LOWER(field) = LOWER(value)``: the comparison the unique indexes below are built on.

    Django's ``iexact`` compiles to ``UPPER()`` on PostgreSQL, which those
    indexes cannot serve, so it would scan the whole table.
    """
    return Exact(Lower(field), Lower(Value(value)))


class User(AbstractUser):
    """A user whose username and email are each unique whatever their case."""

    email = models.EmailField("email address", max_length=254)
    email_verified = models.BooleanField(default=False)

    REQUIRED_FIELDS = ["email"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]


class RevokeReason(models.TextChoices):
    LOGOUT = "logout"
    LOGOUT_ALL = "logout_all"
    SESSION_DELETED = "session_deleted"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"
    REFRESH_REUSE = "refresh_reuse"
    SINGLE_SESSION = "single_session"
    ADMIN = "admin"


class LoginSessionQuerySet(models.QuerySet):
    def active(self, now=None):
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())

    def expired(self, now=None):
        return self.filter(expires_at__lte=now or timezone.now())


class LoginSession(models.Model):
    """One login: the chain of refresh tokens it rotates through and the access tokens they mint.

    ``current_refresh`` is the only refresh token of the session that may be used;
    every earlier one is blacklisted. ``expires_at`` is when that token expires,
    and never later than the absolute cap ``created_at + AUTH_SESSION_MAX_AGE``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)
    user_agent = models.CharField(max_length=512, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    current_refresh = models.OneToOneField(
        OutstandingToken,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="login_session",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=32, choices=RevokeReason.choices, blank=True)

    objects = LoginSessionQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at"], name="session_user_revoked_idx")]

    def __str__(self) -> str:
        return f"{self.user} since {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def absolute_expiry(self):
        return self.created_at + settings.AUTH_SESSION_MAX_AGE

    def is_active(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())
