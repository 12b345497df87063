"""The domain's error vocabulary: each refusal of the service, with its status, detail and code.

Services raise these; DRF's exception handler (config.errors) turns each into
``{detail, code}`` with its status. Field errors stay DRF's ValidationError.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework_simplejwt.exceptions import InvalidToken


class TokenInvalid(InvalidToken):
    """A token that is malformed, forged, expired, of the wrong type, or of an ended session."""

    default_detail = _("Token is invalid or expired")


class TokenRotated(InvalidToken):
    """A just-rotated refresh token sent again, as by a second tab refreshing at once.

    It is refused, but it revokes nothing and the client keeps its cookies.
    """

    default_detail = _(
        "Token was already rotated; the newest token is already in your cookies: retry"
    )
    default_code = "token_rotated"


class NoRefreshToken(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("no refresh token")
    default_code = "no_refresh_token"


class NoActiveAccount(exceptions.AuthenticationFailed):
    """A wrong password, an unknown or an inactive user: never told apart."""

    default_detail = _("No active account found with the given credentials")
    default_code = "no_active_account"


class EmailNotVerified(exceptions.AuthenticationFailed):
    default_detail = _("The email address is not verified yet.")
    default_code = "email_not_verified"


class InvalidLink(exceptions.APIException):
    """An emailed link whose uid or token is wrong, expired or already used."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("The link is invalid, has expired or was already used.")
    default_code = "invalid_link"


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("Request body is too large.")
    default_code = "request_too_large"


class ReauthenticationRequired(exceptions.AuthenticationFailed):
    """A sensitive action whose session proved who the user is too long ago."""

    default_detail = _("This action needs a recent authentication: reauthenticate first.")
    default_code = "reauthentication_required"


class MfaRequired(exceptions.AuthenticationFailed):
    """The password was right; a second factor must now finish the login."""

    default_detail = _("A second factor is required to finish logging in.")
    default_code = "mfa_required"


class MfaTokenInvalid(exceptions.AuthenticationFailed):
    """No pending login, or one that expired, was used, or was given up after failures."""

    default_detail = _("The login is not pending any more: log in again.")
    default_code = "mfa_token_invalid"


class InvalidCode(exceptions.APIException):
    """A second factor that does not match: a wrong, replayed or used code, a bad assertion."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("The code is not valid.")
    default_code = "invalid_code"


class InvalidCredential(exceptions.APIException):
    """A WebAuthn credential that cannot be registered."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("The passkey response is not valid.")
    default_code = "invalid_credential"


class PasskeyLoginFailed(exceptions.AuthenticationFailed):
    """A passwordless login whose assertion does not hold (unknown passkey, bad signature…)."""

    default_detail = _("The passkey could not be verified.")
    default_code = "invalid_credential"


class FactorAlreadyEnabled(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("This second factor is already enabled.")
    default_code = "already_enabled"


class FactorNotFound(exceptions.NotFound):
    default_detail = _("There is no such second factor.")
    default_code = "not_found"


class SecondFactorRequired(exceptions.PermissionDenied):
    """Every account needs a second factor here (AUTH_MFA_REQUIRED_FOR_EVERYONE), and this
    session has not proved one."""

    default_detail = _(
        "This service requires a second factor: enrol one (mfa/totp/ or passkeys/), then "
        "reauthenticate with it."
    )
    default_code = "mfa_enrolment_required"
