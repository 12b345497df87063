"""Password reset by emailed link, through the HTTP API with the emails captured."""

import json
import logging
import threading

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.test import override_settings
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from rest_framework.test import APIClient

from accounts import emails, links
from accounts.models import LoginSession, OutboxEmail, RevokeReason
from tests.conftest import (
    PASSWORD,
    PASSWORD_RESET,
    PASSWORD_RESET_CONFIRM,
    emailed_link,
    field_errors,
    later,
    login,
)

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "a-brand-new-passphrase-42"


def request_reset(email: str):
    return APIClient().post(PASSWORD_RESET, {"email": email}, format="json")


def confirm(link: dict, password: str = NEW_PASSWORD, **overrides):
    return APIClient().post(
        PASSWORD_RESET_CONFIRM, {**link, "new_password": password, **overrides}, format="json"
    )


def reset_link_for(user, outbox) -> dict:
    assert request_reset(user.email).status_code == 202
    [message] = outbox()
    return emailed_link(message, "reset-password")


def can_log_in(username: str, password: str) -> bool:
    return login(APIClient(), username, password).status_code == 200


def password_is(user, password: str) -> bool:
    """Read from the stored hash: a login would itself kill the link (last_login is in its hash)."""
    user.refresh_from_db()
    return user.check_password(password)


# --- Asking for a link -----------------------------------------------------------------------


@override_settings(FRONTEND_URL="https://app.example.org")
def test_a_known_address_gets_a_link_to_the_front_end_with_uid_and_token(user, outbox):
    response = request_reset("alice@example.com")

    assert response.status_code == 202
    [message] = outbox()
    assert message.to == ["alice@example.com"]
    assert message.subject == "Reset your password"
    link = emailed_link(message, "reset-password")
    assert urlsafe_base64_decode(link["uid"]).decode() == str(user.pk)
    assert links.PASSWORD_RESET.generator.check_token(user, link["token"])


def test_the_address_is_matched_case_insensitively_and_the_stored_one_is_mailed(user, outbox):
    assert request_reset("ALICE@Example.COM").status_code == 202

    [message] = outbox()
    assert message.to == ["alice@example.com"]


def test_an_unknown_address_gets_the_same_answer_and_no_email(user, outbox):
    known = request_reset("alice@example.com")
    assert len(outbox()) == 1

    unknown = request_reset("nobody@example.com")

    assert (unknown.status_code, unknown.json()) == (known.status_code, known.json())
    assert len(outbox()) == 1


@pytest.mark.parametrize(
    "account", [{"is_active": False}, {"password": None}], ids=["inactive", "no-usable-password"]
)
def test_an_account_that_cannot_reset_gets_the_same_answer_and_no_email(make_user, outbox, account):
    make_user("bob", **account)

    response = request_reset("bob@example.com")

    assert response.status_code == 202
    assert response.json() == request_reset("nobody@example.com").json()
    assert outbox() == []


@pytest.mark.parametrize(
    "body",
    [{"email": "not-an-address"}, {"email": 42}, {"email": ["a@example.com"]}, {"email": ""}, {}],
)
def test_a_malformed_email_is_a_field_error(db, outbox, body):
    response = APIClient().post(PASSWORD_RESET, body, format="json")

    assert response.status_code == 400
    assert list(field_errors(response)) == ["email"]
    assert outbox() == []


def test_asking_for_links_is_throttled_per_client_address(user, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "login": "10/min",
            "signup": "2/hour",
        },
    }

    statuses = [request_reset("alice@example.com").status_code for _ in range(3)]

    assert statuses == [202, 202, 429]
    assert "Retry-After" in request_reset("alice@example.com").headers


# --- Using the link ----------------------------------------------------------------------------


def test_the_link_sets_the_new_password(user, outbox):
    link = reset_link_for(user, outbox)

    response = confirm(link)

    assert response.status_code == 200
    assert response.json() == {"detail": "password reset"}
    assert can_log_in("alice", NEW_PASSWORD)
    assert not can_log_in("alice", PASSWORD)


