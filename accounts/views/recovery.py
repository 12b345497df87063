"""Password reset and email verification: public, they carry no credential, so no CSRF."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_yasg import openapi
from drf_yasg.utils import swagger_auto_schema
from rest_framework import status
from rest_framework.response import Response

from accounts.public import PublicAPIView
from accounts.schema import (
    field_errors,
)
from accounts.serializers import (
    DetailSerializer,
    EmailLinkSerializer,
    EmailRequestSerializer,
    PasswordResetConfirmSerializer,
)
from accounts.services import recovery
from accounts.throttling import (
    SignupAddressThrottle,
    client_address,
)
from accounts.views.common import (
    validated,
)

PASSWORD_RESET_SENT = _(
    "If an active account has this address, a password reset link is on its way."
)
VERIFICATION_SENT = _("If this address awaits verification, a verification link is on its way.")
_SENT = "Accepted; the same answer whether or not an email is sent."
_LINK_FAILED = (
    'code "invalid_link": the uid or token is wrong or tampered with, the link has expired '
    "(AUTH_PASSWORD_RESET_TIMEOUT_SECONDS) or was already used"
)


class PasswordResetView(PublicAPIView):
    throttle_classes = (SignupAddressThrottle,)
    docs_tag = "account"

    @swagger_auto_schema(
        operation_id="auth_password_reset",
        request_body=EmailRequestSerializer,
        responses={202: openapi.Response(_SENT, DetailSerializer)},
    )
    def post(self, request):
        """Email a password reset link

        An active account with this address gets an email with the link
        `FRONTEND_URL/reset-password?uid=…&token=…`; the front end posts `uid`, `token` and
        the new password to `/api/auth/password/reset/confirm/`. The answer is the same for
        an unknown address, and when the account's email limit is reached.
        """
        serializer = validated(EmailRequestSerializer, request)
        recovery.password_reset_request(
            email=serializer.validated_data["email"], ip_address=client_address(request)
        )
        return Response({"detail": PASSWORD_RESET_SENT}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(PublicAPIView):
    docs_tag = "account"

    @swagger_auto_schema(
        operation_id="auth_password_reset_confirm",
        request_body=PasswordResetConfirmSerializer,
        responses={
            200: openapi.Response('"password reset"; every session revoked.', DetailSerializer),
            400: field_errors(
                f"{_LINK_FAILED}; or field errors: a weak new_password.", codes=("invalid_link",)
            ),
        },
    )
    def post(self, request):
        """Set a new password from an emailed reset link

        Revokes every session of the user and counts the address as verified. Sets no
        cookies; log in afterwards. The link works once, but a new password that the
        validators refuse does not use it up.
        """
        serializer = validated(PasswordResetConfirmSerializer, request)
        data = serializer.validated_data
        recovery.password_reset_confirm(
            uid=data["uid"],
            token=data["token"],
            password=data["new_password"],
            ip_address=client_address(request),
        )
        return Response({"detail": gettext("password reset")})


class EmailVerifyView(PublicAPIView):
    docs_tag = "account"

    @swagger_auto_schema(
        operation_id="auth_email_verify",
        request_body=EmailLinkSerializer,
        responses={
            200: openapi.Response('"email verified".', DetailSerializer),
            400: field_errors(
                f"{_LINK_FAILED}; or field errors: a missing field.", codes=("invalid_link",)
            ),
        },
    )
    def post(self, request):
        """Verify the email address from an emailed link

        The signup email holds the link `FRONTEND_URL/verify-email?uid=…&token=…`. A link
        stops working once the address is verified or changes.
        """
        serializer = validated(EmailLinkSerializer, request)
        recovery.email_verify(**serializer.validated_data, ip_address=client_address(request))
        return Response({"detail": gettext("email verified")})


class EmailVerificationResendView(PublicAPIView):
    throttle_classes = (SignupAddressThrottle,)
    docs_tag = "account"

    @swagger_auto_schema(
        operation_id="auth_email_verify_resend",
        request_body=EmailRequestSerializer,
        responses={202: openapi.Response(_SENT, DetailSerializer)},
    )
    def post(self, request):
        """Email a new verification link

        Sent only to an active account whose address is not verified yet, and never with
        AUTH_EMAIL_VERIFICATION=none; the answer is the same in every case.
        """
        serializer = validated(EmailRequestSerializer, request)
        recovery.email_verification_resend(
            email=serializer.validated_data["email"], ip_address=client_address(request)
        )
        return Response({"detail": VERIFICATION_SENT}, status=status.HTTP_202_ACCEPTED)
