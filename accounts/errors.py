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


# --- Every code a client can branch on ----------------------------------------------------

# The ``code`` of an error body (``{detail, code}``), with the statuses it comes with: the
# refusals above, DRF's and SimpleJWT's that the service lets through, and the plumbing's
# (config.errors, config.hosts, accounts.cookie_guard). docs/api.md tables them all, the
# schema has them as an enum, and the tests hold the three (and the source) to each other.
ERROR_CODES: dict[str, tuple[int, ...]] = {
    "parse_error": (400,),
    "no_refresh_token": (400,),
    "invalid_link": (400,),
    "invalid_code": (400,),
    "invalid_credential": (400, 401),
    "disallowed_host": (400,),
    "not_authenticated": (401,),
    "token_not_valid": (401,),
    "token_rotated": (401,),
    "no_active_account": (401,),
    "email_not_verified": (401,),
    "ambiguous_credentials": (401,),
    "reauthentication_required": (401,),
    "mfa_required": (401,),
    "mfa_token_invalid": (401,),
    "csrf_failed": (403,),
    "mfa_enrolment_required": (403,),
    "not_found": (404,),
    "method_not_allowed": (405,),
    "not_acceptable": (406,),
    "already_enabled": (409,),
    "request_too_large": (413,),
    "unsupported_media_type": (415,),
    "throttled": (429,),
    "server_error": (500,),
    "service_unavailable": (503,),
}

# The ``code`` of one entry of a validation error's ``errors`` list (always a 400). They
# come from DRF's fields (``required`` … ``not_a_dict``), Django's email and password
# validators, and the service's own (accounts.identifiers, accounts.serializers).
FIELD_ERROR_CODES: tuple[str, ...] = (
    "required",
    "null",
    "blank",
    "invalid",
    "max_length",
    "null_characters_not_allowed",
    "not_a_dict",
    "unique",
    "password_too_short",
    "password_too_common",
    "password_entirely_numeric",
    "password_too_similar",
    "password_incorrect",
    "one_proof_required",
    "read_only",
    "unchanged",
)
