"""JWT authentication that checks the token's session and knows where the token came from."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.settings import api_settings

from accounts.errors import TokenInvalid
from accounts.middleware import ACCESS_FROM_COOKIE
from accounts.selectors import session_user_get
from accounts.tokens import access_token_read
from config.csrf import csrf_failure


def enforce_csrf(request) -> None:
    """Django's CSRF check as DRF applies it to cookie credentials: 403 ``csrf_failed``."""
    reason = csrf_failure(request)
    if reason:
        raise exceptions.PermissionDenied(
            _("CSRF Failed: %(reason)s") % {"reason": reason}, code="csrf_failed"
        )


class CookieAwareJWTAuthentication(JWTAuthentication):
    """SimpleJWT's authentication, with three changes.

    - The token must belong to a live session of an active user (one query),
      so a revoked session's access tokens stop working at once.
    - A token that the middleware took from the cookie is a browser credential,
      so unsafe requests carrying it must pass Django's CSRF check.
    - Every malformed token is ``token_not_valid``, never a server error.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if (
            result is not None
            and getattr(request, ACCESS_FROM_COOKIE, False)
            and request.method not in SAFE_METHODS
        ):
            enforce_csrf(request)
        return result

    def get_header(self, request):
        try:
            return super().get_header(request)
        except UnicodeEncodeError:
            # A cookie with characters outside Latin-1 cannot be a JWT.
            raise TokenInvalid() from None

    def get_raw_token(self, header):
        try:
            return super().get_raw_token(header)
        except AuthenticationFailed:
            raise TokenInvalid() from None

    def get_validated_token(self, raw_token):
        return access_token_read(raw_token)

    def get_user(self, validated_token):
        user = session_user_get(
            session_id=validated_token.session_id,
            user_id=validated_token.payload.get(api_settings.USER_ID_CLAIM),
        )
        if user is None:
            raise TokenInvalid(_("Session has ended"))
        return user
