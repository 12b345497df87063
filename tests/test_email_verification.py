"""Email verification: the link sent at signup, resending it, and AUTH_EMAIL_VERIFICATION."""

import json
import logging

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.test import override_settings
from django.utils.http import urlsafe_base64_decode
from rest_framework.test import APIClient

from accounts import links
from accounts.models import User
from accounts.services import users
from tests.conftest import (
    EMAIL_VERIFY,
    EMAIL_VERIFY_RESEND,
    PASSWORD,
    PASSWORD_RESET,
    PASSWORD_RESET_CONFIRM,
    SIGNUP,
    emailed_link,
    field_errors,
    later,
    login,
)

pytestmark = pytest.mark.django_db(transaction=True)


def signup(username: str = "carol", email: str = "carol@example.com"):
    return APIClient().post(
        SIGNUP, {"username": username, "email": email, "password": PASSWORD}, format="json"
    )


def verify(link: dict, **overrides):
    return APIClient().post(EMAIL_VERIFY, {**link, **overrides}, format="json")


def resend(email: str):
    return APIClient().post(EMAIL_VERIFY_RESEND, {"email": email}, format="json")


def signup_link(outbox) -> dict:
    assert signup().status_code == 201
    [message] = outbox()
    return emailed_link(message, "verify-email")


def reset_link(outbox) -> dict:
    """Asks for carol's reset link, once her earlier emails are out."""
    sent_before = len(outbox())
    response = APIClient().post(PASSWORD_RESET, {"email": "carol@example.com"}, format="json")
    assert response.status_code == 202
    [message] = outbox()[sent_before:]
    return emailed_link(message, "reset-password")


def verified(username: str = "carol") -> bool:
    return User.objects.get(username=username).email_verified


# --- The signup email ----------------------------------------------------------------------------


@override_settings(FRONTEND_URL="https://app.example.org")
def test_signup_sends_a_verification_link_to_the_front_end(outbox):
    response = signup()

    assert response.status_code == 201
    [message] = outbox()
    assert message.to == ["carol@example.com"]
    assert message.subject == "Confirm your email address"
    link = emailed_link(message, "verify-email")
    carol = User.objects.get(username="carol")
    assert urlsafe_base64_decode(link["uid"]).decode() == str(carol.pk)
    assert links.EMAIL_VERIFICATION.generator.check_token(carol, link["token"])


def test_the_link_verifies_the_address(outbox):
    link = signup_link(outbox)
    assert not verified()

    response = verify(link)

    assert response.status_code == 200
    assert response.json() == {"detail": "email verified"}
    client = APIClient()
    assert login(client, "carol").status_code == 200
    assert client.get("/api/auth/me/").json()["email_verified"] is True


def test_the_link_dies_once_the_address_is_verified(outbox):
    link = signup_link(outbox)
    assert verify(link).status_code == 200

    again = verify(link)

    assert again.status_code == 400
    assert again.json()["code"] == "invalid_link"


def test_the_link_dies_when_the_address_changes(outbox):
    link = signup_link(outbox)
    User.objects.filter(username="carol").update(email="carol@elsewhere.example")

    response = verify(link)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_link"
    assert not verified()


def test_a_login_or_a_password_change_leaves_the_link_working(outbox):
    link = signup_link(outbox)
    client = APIClient()
    assert login(client, "carol").status_code == 200
    changed = client.post(
        "/api/auth/password/change/",
        {"old_password": PASSWORD, "new_password": "another-fine-passphrase-9"},
        format="json",
    )
    assert changed.status_code == 200

    assert verify(link).status_code == 200


@override_settings(PASSWORD_RESET_TIMEOUT=60)
@pytest.mark.parametrize("seconds_later, status", [(50, 200), (61, 400)])
def test_the_link_expires_after_the_timeout(outbox, seconds_later, status):
    link = signup_link(outbox)

    with later(seconds_later):
        response = verify(link)

    assert response.status_code == status
    assert verified() is (status == 200)


def test_a_tampered_token_is_refused(outbox):
    link = signup_link(outbox)
    last = link["token"][-1]

    response = verify(link, token=link["token"][:-1] + ("0" if last != "0" else "1"))

    assert response.status_code == 400
    assert response.json() == {
        "detail": "The link is invalid, has expired or was already used.",
        "code": "invalid_link",
    }
    assert not verified()


def test_a_password_reset_token_does_not_verify_and_a_verification_token_does_not_reset(outbox):
    verification = signup_link(outbox)
    reset = reset_link(outbox)

    assert verify(reset).json()["code"] == "invalid_link"
    refused = APIClient().post(
        PASSWORD_RESET_CONFIRM,
        {**verification, "new_password": "another-fine-passphrase-9"},
        format="json",
    )
    assert refused.json()["code"] == "invalid_link"
    assert not verified()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"uid": "MQ"},
        {"uid": 1, "token": "x"},
        {"uid": "MQ", "token": ["x"]},
        {"uid": "", "token": ""},
    ],
)
def test_missing_or_mistyped_fields_are_field_errors(db, body):
    response = APIClient().post(EMAIL_VERIFY, body, format="json")

    assert response.status_code == 400
    assert set(field_errors(response)) <= {"uid", "token"} and field_errors(response)


