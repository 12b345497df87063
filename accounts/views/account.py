"""The owner's account: who they are, their profile, a change of address, closing the account."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_yasg import openapi
from drf_yasg.utils import swagger_auto_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import RecentAuthentication, SecondFactorInSession, recent_for
from accounts.public import PublicAPIView
from accounts.schema import CLEARS_AUTH_COOKIES, error, field_errors
from accounts.serializers import (
    DetailSerializer,
    EmailChangeSerializer,
    EmailLinkSerializer,
    MeSerializer,
    MeUpdateSerializer,
)
from accounts.services import account
from accounts.throttling import EmailChangeThrottle, client_address
from accounts.views.common import cleared_response, validated

EMAIL_CHANGE_SENT = _(
    "A link to confirm the change is on its way to the new address; "
    "the current one keeps working until it is used."
)
_REAUTHENTICATE = error(
    'code "reauthentication_required": the session proved who the user is more than '
    "AUTH_REAUTHENTICATION_SECONDS ago; POST reauthenticate/ first. Or not authenticated."
)
_LINK_FAILED = (
    'code "invalid_link": the uid or token is wrong or tampered with, the link has expired '
    "(AUTH_PASSWORD_RESET_TIMEOUT_SECONDS), was used, or a later request or a cancel replaced it"
)


class MeView(APIView):
    permission_classes = (IsAuthenticated, SecondFactorInSession, recent_for("DELETE"))
    open_before_second_factor = ("GET",)

    @swagger_auto_schema(
        operation_id="auth_me",
        responses={200: openapi.Response("The user of the access token.", MeSerializer)},
    )
    def get(self, request):
        """The logged-in user"""
        return Response(MeSerializer(request.user).data)

    @swagger_auto_schema(
        operation_id="auth_me_update",
        request_body=MeUpdateSerializer,
        responses={
            200: openapi.Response("The user, changed.", MeSerializer),
            400: field_errors(
                "Field errors as at signup: a taken username (in canonical form), one breaking "
                'the rules; a field that cannot change here (code "read_only"), such as email.'
            ),
        },
    )
    def patch(self, request):
        """Change the username, first or last name

        Any subset of the fields. The username follows the rules of signup and is compared
        in canonical form; tokens issued before carry the old one in their `username`
        claim until the next refresh. The address changes through `POST email/change/`.
        """
        data = validated(MeUpdateSerializer, request).validated_data
        user = account.user_profile_update(user=request.user, **data)
        return Response(MeSerializer(user).data)

    @swagger_auto_schema(
        operation_id="auth_me_delete",
        responses={
            204: openapi.Response(
                "Closed: every session revoked, the account anonymised.",
                headers=CLEARS_AUTH_COOKIES,
            ),
            401: _REAUTHENTICATE,
        },
    )
    def delete(self, request):
        """Close the account

        Needs a recent authentication. Every session is revoked at once and the auth cookies
        are cleared; the account is deactivated and its personal data removed (the username
        and address are free again); a confirmation goes to its address.
        """
        account.account_close(user=request.user, ip_address=client_address(request))
        return cleared_response(request)


class EmailChangeView(APIView):
    permission_classes = (IsAuthenticated, RecentAuthentication)
    throttle_classes = (EmailChangeThrottle,)
    docs_tag = "account"

    @swagger_auto_schema(
        operation_id="auth_email_change",
        request_body=EmailChangeSerializer,
        responses={
            202: openapi.Response("The link is on its way; nothing changed yet.", DetailSerializer),
            400: field_errors(
                'A malformed address, one another account has (code "unique"), or the '
                'account\'s own (code "unchanged").'
            ),
            401: _REAUTHENTICATE,
        },
    )
    def post(self, request):
        """Ask to change the email address

        Needs a recent authentication. A link `FRONTEND_URL/confirm-email-change?uid=…&token=…`
        goes to the new address and a notice with a cancel link to the current one. Nothing
        changes until the link is used: the current address keeps working for login, and the
        new one is not reserved. A new request replaces the pending one. Limited per account
        like the emails (`AUTH_EMAIL_THROTTLE_RATE`).
        """
        serializer = validated(EmailChangeSerializer, request)
        account.email_change_request(
            user=request.user,
            new_email=serializer.validated_data["email"],
            ip_address=client_address(request),
        )
        return Response({"detail": EMAIL_CHANGE_SENT}, status=status.HTTP_202_ACCEPTED)


class EmailChangeConfirmView(PublicAPIView):
    docs_tag = "account"

    @swagger_auto_schema(
        operation_id="auth_email_change_confirm",
        request_body=EmailLinkSerializer,
        responses={
            200: openapi.Response('"email changed".', DetailSerializer),
            400: field_errors(
                f"{_LINK_FAILED}; also when another account has the address by now. Or a "
                "missing field."
            ),
        },
    )
    def post(self, request):
        """Change the email address from the link sent to the new one

        The new address replaces the old one and counts as verified; the old address gets
        a notification. Sessions go on.
        """
        serializer = validated(EmailLinkSerializer, request)
        account.email_change_confirm(
            **serializer.validated_data, ip_address=client_address(request)
        )
        return Response({"detail": gettext("email changed")})


class EmailChangeCancelView(PublicAPIView):
    docs_tag = "account"

    @swagger_auto_schema(
        operation_id="auth_email_change_cancel",
        request_body=EmailLinkSerializer,
        responses={
            200: openapi.Response('"email change cancelled".', DetailSerializer),
            400: field_errors(f"{_LINK_FAILED}. Or a missing field."),
        },
    )
    def post(self, request):
        """Cancel a pending change of address from the notice sent to the current one

        The notice links to `FRONTEND_URL/cancel-email-change?uid=…&token=…`. The link sent
        to the new address dies.
        """
        serializer = validated(EmailLinkSerializer, request)
        account.email_change_cancel(**serializer.validated_data, ip_address=client_address(request))
        return Response({"detail": gettext("email change cancelled")})
