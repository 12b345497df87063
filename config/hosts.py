"""Requests for a host this service does not serve: a quiet 400, JSON under /api/.

Django refuses a ``Host`` outside ``ALLOWED_HOSTS`` with an HTML page and logs
an ERROR with a traceback, for every scanner and every probe by address. Here
the refusal is one WARNING line, and the API's refusal is JSON like its other
errors. The health check answers whatever host it is asked as: a load balancer
probes each instance by its address, and the answer builds nothing from the host.
"""

import logging

from django.core.exceptions import DisallowedHost
from django.http import JsonResponse
from django.utils.translation import gettext
from django.views.defaults import bad_request

from config.errors import API_PREFIX
from config.health import HealthView

# Django's own logger for this refusal, so that filters set on it keep working.
logger = logging.getLogger("django.security.DisallowedHost")

HEALTH_PATH = "/healthz/"

_health = HealthView.as_view()


class DisallowedHostMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            request.get_host()
        except DisallowedHost as exc:
            if request.path_info == HEALTH_PATH:
                return _health(request).render()
            return self._refuse(request, exc)
        return self.get_response(request)

    def _refuse(self, request, exc):
        logger.warning(
            "disallowed host %r: %s %s",
            request.META.get("HTTP_HOST", "")[:200],
            request.method,
            request.path[:200],
        )
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse(
                {
                    "detail": gettext("This service does not answer to that host name."),
                    "code": "disallowed_host",
                },
                status=400,
            )
        return bad_request(request, exc)
