"""Passkeys (WebAuthn, with py_webauthn): registering named credentials, and using them to log in
without a password, as a second factor, or to re-authenticate.

Each ceremony starts with options carrying a fresh challenge, stored hashed
(models.WebAuthnChallenge) with its purpose; the browser signs it into the
credential's clientDataJSON, which is how the answer finds it again, once.
The relying-party id and the allowed origins come from AUTH_WEBAUTHN_RP_ID and
AUTH_WEBAUTHN_ORIGINS and are checked on every answer. Only public keys and
signature counters are stored; a counter that does not move forward is refused.
"""

import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from webauthn import (
    base64url_to_bytes,
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url, parse_client_data_json
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from accounts import events
from accounts.errors import FactorNotFound, InvalidCredential, PasskeyLoginFailed
from accounts.models import Passkey, PendingLogin, RecoveryCode, User, WebAuthnChallenge
from accounts.services.notifications import notify
from accounts.services.recovery_codes import factor_removed, recovery_codes_replace
from accounts.services.sessions import session_login
from accounts.tokens import TokenPair

Purpose = WebAuthnChallenge.Purpose
CEREMONY_SECONDS = 300
_TRANSPORTS = frozenset(t.value for t in AuthenticatorTransport)
_BASE64URL = re.compile(r"[A-Za-z0-9_-]{1,1400}")


def registration_options(*, user: User) -> dict:
    """Creation options for a new passkey: discoverable, with user verification; the
    user's existing passkeys are excluded, so one authenticator is not registered twice."""
    # One random handle per user, the same for all their passkeys; never the primary key.
    user_handle = _existing_user_handle(user) or os.urandom(32)
    options = generate_registration_options(
        rp_id=settings.AUTH_WEBAUTHN_RP_ID,
        rp_name=settings.AUTH_MFA_ISSUER,
        user_name=user.email or user.get_username(),
        user_id=user_handle,
        user_display_name=user.get_username(),
        challenge=_challenge_new(purpose=Purpose.REGISTER, user=user, user_handle=user_handle),
        timeout=CEREMONY_SECONDS * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=_descriptors(user),
    )
    return json.loads(options_to_json(options))


@dataclass(frozen=True)
class PasskeyRegistered:
    passkey: Passkey
    # Made when the passkey is the account's first factor and it has none yet: shown once.
    recovery_codes: list[str] | None


def passkey_register(*, user: User, name: str, credential: dict, ip_address) -> PasskeyRegistered:
    """Store a new passkey from the browser's answer to ``registration_options``.

    A passkey that becomes the account's only factor comes with recovery codes, as TOTP
    does, so that losing it does not lock the account out.
    """
    try:
        challenge, issued = _challenge_take(credential, purpose=Purpose.REGISTER, user=user)
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=settings.AUTH_WEBAUTHN_RP_ID,
            expected_origin=settings.AUTH_WEBAUTHN_ORIGINS,
            require_user_verification=True,
        )
        with transaction.atomic():
            passkey = Passkey.objects.create(
                user=user,
                name=name,
                credential_id=bytes_to_base64url(verified.credential_id),
                public_key=verified.credential_public_key,
                sign_count=verified.sign_count,
                transports=_transports(credential),
                aaguid=str(verified.aaguid or ""),
                backed_up=bool(verified.credential_backed_up),
                user_handle=bytes(issued.user_handle),
            )
            codes = None
            if not RecoveryCode.objects.filter(user=user).exists():
                codes = recovery_codes_replace(user)
            notify(user=user, kind="mfa_enrolled", ip_address=ip_address, method="webauthn")
    except (WebAuthnException, IntegrityError, KeyError, TypeError, ValueError) as exc:
        events.record("mfa_failed", user_id=user.pk, method="webauthn", ip=ip_address)
        raise InvalidCredential() from exc
    events.record("mfa_enrolled", user_id=user.pk, method="webauthn", ip=ip_address)
    return PasskeyRegistered(passkey=passkey, recovery_codes=codes)


def passkey_rename(*, user: User, passkey_id, name: str) -> Passkey:
    passkey = _own_passkey(user, passkey_id)
    passkey.name = name
    passkey.save(update_fields=["name"])
    return passkey


def passkey_delete(*, user: User, passkey_id, ip_address) -> None:
    with transaction.atomic():
        _own_passkey(user, passkey_id).delete()
        factor_removed(user=user, method="webauthn", ip_address=ip_address)


def login_options() -> dict:
    """Request options for a passwordless login: any discoverable passkey of this service."""
    return _request_options(
        challenge=_challenge_new(purpose=Purpose.LOGIN),
        allow=[],
        user_verification=UserVerificationRequirement.REQUIRED,
    )


