"""Emailed links under attack: tokens that could collide, old salts, and floods to one inbox."""

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from accounts import links
from accounts.models import User
from tests.conftest import (
    EMAIL_VERIFY,
    EMAIL_VERIFY_RESEND,
    PASSWORD,
    PASSWORD_RESET,
    PASSWORD_RESET_CONFIRM,
    emailed_link,
)

pytestmark = pytest.mark.django_db(transaction=True)


def uid(user) -> str:
    return urlsafe_base64_encode(force_bytes(user.pk))


def test_one_accounts_verification_token_never_verifies_another_whose_fields_run_together():
    # Concatenated, "1" + "0ceo@x" and "10" + "ceo@x" are the same text.
    first = User.objects.create_user("first", email="0ceo@x.example", password=PASSWORD, pk=1)
    tenth = User.objects.create_user("tenth", email="ceo@x.example", password=PASSWORD, pk=10)
    token = links.EMAIL_VERIFICATION.generator.make_token(first)

    response = APIClient().post(EMAIL_VERIFY, {"uid": uid(tenth), "token": token}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_link"
    tenth.refresh_from_db()
    assert not tenth.email_verified


@pytest.mark.parametrize(
    "generator", [links.PASSWORD_RESET.generator, links.EMAIL_VERIFICATION.generator]
)
def test_tokens_bind_an_unambiguous_value(generator):
    user = User.objects.create_user("u", email="a@x.example", password=PASSWORD)
    hashed = generator._make_hash_value(user, 12345)

    # Each field stands apart: moving a digit from one to the next changes the value.
    assert hashed.startswith("[12345, ")
    assert str(user.pk) in hashed and "a@x.example" in hashed


def test_links_made_with_djangos_default_generator_no_longer_work():
    user = User.objects.create_user("u", email="u@x.example", password=PASSWORD)
    old_token = PasswordResetTokenGenerator().make_token(user)

    response = APIClient().post(
        PASSWORD_RESET_CONFIRM,
        {"uid": uid(user), "token": old_token, "new_password": "a-brand-new-passphrase"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_link"


def test_a_reset_token_is_worthless_as_a_verification_token_and_back():
    user = User.objects.create_user("u", email="u@x.example", password=PASSWORD)
    reset = links.PASSWORD_RESET.generator.make_token(user)
    verification = links.EMAIL_VERIFICATION.generator.make_token(user)

    assert not links.EMAIL_VERIFICATION.generator.check_token(user, reset)
    assert not links.PASSWORD_RESET.generator.check_token(user, verification)


# --- Floods to one inbox ---------------------------------------------------------------------


def test_at_most_three_reset_emails_an_hour_reach_one_account_whatever_the_client(outbox):
    User.objects.create_user("victim", email="victim@example.com", password=PASSWORD)
    answers = [
        APIClient().post(
            PASSWORD_RESET, {"email": spelling}, format="json", REMOTE_ADDR=f"198.51.100.{n}"
        )
        for n, spelling in enumerate(["victim@example.com", "VICTIM@example.com"] * 4)
    ]

    # The answer never changes, so it does not tell when the limit is reached.
    assert {(a.status_code, a.content) for a in answers} == {
        (answers[0].status_code, answers[0].content)
    }
    assert answers[0].status_code == 202
    assert len(outbox()) == 3


def test_the_limit_counts_each_kind_of_email_apart(outbox):
    User.objects.create_user("victim", email="victim@example.com", password=PASSWORD)
    for _ in range(4):
        APIClient().post(PASSWORD_RESET, {"email": "victim@example.com"}, format="json")
        APIClient().post(EMAIL_VERIFY_RESEND, {"email": "victim@example.com"}, format="json")

    subjects = [message.subject for message in outbox()]
    assert len(subjects) == 6
    assert len(set(subjects)) == 2


def test_the_emails_that_are_sent_still_carry_working_links(outbox):
    User.objects.create_user("victim", email="victim@example.com", password=PASSWORD)
    for _ in range(5):
        APIClient().post(PASSWORD_RESET, {"email": "victim@example.com"}, format="json")

    link = emailed_link(outbox()[-1], "reset-password")
    response = APIClient().post(
        PASSWORD_RESET_CONFIRM, {**link, "new_password": "a-brand-new-passphrase"}, format="json"
    )
    assert response.status_code == 200
