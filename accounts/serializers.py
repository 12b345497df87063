"""Request and response shapes of the auth API; the docs are generated from them."""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.settings import api_settings
from rest_framework_simplejwt.serializers import TokenObtainSerializer

from accounts import identifiers, pagination
from accounts.models import LoginSession, User
from accounts.services.users import password_validate

PASSWORD_MAX_LENGTH = 1024


# --- Fields ---------------------------------------------------------------------------


class StrictStringMixin:
    """Only a JSON string is a string: DRF would otherwise turn 42 into "42"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StringField(StrictStringMixin, serializers.CharField):
    pass


class UsernameField(StringField):
    """A username, NFKC-normalised before any rule (length included) is checked."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", identifiers.USERNAME_MAX_LENGTH)
        kwargs.setdefault("help_text", "Letters, digits and . + - _ only; no @.")
        super().__init__(validators=[identifiers.username_validate], **kwargs)

    def to_internal_value(self, data):
        return identifiers.username_normalize(super().to_internal_value(data))


class EmailAddressField(StringField):
    """An email address, normalised (NFKC, lower-case domain) before it is checked."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", identifiers.EMAIL_MAX_LENGTH)
        super().__init__(validators=[identifiers.email_validate], **kwargs)

    def to_internal_value(self, data):
        return identifiers.email_normalize(super().to_internal_value(data))

    def to_representation(self, value):
        return value


class PasswordField(StringField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", PASSWORD_MAX_LENGTH)
        kwargs.setdefault("style", {"input_type": "password"})
        super().__init__(write_only=True, trim_whitespace=False, **kwargs)


# --- Requests -------------------------------------------------------------------------


def username_unique_validate(value: str, *, exclude: User | None = None) -> None:
    taken = User.objects.filter(username_canonical=identifiers.canonical(value))
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise serializers.ValidationError(
            _("A user with that username already exists."), code="unique"
        )


def email_unique_validate(value: str) -> None:
    if User.objects.filter(email_canonical=identifiers.email_canonical(value)).exists():
        raise serializers.ValidationError(
            _("A user with that email already exists."), code="unique"
        )


class SignupSerializer(serializers.Serializer):
    username = UsernameField()
    email = EmailAddressField()
    password = PasswordField()

    def validate_username(self, value: str) -> str:
        username_unique_validate(value)
        return value

    def validate_email(self, value: str) -> str:
        email_unique_validate(value)
        return value

    def validate_password(self, value: str) -> str:
        # A field check, not an object check, so that a weak password is reported
        # together with a taken username; the similarity check compares what was sent.
        username, email = (self.initial_data.get(name) for name in ("username", "email"))
        candidate = User(
            username=username if isinstance(username, str) else "",
            email=email if isinstance(email, str) else "",
        )
        password_validate(password=value, user=candidate)
        return value


class LoginSerializer(TokenObtainSerializer):
    """SimpleJWT's credential check, with string-only fields; ``username`` may be an email."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"] = StringField(
            write_only=True, max_length=254, help_text="Username or email address"
        )
        self.fields["password"] = PasswordField()


class RefreshRequestSerializer(serializers.Serializer):
    refresh = StringField(
        required=False,
        write_only=True,
        help_text="A refresh token, for clients without cookies; ignored when the "
        "refresh_token cookie is present.",
    )


class PasswordChangeSerializer(serializers.Serializer):
    old_password = PasswordField()
    new_password = PasswordField()

    def validate_old_password(self, value: str) -> str:
        if not self.context["request"].user.check_password(value):
            raise serializers.ValidationError(
                _("The old password is not correct."), code="password_incorrect"
            )
        return value

    def validate_new_password(self, value: str) -> str:
        password_validate(password=value, user=self.context["request"].user)
        return value


class MeUpdateSerializer(serializers.Serializer):
    """What the owner may change of their account; the username by the rules of signup.

    A field the owner may not change here (``email``, which changes through an
    emailed link, ``is_staff``…) is a field error rather than silently ignored.
    """

    username = UsernameField(required=False)
    first_name = StringField(required=False, allow_blank=True, max_length=150)
    last_name = StringField(required=False, allow_blank=True, max_length=150)

    def validate_username(self, value: str) -> str:
        username_unique_validate(value, exclude=self.context["request"].user)
        return value

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields)) if isinstance(data, dict) else []
        errors = {
            name: [
                serializers.ErrorDetail(
                    _("The address changes through POST /api/auth/email/change/.")
                    if name == "email"
                    else _("This field cannot be changed."),
                    code="read_only",
                )
            ]
            for name in unknown
        }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if not isinstance(exc.detail, dict):
                raise
            raise serializers.ValidationError({**exc.detail, **errors}) from None
        if errors:
            raise serializers.ValidationError(errors)
        return value