def test_the_link_works_once(user, outbox):
    link = reset_link_for(user, outbox)
    assert confirm(link).status_code == 200

    again = confirm(link, password="yet-another-passphrase-7")

    assert again.status_code == 400
    assert again.json()["code"] == "invalid_link"
    assert can_log_in("alice", NEW_PASSWORD)


def test_a_weak_password_is_refused_and_does_not_use_up_the_link(user, outbox):
    link = reset_link_for(user, outbox)

    weak = confirm(link, password="12345")

    assert weak.status_code == 400
    assert list(field_errors(weak)) == ["new_password"]
    assert password_is(user, PASSWORD)
    assert confirm(link).status_code == 200


def test_a_password_like_the_username_is_refused(user, outbox):
    response = confirm(reset_link_for(user, outbox), password="alice-example")

    assert response.status_code == 400
    assert list(field_errors(response)) == ["new_password"]


@override_settings(PASSWORD_RESET_TIMEOUT=60)
@pytest.mark.parametrize("seconds_later, status", [(50, 200), (61, 400)])
def test_the_link_expires_after_the_timeout(user, outbox, seconds_later, status):
    link = reset_link_for(user, outbox)

    with later(seconds_later):
        response = confirm(link)

    assert response.status_code == status
    assert password_is(user, NEW_PASSWORD) is (status == 200)


def test_a_reset_ends_every_session_of_the_user(user, outbox):
    browser, phone = APIClient(enforce_csrf_checks=True), APIClient(enforce_csrf_checks=True)
    assert login(browser).status_code == 200
    assert login(phone).status_code == 200
    access = browser.cookies["access_token"].value
    refresh = browser.cookies["refresh_token"].value

    assert confirm(reset_link_for(user, outbox)).status_code == 200

    assert browser.get("/api/auth/me/").status_code == 401
    assert browser.post("/api/auth/refresh/").status_code == 401
    assert phone.get("/api/auth/me/").status_code == 401
    stranger = APIClient()
    assert stranger.get("/api/auth/me/", HTTP_AUTHORIZATION=f"Bearer {access}").status_code == 401
    refreshed = stranger.post("/api/auth/refresh/", {"refresh": refresh}, format="json")
    assert refreshed.status_code == 401
    reasons = set(LoginSession.objects.filter(user=user).values_list("revoked_reason", flat=True))
    assert reasons == {RevokeReason.PASSWORD_RESET}


def test_a_reset_counts_the_address_as_verified(user, outbox):
    assert not user.email_verified

    assert confirm(reset_link_for(user, outbox)).status_code == 200

    user.refresh_from_db()
    assert user.email_verified


def test_a_login_after_the_email_was_sent_kills_the_link(user, outbox):
    link = reset_link_for(user, outbox)
    assert can_log_in("alice", PASSWORD)

    assert confirm(link).json()["code"] == "invalid_link"


def test_a_tampered_token_is_refused(user, outbox):
    link = reset_link_for(user, outbox)
    last = link["token"][-1]
    tampered = link["token"][:-1] + ("0" if last != "0" else "1")

    response = confirm(link, token=tampered)

    assert response.status_code == 400
    assert response.json() == {
        "detail": "The link is invalid, has expired or was already used.",
        "code": "invalid_link",
    }
    assert password_is(user, PASSWORD)


def test_a_token_for_another_user_is_refused(user, make_user, outbox):
    bob = make_user("bob")
    link = reset_link_for(user, outbox)

    response = confirm(link, uid=urlsafe_base64_encode(force_bytes(bob.pk)))

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_link"
    assert password_is(bob, PASSWORD)


def test_the_link_of_a_deactivated_user_is_refused(user, outbox):
    link = reset_link_for(user, outbox)
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert confirm(link).json()["code"] == "invalid_link"


@pytest.mark.parametrize(
    "uid",
    [
        "!!!",
        "Zm9v",  # "foo"
        urlsafe_base64_encode(b"\xff\xfe"),
        urlsafe_base64_encode(b"99999999999999999999999999999"),
        urlsafe_base64_encode(b"-1"),
        urlsafe_base64_encode(b"1\x00"),
        "x" * 64,
    ],
)
def test_a_uid_of_any_shape_that_names_no_user_is_refused(user, outbox, uid):
    link = reset_link_for(user, outbox)

    response = confirm(link, uid=uid)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_link"


