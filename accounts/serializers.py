"""Request and response shapes of the auth API; the docs are generated from them."""

from rest_framework import serializers
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
            "A user with that username already exists.", code="unique"
        )


def email_unique_validate(value: str) -> None:
    if User.objects.filter(email_canonical=identifiers.email_canonical(value)).exists():
        raise serializers.ValidationError("A user with that email already exists.", code="unique")


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
            raise serializers.ValidationError("The old password is not correct.")
        return value

    def validate_new_password(self, value: str) -> str:
        password_validate(password=value, user=self.context["request"].user)
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

    def to_representation(self, user) -> dict:
        return {
            "id": user.pk,
            "username": user.username,
            "email": user.email,
            "email_verified": user.email_verified,
            "date_joined": _DATE_JOINED.to_representation(user.date_joined),
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
            raise serializers.ValidationError("Not a cursor of this list.", code="invalid")
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
