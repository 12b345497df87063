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
from django.utils.translation import gettext_lazy as _

# Django's reasons are English constants; those that hold no value are said in the
# request's language (the others, naming an origin or a header, stay as Django words them).
_TRANSLATED_REASONS = {
    csrf.REASON_NO_CSRF_COOKIE: _("CSRF cookie not set."),
    csrf.REASON_CSRF_TOKEN_MISSING: _("CSRF token missing."),
    csrf.REASON_NO_REFERER: _("Referer checking failed - no Referer."),
    csrf.REASON_MALFORMED_REFERER: _("Referer checking failed - Referer is malformed."),
    csrf.REASON_INSECURE_REFERER: _(
        "Referer checking failed - Referer is insecure while host is secure."
    ),
}


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
    reason = check.process_view(request, None, (), {})
    return reason and str(_TRANSLATED_REASONS.get(reason, reason))
