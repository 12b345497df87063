"""No answer under /api/ may be stored by a browser or a shared cache."""

import pytest
from django.http import HttpResponse
from rest_framework.test import APIClient

from config.cache_control import ApiNoStoreMiddleware


@pytest.mark.parametrize(
    "path", ["/api/auth/me/", "/api/auth/sessions/", "/api/auth/session/", "/api/auth/csrf/"]
)
def test_authenticated_answers_with_personal_data_are_no_store(logged_in, path):
    response = logged_in.get(path)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_a_bearer_authenticated_answer_is_no_store_too(logged_in):
    access = logged_in.cookies["access_token"].value

    response = APIClient(HTTP_AUTHORIZATION=f"Bearer {access}").get("/api/auth/me/")

    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/api/auth/me/", "/api/no-such-path/"])
def test_errors_are_no_store(api, db, path):
    response = api.get(path)

    assert response.status_code in (401, 404)
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "given,expected",
    [(None, "no-store"), ("max-age=60", "max-age=60, no-store"), ("no-store", "no-store")],
)
def test_a_view_s_own_directives_are_kept_beside_no_store(rf, given, expected):
    def view(request):
        response = HttpResponse()
        if given:
            response["Cache-Control"] = given
        return response

    response = ApiNoStoreMiddleware(view)(rf.get("/api/auth/me/"))

    assert response["Cache-Control"] == expected


def test_answers_outside_the_api_are_left_to_their_views(rf):
    response = ApiNoStoreMiddleware(lambda request: HttpResponse())(rf.get("/admin/"))

    assert not response.has_header("Cache-Control")
