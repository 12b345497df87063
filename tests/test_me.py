"""GET /api/auth/me/: the user of a live session, never of an ended one."""

from rest_framework.test import APIClient

from tests.conftest import login


def test_me_returns_the_user_by_cookie(logged_in, user):
    response = logged_in.get("/api/auth/me/")

    assert response.status_code == 200
    body = response.json()
    assert body.pop("date_joined").startswith(user.date_joined.strftime("%Y-%m-%dT%H:%M"))
    assert body == {
        "id": user.id,
        "username": "alice",
        "email": "alice@example.com",
        "email_verified": False,
        "first_name": "",
        "last_name": "",
    }


def test_me_returns_the_user_by_bearer_header(user):
    access = login(APIClient()).cookies["access_token"].value

    response = APIClient(HTTP_AUTHORIZATION=f"Bearer {access}").get("/api/auth/me/")

    assert response.json()["username"] == "alice"


def test_me_of_a_deactivated_user_is_a_401(logged_in, user):
    user.is_active = False
    user.save()

    response = logged_in.get("/api/auth/me/")

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_me_of_a_deleted_user_is_a_401(logged_in, user):
    user.delete()

    assert logged_in.get("/api/auth/me/").status_code == 401