@pytest.mark.parametrize("uid", ["!!!", "Zm9v", "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OQ", "x" * 64])
def test_a_uid_of_any_shape_that_names_no_user_is_refused(outbox, uid):
    link = signup_link(outbox)

    response = verify(link, uid=uid)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_link"


# --- Resending -----------------------------------------------------------------------------------


def test_resend_sends_a_fresh_link_to_an_unverified_address(outbox):
    signup_link(outbox)

    response = resend("CAROL@example.com")

    assert response.status_code == 202
    [_, message] = outbox()
    assert message.to == ["carol@example.com"]
    assert verify(emailed_link(message, "verify-email")).status_code == 200


def test_resend_answers_the_same_and_sends_nothing_for_unknown_verified_or_inactive(
    make_user, outbox
):
    make_user("dave", email_verified=True)
    make_user("erin", is_active=False)
    make_user("fred")
    sending = resend("fred@example.com")
    assert len(outbox()) == 1

    for address in ("nobody@example.com", "dave@example.com", "erin@example.com"):
        response = resend(address)
        assert (response.status_code, response.json()) == (sending.status_code, sending.json())
    assert len(outbox()) == 1


@pytest.mark.parametrize("body", [{"email": "nope"}, {"email": None}, {"email": 7}, {}])
def test_resend_refuses_a_malformed_email(db, body):
    response = APIClient().post(EMAIL_VERIFY_RESEND, body, format="json")

    assert response.status_code == 400
    assert list(field_errors(response)) == ["email"]


def test_resend_is_throttled_like_signup(make_user, settings):
    make_user("fred")
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "login": "10/min",
            "signup": "2/hour",
        },
    }

    statuses = [resend("fred@example.com").status_code for _ in range(3)]

    assert statuses == [202, 202, 429]


# --- AUTH_EMAIL_VERIFICATION ---------------------------------------------------------------------


@override_settings(AUTH_EMAIL_VERIFICATION="none")
def test_with_verification_off_nothing_is_sent(make_user, outbox):
    make_user("fred")

    assert signup().status_code == 201
    assert resend("carol@example.com").status_code == 202
    assert resend("fred@example.com").status_code == 202

    assert outbox() == []
    assert login(APIClient(), "carol").status_code == 200


def test_optional_verification_lets_an_unverified_user_log_in(outbox):
    signup_link(outbox)

    assert login(APIClient(), "carol").status_code == 200


@override_settings(AUTH_EMAIL_VERIFICATION="mandatory")
def test_mandatory_verification_refuses_login_until_the_link_is_used(outbox):
    link = signup_link(outbox)

    refused = login(APIClient(), "carol")

    assert refused.status_code == 401
    assert refused.json()["code"] == "email_not_verified"
    assert not {"access_token", "refresh_token"} & set(refused.cookies)

    assert verify(link).status_code == 200
    client = APIClient()
    accepted = login(client, "carol")
    assert accepted.status_code == 200
    assert {"access_token", "refresh_token"} <= set(accepted.cookies)
    assert client.get("/api/auth/me/").json()["email_verified"] is True


@override_settings(AUTH_EMAIL_VERIFICATION="mandatory")
def test_mandatory_verification_is_satisfied_by_a_password_reset(outbox):
    signup_link(outbox)
    reset = reset_link(outbox)
    new_password = "another-fine-passphrase-9"

    response = APIClient().post(
        PASSWORD_RESET_CONFIRM, {**reset, "new_password": new_password}, format="json"
    )

    assert response.status_code == 200
    assert login(APIClient(), "carol", new_password).status_code == 200


# --- Delivery ------------------------------------------------------------------------------------


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise OSError("no route to the mail server")


@override_settings(EMAIL_BACKEND=f"{__name__}.BrokenBackend")
def test_a_failure_to_send_at_signup_is_logged_and_the_account_is_created(outbox, caplog):
    caplog.set_level(logging.INFO)

    response = signup()

    assert response.status_code == 201
    assert outbox() == []
    carol = User.objects.get(username="carol")
    [failure] = [record for record in caplog.records if record.name == "accounts.emails"]
    assert failure.getMessage() == (
        f"email verify_email to user {carol.pk} not sent: OSError (attempt 1; next in 30 s)"
    )
    assert "token" not in caplog.text and "verify-email" not in caplog.text
    assert resend("carol@example.com").status_code == 202


def test_no_email_leaves_for_a_signup_that_is_rolled_back(outbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        users.user_signup(username="carol", email="carol@example.com", password=PASSWORD)
        raise RuntimeError("a later step failed")

    assert outbox() == []
    assert not User.objects.filter(username="carol").exists()


def test_a_refused_signup_sends_nothing(make_user, outbox):
    make_user("carol")

    assert signup().status_code == 400
    assert outbox() == []


def test_the_docs_describe_both_endpoints_as_public(db):
    paths = json.loads(APIClient().get("/swagger.json").content)["paths"]

    email_verify = paths["/api/auth/email/verify/"]["post"]
    email_resend = paths["/api/auth/email/verify/resend/"]["post"]
    assert set(email_verify["responses"]) == {"200", "400", "413", "415", "503"}
    assert set(email_resend["responses"]) == {"202", "400", "413", "415", "429", "503"}
    assert email_verify["security"] == email_resend["security"] == []
