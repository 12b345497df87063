"""The health check: the process answers and its database does."""

import logging

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        logger.error("health check: database unavailable (%s)", type(exc).__name__)
        return JsonResponse(
            {"status": "error", "database": "unavailable", "detail": "The database does not answer."},
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok"})
