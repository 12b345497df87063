"""The admin's own middleware (Django's session, its user and messages), run under /admin/ only.

The API authenticates each request by its token and never reads Django's
session: for it, these layers would only load a session, wrap a lazy user and
a message store, and patch ``Vary: Cookie``, on every request. The admin gets
them exactly as Django would run them, in the order of ``ADMIN_MIDDLEWARE``.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.handlers.exception import convert_exception_to_response
from django.utils.module_loading import import_string

ADMIN_PREFIX = "/admin/"
# What the admin needs, in this order; Django's own checks of it (admin.E408 to
# E410) look in MIDDLEWARE only, so settings silence them and this class checks.
REQUIRED = (
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
)


class AdminOnlyMiddleware:
    def __init__(self, get_response):
        if [path for path in settings.ADMIN_MIDDLEWARE if path in REQUIRED] != list(REQUIRED):
            raise ImproperlyConfigured(f"ADMIN_MIDDLEWARE must hold {', '.join(REQUIRED)} in order")
        self.get_response = get_response
        handler = get_response
        for path in reversed(settings.ADMIN_MIDDLEWARE):
            # As Django's handler chains middleware: an exception becomes a response per layer.
            handler = convert_exception_to_response(import_string(path)(handler))
        self.admin = handler

    def __call__(self, request):
        if request.path_info.startswith(ADMIN_PREFIX):
            return self.admin(request)
        return self.get_response(request)
