"""GET /api/auth/me/: the user of a live session, never of an ended one."""

from rest_framework import serializers
from rest_framework.test import APIClient

from accounts.serializers import MeSerializer
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


def test_the_me_body_is_what_drf_would_render_from_the_declared_fields(make_user):
    user = make_user("carol", email_verified=True)
    serializer = MeSerializer(user)

    assert serializer.data == serializers.Serializer.to_representation(serializer, user)


def test_me_answers_each_user_with_their_own_values(make_user):
    bodies = {}
    for name in ("first", "second"):
        make_user(name, email_verified=name == "second")
        client = APIClient()
        login(client, name)
        bodies[name] = client.get("/api/auth/me/").json()

    assert bodies["first"]["username"] == "first" and not bodies["first"]["email_verified"]
    assert bodies["second"]["username"] == "second" and bodies["second"]["email_verified"]
    assert bodies["first"]["id"] != bodies["second"]["id"]
    assert bodies["first"]["date_joined"] != bodies["second"]["date_joined"]
