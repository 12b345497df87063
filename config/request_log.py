"""One JSON line per request: method, path, status, duration and user id.

The line never holds the query string, headers, cookies or bodies, so no
token, password or cookie value can reach the log through it.
"""

import json
import logging
import time

from django.utils.functional import empty

logger = logging.getLogger("config.request_log")
# One encoder for every line: json.dumps builds a new one whenever it is given ``default``.
_encode = json.JSONEncoder(default=str).encode


def _log_line(message: str) -> None:
    """``logger.info(message)``, with the record made here: logging would look for its
    caller in the stack (a fifth of this line's cost), and the caller is this function."""
    record = logger.makeRecord(
        logger.name, logging.INFO, __file__, _LOG_LINE_LINENO, message, (), None, "_log_line"
    )
    logger.handle(record)


_LOG_LINE_LINENO = _log_line.__code__.co_firstlineno


def _user_id(request):
    user = getattr(request, "user", None)
    # Django's lazy user is left unevaluated: resolving it would cost a session
    # lookup on requests that never needed one. DRF replaces it when it authenticates.
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        if logger.isEnabledFor(logging.INFO):
            line = {
                "event": "request",
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": _user_id(request),
            }
            _log_line(_encode(line))
        return response
