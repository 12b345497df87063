"""Project-wide plumbing: JSON for every API error, DRF's exceptions, unknown paths and faults."""

import logging

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from accounts.errors import RequestTooLarge

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


def api_exception_handler(exc, context) -> Response | None:
    """DRF's handler, with a machine-readable ``code`` beside every ``detail``."""
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    response = exception_handler(exc, context)
    if response is None or not isinstance(response.data, dict):
        return response
    detail = response.data.get("detail")
    if detail is not None and "code" not in response.data:
        response.data["code"] = getattr(detail, "code", None) or exc.default_code
    # SimpleJWT lists every token class it tried; the detail and code say enough.
    response.data.pop("messages", None)
    return response


# Exempt, or Django's HTML CSRF page would answer an unsafe method before it; it changes nothing.
@csrf_exempt
def api_not_found(request, *args, **kwargs) -> JsonResponse:
    """The last route under /api/, so unknown paths are JSON even in debug."""
    return _json_error("Not found.", "not_found", status.HTTP_404_NOT_FOUND)


class ApiFaultMiddleware:
    """An unhandled exception under /api/ becomes a JSON 500, or a 503 when the database is down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not request.path.startswith(API_PREFIX):
            return None
        if isinstance(exception, (OperationalError, InterfaceError)):
            logger.error(
                "database unavailable: %s %s: %s",
                request.method,
                request.path,
                type(exception).__name__,
            )
            return _json_error(
                "The service is temporarily unavailable.",
                "service_unavailable",
                status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        logger.error("unhandled error: %s %s", request.method, request.path, exc_info=exception)
        return _json_error("Server error.", "server_error", status.HTTP_500_INTERNAL_SERVER_ERROR)


def _json_error(detail: str, code: str, status_code: int) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status_code)
