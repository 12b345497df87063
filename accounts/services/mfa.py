"""Second factors: TOTP, the two-step login, the proofs, and re-authentication.

A login whose password is right, for an account with a factor, becomes a
pending login (models.PendingLogin): the client holds its random token, which
can only finish that one login, once, within AUTH_MFA_LOGIN_SECONDS. A proof
(a TOTP code, a recovery code, a passkey assertion, or at re-authentication
the password) is checked by ``proof_check``, the one place every door comes to.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import Throttled

from accounts import crypto, events, selectors
from accounts.errors import (
    FactorAlreadyEnabled,
    FactorNotFound,
    InvalidCode,
    MfaTokenInvalid,
    NoActiveAccount,
)
from accounts.models import PendingLogin, RecoveryCode, TotpDevice, User
from accounts.services import passkeys, recovery_codes
from accounts.services.notifications import notify
from accounts.services.sessions import session_login, session_reauthenticate
from accounts.throttling import account_ident, rate_limit_hit
from accounts.tokens import TokenPair

# A pending login dies after this many wrong codes; the per-account limit bounds it too.
PENDING_LOGIN_MAX_FAILURES = 5
_TOTP_SECRET = "totp-secret"


# --- TOTP ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TotpEnrolment:
    secret: str
    otpauth_url: str
    qr_svg: str


def totp_enrol(*, user: User) -> TotpEnrolment:
    """A new, pending TOTP secret; nothing changes for the login until a code confirms it."""
    if selectors.totp_enabled(user=user):
        raise FactorAlreadyEnabled()
    secret = pyotp.random_base32()
    TotpDevice.objects.update_or_create(
        user=user,
        defaults={
            "encrypted_secret": crypto.encrypt(secret, purpose=_TOTP_SECRET),
            "created_at": timezone.now(),
            "confirmed_at": None,
            "last_used_step": None,
            "last_used_at": None,
        },
    )
    url = pyotp.TOTP(secret).provisioning_uri(
        name=user.email or user.get_username(), issuer_name=settings.AUTH_MFA_ISSUER
    )
    svg = segno.make(url, error="m").svg_inline(scale=4, title="TOTP secret")
    return TotpEnrolment(secret=secret, otpauth_url=url, qr_svg=svg)


def totp_confirm(*, user: User, code: str, ip_address: str | None) -> list[str]:
    """Activate the pending TOTP device with one of its codes; returns fresh recovery codes."""
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is None or device.confirmed_at is not None:
            raise FactorNotFound(_("There is no TOTP enrolment to confirm: start one first."))
        confirmed = _totp_step_use(device, code)
        if confirmed:
            device.confirmed_at = timezone.now()
            device.save(update_fields=["confirmed_at"])
            codes = recovery_codes.recovery_codes_replace(user)
            notify(user=user, kind="mfa_enrolled", ip_address=ip_address, method="totp")
    if not confirmed:
        events.record("mfa_failed", user_id=user.pk, method="totp", ip=ip_address)
        raise InvalidCode()
    events.record("mfa_enrolled", user_id=user.pk, method="totp", ip=ip_address)
    return codes


def totp_disable(*, user: User, ip_address: str | None) -> None:
    with transaction.atomic():
        deleted, _ = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).delete()
        if not deleted:
            raise FactorNotFound()
        recovery_codes.factor_removed(user=user, method="totp", ip_address=ip_address)


def factors_reset(*, user: User, ip_address: str | None) -> None:
    """Remove every second factor of the user (an admin's help for a lost device): TOTP,
    passkeys and recovery codes. Logins then take the password alone."""
    with transaction.atomic():
        TotpDevice.objects.filter(user=user).delete()
        user.passkeys.all().delete()
        RecoveryCode.objects.filter(user=user).delete()
        notify(user=user, kind="mfa_removed", ip_address=ip_address, method="all")
    events.record("mfa_removed", user_id=user.pk, method="all", by="admin", ip=ip_address)


def _totp_step_use(device: TotpDevice, code: str) -> bool:
    """Whether ``code`` is the device's code for this 30-second step or the one either side,
    and that step is later than the last one used: the step is then marked used (a
    conditional update, so of two racing requests with one code only one wins)."""
    if not isinstance(code, str) or not code.isdigit() or len(code) != 6:
        return False
    totp = pyotp.TOTP(crypto.decrypt(device.encrypted_secret, purpose=_TOTP_SECRET))
    now_step = totp.timecode(timezone.now())
    for step in (now_step - 1, now_step, now_step + 1):
        if not hmac.compare_digest(totp.generate_otp(step), code):
            continue
        used = (
            TotpDevice.objects.filter(pk=device.pk)
            .filter(Q(last_used_step__isnull=True) | Q(last_used_step__lt=step))
            .update(last_used_step=step, last_used_at=timezone.now())
        )
        return bool(used)
    return False


# --- Proofs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proof:
    """What a client offers as a second factor, or to re-authenticate; exactly one is set."""

    code: str | None = None
    recovery_code: str | None = None
    credential: dict | None = None
    password: str | None = None


def proof_check(*, user: User, proof: Proof, ip_address: str | None, pending=None) -> str | None:
    """The ``amr`` method the proof establishes for this user, or None when it fails.

    A failure is recorded as a security event, and a used recovery code too.
    """
    method = None
    if proof.code is not None:
        device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
        method = "otp" if device is not None and _totp_step_use(device, proof.code) else None
    elif proof.recovery_code is not None:
        if recovery_codes.recovery_code_use(user, proof.recovery_code):
            method = "recovery_code"
            events.record(
                "recovery_code_used",
                user_id=user.pk,
                ip=ip_address,
                remaining=recovery_codes.recovery_codes_remaining(user=user),
            )
            notify(user=user, kind="recovery_code_used", ip_address=ip_address)
    elif proof.credential is not None:
        if passkeys.assertion_check(user=user, credential=proof.credential, pending=pending):
            method = "webauthn"
    elif proof.password is not None:
        method = "pwd" if user.check_password(proof.password) else None
    kind = {
        "code": "totp",
        "recovery_code": "recovery_code",
        "credential": "webauthn",
        "password": "password",
    }
    offered = next(name for name in kind if getattr(proof, name) is not None)
    if method is None:
        events.record("mfa_failed", user_id=user.pk, method=kind[offered], ip=ip_address)
    elif offered in ("code", "credential"):
        # (A used recovery code has its own event, above.)
        events.record("mfa_used", user_id=user.pk, method=kind[offered], ip=ip_address)
    return method


def _count_against_account(user: User) -> None:
    # A code checked is like a password checked: the account's login bucket counts it.
    wait = rate_limit_hit(scope="login", ident=account_ident(user.pk))
    if wait is not None:
        raise Throttled(wait)


# --- The two-step login ---------------------------------------------------------------------


@dataclass(frozen=True)
class PendingLoginStarted:
    token: str
    expires_at: object
    methods: list[str]


def pending_login_start(
    *, user: User, user_agent: str, ip_address: str | None
) -> PendingLoginStarted:
    """The first step succeeded: a pending login that a second factor can finish."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    pending = PendingLogin.objects.create(
        token_hash=_token_hash(token),
        user=user,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.AUTH_MFA_LOGIN_SECONDS),
        user_agent=user_agent.replace("\x00", "")[:512],
        ip_address=ip_address,
        amr=["pwd"],
        password_digest=_token_hash(user.password),
    )
    events.record("mfa_required", user_id=user.pk, ip=ip_address)
    return PendingLoginStarted(
        token=token,
        expires_at=pending.expires_at,
        methods=selectors.second_factor_methods_get(user=user),
    )


