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
