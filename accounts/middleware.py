"""Copies the access cookie into the Authorization header, so DRF authenticates as usual."""

from accounts.clients import is_app_client
from accounts.cookies import ACCESS_COOKIE

# Set on the request when its Authorization header came from the cookie, so that
# authentication knows to apply CSRF protection.
ACCESS_FROM_COOKIE = "access_token_from_cookie"


class AccessTokenCookieMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request.COOKIES.get(ACCESS_COOKIE)
        # An explicit header wins over the cookie, and an app client's cookies count for nothing.
        if token and "HTTP_AUTHORIZATION" not in request.META and not is_app_client(request):
            request.META["HTTP_AUTHORIZATION"] = f"Bearer {token}"
            setattr(request, ACCESS_FROM_COOKIE, True)
        return self.get_response(request)