def pending_login_get(*, token: str | None, user_agent: str) -> PendingLogin:
    """The live pending login of a token, presented by the browser that started it."""
    if not isinstance(token, str) or not token:
        raise MfaTokenInvalid()
    pending = (
        PendingLogin.objects.select_related("user")
        .filter(
            token_hash=_token_hash(token),
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )
    if pending is None or pending.password_digest != _token_hash(pending.user.password):
        raise MfaTokenInvalid()
    if pending.user_agent != user_agent.replace("\x00", "")[:512]:
        # Another browser holds it: whoever that is, this login is over.
        PendingLogin.objects.filter(pk=pending.pk).update(used_at=timezone.now())
        events.record("mfa_token_misused", user_id=pending.user_id, ip=pending.ip_address)
        raise MfaTokenInvalid()
    return pending


def pending_login_complete(
    *, token: str | None, proof: Proof, user_agent: str, ip_address: str | None
) -> tuple[User, TokenPair]:
    """Finish a pending login with a second factor: a session starts, as at a plain login."""
    pending = pending_login_get(token=token, user_agent=user_agent)
    user = pending.user
    _count_against_account(user)
    method = proof_check(user=user, proof=proof, ip_address=ip_address, pending=pending)
    if method is None:
        failures = _pending_login_failed(pending)
        if failures >= PENDING_LOGIN_MAX_FAILURES:
            raise Throttled(detail=_("Too many wrong codes: log in again."))
        raise InvalidCode()
    # Used once: of two requests racing with one token, only one finishes.
    finished = PendingLogin.objects.filter(pk=pending.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if not finished:
        raise MfaTokenInvalid()
    pair = session_login(
        user=user,
        user_agent=pending.user_agent,
        ip_address=pending.ip_address,
        amr=[*pending.amr, method],
    )
    return user, pair


def _pending_login_failed(pending: PendingLogin) -> int:
    PendingLogin.objects.filter(pk=pending.pk).update(failed_attempts=F("failed_attempts") + 1)
    failures = pending.failed_attempts + 1
    if failures >= PENDING_LOGIN_MAX_FAILURES:
        PendingLogin.objects.filter(pk=pending.pk).update(used_at=timezone.now())
    return failures


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- Re-authentication ---------------------------------------------------------------------------


def reauthenticate(*, user: User, session_id, proof: Proof, ip_address: str | None) -> TokenPair:
    """Prove who the user is again, in the current session: its tokens are reissued with a
    fresh ``auth_time``. No new session starts."""
    _count_against_account(user)
    method = proof_check(user=user, proof=proof, ip_address=ip_address)
    if method is None:
        raise NoActiveAccount() if proof.password is not None else InvalidCode()
    events.record("reauthenticated", user_id=user.pk, method=method, ip=ip_address)
    return session_reauthenticate(session_id=session_id, method=method)
