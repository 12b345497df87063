"""GET /healthz/: JSON about the process and its database, whatever is asked."""

from unittest import mock

from django.db import OperationalError
from rest_framework.test import APIClient


def test_healthz_reports_the_database(db):
    response = APIClient().get("/healthz/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_does_not_answer(db):
    with mock.patch("config.health.connection.cursor", side_effect=OperationalError("down")):
        response = APIClient().get("/healthz/")

    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["database"] == "unavailable"


def test_healthz_answers_json_whatever_the_accept_header(db):
    response = APIClient().get("/healthz/", HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_ignores_a_forged_access_cookie(db):
    client = APIClient()
    client.cookies["access_token"] = "forged"

    assert client.get("/healthz/").status_code == 200
