"""PATCH /api/auth/me/: the username by the rules of signup, first and last name, nothing else."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.conftest import ME, PASSWORD, in_parallel, login


def patch(client, body):
    return client.patch(ME, body, format="json")


def codes(response) -> dict[str, list[str]]:
    """Each field's error codes, from the body's errors list."""
    assert response.status_code == 400, response.content
    found: dict[str, list[str]] = {}
    for error in response.json()["errors"]:
        found.setdefault(error["field"], []).append(error["code"])
    return found


def test_the_owner_changes_username_and_names_and_gets_the_me_body(logged_in, user):
    response = patch(logged_in, {"username": "alicia", "first_name": "Alice", "last_name": "Li"})

    assert response.status_code == 200
    body = response.json()
    assert (body["username"], body["first_name"], body["last_name"]) == ("alicia", "Alice", "Li")
    assert body["email"] == "alice@example.com" and body["id"] == user.pk
    assert logged_in.get(ME).json() == body
    user.refresh_from_db()
    assert (user.username, user.username_canonical) == ("alicia", "alicia")


def test_a_partial_change_leaves_the_other_fields(logged_in, user):
    patch(logged_in, {"first_name": "Alice"})
    response = patch(logged_in, {"last_name": "Li"})

    assert response.json()["first_name"] == "Alice"
    assert response.json()["username"] == "alice"


def test_the_new_username_logs_in_and_the_old_one_no_longer_does(logged_in):
    assert patch(logged_in, {"username": "alicia"}).status_code == 200

    assert login(APIClient(), "alicia").status_code == 200
    assert login(APIClient(), "alice").status_code == 401
    assert login(APIClient(), "alice@example.com").status_code == 200


@pytest.mark.parametrize("taken", ["BOB", "bob", "ｂｏｂ", "Bob"])
def test_a_username_taken_in_any_spelling_is_refused_as_at_signup(logged_in, make_user, taken):
    make_user("bob")

    response = patch(logged_in, {"username": taken})

    assert response.status_code == 400
    assert codes(response) == {"username": ["unique"]}
    assert User.objects.get(email="alice@example.com").username == "alice"


def test_changing_only_the_case_of_ones_own_username_is_allowed(logged_in, user):
    response = patch(logged_in, {"username": "ALICE"})

    assert response.status_code == 200
    assert response.json()["username"] == "ALICE"


@pytest.mark.parametrize(
    "username, code",
    [
        ("alice@example.com", "invalid"),
        ("has space", "invalid"),
        ("", "blank"),
        ("x" * 151, "max_length"),
        (42, "invalid"),
        (None, "null"),
    ],
)
def test_a_username_breaking_the_signup_rules_is_a_field_error(logged_in, username, code):
    response = patch(logged_in, {"username": username})

    assert response.status_code == 400
    assert codes(response)["username"][0] == code


def test_a_username_is_normalised_as_at_signup(logged_in):
    response = patch(logged_in, {"username": "e\u0301mile"})

    assert response.status_code == 200
    assert response.json()["username"] == "\u00e9mile"


@pytest.mark.parametrize("field", ["email", "is_staff", "is_superuser", "id", "email_verified"])
def test_fields_the_owner_may_not_change_here_are_refused(logged_in, user, field):
    response = patch(logged_in, {field: True if field != "email" else "new@example.com"})

    assert response.status_code == 400
    assert codes(response) == {field: ["read_only"]}
    user.refresh_from_db()
    assert not user.is_staff and user.email == "alice@example.com"


def test_unknown_keys_named_like_the_envelope_leave_its_shape(logged_in):
    response = patch(logged_in, {"detail": True, "errors": 1, "first_name": "x" * 151})

    assert codes(response) == {
        "detail": ["read_only"],
        "errors": ["read_only"],
        "first_name": ["max_length"],
    }
    body = response.json()
    assert isinstance(body["detail"], str) and isinstance(body["errors"], list)


def test_every_field_error_is_reported_at_once(logged_in, make_user):
    make_user("bob")

    response = patch(logged_in, {"username": "bob", "first_name": "x" * 151, "email": "a@b.c"})

    assert response.status_code == 400
    assert codes(response) == {
        "username": ["unique"],
        "first_name": ["max_length"],
        "email": ["read_only"],
    }


@pytest.mark.parametrize("body", [[], "alice", 42])
def test_a_body_that_is_not_an_object_is_a_400(logged_in, body):
    response = logged_in.patch(ME, body, format="json")

    assert response.status_code == 400


def test_patch_me_needs_an_access_token_and_csrf(api, user):
    assert patch(api, {"first_name": "x"}).status_code == 401

    login(api)
    api.credentials()  # no X-CSRFToken
    refused = patch(api, {"first_name": "x"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"


@pytest.mark.django_db(transaction=True)
def test_two_accounts_racing_for_one_username_end_with_one_owner(make_user):
    clients = []
    for name in ("alice", "bob", "carol", "dave"):
        make_user(name)
        client = APIClient()
        assert login(client, name, PASSWORD).status_code == 200
        clients.append(client)
    turn = iter(clients)

    def claim():
        return patch(next(turn), {"username": "wanted"})

    replies = in_parallel(claim, count=len(clients))

    statuses = sorted(reply.status_code for reply in replies)
    assert statuses == [200, 400, 400, 400], [reply.content for reply in replies]
    assert User.objects.filter(username_canonical="wanted").count() == 1
