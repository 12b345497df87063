"""Security events, one JSON line each on the ``accounts.security`` logger.

The events of an account's second factors are also kept as rows
(models.SecurityEvent), for their owner and the admin to see. Callers pass
identifiers only (user and session ids, addresses, reasons); nothing here ever
receives a token, a code or a password.
"""

import json
import logging
import uuid

logger = logging.getLogger("accounts.security")

# The events stored as SecurityEvent rows besides being logged.
KEPT = frozenset(
    {
        "mfa_enrolled",
        "mfa_removed",
        "mfa_used",
        "mfa_failed",
        "mfa_token_misused",
        "recovery_code_used",
        "recovery_codes_regenerated",
        "reauthenticated",
    }
)


def record(event: str, **fields) -> None:
    if event in KEPT and fields.get("user_id") is not None:
        _keep(event, fields)
    if not logger.isEnabledFor(logging.INFO):
        return
    line = {"event": event}
    line.update(
        (key, str(value) if isinstance(value, uuid.UUID) else value)
        for key, value in fields.items()
    )
    logger.info(json.dumps(line, default=str, sort_keys=True))


def _keep(event: str, fields: dict) -> None:
    from accounts.models import SecurityEvent

    detail = {k: v for k, v in fields.items() if k not in ("user_id", "ip")}
    SecurityEvent.objects.create(
        user_id=fields["user_id"],
        kind=event,
        ip_address=fields.get("ip"),
        detail=json.loads(json.dumps(detail, default=str)),
    )
