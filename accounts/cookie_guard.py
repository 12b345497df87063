"""Refuses a request that carries a credential cookie twice, never picking one of the two.

A second ``access_token``, ``refresh_token`` or ``csrftoken`` comes from a
sibling host that set it for a parent domain (cookie tossing): serving the
request with either copy could put the user in someone else's session, or
break their refresh and logout. The answer is ``401 ambiguous_credentials``
and clears every copy it can reach, so that the user's next login is clean.
"""

from django.http import JsonResponse
from django.http.request import split_domain_port
from django.utils.translation import gettext

from accounts import events
from accounts.cookies import clear_credential_cookies_everywhere, cookie_names_repeated
from accounts.throttling import client_address


class AmbiguousCookieMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        repeated = cookie_names_repeated(request.META.get("HTTP_COOKIE", ""))
        if not repeated:
            return self.get_response(request)
        events.record(
            "ambiguous_credentials",
            cookies=repeated,
            path=request.path[:200],
            ip=client_address(request),
        )
        response = JsonResponse(
            {
                "detail": gettext(
                    "The request carries the same credential cookie more than once. "
                    "Its cookies have been cleared: log in again."
                ),
                "code": "ambiguous_credentials",
            },
            status=401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        host, _port = split_domain_port(request.get_host())
        clear_credential_cookies_everywhere(response, host=host, repeated=repeated)
        return response
