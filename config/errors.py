"""Project-wide plumbing: JSON for every API error, DRF's exceptions, unknown paths and faults."""

import logging
from collections.abc import Iterator

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from accounts.errors import RequestTooLarge

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


def api_exception_handler(exc, context) -> Response | None:
    """DRF's handler, with a machine-readable ``code`` beside every ``detail``, and with
    ``detail`` and the ``errors`` list beside a validation error's field errors."""
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    response = exception_handler(exc, context)
    if response is None:
        return response
    if isinstance(exc, exceptions.ValidationError):
        response.data = validation_error_body(response.data)
        return response
    if not isinstance(response.data, dict):
        return response
    detail = response.data.get("detail")
    if detail is not None and "code" not in response.data:
        response.data["code"] = getattr(detail, "code", None) or exc.default_code
    # SimpleJWT lists every token class it tried; the detail and code say enough.
    response.data.pop("messages", None)
    return response


def validation_error_body(detail) -> dict:
    """DRF's ``{field: [message, …]}`` as it is, with ``detail`` (a sentence) and ``errors``:
    one ``{field, code, message}`` per message, nested fields named with dots.

    The body has no ``code`` of its own: three requests have a field named ``code``, whose
    messages stand under that key, so a string ``code`` never marks a validation error.
    """
    if not isinstance(detail, dict):
        # A ValidationError raised with a message or a list: errors of no one field.
        detail = {NON_FIELD: detail if isinstance(detail, list) else [detail]}
    body = dict(detail)
    # No request has a field named detail or errors, but an unknown key of a body may be
    # reported as a field error: its messages stay in the list, the envelope keeps its shape.
    body["detail"] = str(exceptions.ValidationError.default_detail)
    body["errors"] = list(_field_errors(detail))
    return body


def _field_errors(detail, field: str | None = None) -> Iterator[dict]:
    """DRF's nested errors flattened: a nested serializer's or a dict's keys, and a list's
    indices where its items hold errors of their own, joined by dots."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from _field_errors(value, f"{field}.{key}" if field else str(key))
        return
    if not isinstance(detail, list):
        detail = [detail]
    for index, item in enumerate(detail):
        if isinstance(item, (dict, list)):
            yield from _field_errors(item, f"{field}.{index}" if field else str(index))
        else:
            yield {
                "field": field or NON_FIELD,
                "code": getattr(item, "code", None) or exceptions.ValidationError.default_code,
                "message": str(item),
            }


# Exempt, or Django's HTML CSRF page would answer an unsafe method before it; it changes nothing.
@csrf_exempt
def api_not_found(request, *args, **kwargs) -> JsonResponse:
    """The last route under /api/, so unknown paths are JSON even in debug."""
    return _json_error(gettext("Not found."), "not_found", status.HTTP_404_NOT_FOUND)


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
                gettext("The service is temporarily unavailable."),
                "service_unavailable",
                status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        logger.error("unhandled error: %s %s", request.method, request.path, exc_info=exception)
        return _json_error(
            gettext("Server error."), "server_error", status.HTTP_500_INTERNAL_SERVER_ERROR
        )


def _json_error(detail: str, code: str, status_code: int) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status_code)
