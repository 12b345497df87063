"""The user and the login session, the two things this service keeps."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts import identifiers


class AccountUserManager(UserManager):
    def get_by_natural_key(self, username):
        # createsuperuser and friends ask whether a name is taken: in canonical form.
        return self.get(username_canonical=identifiers.canonical(username))


class User(AbstractUser):
    """A user whose username and email are each unique in their canonical form.

    The canonical columns are derived from the others on every save
    (accounts.identifiers), so no path that saves a user can store a second
    spelling of a taken identifier.
    """

    username = models.CharField(
        "username",
        max_length=identifiers.USERNAME_MAX_LENGTH,
        unique=True,
        validators=[identifiers.username_validate],
        help_text="Letters, digits and . + - _ only; no @.",
        error_messages={"unique": "A user with that username already exists."},
    )
    username_canonical = models.CharField(
        max_length=identifiers.USERNAME_MAX_LENGTH, unique=True, editable=False
    )
    email = models.EmailField("email address", max_length=identifiers.EMAIL_MAX_LENGTH)
    # Null for an account without an address, so that several may have none.
    email_canonical = models.CharField(
        max_length=identifiers.EMAIL_MAX_LENGTH, unique=True, null=True, editable=False
    )
    email_verified = models.BooleanField(default=False)

    REQUIRED_FIELDS = ["email"]

    objects = AccountUserManager()

    @classmethod
    def normalize_username(cls, username):
        return identifiers.username_normalize(username) if isinstance(username, str) else username

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._stored_is_active = user.__dict__.get("is_active")
        return user

    def clean(self):
        super().clean()
        self.email = identifiers.email_normalize(self.email)

    def validate_unique(self, exclude=None):
        """Django's checks, and the canonical forms' (the admin's forms run this)."""
        super().validate_unique(exclude)
        others = User.objects.exclude(pk=self.pk)
        errors = {}
        if (
            "username" not in (exclude or ())
            and others.filter(username_canonical=identifiers.canonical(self.username)).exists()
        ):
            errors["username"] = ["A user with that username already exists."]
        if (
            self.email
            and "email" not in (exclude or ())
            and others.filter(email_canonical=identifiers.email_canonical(self.email)).exists()
        ):
            errors["email"] = ["A user with that email already exists."]
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.username_canonical = identifiers.canonical(self.username)
        self.email_canonical = identifiers.email_canonical(self.email) if self.email else None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            derived = {"username": "username_canonical", "email": "email_canonical"}
            kwargs["update_fields"] = {
                *update_fields,
                *(derived[f] for f in derived if f in update_fields),
            }
        deactivated = getattr(self, "_stored_is_active", None) and not self.is_active
        super().save(*args, **kwargs)
        self._stored_is_active = self.is_active
        if deactivated:
            # Here rather than in each caller (the admin, a shell, a command): every
            # path that deactivates an account must end its sessions for good, or
            # re-activating it would bring its old tokens back to life.
            from accounts.services.sessions import user_sessions_revoke

            user_sessions_revoke(user=self, reason=RevokeReason.USER_DEACTIVATED)


class RevokeReason(models.TextChoices):
    LOGOUT = "logout"
    LOGOUT_ALL = "logout_all"
    SESSION_DELETED = "session_deleted"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"
    REFRESH_REUSE = "refresh_reuse"
    SINGLE_SESSION = "single_session"
    ADMIN = "admin"
    USER_DEACTIVATED = "user_deactivated"


class LoginSessionQuerySet(models.QuerySet):
    def unrevoked(self):
        return self.filter(revoked_at__isnull=True)

    def active(self, now=None):
        """The sessions that may still act: the one definition of a live session.

        Not revoked, not expired, of an active user, and with a current refresh
        token that is not blacklisted (by whatever path it was). The one query
        of an authenticated request (accounts.selectors) states the same
        conditions in SQL, and a test holds the two to each other.
        """
        return self.unrevoked().filter(
            expires_at__gt=now or timezone.now(),
            user__is_active=True,
            current_refresh__isnull=False,
            current_refresh__blacklistedtoken__isnull=True,
        )

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
        indexes = [
            models.Index(fields=["user", "revoked_at"], name="session_user_revoked_idx"),
            # The sessions list's order: a page is read from the index (accounts.pagination).
            models.Index(fields=["user", "-last_used_at", "-id"], name="session_user_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} since {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def absolute_expiry(self):
        return self.created_at + settings.AUTH_SESSION_MAX_AGE

    def is_active(self) -> bool:
        return LoginSession.objects.active().filter(pk=self.pk).exists()
