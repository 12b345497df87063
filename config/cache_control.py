"""Answers under /api/ are never stored by a browser or a proxy cache.

They carry personal data (an email, the addresses and user agents of sessions)
or credentials, and a shared cache must not hand one user's answer to another.
"""

from django.utils.cache import patch_cache_control

from config.errors import API_PREFIX


class ApiNoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX):
            if "Cache-Control" in response:
                patch_cache_control(response, no_store=True)
            else:
                # What patch_cache_control would write, without parsing a header there is not.
                response["Cache-Control"] = "no-store"
        return response