def second_factor_options(*, pending: PendingLogin) -> dict:
    """Request options for the passkeys of the account a pending login belongs to."""
    return _request_options(
        challenge=_challenge_new(purpose=Purpose.SECOND_FACTOR, pending=pending),
        allow=_descriptors(pending.user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )


def reauthentication_options(*, user: User) -> dict:
    return _request_options(
        challenge=_challenge_new(purpose=Purpose.REAUTHENTICATE, user=user),
        allow=_descriptors(user),
        user_verification=UserVerificationRequirement.REQUIRED,
    )


def passkey_login(
    *, credential: dict, user_agent: str, ip_address: str | None
) -> tuple[User, TokenPair]:
    """A passwordless login: a discoverable passkey's assertion, with user verification."""
    passkey = _assertion_verify(credential, purpose=Purpose.LOGIN, require_user_verification=True)
    if passkey is None or not passkey.user.is_active:
        events.record("passkey_login_failed", ip=ip_address)
        raise PasskeyLoginFailed()
    pair = session_login(
        user=passkey.user, user_agent=user_agent, ip_address=ip_address, amr=["webauthn"]
    )
    return passkey.user, pair


def assertion_check(*, user: User, credential: dict, pending: PendingLogin | None) -> bool:
    """Whether an assertion is from one of the user's passkeys, answering the challenge of this
    pending login (a second factor) or of a re-authentication."""
    if pending is not None:
        passkey = _assertion_verify(
            credential, purpose=Purpose.SECOND_FACTOR, pending=pending, owner=user
        )
    else:
        passkey = _assertion_verify(
            credential, purpose=Purpose.REAUTHENTICATE, owner=user, require_user_verification=True
        )
    return passkey is not None


# --- The ceremonies' parts ------------------------------------------------------------------------


def _request_options(*, challenge: bytes, allow, user_verification) -> dict:
    options = generate_authentication_options(
        rp_id=settings.AUTH_WEBAUTHN_RP_ID,
        challenge=challenge,
        timeout=CEREMONY_SECONDS * 1000,
        allow_credentials=allow,
        user_verification=user_verification,
    )
    return json.loads(options_to_json(options))


def _assertion_verify(
    credential: dict,
    *,
    purpose: str,
    owner: User | None = None,
    pending: PendingLogin | None = None,
    require_user_verification: bool = False,
) -> Passkey | None:
    """The passkey that signed a valid answer to a challenge of this purpose, its counter
    moved forward; None for anything else."""
    try:
        raw_id = credential["rawId"]
        # Only base64url text is looked up: a database may refuse other text (NUL) outright.
        if not isinstance(raw_id, str) or not _BASE64URL.fullmatch(raw_id):
            return None
        passkeys = Passkey.objects.select_related("user")
        if owner is not None:
            passkeys = passkeys.filter(user=owner)
        passkey = passkeys.filter(credential_id=raw_id).first()
        if passkey is None:
            return None
        challenge, _ = _challenge_take(
            credential,
            purpose=purpose,
            user=owner if pending is None else None,
            pending=pending,
        )
        user_handle = _user_handle_of(credential)
        # Who logs in comes from the passkey alone: its authenticator must name the same user
        # (WebAuthn §7.2, step 6). Otherwise, when it names one, it must be the same user.
        if user_handle is None and owner is None:
            return None
        if user_handle is not None and user_handle != bytes(passkey.user_handle):
            return None
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=settings.AUTH_WEBAUTHN_RP_ID,
            expected_origin=settings.AUTH_WEBAUTHN_ORIGINS,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=require_user_verification,
        )
    except (WebAuthnException, KeyError, TypeError, ValueError, AttributeError):
        return None
    # Compare-and-swap on the counter: of two answers with one count, only one passes.
    moved = Passkey.objects.filter(pk=passkey.pk, sign_count=passkey.sign_count).update(
        sign_count=verified.new_sign_count, last_used_at=timezone.now()
    )
    return passkey if moved else None


def _challenge_new(*, purpose: str, user=None, pending=None, user_handle=None) -> bytes:
    challenge = os.urandom(32)
    now = timezone.now()
    WebAuthnChallenge.objects.create(
        challenge_hash=_hash(challenge),
        purpose=purpose,
        user=user,
        pending_login=pending,
        user_handle=user_handle,
        created_at=now,
        expires_at=now + timedelta(seconds=CEREMONY_SECONDS),
    )
    return challenge


def _challenge_take(
    credential: dict, *, purpose: str, user=None, pending=None
) -> tuple[bytes, WebAuthnChallenge]:
    """The challenge the browser signed, if this service issued it for this purpose (and
    user, or pending login), unused and unexpired; it is used up here."""
    client_data = parse_client_data_json(_base64url(credential["response"]["clientDataJSON"]))
    challenge = client_data.challenge
    issued = WebAuthnChallenge.objects.filter(
        challenge_hash=_hash(challenge),
        purpose=purpose,
        user=user,
        pending_login=pending,
        used_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    row = issued.first()
    if row is None or not issued.filter(pk=row.pk).update(used_at=timezone.now()):
        raise ValueError("not a challenge of this ceremony")
    return challenge, row


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(id=base64url_to_bytes(credential_id))
        for credential_id in user.passkeys.values_list("credential_id", flat=True)
    ]


def _existing_user_handle(user: User) -> bytes | None:
    handle = user.passkeys.values_list("user_handle", flat=True).first()
    return bytes(handle) if handle is not None else None


def _user_handle_of(credential: dict) -> bytes | None:
    handle = credential.get("response", {}).get("userHandle")
    return _base64url(handle) if handle else None


def _transports(credential: dict) -> list[str]:
    """The transports the browser reported, kept as hints: known names only."""
    transports = credential.get("response", {}).get("transports")
    if not isinstance(transports, list):
        return []
    return [t for t in transports if isinstance(t, str) and t in _TRANSPORTS][:8]


def _own_passkey(user: User, passkey_id) -> Passkey:
    passkey = Passkey.objects.filter(user=user, pk=passkey_id).first()
    if passkey is None:
        raise FactorNotFound(_("There is no such passkey."))
    return passkey


def _base64url(value) -> bytes:
    if not isinstance(value, str):
        raise TypeError("not base64url text")
    return base64url_to_bytes(value)


def _hash(challenge: bytes) -> str:
    return hashlib.sha256(challenge).hexdigest()
