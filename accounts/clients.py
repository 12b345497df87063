"""The two kinds of client: browsers, which hold the tokens in cookies, and apps, which hold them.

A native or server-side client says ``X-Auth-Client: app``. It then gets its
tokens in the JSON body and never a cookie, and the service reads no cookie of
its requests: the refresh token comes from the body, the access token from the
``Authorization`` header. A page script cannot use the header to lift the
HttpOnly cookies into a body it could read, since an app client's requests
ignore cookies altogether; and browsers on other origins cannot send it at
all, as CORS does not allow the header.
"""

CLIENT_HEADER = "X-Auth-Client"
APP_CLIENT = "app"
_CLIENT_META = "HTTP_" + CLIENT_HEADER.upper().replace("-", "_")


def is_app_client(request) -> bool:
    return request.META.get(_CLIENT_META, "").strip().lower() == APP_CLIENT
