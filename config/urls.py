from django.contrib import admin
from django.urls import include, path, re_path
from drf_yasg import openapi
from drf_yasg.views import get_schema_view
from rest_framework.permissions import AllowAny

from config.dev_home import dev_home
from config.errors import api_not_found
from config.health import HealthView

api_info = openapi.Info(
    title="Cookie-JWT auth API",
    default_version="v1",
    description=(
        "Signup, login, refresh, logout and sessions, with the JWTs kept in HttpOnly cookies.\n\n"
        "**How a browser front end calls it.** Swagger 2.0 cannot describe cookie "
        "authentication, so here it is in words:\n\n"
        "1. `GET /api/auth/csrf/` sets the `csrftoken` cookie and returns the same value.\n"
        "2. `POST /api/auth/login/` with `{username, password}` sets the HttpOnly "
        "`access_token` (Path=/) and `refresh_token` (Path=/api/auth/) cookies and rotates "
        "`csrftoken`.\n"
        '3. Call the API with `credentials: "include"`; the browser sends the access cookie. '
        "Every `POST`, `PUT`, `PATCH` or `DELETE` that a cookie authenticates must carry the "
        "`X-CSRFToken` header with the current `csrftoken` cookie value.\n"
        "4. On a `401`, `POST /api/auth/refresh/` (with `X-CSRFToken`) rotates both cookies; "
        "retry once. Share one refresh among parallel requests: a refresh token works once.\n"
        "5. `POST /api/auth/logout/` (with `X-CSRFToken`) ends the session and clears the "
        "cookies.\n\n"
        "Clients without cookies send `Authorization: Bearer <access>` (the Bearer scheme below) "
        "and pass `refresh` in the body; they need no CSRF token.\n\n"
        "**Refused before any endpoint.** A request that carries `access_token`, "
        "`refresh_token` or `csrftoken` twice (a cookie set for a parent domain by another "
        "host of it) gets `401` with `code` `ambiguous_credentials`, and its cookies are "
        "cleared: log in again. A request for a host name the service does not serve gets "
        "`400` with `code` `disallowed_host`.\n\n"
        "**Try it out** on this page works the same way: run `login`, and the later calls carry "
        "the cookies, with `X-CSRFToken` taken from the `csrftoken` cookie. The project's "
        "`clients/js` is a reference client of this flow (docs/clients.md: every kind of client)."
    ),
)

# The docs are public: a stale access cookie must not lock anyone out of them.
schema_view = get_schema_view(
    api_info, public=True, authentication_classes=(), permission_classes=(AllowAny,)
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/auth/", include("accounts.urls")),
    re_path(r"^api/", api_not_found),
    path("healthz/", HealthView.as_view(), name="healthz"),
    re_path(
        r"^swagger\.(?P<format>json|yaml)$",
        schema_view.without_ui(cache_timeout=0),
        name="schema-json",
    ),
    path("swagger/", schema_view.with_ui("swagger", cache_timeout=0), name="schema-swagger-ui"),
    path("redoc/", schema_view.with_ui("redoc", cache_timeout=0), name="schema-redoc"),
    path("", dev_home, name="dev-home"),  # a 404 unless DEBUG
]