class EmailChangeSerializer(serializers.Serializer):
    """The address to move the account to: well-formed, and no account's yet."""

    email = EmailAddressField()

    def validate_email(self, value: str) -> str:
        current = self.context["request"].user.email
        if current and identifiers.email_canonical(value) == identifiers.email_canonical(current):
            raise serializers.ValidationError(
                _("This is the account's address already."), code="unchanged"
            )
        email_unique_validate(value)
        return value


class EmailRequestSerializer(serializers.Serializer):
    """An address to send a link to."""

    email = EmailAddressField()


class EmailLinkSerializer(serializers.Serializer):
    """The ``uid`` and ``token`` query parameters of an emailed link, passed on as they are."""

    uid = StringField(max_length=64, help_text="The link's uid parameter")
    token = StringField(max_length=128, help_text="The link's token parameter")


class PasswordResetConfirmSerializer(EmailLinkSerializer):
    new_password = PasswordField()


# --- Responses ------------------------------------------------------------------------


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "email"]


# Formats as the declared date_joined field does; unbound, it needs no serializer.
_DATE_JOINED = serializers.DateTimeField()


class MeSerializer(serializers.Serializer):
    """The signed-in user, in the body of `me`, login and the session probe.

    Declared field by field for the docs, and rendered by ``to_representation``
    in one step: DRF's generic rendering deep-copies the declared fields for each
    instance and walks them one by one, which cost a seventh of a `me` request,
    the request that front ends make on every page. tests/test_me.py holds the
    two to each other.
    """

    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
    email_verified = serializers.BooleanField(read_only=True)
    date_joined = serializers.DateTimeField(read_only=True)
    first_name = serializers.CharField(read_only=True, allow_blank=True)
    last_name = serializers.CharField(read_only=True, allow_blank=True)

    def to_representation(self, user) -> dict:
        return {
            "id": user.pk,
            "username": user.username,
            "email": user.email,
            "email_verified": user.email_verified,
            "date_joined": _DATE_JOINED.to_representation(user.date_joined),
            "first_name": user.first_name,
            "last_name": user.last_name,
        }


class SessionPageSerializer(serializers.Serializer):
    """The query of the sessions list: which page."""

    cursor = StringField(
        required=False,
        allow_blank=True,
        help_text="Where the page starts: the cursor of the previous page's "
        '`Link: rel="next"`; none or empty for the first page.',
    )

    def validate_cursor(self, value: str):
        if value == "":
            return None
        position = pagination.cursor_decode(value)
        if position is None:
            raise serializers.ValidationError(_("Not a cursor of this list."), code="invalid")
        return position


class SessionSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField()

    class Meta:
        model = LoginSession
        fields = [
            "id",
            "created_at",
            "last_used_at",
            "expires_at",
            "user_agent",
            "ip_address",
            "current",
        ]

    def get_current(self, session: LoginSession) -> bool:
        return session.pk == self.context.get("current_session_id")


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class TokenExpirySerializer(DetailSerializer):
    access_expires_at = serializers.DateTimeField()
    refresh_expires_at = serializers.DateTimeField()
    access = serializers.CharField(
        required=False, help_text="Only with AUTH_RETURN_TOKENS_IN_BODY=1"
    )
    refresh = serializers.CharField(
        required=False, help_text="Only with AUTH_RETURN_TOKENS_IN_BODY=1"
    )


class LoginResponseSerializer(TokenExpirySerializer):
    user = MeSerializer()


class SessionProbeSerializer(serializers.Serializer):
    authenticated = serializers.BooleanField(help_text="A valid access token came with the call.")
    refreshable = serializers.BooleanField(
        help_text="Not authenticated, but a refresh token came with it: POST refresh/ next."
    )
    user = MeSerializer(required=False, help_text="The logged-in user, when authenticated.")
    access_expires_at = serializers.DateTimeField(
        required=False, help_text="When authenticated: refresh shortly before this moment."
    )


class CsrfSerializer(serializers.Serializer):
    csrfToken = serializers.CharField()


# --- Second factors and passkeys -----------------------------------------------------------


