"""The language of an answer: Django's LocaleMiddleware, for the paths whose answers speak.

The API, the admin and the health check answer in the language that ``Accept-Language``
asks for, among ``LANGUAGES`` (English otherwise); those answers say so in
``Content-Language`` and vary on ``Accept-Language``. Static files and the API docs
have nothing to translate, so they keep their caching as it is: no ``Vary`` of a
language, and the default language for whatever runs to serve them.
"""

from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from config.errors import API_PREFIX

SPEAKING_PREFIXES = (API_PREFIX, "/admin/", "/healthz/")


class SpeakingPathsLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if request.path_info.startswith(SPEAKING_PREFIXES):
            super().process_request(request)
        else:
            # A thread keeps the language of the last request it served.
            translation.deactivate()

    def process_response(self, request, response):
        if request.path_info.startswith(SPEAKING_PREFIXES):
            return super().process_response(request, response)
        return response
