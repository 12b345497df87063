"""The email outbox at the service level: written with the change, claimed with a lease, sent once,
retried with back-off, never logged or stored in clear. tests/test_email_worker.py runs the real
worker process."""

import logging
import smtplib
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import crypto, emails
from accounts.models import OutboxEmail
from tests.conftest import in_parallel, later

pytestmark = pytest.mark.django_db(transaction=True)

LINK = "http://localhost:3000/reset-password?uid=MQ&token=secret-token-value"


class FailingBackend(BaseEmailBackend):
    """A mail server that answers with ``error`` (set by each test)."""

    error: Exception = ConnectionRefusedError("mail server down")

    def send_messages(self, email_messages):
        raise self.error


@pytest.fixture
def worker_mode(settings):
    settings.AUTH_EMAIL_DELIVERY = "worker"
    return settings


@pytest.fixture
def failing(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    FailingBackend.error = ConnectionRefusedError("mail server down")
    return FailingBackend


def send_reset(user, **context):
    emails.email_send(
        template="password_reset",
        user=user,
        context={"link": LINK, "valid_for": "1 hour", **context},
    )


def work() -> int:
    return emails.outbox_work(worker_id="test-worker", stop=threading.Event(), batch=True)


# --- Written with the change ------------------------------------------------------------------


def test_an_email_is_written_in_the_transaction_of_its_change(worker_mode, user):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_reset(user)
        raise RuntimeError("the change failed")
    assert not OutboxEmail.objects.exists()

    with transaction.atomic():
        send_reset(user)
    [queued] = OutboxEmail.objects.all()
    assert (queued.status, queued.template) == ("pending", "password_reset")
    assert queued.user_id == user.pk


def test_the_outbox_holds_neither_the_link_nor_the_address_in_clear(worker_mode, user):
    send_reset(user)

    queued = OutboxEmail.objects.get()
    assert "secret-token-value" not in queued.payload
    assert "alice@example.com" not in queued.payload
    assert "secret-token-value" in crypto.decrypt(queued.payload, purpose="email-outbox")

    assert work() == 1
    queued.refresh_from_db()
    assert queued.status == "sent" and queued.payload == "" and queued.sent_at is not None
    [message] = mail.outbox
    assert LINK in message.body and message.to == ["alice@example.com"]


def test_with_a_worker_nothing_leaves_until_it_runs(worker_mode, user):
    send_reset(user)
    assert mail.outbox == []

    assert work() == 1
    assert work() == 0
    assert len(mail.outbox) == 1


def test_immediate_delivery_sends_once_the_transaction_commits(user):
    with transaction.atomic():
        send_reset(user)
        assert mail.outbox == []

    assert len(mail.outbox) == 1
    assert OutboxEmail.objects.get().status == "sent"
    assert work() == 0  # a worker beside it finds nothing left to send


def test_an_email_over_the_accounts_limit_is_not_written(worker_mode, user):
    for _ in range(5):
        send_reset(user)

    assert OutboxEmail.objects.count() == 3  # AUTH_EMAIL_THROTTLE_RATE, 3/hour


def test_an_account_without_an_address_gets_no_email(worker_mode, make_user):
    nobody = make_user("nobody", email="placeholder@example.com")
    nobody.email = ""
    nobody.save()

    send_reset(nobody)

    assert not OutboxEmail.objects.exists()


# --- Failures and retries ------------------------------------------------------------------------


def test_a_failed_send_is_retried_after_a_back_off_and_then_sent_once(worker_mode, failing, user):
    send_reset(user)
    before = timezone.now()

    assert work() == 0
    queued = OutboxEmail.objects.get()
    assert (queued.status, queued.attempts) == ("pending", 1)
    assert queued.last_error == "ConnectionRefusedError"
    assert queued.available_at >= before + timedelta(seconds=30)
    assert work() == 0  # not due again yet
    assert OutboxEmail.objects.get().attempts == 1

    worker_mode.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with later(31):
        assert work() == 1
    queued.refresh_from_db()
    assert (queued.status, queued.attempts) == ("sent", 2)
    assert len(mail.outbox) == 1


def test_the_back_off_doubles_up_to_its_ceiling(settings):
    settings.AUTH_EMAIL_RETRY_SECONDS = 30
    settings.AUTH_EMAIL_RETRY_MAX_SECONDS = 3600

    delays = [emails.retry_delay(attempt=n).total_seconds() for n in (1, 2, 3, 7, 8, 200)]

    assert delays == [30, 60, 120, 1920, 3600, 3600]


def test_an_outage_delays_mail_however_long_it_lasts(worker_mode, failing, user):
    send_reset(user)
    for hours in range(1, 9):
        with later(hours * 3600):
            work()
    queued = OutboxEmail.objects.get()
    assert (queued.status, queued.attempts) == ("pending", 8)

    worker_mode.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with later(10 * 3600):
        assert work() == 1
    assert len(mail.outbox) == 1


def test_a_recipient_refused_for_good_is_given_up_and_logged(worker_mode, failing, user, caplog):
    failing.error = smtplib.SMTPRecipientsRefused({user.email: (550, b"no such mailbox")})
    send_reset(user)

    with caplog.at_level(logging.INFO, logger="accounts.emails"):
        assert work() == 0

    queued = OutboxEmail.objects.get()
    assert (queued.status, queued.payload, queued.last_error) == (
        "failed",
        "",
        "SMTPRecipientsRefused 550",
    )
    [line] = [r.getMessage() for r in caplog.records if r.name == "accounts.emails"]
    assert "refused by the mail server for good" in line
    with later(7200):
        assert work() == 0


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"alice@example.com": (450, b"mailbox busy")}),
        smtplib.SMTPAuthenticationError(535, b"bad credentials"),
        smtplib.SMTPSenderRefused(550, b"sender refused", "webmaster@localhost"),
        smtplib.SMTPServerDisconnected("gone"),
        TimeoutError("timed out"),
    ],
    ids=["greylisted", "bad-credentials", "sender-refused", "disconnected", "timeout"],
)
def test_a_passing_or_configuration_failure_is_retried(worker_mode, failing, user, error):
    failing.error = error
    send_reset(user)

    work()

    assert OutboxEmail.objects.get().status == "pending"


