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
    # When the owner (or an admin) closed the account: it is then inactive and anonymised.
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

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
    ACCOUNT_CLOSED = "account_closed"
    FACTOR_REMOVED = "factor_removed"


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
    # When and how the user last proved who they are in this session (the tokens'
    # auth_time and amr); a re-authentication moves them, a refresh keeps them.
    auth_time = models.DateTimeField(default=timezone.now)
    amr = models.JSONField(default=list)

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


# --- Second factors --------------------------------------------------------------------------


class TotpDevice(models.Model):
    """A user's TOTP authenticator (RFC 6238): pending until one code confirms it.

    The secret is stored encrypted (accounts.crypto). ``last_used_step`` is the
    time step of the last accepted code, so a code cannot be used twice.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    encrypted_secret = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    last_used_step = models.BigIntegerField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"TOTP of {self.user}"


class RecoveryCode(models.Model):
    """A single-use code that stands in for a second factor; only its keyed hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique")
        ]


class Passkey(models.Model):
    """A WebAuthn credential: its public key and signature counter, never a secret."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys"
    )
    name = models.CharField(max_length=64)
    # base64url, as the browser reports it; unique across every account.
    credential_id = models.CharField(max_length=1400, unique=True)
    public_key = models.BinaryField()
    sign_count = models.BigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    aaguid = models.CharField(max_length=36, blank=True)
    backed_up = models.BooleanField(default=False)
    # The random id the authenticator keeps for its user (never the primary key).
    user_handle = models.BinaryField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"passkey {self.name!r} of {self.user}"


class PendingLogin(models.Model):
    """The first step of a login whose password was right, waiting for the second factor.

    The client holds a random token (the ``mfa_token`` cookie, or a body token
    for app clients); only its SHA-256 is stored. It holds no access: it can
    only finish this one login, once, before ``expires_at``.
    """

    token_hash = models.CharField(max_length=64, primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_logins"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    user_agent = models.CharField(max_length=512, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    amr = models.JSONField(default=list)
    # A digest of the password hash the first step checked: a password change or
    # reset meanwhile ends the pending login.
    password_digest = models.CharField(max_length=64)


class WebAuthnChallenge(models.Model):
    """A challenge the service issued for a WebAuthn ceremony, usable once before it expires.

    The browser signs it into the credential's clientDataJSON, which is how the
    service finds it again; only its SHA-256 is stored.
    """

    class Purpose(models.TextChoices):
        REGISTER = "register"
        LOGIN = "login"
        SECOND_FACTOR = "second_factor"
        REAUTHENTICATE = "reauthenticate"

    challenge_hash = models.CharField(max_length=64, primary_key=True)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True
    )
    pending_login = models.ForeignKey(PendingLogin, on_delete=models.CASCADE, null=True, blank=True)
    # At registration: the user handle the options gave the authenticator.
    user_handle = models.BinaryField(max_length=64, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)


# --- Security events ---------------------------------------------------------------------------


class SecurityEvent(models.Model):
    """An event of an account's security kept for its owner and the admin: factors enrolled,
    removed, used or failed, recovery codes used or regenerated (every event is also logged)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security_events"
    )
    kind = models.CharField(max_length=48)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="security_event_user_idx")]

    def __str__(self) -> str:
        return f"{self.kind} of {self.user}"


# --- Self-service -------------------------------------------------------------------------------


class EmailChange(models.Model):
    """An address the user asked to change to, waiting for the link sent to it.

    The address is not reserved: until the link is used it belongs to nobody, and
    the account keeps its old one. A new request replaces the pending one, with a
    new ``nonce``, so a link for an earlier request confirms nothing.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_change"
    )
    new_email = models.EmailField(max_length=identifiers.EMAIL_MAX_LENGTH)
    nonce = models.CharField(max_length=32)
    requested_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"email change of {self.user}"


class KnownDevice(models.Model):
    """A device an account has logged in from, for the new-device alert (services/devices.py).

    ``key_hash`` is the SHA-256 of the browser's device cookie, or, for a client
    without cookies, of its user agent (versions left out) and network. ``agent_key``
    and ``network`` let a browser whose cookie is gone be recognised all the same.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="known_devices"
    )
    key_hash = models.CharField(max_length=64)
    agent_key = models.CharField(max_length=64)
    network = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key_hash"], name="known_device_unique")
        ]

    def __str__(self) -> str:
        return f"device of {self.user} since {self.first_seen_at:%Y-%m-%d}"


# --- Email outbox ------------------------------------------------------------------------------


class OutboxEmail(models.Model):
    """An email to deliver, written in the transaction of the change that causes it.

    The worker (accounts/emails.py, ``manage.py email_worker``) claims a row for
    a lease, sends it, and marks it sent only after the mail server accepted it;
    a failure puts it back with a later ``available_at``. ``payload`` (the
    recipient and the template's context, links included) is encrypted at rest
    and emptied once sent, so the table never holds a usable link in clear.
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbox_emails",
    )
    template = models.CharField(max_length=64)
    payload = models.TextField(blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    # No attempt before this moment: the back-off after a failure.
    available_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    # The worker holding the row and until when; past it, another may take it.
    claimed_by = models.CharField(max_length=64, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The last failure's exception class and SMTP code, never its message.
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "available_at"], name="outbox_status_available_idx"),
            models.Index(fields=["status", "created_at"], name="outbox_status_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.template} email #{self.pk} ({self.status})"
