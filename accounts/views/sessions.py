"""The signed-in user's sessions, logging out everywhere, and the password."""

from django.utils.translation import gettext
from drf_yasg import openapi
from drf_yasg.utils import no_body, swagger_auto_schema
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors
from accounts.models import LoginSession, RevokeReason
from accounts.pagination import SESSIONS_PAGE_SIZE, next_link
from accounts.schema import (
    CLEARS_AUTH_COOKIES,
    error,
    field_errors,
)
from accounts.serializers import (
    DetailSerializer,
    PasswordChangeSerializer,
    SessionPageSerializer,
    SessionSerializer,
)
from accounts.services import sessions, users
from accounts.throttling import (
    PasswordCheckThrottle,
    client_address,
)
from accounts.views.common import (
    cleared_response,
    current_session_id,
    validated,
)

SESSION_ID = openapi.Parameter(
    "session_id",
    openapi.IN_PATH,
    description="The id of a session, as listed by GET /sessions/.",
    type=openapi.TYPE_STRING,
    format=openapi.FORMAT_UUID,
    required=True,
)


class SessionListView(APIView):
    open_before_second_factor = True
    docs_tag = "sessions"

    @swagger_auto_schema(
        operation_id="auth_sessions_list",
        query_serializer=SessionPageSerializer,
        responses={
            200: openapi.Response(
                f"A page of active sessions, at most {SESSIONS_PAGE_SIZE}.",
                SessionSerializer(many=True),
                headers={
                    "Link": openapi.Schema(
                        type=openapi.TYPE_STRING,
                        description='`<…/sessions/?cursor=…>; rel="next"` while more follow '
                        "(RFC 8288); absent on the last page.",
                    )
                },
            ),
            400: field_errors('`cursor` is not one this list gave (code "invalid").'),
        },
    )
    def get(self, request):
        """The user's active sessions, most recently used first, a page at a time

        `current` marks the session of the token that made the request. A page holds
        at most 50; the `Link` header names the next one, until the last.
        """
        query = SessionPageSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page, following = selectors.sessions_active_page(
            user=request.user, after=query.validated_data.get("cursor"), size=SESSIONS_PAGE_SIZE
        )
        context = {"current_session_id": current_session_id(request)}
        response = Response(SessionSerializer(page, many=True, context=context).data)
        if following is not None:
            response["Link"] = next_link(request, following)
        return response


class SessionDetailView(APIView):
    open_before_second_factor = True
    docs_tag = "sessions"

    @swagger_auto_schema(
        operation_id="auth_sessions_delete",
        manual_parameters=[SESSION_ID],
        responses={
            204: openapi.Response(
                "Revoked; the auth cookies are cleared when it was the current session.",
                headers=CLEARS_AUTH_COOKIES,
            ),
            404: error(
                'code "not_found": no such active session of this user.', codes=("not_found",)
            ),
        },
    )
    def delete(self, request, session_id):
        """Revoke one session

        Its tokens stop working at once. Revoking the current session also clears the
        auth cookies.
        """
        session = selectors.sessions_active_list(user=request.user).filter(pk=session_id).first()
        if session is None:
            raise exceptions.NotFound("No such session.")
        sessions.sessions_revoke(
            sessions=LoginSession.objects.filter(pk=session.pk), reason=RevokeReason.SESSION_DELETED
        )
        if session.pk == current_session_id(request):
            return cleared_response(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    open_before_second_factor = True
    docs_tag = "sessions"

    @swagger_auto_schema(
        operation_id="auth_logout_all",
        request_body=no_body,
        responses={204: openapi.Response("All sessions revoked.", headers=CLEARS_AUTH_COOKIES)},
    )
    def post(self, request):
        """Revoke every session of the user

        Takes no body.
        """
        sessions.user_sessions_revoke(user=request.user, reason=RevokeReason.LOGOUT_ALL)
        return cleared_response(request)


class PasswordChangeView(APIView):
    throttle_classes = (PasswordCheckThrottle,)
    docs_tag = "sessions"

    @swagger_auto_schema(
        operation_id="auth_password_change",
        request_body=PasswordChangeSerializer,
        responses={
            200: openapi.Response('"password changed"; this session goes on.', DetailSerializer),
            400: field_errors("Wrong old password, or a weak new one.", codes=()),
        },
    )
    def post(self, request):
        """Change the password; every other session is revoked

        Throttled like a login to the same account, since it checks the password.
        """
        serializer = validated(PasswordChangeSerializer, request)
        users.user_password_set(
            user=request.user,
            password=serializer.validated_data["new_password"],
            reason=RevokeReason.PASSWORD_CHANGED,
            keep_session_id=current_session_id(request),
            ip_address=client_address(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
        return Response({"detail": gettext("password changed")})