@pytest.mark.parametrize(
    "overrides",
    [
        {"uid": 1},
        {"token": None},
        {"token": ["a", "b"]},
        {"uid": ""},
        {"token": "x" * 1000},
        {"new_password": {"p": 1}},
    ],
)
def test_fields_of_the_wrong_type_or_size_are_field_errors(user, outbox, overrides):
    link = reset_link_for(user, outbox)

    response = confirm(link, **overrides)

    assert response.status_code == 400
    assert list(field_errors(response)) == list(overrides)


def test_missing_fields_are_field_errors(db):
    response = APIClient().post(PASSWORD_RESET_CONFIRM, {}, format="json")

    assert response.status_code == 400
    assert sorted(field_errors(response)) == ["new_password", "token", "uid"]


# --- Delivery ------------------------------------------------------------------------------------


class BrokenBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server down")


class HeldBackend(LocmemBackend):
    """Holds every message until the test releases it, as a slow mail server would."""

    release = threading.Event()

    def send_messages(self, messages):
        if not self.release.wait(timeout=10):
            raise TimeoutError("never released")
        return super().send_messages(messages)


@override_settings(EMAIL_BACKEND=f"{__name__}.BrokenBackend")
def test_a_failure_to_send_is_logged_in_one_line_without_the_link(user, outbox, caplog):
    caplog.set_level(logging.INFO)

    response = request_reset("alice@example.com")

    assert response.status_code == 202
    assert response.json() == request_reset("nobody@example.com").json()
    assert outbox() == []
    [failure] = [record for record in caplog.records if record.name == "accounts.emails"]
    assert failure.levelname == "ERROR"
    line = failure.getMessage()
    assert line == (
        f"email password_reset to user {user.pk} not sent: ConnectionRefusedError "
        "(attempt 1; next in 30 s)"
    )
    assert failure.exc_info is None
    assert "token" not in caplog.text and "uid=" not in caplog.text
    # Kept for a worker to try again.
    [queued] = OutboxEmail.objects.all()
    assert (queued.status, queued.attempts) == ("pending", 1)


@override_settings(EMAIL_BACKEND=f"{__name__}.HeldBackend", AUTH_EMAIL_DELIVERY="worker")
def test_with_a_worker_the_answer_only_writes_the_outbox(user, outbox):
    HeldBackend.release.clear()
    try:
        response = request_reset("alice@example.com")
        # Answered without the mail server: the email waits in the outbox.
        assert response.status_code == 202
        assert outbox() == []
        assert OutboxEmail.objects.get().status == "pending"
    finally:
        HeldBackend.release.set()

    assert emails.outbox_work(worker_id="test", stop=threading.Event(), batch=True) == 1
    [message] = outbox()
    assert message.to == ["alice@example.com"]


def test_a_deployment_can_replace_the_email_templates(user, outbox, tmp_path, settings):
    override = tmp_path / "accounts" / "email"
    override.mkdir(parents=True)
    (override / "password_reset.txt").write_text(
        "{% autoescape off %}Go to {{ link }}{% endautoescape %}"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [str(tmp_path)]}]

    assert request_reset("alice@example.com").status_code == 202

    [message] = outbox()

    assert message.body.startswith("Go to http://localhost:3000/reset-password?uid=")
    assert message.subject == "Reset your password"


def test_the_docs_describe_both_endpoints_as_public(db):
    paths = json.loads(APIClient().get("/swagger.json").content)["paths"]

    reset = paths["/api/auth/password/reset/"]["post"]
    reset_confirm = paths["/api/auth/password/reset/confirm/"]["post"]
    assert set(reset["responses"]) == {"202", "400", "413", "415", "429", "503"}
    assert set(reset_confirm["responses"]) == {"200", "400", "413", "415", "503"}
    assert reset["security"] == reset_confirm["security"] == []