class WebAuthnCredentialField(serializers.DictField):
    """A WebAuthn credential as the browser's ``PublicKeyCredential.toJSON()`` gives it.

    Its parts are checked where it is verified; the docs describe its shape, whose
    ``response`` is an object (the default DictField would call every value a string).
    """

    class Meta:
        swagger_schema_fields = {
            "properties": {
                "id": {"type": "string"},
                "rawId": {"type": "string"},
                "type": {"type": "string", "description": '"public-key"'},
                "response": {
                    "type": "object",
                    "description": "clientDataJSON and attestationObject or "
                    "authenticatorData, signature, userHandle (base64url)",
                    "additionalProperties": True,
                },
                "authenticatorAttachment": {"type": "string", "x-nullable": True},
                "clientExtensionResults": {"type": "object", "additionalProperties": True},
            },
            "additionalProperties": True,
        }

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text", "The PublicKeyCredential, as JSON (id, rawId, type, response)."
        )
        super().__init__(**kwargs)


class _OneProofSerializer(serializers.Serializer):
    """Exactly one of the proofs a subclass declares.

    Checked with the fields, not after them, so that a request with two proofs and a
    malformed one hears of both at once.
    """

    def to_internal_value(self, data):
        if not isinstance(data, Mapping):
            return super().to_internal_value(data)
        proofs = [name for name in self.fields if name != "mfa_token"]
        errors = {}
        if sum(name in data for name in proofs) != 1:
            message = _("Give exactly one of: %(names)s.") % {"names": ", ".join(proofs)}
            errors[api_settings.NON_FIELD_ERRORS_KEY] = [
                ErrorDetail(message, code="one_proof_required")
            ]
        try:
            attrs = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({**exc.detail, **errors}) from None
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class MfaVerifySerializer(_OneProofSerializer):
    code = StringField(required=False, max_length=16, help_text="A TOTP code (6 digits)")
    recovery_code = StringField(required=False, max_length=32)
    credential = WebAuthnCredentialField(required=False)
    mfa_token = StringField(
        required=False,
        max_length=128,
        help_text="For app clients: the mfa_token of the login answer (browsers send the cookie).",
    )


class ReauthenticateSerializer(_OneProofSerializer):
    password = PasswordField(required=False)
    code = StringField(required=False, max_length=16)
    recovery_code = StringField(required=False, max_length=32)
    credential = WebAuthnCredentialField(required=False)


class CodeSerializer(serializers.Serializer):
    code = StringField(max_length=16, help_text="A code of the authenticator app (6 digits)")


class TotpEnrolmentSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="Base32, for typing into an app by hand")
    otpauth_url = serializers.CharField()
    qr_svg = serializers.CharField(help_text="The otpauth URL as a QR code, an SVG element")


class RecoveryCodesSerializer(serializers.Serializer):
    recovery_codes = serializers.ListField(
        child=serializers.CharField(), help_text="Shown only now: each works once."
    )


class PasskeySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    last_used_at = serializers.DateTimeField(read_only=True, allow_null=True)


class PasskeyCreatedSerializer(PasskeySerializer):
    recovery_codes = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Only when the passkey is the account's first factor; shown only here.",
    )


class PasskeyCreateSerializer(serializers.Serializer):
    name = StringField(max_length=64)
    credential = WebAuthnCredentialField()


class PasskeyRenameSerializer(serializers.Serializer):
    name = StringField(max_length=64)


class PasskeyLoginSerializer(serializers.Serializer):
    credential = WebAuthnCredentialField()


class _WebAuthnOptionsField(serializers.JSONField):
    class Meta:
        # WebAuthn's own dictionary, whatever members it has (the docs would say none).
        swagger_schema_fields = {"additionalProperties": True}


class WebAuthnOptionsSerializer(serializers.Serializer):
    publicKey = _WebAuthnOptionsField(
        help_text="Pass to navigator.credentials (binary fields in base64url)."
    )


class _EnabledSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()


class _RemainingSerializer(serializers.Serializer):
    remaining = serializers.IntegerField()


class MfaStatusSerializer(serializers.Serializer):
    totp = _EnabledSerializer()
    recovery_codes = _RemainingSerializer()
    passkeys = PasskeySerializer(many=True)


class MfaRequiredSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(help_text='"mfa_required"')
    methods = serializers.ListField(
        child=serializers.ChoiceField(choices=["totp", "recovery_code", "webauthn"])
    )
    mfa_expires_at = serializers.DateTimeField()
    mfa_token = serializers.CharField(
        required=False, help_text="App clients only; browsers get the mfa_token cookie."
    )


class ReauthenticatedSerializer(TokenExpirySerializer):
    auth_time = serializers.DateTimeField()
