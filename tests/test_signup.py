import pytest

from accounts.models import User
from tests.conftest import PASSWORD, SIGNUP


def signup(api, **overrides):
    body = {"username": "bob", "email": "bob@example.com", "password": PASSWORD, **overrides}
    return api.post(SIGNUP, body, format="json")


def test_signup_creates_the_user_and_sets_no_cookies(api, db):
    response = signup(api)

    assert response.status_code == 201
    user = User.objects.get(username="bob")
    assert response.json() == {"id": user.id, "username": "bob", "email": "bob@example.com"}
    assert user.check_password(PASSWORD)
    assert "access_token" not in response.cookies
    assert "refresh_token" not in response.cookies


def test_signup_response_never_contains_the_password(api, db):
    response = signup(api)

    assert PASSWORD not in response.content.decode()


@pytest.mark.parametrize(
    "field, value",
    [("username", "ALICE"), ("email", "Alice@EXAMPLE.com")],
)
def test_taken_username_or_email_is_refused_whatever_its_case(api, user, field, value):
    response = signup(api, **{field: value})

    assert response.status_code == 400
    assert field in response.json()
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    "password", ["short", "password123", "12345678901", "bob-example"], ids=str
)
def test_weak_passwords_are_refused_by_djangos_validators(api, db, password):
    response = signup(api, password=password, username="bob-example")

    assert response.status_code == 400
    assert "password" in response.json()
    assert not User.objects.exists()


def test_bad_email_is_refused(api, db):
    response = signup(api, email="not-an-email")

    assert response.status_code == 400
    assert "email" in response.json()


@pytest.mark.parametrize("field", ["username", "email", "password"])
@pytest.mark.parametrize("value", [123, None, True, ["bob"], {"a": 1}], ids=repr)
def test_values_of_the_wrong_json_type_are_refused(api, db, field, value):
    response = signup(api, **{field: value})

    assert response.status_code == 400
    assert field in response.json()
    assert not User.objects.exists()


@pytest.mark.parametrize("missing", ["username", "email", "password"])
def test_missing_fields_are_named(api, db, missing):
    body = {"username": "bob", "email": "bob@example.com", "password": PASSWORD}
    del body[missing]

    response = api.post(SIGNUP, body, format="json")

    assert response.status_code == 400
    assert missing in response.json()


def test_username_with_forbidden_characters_is_refused(api, db):
    response = signup(api, username="bob smith<script>")

    assert response.status_code == 400
    assert "username" in response.json()


def test_unicode_username_is_normalized_before_the_uniqueness_check(api, user):
    # Fullwidth letters normalize (NFKC) to plain "alice", who exists.
    response = signup(api, username="ａｌｉｃｅ", email="other@example.com")

    assert response.status_code == 400
    assert "username" in response.json()


def test_a_valid_unicode_username_is_accepted(api, db):
    response = signup(api, username="zoë_ünïcödé")

    assert response.status_code == 201
    assert response.json()["username"] == "zoë_ünïcödé"


def test_signup_works_with_a_stale_access_cookie(api, db):
    api.cookies["access_token"] = "expired.or.forged"

    assert signup(api).status_code == 201


def test_signup_needs_no_csrf_token(api, db):
    # The client enforces CSRF checks and sends no token: signup carries no credential.
    assert signup(api).status_code == 201
