"""One canonical form per identifier: uniqueness, login, reset and throttling agree everywhere."""

import pytest
from django.core.cache import cache
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from accounts import identifiers
from accounts.models import User
from tests.conftest import LOGIN, PASSWORD, SIGNUP


def signup(username="bob", email="bob@example.com", password=PASSWORD):
    body = {"username": username, "email": email, "password": password}
    return APIClient().post(SIGNUP, body, format="json")


def login(identifier, password=PASSWORD):
    return APIClient().post(LOGIN, {"username": identifier, "password": password}, format="json")


# --- The canonical form ---------------------------------------------------------------

SAME_NAMES = [
    ("émile", "ÉMILE"),
    ("émile", "e\u0301mile"),  # a combining accent: NFKC composes it
    ("straße", "STRASSE"),
    ("kelvin", "\u212aelvin"),  # KELVIN SIGN folds to k
    ("alice", "ａｌｉｃｅ"),  # fullwidth
    ("ﬁne", "fine"),  # a ligature
    ("ǆemal", "Ǆemal"),
    ("σοφία", "ΣΟΦΊΑ"),
]


@pytest.mark.parametrize("first, second", SAME_NAMES, ids=[b for _, b in SAME_NAMES])
def test_two_spellings_of_one_username_are_one_account(db, first, second):
    assert signup(username=first).status_code == 201

    response = signup(username=second, email="other@example.com")

    assert response.status_code == 400
    assert response.json()["username"] == ["A user with that username already exists."]
    assert User.objects.count() == 1


# Django's validator (and so this service) takes ASCII local parts; domains may be Unicode.
SAME_ADDRESSES = [
    ("Bob@Example.com", "bOB@example.COM"),
    ("bob@straße.example", "BOB@STRASSE.example"),
    ("bob@éxample.com", "bob@ÉXAMPLE.com"),
    ("kate@example.com", "\u212aate@example.com"),
    ("bob@bücher.example", "bob@xn--bcher-kva.example"),  # an IDN domain and its ASCII form
    ("bob@example.com", "ｂｏｂ@example.com"),
]


@pytest.mark.parametrize("first, second", SAME_ADDRESSES, ids=[b for _, b in SAME_ADDRESSES])
def test_two_spellings_of_one_address_are_one_account(db, first, second):
    assert signup(email=first).status_code == 201

    response = signup(username="other", email=second)

    assert response.status_code == 400
    assert response.json()["email"] == ["A user with that email already exists."]


@pytest.mark.parametrize("first, second", SAME_NAMES, ids=[b for _, b in SAME_NAMES])
def test_login_accepts_every_spelling_of_the_username(db, first, second):
    signup(username=first)

    assert login(second).status_code == 200


@pytest.mark.parametrize("first, second", SAME_ADDRESSES, ids=[b for _, b in SAME_ADDRESSES])
def test_login_accepts_every_spelling_of_the_address(db, first, second):
    signup(email=first)

    assert login(second).status_code == 200


def test_the_stored_username_keeps_its_case_and_the_canonical_column_folds_it(db):
    signup(username="Émile")

    user = User.objects.get()
    assert user.username == "Émile"
    assert user.username_canonical == "émile"


def test_every_path_that_saves_a_user_fills_the_canonical_columns(db):
    # The admin, a shell or a command: none goes through the signup serializer.
    user = User.objects.create_user("Straße", email="Bob@Straße.example", password=PASSWORD)
    user.username = "NewName"
    user.save(update_fields=["username"])

    user.refresh_from_db()
    assert user.username_canonical == "newname"
    assert user.email_canonical == "bob@strasse.example"


def test_a_second_spelling_saved_outside_the_api_still_hits_the_unique_index(db):
    from django.db import IntegrityError, transaction

    User.objects.create_user("émile", email="a@example.com", password=PASSWORD)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("ÉMILE", email="b@example.com", password=PASSWORD)


@given(st.text(min_size=1, max_size=40))
@settings(max_examples=300, deadline=None)
def test_the_canonical_form_is_idempotent(value):
    once = identifiers.canonical(value)
    assert identifiers.canonical(once) == once
    assert identifiers.email_canonical(identifiers.email_canonical(value)) == (
        identifiers.email_canonical(value)
    )


