"""No answer under /api/ may be stored by a browser or a shared cache."""

import pytest
from rest_framework.test import APIClient


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
