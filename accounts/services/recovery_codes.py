"""Recovery codes: about ten single-use codes that stand in for a second factor.

Shown once, when made; only a keyed hash of each is stored. They exist only
while the account has a factor to recover.
"""

import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import events
from accounts.errors import FactorNotFound
from accounts.models import RecoveryCode, User
from accounts.selectors import user_has_second_factor
from accounts.services.notifications import notify

RECOVERY_CODE_COUNT = 10


def recovery_codes_regenerate(*, user: User, ip_address: str | None) -> list[str]:
    """New codes, the old ones dead; only for an account that has a factor to recover."""
    if not user_has_second_factor(user=user):
        raise FactorNotFound(_("Recovery codes stand in for a second factor: enrol one first."))
    with transaction.atomic():
        codes = recovery_codes_replace(user)
        notify(user=user, kind="recovery_codes_regenerated", ip_address=ip_address)
    events.record("recovery_codes_regenerated", user_id=user.pk, ip=ip_address)
    return codes


def recovery_codes_replace(user: User) -> list[str]:
    codes = [_recovery_code_new() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=_recovery_code_hash(code)) for code in codes
    )
    return codes


def _recovery_code_new() -> str:
    """Ten characters of an alphabet without look-alikes, as xxxxx-xxxxx (50 bits)."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    text = "".join(secrets.choice(alphabet) for _ in range(10))
    return f"{text[:5]}-{text[5:]}"


def _recovery_code_hash(code: str) -> str:
    # Keyed, so a copy of the table cannot be tested offline; codes are random, so
    # one fast HMAC suffices where a password needs a slow hash.
    normalized = code.strip().lower().replace("-", "").replace(" ", "")
    key = hashlib.sha256(f"accounts.recovery-code:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, normalized.encode(), hashlib.sha256).hexdigest()


def recovery_code_use(user: User, code: str) -> bool:
    if not isinstance(code, str) or not code.strip():
        return False
    used = RecoveryCode.objects.filter(
        user=user, code_hash=_recovery_code_hash(code), used_at__isnull=True
    ).update(used_at=timezone.now())
    return bool(used)


def recovery_codes_remaining(*, user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def factor_removed(*, user: User, method: str, ip_address: str | None) -> None:
    """After a factor goes: with none left, the recovery codes go too (they recover nothing)."""
    if not user_has_second_factor(user=user):
        RecoveryCode.objects.filter(user=user).delete()
    events.record("mfa_removed", user_id=user.pk, method=method, ip=ip_address)
    notify(user=user, kind="mfa_removed", ip_address=ip_address, method=method)
