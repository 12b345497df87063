"""Django's CommonMiddleware on pages, and only its response side under /api/."""

import json
import re

import pytest
from django.test import override_settings

from tests.conftest import PASSWORD


def test_an_api_answer_carries_its_length(logged_in):
    response = logged_in.get("/api/auth/me/")

    assert response.status_code == 200
    assert int(response["Content-Length"]) == len(response.content)
    assert json.loads(response.content)["username"]


@pytest.mark.parametrize("path", ["/api/auth/me", "/api/auth/login", "/api/nothing"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_api_path_without_its_slash_is_a_json_404_never_a_redirect(api, db, path, method):
    response = getattr(api, method)(path, {}, format="json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert int(response["Content-Length"]) == len(response.content)


@override_settings(PREPEND_WWW=True)
def test_prepend_www_redirects_pages_but_never_the_api(logged_in):
    page = logged_in.get("/admin/login/")
    api_answer = logged_in.get("/api/auth/me/")

    assert page.status_code == 301 and page["Location"].startswith("http://www.")
    assert api_answer.status_code == 200


def test_a_page_without_its_slash_is_still_redirected(api, db):
    response = api.get("/admin")

    assert response.status_code == 301
    assert response["Location"] == "/admin/"


@override_settings(PREPEND_WWW=True)
def test_prepend_www_never_turns_an_api_post_into_a_redirect(api, user):
    response = api.post(
        "/api/auth/login/", {"username": "alice", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200


def test_pages_still_refuse_a_disallowed_user_agent(api, db):
    with override_settings(DISALLOWED_USER_AGENTS=[re.compile(r"^BadBot")]):
        response = api.get("/admin/login/", HTTP_USER_AGENT="BadBot/1.0")

    assert response.status_code == 403
