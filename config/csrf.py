"""The API's CSRF check: Django's, also trusting the origins matching CSRF_TRUSTED_ORIGIN_REGEXES.

CSRF_TRUSTED_ORIGINS takes a wildcard only for subdomains, never for a port, so a
development front end on any localhost port needs this: ``_origin_verified`` is the
one place Django compares the Origin header with the trusted origins. The setting is
empty unless DEBUG (config/settings.py), so production trusts its listed origins only.
The API's authentication applies it to cookie credentials (accounts/authentication.py);
Django's own middleware, for the admin on the API's origin, stays as it is.
"""

import re

from django.conf import settings
from django.middleware import csrf


def origin_trusted_by_pattern(origin: str) -> bool:
    return any(re.fullmatch(pattern, origin) for pattern in settings.CSRF_TRUSTED_ORIGIN_REGEXES)


class _CsrfCheck(csrf.CsrfViewMiddleware):
    """As DRF's CSRFCheck (a refusal's reason, not Django's HTML page), with the patterns."""

    def _origin_verified(self, request) -> bool:
        return super()._origin_verified(request) or origin_trusted_by_pattern(
            request.META["HTTP_ORIGIN"]
        )

    def _reject(self, request, reason):
        return reason


def csrf_failure(request) -> str | None:
    """Why the request fails the CSRF check, or None when it passes."""
    check = _CsrfCheck(lambda request: None)
    check.process_request(request)  # reads the csrftoken cookie into request.META
    return check.process_view(request, None, (), {})