def test_an_email_no_key_can_open_is_given_up(worker_mode, user, settings):
    send_reset(user)
    settings.SECRET_KEY = "another-secret-key-that-never-sealed-this-email-0123456789abcdef"

    assert work() == 0

    assert OutboxEmail.objects.get().status == "failed"
    assert mail.outbox == []


def test_neither_the_link_nor_the_address_is_ever_logged(worker_mode, failing, user, caplog):
    send_reset(user)
    with caplog.at_level(logging.DEBUG):
        work()
        worker_mode.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        with later(60):
            work()

    assert len(mail.outbox) == 1
    assert "secret-token-value" not in caplog.text and "uid=" not in caplog.text
    assert "alice@example.com" not in caplog.text


# --- Claims and leases -------------------------------------------------------------------------


def test_a_claimed_email_is_not_taken_by_another_worker_before_its_lease_ends(worker_mode, user):
    send_reset(user)

    first = emails.outbox_claim(worker_id="a")
    assert first is not None and first.attempt == 1
    assert emails.outbox_claim(worker_id="b") is None
    with later(worker_mode.AUTH_EMAIL_LEASE_SECONDS - 5):
        assert emails.outbox_claim(worker_id="b") is None


def test_an_email_whose_worker_died_is_taken_over_once_the_lease_ends(worker_mode, user, caplog):
    send_reset(user)
    dead = emails.outbox_claim(worker_id="dead")

    with later(worker_mode.AUTH_EMAIL_LEASE_SECONDS + 1):
        taken = emails.outbox_claim(worker_id="alive")
        assert taken is not None and taken.attempt == 2
        # The first worker wakes up after all: its late mark is fenced off, and it says so.
        with caplog.at_level(logging.WARNING, logger="accounts.emails"):
            emails._sent(dead)
        assert OutboxEmail.objects.get().status == "sending"
        assert "lease ran out" in caplog.text
        connection = mail.get_connection()
        assert emails.outbox_deliver_claimed(taken, connection=connection)

    queued = OutboxEmail.objects.get()
    assert (queued.status, queued.claimed_by, queued.attempts) == ("sent", "alive", 2)


def test_of_parallel_claims_of_one_email_exactly_one_wins(worker_mode, user):
    send_reset(user)
    names = iter(range(100))
    lock = threading.Lock()

    def claim():
        with lock:
            name = f"worker-{next(names)}"
        return emails.outbox_claim(worker_id=name)

    claims = in_parallel(claim)

    won = [claim for claim in claims if claim is not None]
    assert len(won) == 1
    assert OutboxEmail.objects.get().claimed_by == won[0].worker_id


def test_parallel_workers_send_every_email_exactly_once(worker_mode, make_user):
    for n in range(12):
        send_reset(make_user(f"user{n}"))

    sent = in_parallel(work, count=4)

    assert sum(sent) == 12
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"user{n}@example.com" for n in range(12))
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"sent"}


# --- The health check -------------------------------------------------------------------------


def test_healthz_warns_of_undelivered_mail_older_than_the_threshold(worker_mode, user):
    send_reset(user)
    assert "warning" not in APIClient().get("/healthz/").json()

    with later(worker_mode.AUTH_EMAIL_BACKLOG_WARNING_SECONDS + 1):
        response = APIClient().get("/healthz/")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["email_backlog"]) == ("ok", "ok", 1)
    assert "1 email undelivered for over 600 s" in body["warning"]
    assert "email worker" in body["warning"]

    work()
    with later(worker_mode.AUTH_EMAIL_BACKLOG_WARNING_SECONDS + 1):
        assert APIClient().get("/healthz/").json() == {"status": "ok", "database": "ok"}


def test_check_deploy_warns_of_inline_delivery_outside_debug(settings):
    from accounts.checks import email_delivery_check

    settings.DEBUG, settings.AUTH_EMAIL_DELIVERY = False, "immediate"
    [warning] = email_delivery_check(None)
    assert warning.id == "accounts.W002"

    settings.AUTH_EMAIL_DELIVERY = "worker"
    assert email_delivery_check(None) == []
