"""Django's CommonMiddleware, without its request-side work under /api/.

On a request, CommonMiddleware refuses ``DISALLOWED_USER_AGENTS`` and
redirects to ``www.`` for ``PREPEND_WWW``, validating the host a second time
(DisallowedHostMiddleware did it first) to do so. Neither is set here, and
neither belongs to an API: a client would follow the redirect of its POST with
a GET and lose the body. The response side runs as Django's on every path: the
``Content-Length`` header, and ``APPEND_SLASH`` redirects, which under /api/
never happen (its catch-all answers every path, so none is "not found" for
want of a slash).
"""

from django.middleware import common

from config.errors import API_PREFIX


class CommonMiddleware(common.CommonMiddleware):
    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            return self.process_response(request, self.get_response(request))
        return super().__call__(request)
