"""Passkeys: registering, listing, renaming and deleting them, and logging in with one alone."""

from drf_yasg import openapi
from drf_yasg.utils import no_body, swagger_auto_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors
from accounts.permissions import RecentAuthentication, recent_for
from accounts.public import PublicAPIView
from accounts.schema import SETS_LOGIN_COOKIES, error, field_errors
from accounts.serializers import (
    LoginResponseSerializer,
    PasskeyCreatedSerializer,
    PasskeyCreateSerializer,
    PasskeyLoginSerializer,
    PasskeyRenameSerializer,
    PasskeySerializer,
    WebAuthnOptionsSerializer,
)
from accounts.services import passkeys
from accounts.throttling import LoginAddressThrottle, PasskeyOptionsThrottle, client_address
from accounts.views.common import login_response, validated
from accounts.views.mfa import _REAUTHENTICATE

PASSKEY_ID = openapi.Parameter(
    "passkey_id", openapi.IN_PATH, type=openapi.TYPE_INTEGER, required=True
)


class PasskeyRegistrationOptionsView(APIView):
    docs_tag = "passkeys"
    permission_classes = (IsAuthenticated, RecentAuthentication)

    @swagger_auto_schema(
        operation_id="auth_passkeys_register_options",
        request_body=no_body,
        responses={
            200: openapi.Response("Creation options.", WebAuthnOptionsSerializer),
            401: _REAUTHENTICATE,
        },
    )
    def post(self, request):
        """Options for registering a passkey

        Pass `publicKey` to `navigator.credentials.create()` (a discoverable credential with
        user verification), then the credential to `POST passkeys/`.
        """
        return Response({"publicKey": passkeys.registration_options(user=request.user)})


class PasskeyListView(APIView):
    docs_tag = "passkeys"
    permission_classes = (IsAuthenticated, recent_for("POST"))

    @swagger_auto_schema(
        operation_id="auth_passkeys_list",
        responses={200: openapi.Response("The user's passkeys.", PasskeySerializer(many=True))},
    )
    def get(self, request):
        """The user's passkeys, oldest first"""
        return Response(
            PasskeySerializer(selectors.passkeys_list(user=request.user), many=True).data
        )

    @swagger_auto_schema(
        operation_id="auth_passkeys_create",
        request_body=PasskeyCreateSerializer,
        responses={
            201: openapi.Response(
                "Registered; with recovery_codes (shown only here) when it is the account's "
                "first factor.",
                PasskeyCreatedSerializer,
            ),
            400: field_errors(
                'code "invalid_credential": the credential does not verify; or field errors.'
            ),
            401: _REAUTHENTICATE,
        },
    )
    def post(self, request):
        """Register a passkey

        `credential` answers the options of `POST passkeys/register/options/`. The passkey
        becomes a second factor and a way to log in without a password. When it is the
        account's first factor, the answer also holds ten recovery codes, as a TOTP
        enrolment does: without them a lost passkey would lock the account out.
        """
        data = validated(PasskeyCreateSerializer, request).validated_data
        registered = passkeys.passkey_register(
            user=request.user,
            name=data["name"],
            credential=data["credential"],
            ip_address=client_address(request),
        )
        body = PasskeySerializer(registered.passkey).data
        if registered.recovery_codes is not None:
            body["recovery_codes"] = registered.recovery_codes
        return Response(body, status=status.HTTP_201_CREATED)


class PasskeyDetailView(APIView):
    docs_tag = "passkeys"
    permission_classes = (IsAuthenticated, recent_for("DELETE"))

    @swagger_auto_schema(
        operation_id="auth_passkeys_rename",
        manual_parameters=[PASSKEY_ID],
        request_body=PasskeyRenameSerializer,
        responses={
            200: openapi.Response("Renamed.", PasskeySerializer),
            404: error('code "not_found": no such passkey of this user.'),
        },
    )
    def patch(self, request, passkey_id):
        """Rename a passkey"""
        name = validated(PasskeyRenameSerializer, request).validated_data["name"]
        passkey = passkeys.passkey_rename(user=request.user, passkey_id=passkey_id, name=name)
        return Response(PasskeySerializer(passkey).data)

    @swagger_auto_schema(
        operation_id="auth_passkeys_delete",
        manual_parameters=[PASSKEY_ID],
        responses={
            204: "Deleted.",
            401: _REAUTHENTICATE,
            404: error('code "not_found": no such passkey of this user.'),
        },
    )
    def delete(self, request, passkey_id):
        """Delete a passkey"""
        passkeys.passkey_delete(
            user=request.user, passkey_id=passkey_id, ip_address=client_address(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasskeyLoginOptionsView(PublicAPIView):
    docs_tag = "passkeys"
    throttle_classes = (PasskeyOptionsThrottle,)

    @swagger_auto_schema(
        operation_id="auth_passkeys_login_options",
        request_body=no_body,
        responses={200: openapi.Response("Request options.", WebAuthnOptionsSerializer)},
    )
    def post(self, request):
        """Options for a passwordless login with a passkey

        Pass `publicKey` to `navigator.credentials.get()`; the browser offers the passkeys it
        holds for this service. Then `POST passkeys/login/` with the credential.
        """
        return Response({"publicKey": passkeys.login_options()})


class PasskeyLoginView(PublicAPIView):
    docs_tag = "passkeys"
    throttle_classes = (LoginAddressThrottle,)

    @swagger_auto_schema(
        operation_id="auth_passkeys_login",
        request_body=PasskeyLoginSerializer,
        responses={
            200: openapi.Response(
                'Logged in, with amr ["webauthn"].',
                LoginResponseSerializer,
                headers=SETS_LOGIN_COOKIES,
            ),
            401: error('code "invalid_credential": the passkey could not be verified.'),
        },
    )
    def post(self, request):
        """Log in with a passkey alone

        Exactly what a login answers; the session's `amr` is `["webauthn"]`.
        """
        credential = validated(PasskeyLoginSerializer, request).validated_data["credential"]
        user, pair = passkeys.passkey_login(
            credential=credential,
            user_agent=request.headers.get("User-Agent", ""),
            ip_address=client_address(request),
        )
        return login_response(request, user, pair)