@given(st.text(min_size=1, max_size=40))
@settings(max_examples=300, deadline=None)
def test_case_never_makes_two_canonical_forms(value):
    assert identifiers.canonical(value.upper()) == identifiers.canonical(
        identifiers.canonical(value).upper()
    )


# --- Normalised before validated --------------------------------------------------------


def test_a_username_of_ligatures_that_outgrows_its_column_is_a_400(db):
    # 75 "ﬃ" ligatures are 75 characters typed, 225 once normalised.
    response = signup(username="ﬃ" * 75)

    assert response.status_code == 400
    assert "username" in response.json()
    assert not User.objects.exists()


def test_a_username_that_folds_past_the_limit_is_a_400(db):
    # 100 "ß" fit, but fold to 200 "s".
    response = signup(username="ß" * 100)

    assert response.status_code == 400
    assert "username" in response.json()


def test_a_username_that_normalises_to_a_space_is_refused(db):
    # U+3000 IDEOGRAPHIC SPACE and U+00A0 NO-BREAK SPACE become plain spaces under NFKC.
    for username in ("bob\u3000smith", "bob\u00a0smith"):
        response = signup(username=username)
        assert response.status_code == 400, username
        assert "username" in response.json()


def test_the_longest_allowed_username_is_accepted(db):
    assert signup(username="a" * 150).status_code == 201
    assert signup(username="b" * 151, email="b@example.com").status_code == 400


def test_an_address_that_outgrows_its_column_once_normalised_is_a_400(db):
    domain = "ﬃ" * 50  # 50 typed, 150 normalised, and longer again in ASCII (IDNA)
    response = signup(email=f"{'b' * 60}@{domain}.example")

    assert response.status_code == 400
    assert "email" in response.json()


@given(
    username=st.text(max_size=160),
    email=st.text(max_size=80).map(lambda local: f"{local}@example.com"),
)
@settings(max_examples=150, deadline=None)
def test_no_signup_input_is_a_server_error(django_db_blocker, username, email):
    cache.clear()  # the signup throttle is not under test here
    with django_db_blocker.unblock():
        response = signup(username=username, email=email)
        assert response.status_code in (201, 400), response.content
        assert response["Content-Type"] == "application/json"
        User.objects.all().delete()


# --- A username is never an address ------------------------------------------------------


def test_a_username_with_an_at_sign_is_refused(db, make_user):
    make_user("bob", email="bob@example.com")

    response = signup(username="bob@example.com", email="mallory@example.com")

    assert response.status_code == 400
    assert "username" in response.json()
    # Bob still logs in with his address.
    assert login("bob@example.com").json()["user"]["username"] == "bob"


def test_an_identifier_with_an_at_sign_names_an_account_by_address_only(db, make_user):
    make_user("carol", email="carol@example.com")

    assert login("carol@example.com").status_code == 200
    assert login("carol").status_code == 200
    assert login("carol@").status_code == 401


# --- The same lookup everywhere ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_reset_request_finds_the_account_under_any_spelling(outbox):
    signup(email="bob@straße.example")
    outbox_before = len(outbox())

    response = APIClient().post(
        "/api/auth/password/reset/", {"email": "BOB@STRASSE.EXAMPLE"}, format="json"
    )

    assert response.status_code == 202
    sent = outbox()[outbox_before:]
    assert [message.to for message in sent] == [["bob@straße.example"]]


def test_the_canonical_columns_are_served_by_their_unique_indexes(db, make_user):
    make_user("alice", email="alice@example.com")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
    for query in (
        User.objects.filter(username_canonical="alice"),
        User.objects.filter(email_canonical="alice@example.com"),
    ):
        plan = query.explain()
        assert "canonical" in plan and ("INDEX" in plan.upper()), plan


@pytest.mark.parametrize("identifier", ["ali\x00ce", "a" * 5000, "x@" + "y" * 300])
def test_an_identifier_no_account_can_have_is_refused_before_any_lookup(db, identifier):
    response = login(identifier)

    assert response.status_code in (400, 401)
    assert response["Content-Type"] == "application/json"
