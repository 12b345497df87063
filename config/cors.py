"""django-cors-headers, without its cost on requests that name no origin.

Without an ``Origin`` header the library's only effect is ``Vary: Origin`` on
the paths it covers, but it finds that out by parsing every header of the
request into ``request.headers``: a thirtieth of an authenticated request.
Requests with an ``Origin`` go through the library unchanged;
tests/test_cors.py holds the two paths to each other.
"""

from corsheaders import middleware
from django.utils.cache import patch_vary_headers


class CorsMiddleware(middleware.CorsMiddleware):
    def add_response_headers(self, request, response):
        if request.META.get("HTTP_ORIGIN"):
            return super().add_response_headers(request, response)
        enabled = getattr(request, "_cors_enabled", None)
        if enabled is None:
            enabled = self.is_enabled(request)
        if enabled:
            patch_vary_headers(response, ("origin",))
        return response
