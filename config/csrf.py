"""Django's CSRF check, which also trusts the origins matching CSRF_TRUSTED_ORIGIN_REGEXES.

CSRF_TRUSTED_ORIGINS takes a wildcard only for subdomains, never for a port, so a
development front end on any localhost port needs this: ``_origin_verified`` is the
one place Django compares the Origin header with the trusted origins. The setting is
empty unless DEBUG (config/settings.py), so production trusts its listed origins only.
Both Django's middleware and the API's authentication (DRF's check) use this class.
"""

import re

from django.conf import settings
from django.middleware import csrf


def origin_trusted_by_pattern(origin: str) -> bool:
    return any(re.fullmatch(pattern, origin) for pattern in settings.CSRF_TRUSTED_ORIGIN_REGEXES)


class CsrfViewMiddleware(csrf.CsrfViewMiddleware):
    def _origin_verified(self, request) -> bool:
        return super()._origin_verified(request) or origin_trusted_by_pattern(
            request.META["HTTP_ORIGIN"]
        )


class _CsrfCheck(CsrfViewMiddleware):
    """As DRF's CSRFCheck: the reason of a refusal instead of Django's HTML page."""

    def _reject(self, request, reason):
        return reason


def csrf_failure(request) -> str | None:
    """Why the request fails Django's CSRF check, or None when it passes."""
    check = _CsrfCheck(lambda request: None)
    check.process_request(request)  # reads the csrftoken cookie into request.META
    return check.process_view(request, None, (), {})
