"""Security events, one JSON line each on the ``accounts.security`` logger.

Callers pass identifiers only (user and session ids, addresses, reasons);
nothing here ever receives a token or a password.
"""

import json
import logging
import uuid

logger = logging.getLogger("accounts.security")


def record(event: str, **fields) -> None:
    if not logger.isEnabledFor(logging.INFO):
        return
    line = {"event": event}
    line.update(
        (key, str(value) if isinstance(value, uuid.UUID) else value)
        for key, value in fields.items()
    )
    logger.info(json.dumps(line, default=str, sort_keys=True))
