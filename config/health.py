"""The health check: the process answers and its database does; a backlog of email is a warning.

Undelivered emails older than AUTH_EMAIL_BACKLOG_WARNING_SECONDS (the email
worker is down, or the mail server is) add ``warning`` and ``email_backlog``
to the answer, which stays a 200: the API itself works, and a load balancer
must not take every instance out for it.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils.decorators import method_decorator
from django.utils.translation import gettext, ngettext
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
    warning = serializers.CharField(
        required=False, help_text="Something to look at that does not fail the check."
    )
    email_backlog = serializers.IntegerField(
        required=False,
        help_text="Emails undelivered for over AUTH_EMAIL_BACKLOG_WARNING_SECONDS.",
    )


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
        operation_description="A `warning` (still a 200) says that emails wait undelivered "
        "for longer than AUTH_EMAIL_BACKLOG_WARNING_SECONDS: is `manage.py email_worker` "
        "running, and the mail server reachable?",
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
        return Response({"status": "ok", "database": "ok", **_email_backlog()})


def _email_backlog() -> dict:
    from accounts.emails import outbox_backlog

    threshold = settings.AUTH_EMAIL_BACKLOG_WARNING_SECONDS
    try:
        backlog = outbox_backlog(older_than=timedelta(seconds=threshold))
    except DatabaseError as exc:
        logger.warning("health check: outbox unreadable (%s)", type(exc).__name__)
        return {}
    if not backlog.count:
        return {}
    warning = ngettext(
        "%(count)d email undelivered for over %(seconds)d s (since %(oldest)s UTC): "
        "is the email worker running?",
        "%(count)d emails undelivered for over %(seconds)d s (the oldest since %(oldest)s UTC): "
        "is the email worker running?",
        backlog.count,
    ) % {
        "count": backlog.count,
        "seconds": threshold,
        "oldest": f"{backlog.oldest:%Y-%m-%d %H:%M:%S}",
    }
    return {"warning": warning, "email_backlog": backlog.count}
