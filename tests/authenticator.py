"""A software WebAuthn authenticator for the API tests: EC P-256 keys, "none" attestation, and
assertions signed by hand, so that every field a browser would send can also be spoiled.

It answers the JSON options the API gives (binary fields in base64url) with the JSON a
browser's ``PublicKeyCredential.toJSON()`` produces. What a browser fills in from the page
(the origin, the rp id, the challenge it was handed) can be overridden per call.
"""

import base64
import hashlib
import json
import os
import struct
from dataclasses import dataclass, field

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings

# Authenticator data flags (WebAuthn §6.1).
USER_PRESENT = 0x01
USER_VERIFIED = 0x04
ATTESTED_DATA = 0x40
AAGUID = bytes(16)  # "none" attestation: no model to name


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Credential:
    """A credential the authenticator holds: its id, key, user handle and counter."""

    id: bytes
    key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes
    sign_count: int = 0

    @property
    def id_b64(self) -> str:
        return b64url(self.id)

    def cose_public_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,  # kty: EC2
                3: -7,  # alg: ES256
                -1: 1,  # crv: P-256
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )


@dataclass
class SoftAuthenticator:
    """A platform authenticator with resident keys and user verification, like Chrome's
    virtual one. Counters start at 0 and move by one per assertion."""

    credentials: dict[bytes, Credential] = field(default_factory=dict)

    @staticmethod
    def _origin() -> str:
        return settings.AUTH_WEBAUTHN_ORIGINS[0]

    def create(
        self,
        options: dict,
        *,
        origin: str | None = None,
        rp_id: str | None = None,
        challenge: str | None = None,
        user_verified: bool = True,
        client_data_type: str = "webauthn.create",
        credential_id: bytes | None = None,
    ) -> dict:
        """A new credential for ``navigator.credentials.create({publicKey: options})``;
        ``credential_id`` forces its id (as a rogue authenticator could)."""
        options = options.get("publicKey", options)
        rp_id = rp_id or options["rp"]["id"]
        credential = Credential(
            id=credential_id or os.urandom(32),
            key=ec.generate_private_key(ec.SECP256R1()),
            rp_id=rp_id,
            user_handle=unb64url(options["user"]["id"]),
        )
        client_data = self._client_data(
            client_data_type, challenge or options["challenge"], origin or self._origin()
        )
        flags = USER_PRESENT | ATTESTED_DATA | (USER_VERIFIED if user_verified else 0)
        attested = (
            AAGUID
            + struct.pack(">H", len(credential.id))
            + credential.id
            + credential.cose_public_key()
        )
        auth_data = self._auth_data(rp_id, flags, credential.sign_count) + attested
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        self.credentials[credential.id] = credential
        return {
            "id": credential.id_b64,
            "rawId": credential.id_b64,
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(attestation),
                "transports": ["internal"],
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        }

    def get(
        self,
        options: dict,
        *,
        credential: Credential | None = None,
        origin: str | None = None,
        rp_id: str | None = None,
        challenge: str | None = None,
        user_verified: bool = True,
        sign_count: int | None = None,
        user_handle: bytes | None | bool = True,
        client_data_type: str = "webauthn.get",
    ) -> dict:
        """An assertion for ``navigator.credentials.get({publicKey: options})``: by the given
        credential, else the only one the options allow, else the only one held."""
        options = options.get("publicKey", options)
        credential = credential or self._pick(options)
        rp_id = rp_id or options.get("rpId") or credential.rp_id
        if sign_count is None:
            credential.sign_count += 1
            sign_count = credential.sign_count
        client_data = self._client_data(
            client_data_type, challenge or options["challenge"], origin or self._origin()
        )
        flags = USER_PRESENT | (USER_VERIFIED if user_verified else 0)
        auth_data = self._auth_data(rp_id, flags, sign_count)
        signature = credential.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        handle = credential.user_handle if user_handle is True else user_handle or None
        return {
            "id": credential.id_b64,
            "rawId": credential.id_b64,
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(handle) if handle else None,
            },
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
        }

    def _pick(self, options: dict) -> Credential:
        allowed = [unb64url(d["id"]) for d in options.get("allowCredentials") or []]
        held = [c for c in self.credentials.values() if not allowed or c.id in allowed]
        if len(held) != 1:
            raise AssertionError(f"{len(held)} credentials fit these options; name one")
        return held[0]

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}
        ).encode()

    @staticmethod
    def _auth_data(rp_id: str, flags: int, sign_count: int) -> bytes:
        return (
            hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", sign_count)
        )
