"""The health check: the process answers and its database does."""

import logging

from django.db import DatabaseError, connection
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from drf_yasg import openapi
from drf_yasg.utils import swagger_auto_schema
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.response import Response

from accounts.public import PublicAPIView

logger = logging.getLogger(__name__)


class HealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "error"])
    database = serializers.ChoiceField(choices=["ok", "unavailable"])
    detail = serializers.CharField(required=False)


class JSONWhateverTheAcceptHeader(BaseContentNegotiation):
    """A probe gets JSON whatever it asks for, never a 406."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


@method_decorator(never_cache, name="dispatch")
class HealthView(PublicAPIView):
    content_negotiation_class = JSONWhateverTheAcceptHeader

    @swagger_auto_schema(
        operation_id="healthz",
        operation_summary="Health check: the service and its database answer",
        tags=["health"],
        security=[],
        responses={
            200: openapi.Response("Healthy.", HealthSerializer),
            503: openapi.Response("The database does not answer.", HealthSerializer),
        },
    )
    def get(self, request):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError as exc:
            logger.error("health check: database unavailable (%s)", type(exc).__name__)
            return Response(
                {
                    "status": "error",
                    "database": "unavailable",
                    "detail": gettext("The database does not answer."),
                },
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        return Response({"status": "ok", "database": "ok"})
