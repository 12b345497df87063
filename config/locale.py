"""The language of an answer: the one Accept-Language asks for among LANGUAGES, else English.

What Django's LocaleMiddleware does for a site without language prefixes in its
URLs, for the paths whose answers speak (the API, the admin, the health check),
at a fraction of its cost on every request: the choice is made once per distinct
header (cached), not from the header, a cookie and the path each time, and the
default language is never activated, only another one for its request. The
``django_language`` cookie does not count: the header alone decides, so a cookie
set from a sibling host cannot change an answer's language.

Those answers say their language in ``Content-Language``; those a cache may
keep (the admin's, the health check's) vary on ``Accept-Language``. Static
files and the API docs have nothing to translate: they keep their caching as it
is, in the default language.
"""

from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import (
    LANGUAGE_CODE_MAX_LENGTH,
    parse_accept_lang_header,
)

from config.errors import API_PREFIX

SPEAKING_PREFIXES = (API_PREFIX, "/admin/", "/healthz/")


def language_chosen(accept_language: str) -> str:
    """The first language of LANGUAGES that the header accepts (``ko-KR`` is ``ko``), by its
    quality values, else LANGUAGE_CODE's."""
    if len(accept_language) > LANGUAGE_CODE_MAX_LENGTH:
        # Rare, and parsed only up to that length: such keys would only bloat the cache.
        return _language_chosen.__wrapped__(accept_language)
    return _language_chosen(accept_language)


@lru_cache(maxsize=1000)
def _language_chosen(accept_language: str) -> str:
    for code, _quality in parse_accept_lang_header(accept_language):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return translation.get_supported_language_variant(settings.LANGUAGE_CODE)


class AcceptLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if not path.startswith(SPEAKING_PREFIXES):
            return self.get_response(request)
        language = language_chosen(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
        request.LANGUAGE_CODE = language
        if language == settings.LANGUAGE_CODE:
            # No request leaves a language active, so none needs setting for the default.
            response = self.get_response(request)
        else:
            translation.activate(language)
            try:
                response = self.get_response(request)
            finally:
                translation.deactivate()
        response.headers.setdefault("Content-Language", language)
        # A cache keeps nothing of /api/ (config.cache_control), so there nothing varies.
        if not path.startswith(API_PREFIX):
            patch_vary_headers(response, ("Accept-Language",))
        return response
