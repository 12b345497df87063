"""The API docs: a valid Swagger 2.0 schema that documents every route under /api/."""

import copy
import re

import pytest
import yaml
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from rest_framework.permissions import AllowAny
from rest_framework.test import APIClient
from rest_framework.views import APIView
from swagger_spec_validator.validator20 import validate_spec

from config.errors import api_not_found

API_PREFIX = "/api/"
DOCUMENTED_METHODS = ("get", "post", "put", "patch", "delete")
UNSAFE_METHODS = ("post", "put", "patch", "delete")


def _pattern_text(pattern) -> str:
    """A route as written, with each converter or named group shown as <name>."""
    if isinstance(pattern, RoutePattern):  # path("sessions/<uuid:session_id>/")
        return re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", str(pattern))
    text = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", pattern.regex.pattern)
    return text.lstrip("^").rstrip("$").replace("\\", "")


def routed_views(resolver=None, prefix="/"):
    """Every (path, view) the project routes, found by walking the URL resolver."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        path = prefix + _pattern_text(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from routed_views(entry, path)
        elif isinstance(entry, URLPattern):
            yield path, entry.callback


def api_operations():
    """(swagger path, method, view class) for every DRF view method routed under /api/."""
    operations = []
    for path, callback in routed_views():
        if not path.startswith(API_PREFIX) or callback is api_not_found:
            continue
        view_class = getattr(callback, "cls", None)
        # drf-yasg sees only DRF views; a plain Django view here would go undocumented.
        assert view_class is not None and issubclass(view_class, APIView), (
            f"{path} is not a DRF view, so the docs cannot describe it"
        )
        swagger_path = re.sub(r"<(\w+)>", r"{\1}", path)
        for method in DOCUMENTED_METHODS:
            if hasattr(view_class, method):
                operations.append((swagger_path, method, view_class))
    return operations


def _is_public(view_class) -> bool:
    permissions = view_class().get_permissions()
    return all(isinstance(permission, AllowAny) for permission in permissions)


@pytest.fixture(scope="module")
def spec():
    response = APIClient().get("/swagger.json")
    assert response.status_code == 200
    return response.json()


def _operation(spec, path, method):
    base = spec.get("basePath", "/").rstrip("/")
    assert path.startswith(base + "/"), f"{path} is outside the basePath {base}"
    return spec["paths"].get(path[len(base) :], {}).get(method)


def test_schema_is_valid_swagger_2(spec):
    assert spec["swagger"] == "2.0"
    validate_spec(copy.deepcopy(spec))  # the validator annotates the dict it checks


def test_the_resolver_walk_finds_the_known_endpoints():
    found = {(path, method) for path, method, _ in OPERATIONS}
    assert ("/api/auth/login/", "post") in found
    assert ("/api/auth/me/", "get") in found
    assert ("/api/auth/sessions/{session_id}/", "delete") in found


OPERATIONS = api_operations()


@pytest.mark.parametrize(
    "path,method,view_class",
    OPERATIONS,
    ids=[f"{method.upper()} {path}" for path, method, _ in OPERATIONS],
)
def test_every_api_route_is_documented_with_its_responses(spec, path, method, view_class):
    operation = _operation(spec, path, method)
    assert operation is not None, f"{method.upper()} {path} is not in /swagger.json"
    assert operation.get("tags"), "every operation belongs to a tag"
    assert operation.get("summary")

    responses = operation["responses"]
    successes = [code for code in responses if code.startswith("2")]
    assert successes, "no success response documented"
    for code, response in responses.items():
        assert response.get("description"), f"{code} has no description"
        if code != "204":
            assert "schema" in response, f"{code} documents no body"

    public = _is_public(view_class)
    if public:
        assert operation["security"] == [], "a public endpoint declares no security"
    else:
        assert operation["security"] == [{"Bearer": []}]
        assert "401" in responses
        if method in UNSAFE_METHODS:
            assert "403" in responses, "a cookie-authenticated unsafe request can fail CSRF"

    takes_body = any(parameter["in"] == "body" for parameter in operation.get("parameters", []))
    if takes_body:
        assert {"400", "415"} <= set(responses), "a JSON body can be malformed or not JSON"


def test_cookie_setting_answers_document_their_cookies(spec):
    def set_cookie(path, method, code):
        headers = _operation(spec, path, method)["responses"][code].get("headers", {})
        return headers["Set-Cookie"]["description"]

    assert "csrftoken" in set_cookie("/api/auth/login/", "post", "200")
    assert "access_token" in set_cookie("/api/auth/refresh/", "post", "200")
    assert "cleared" in set_cookie("/api/auth/logout/", "post", "204")
    assert "csrftoken" in set_cookie("/api/auth/csrf/", "get", "200")


def test_the_description_explains_the_cookie_and_csrf_flow(spec):
    description = spec["info"]["description"]
    for word in ("/api/auth/csrf/", "X-CSRFToken", "credentials", "refresh", "logout"):
        assert word in description


def test_yaml_schema_matches_json(api, spec):
    response = api.get("/swagger.yaml")
    assert response.status_code == 200
    assert yaml.safe_load(response.content) == spec


@pytest.mark.parametrize("url", ["/swagger/", "/redoc/"])
def test_docs_pages_render(api, url):
    response = api.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_swagger_ui_sends_no_schema_to_an_online_validator(api):
    response = api.get("/swagger/")
    assert b'"validatorUrl": null' in response.content


def test_the_health_check_is_documented_as_public(spec):
    operation = _operation(spec, "/healthz/", "get")

    assert operation is not None
    assert operation["security"] == []
    assert {"200", "503"} <= set(operation["responses"])
