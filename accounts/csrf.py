"""Gives Django's CSRF cookie the auth cookies' partitioning."""

from django.conf import settings

from accounts.cookies import partition_cookie


class PartitionedCsrfCookieMiddleware:
    """Listed just before Django's CsrfViewMiddleware, so it sees each ``csrftoken`` written.

    A front end on another site reads the CSRF cookie's token only when the
    cookie lives in its partition, as the auth cookies do.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        partition_cookie(response, settings.CSRF_COOKIE_NAME)
        return response
