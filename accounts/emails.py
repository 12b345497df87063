"""Delivering the account emails durably: an outbox row per email, and the worker that sends it.

``email_send`` writes the email to the outbox (models.OutboxEmail) in the
caller's transaction, so it exists if and only if the change that causes it
was committed: a crash after the commit loses nothing, a rollback sends
nothing. The request only writes a row, so an endpoint answers as fast for an
address that gets an email as for one that gets none, and a slow or failing
mail server never holds up or changes an answer.

``manage.py email_worker`` delivers (``outbox_work``). A worker claims one
email at a time for AUTH_EMAIL_LEASE_SECONDS, in a transaction that locks the
row with ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL (on SQLite the
database's write lock serialises claims) and moves it by compare-and-swap, so
of several workers exactly one takes it. It marks the email sent only after
the mail server accepted it. A failure puts it back with a back-off that
doubles from AUTH_EMAIL_RETRY_SECONDS up to AUTH_EMAIL_RETRY_MAX_SECONDS; an
email whose worker died is taken over once its lease runs out. So an email is
sent once, or twice only when a worker dies after the server accepted it and
before it could mark it sent. The only emails given up are those the server
refuses for good (a 5xx for the recipient or the content).

With AUTH_EMAIL_DELIVERY=immediate (development and tests) the process also
delivers each email itself right after its transaction commits, through the
same claim, so a worker running beside it never sends it twice.

Nothing here logs a recipient or an email's content (its links are
credentials): only the template, the user's id and an exception's class.
"""

import json
import logging
import os
import smtplib
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, close_old_connections, transaction
from django.db.models import Count, Min, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts import crypto, events
from accounts.models import OutboxEmail
from accounts.throttling import email_allowed

logger = logging.getLogger(__name__)

TEMPLATE_DIR = "accounts/email"
_PAYLOAD = "email-outbox"
Status = OutboxEmail.Status


# --- Writing an email -----------------------------------------------------------------------


def email_send(*, template: str, user, context: dict, to: str | None = None) -> None:
    """Write ``template`` for the user to the outbox, in the current transaction.

    It goes to ``to``, or by default to the user's address (none without one).
    At most AUTH_EMAIL_THROTTLE_RATE of each kind go to one account; past it the
    email is dropped, silently for the caller, whose answer must not change.
    """
    to = user.email if to is None else to
    if not to:
        return
    if not email_allowed(user_id=user.pk, purpose=template):
        events.record("email_suppressed", user_id=user.pk, template=template)
        return
    context = {
        "username": user.get_username(),
        "frontend_url": settings.FRONTEND_URL,
        **context,
    }
    # The worker has no request: the email keeps the language of the one that caused it.
    # Without one (a command, or code that set none) it is LANGUAGE_CODE.
    language = translation.get_language() or settings.LANGUAGE_CODE
    payload = json.dumps({"to": to, "context": context, "language": language}, default=str)
    email = OutboxEmail.objects.create(
        user_id=user.pk,
        template=template,
        payload=crypto.encrypt(payload, purpose=_PAYLOAD),
    )
    if settings.AUTH_EMAIL_DELIVERY == "immediate":
        transaction.on_commit(lambda: outbox_deliver(email_id=email.pk), robust=True)


def in_default_language():
    """Write the emails caused within it in LANGUAGE_CODE: for what an operator does to an
    account (the admin's actions, ``manage.py changepassword``). The operator's language is not
    the owner's, and the service keeps none for an account."""
    return translation.override(settings.LANGUAGE_CODE)


def email_render(
    *, template: str, to: str, context: dict, language: str | None = None
) -> EmailMultiAlternatives:
    """The message of ``accounts/email/<template>{_subject.txt,.txt,.html}``, written in
    ``language`` (None: LANGUAGE_CODE)."""
    base = f"{TEMPLATE_DIR}/{template}"
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
        message = EmailMultiAlternatives(
            subject=subject, body=render_to_string(f"{base}.txt", context), to=[to]
        )
        message.attach_alternative(render_to_string(f"{base}.html", context), "text/html")
    return message


# --- Delivering ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """An email a worker holds: the attempt number fences it against a takeover."""

    id: int
    attempt: int
    worker_id: str
    template: str
    payload: str
    user_id: int | None


def worker_id_new() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def outbox_claim(*, worker_id: str, email_id: int | None = None) -> Claim | None:
    """Take the next email that is due (or this one), for a lease; None when there is none."""
    now = timezone.now()
    due = OutboxEmail.objects.filter(
        Q(status=Status.PENDING, available_at__lte=now)
        | Q(status=Status.SENDING, lease_expires_at__lte=now)
    )
    if email_id is not None:
        due = due.filter(pk=email_id)
    with transaction.atomic():
        row = due.order_by("available_at", "pk").select_for_update(skip_locked=True).first()
        if row is None:
            return None
        # Compare-and-swap: where rows are not locked, the claim still happens once.
        claimed = OutboxEmail.objects.filter(
            pk=row.pk, status=row.status, attempts=row.attempts
        ).update(
            status=Status.SENDING,
            claimed_by=worker_id,
            lease_expires_at=now + timedelta(seconds=settings.AUTH_EMAIL_LEASE_SECONDS),
            attempts=row.attempts + 1,
        )
    if not claimed:
        return None
    return Claim(
        id=row.pk,
        attempt=row.attempts + 1,
        worker_id=worker_id,
        template=row.template,
        payload=row.payload,
        user_id=row.user_id,
    )


def outbox_deliver_claimed(claim: Claim, *, connection) -> bool:
    """Send a claimed email over ``connection``; mark it sent, or put it back to try later."""
    try:
        data = _unsealed(claim.payload)
        message = email_render(
            template=claim.template,
            to=data["to"],
            context=data["context"],
            language=data.get("language"),
        )
        message.connection = connection
        message.send()
    except Exception as exc:
        _failed(claim, exc)
        return False
    _sent(claim)
    return True


def outbox_deliver(*, email_id: int) -> bool:
    """Deliver one email now, if it is still due (AUTH_EMAIL_DELIVERY=immediate)."""
    claim = outbox_claim(worker_id=f"inline:{worker_id_new()}", email_id=email_id)
    if claim is None:
        return False
    connection = get_connection()
    try:
        return outbox_deliver_claimed(claim, connection=connection)
    finally:
        _close(connection)


def outbox_work(
    *, worker_id: str, stop: threading.Event, interval: float = 1.0, batch: bool = False
) -> int:
    """The worker's loop: deliver due emails until ``stop`` is set (or, in a batch, until
    none is due); returns how many were sent. One SMTP connection serves consecutive emails."""
    sent = 0
    connection = None
    while not stop.is_set():
        close_old_connections()
        try:
            claim = outbox_claim(worker_id=worker_id)
        except DatabaseError as exc:
            # The database is away for a moment (or SQLite is locked): try again shortly.
            logger.warning("email worker: cannot claim (%s)", type(exc).__name__)
            claim = None
            if batch:
                raise
        if claim is None:
            connection = _close(connection)
            if batch:
                break
            stop.wait(interval)
            continue
        if connection is None:
            connection = get_connection()
        try:
            delivered = outbox_deliver_claimed(claim, connection=connection)
        except DatabaseError as exc:
            # Its outcome could not be recorded: the email goes back once its lease ends.
            logger.warning("email worker: cannot record a delivery (%s)", type(exc).__name__)
            delivered = False
            if batch:
                raise
        if delivered:
            sent += 1
        else:
            # The connection may be broken: the next email opens a new one.
            connection = _close(connection)
    _close(connection)
    return sent


class _Unreadable(Exception):
    """A payload that no current or fallback secret key opens."""


def _unsealed(payload: str) -> dict:
    try:
        return json.loads(crypto.decrypt(payload, purpose=_PAYLOAD))
    except (ValueError, TypeError) as exc:
        raise _Unreadable() from exc


def _close(connection) -> None:
    if connection is not None:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - closing a broken connection must not stop the worker
            pass
    return None


def _fenced(claim: Claim):
    """The row, if this claim still holds it: not taken over by another worker meanwhile."""
    return OutboxEmail.objects.filter(
        pk=claim.id, status=Status.SENDING, claimed_by=claim.worker_id, attempts=claim.attempt
    )


def _sent(claim: Claim) -> None:
    marked = _fenced(claim).update(
        status=Status.SENT, sent_at=timezone.now(), payload="", lease_expires_at=None
    )
    if marked:
        logger.info(
            "email %s #%s to user %s sent (attempt %s)",
            claim.template,
            claim.id,
            claim.user_id,
            claim.attempt,
        )
    else:
        logger.warning(
            "email %s #%s to user %s was sent after its lease ran out: "
            "another worker may send it again (raise AUTH_EMAIL_LEASE_SECONDS)",
            claim.template,
            claim.id,
            claim.user_id,
        )


def _failed(claim: Claim, exc: Exception) -> None:
    error = _describe(exc)
    if _refused_for_good(exc):
        _fenced(claim).update(
            status=Status.FAILED, payload="", lease_expires_at=None, last_error=error
        )
        logger.error(
            "email %s #%s to user %s refused by the mail server for good: %s",
            claim.template,
            claim.id,
            claim.user_id,
            error,
        )
        return
    delay = retry_delay(attempt=claim.attempt)
    _fenced(claim).update(
        status=Status.PENDING,
        available_at=timezone.now() + delay,
        lease_expires_at=None,
        last_error=error,
    )
    # One line, without the message: its link is a credential.
    logger.error(
        "email %s to user %s not sent: %s (attempt %s; next in %d s)",
        claim.template,
        claim.user_id,
        error,
        claim.attempt,
        delay.total_seconds(),
    )


def retry_delay(*, attempt: int) -> timedelta:
    """The back-off after the ``attempt``-th failure: doubling, up to the maximum."""
    first, ceiling = settings.AUTH_EMAIL_RETRY_SECONDS, settings.AUTH_EMAIL_RETRY_MAX_SECONDS
    return timedelta(seconds=min(first * 2 ** min(attempt - 1, 30), max(ceiling, first)))


def _smtp_codes(exc: Exception) -> list[int]:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return [code for code, _ in exc.recipients.values()]
    if isinstance(exc, smtplib.SMTPDataError):
        return [exc.smtp_code]
    return []


def _refused_for_good(exc: Exception) -> bool:
    """The server refused the recipient or the content with a permanent (5xx) reply; or the
    payload cannot be read (a secret key lost without a fallback). Anything else, a server
    that is down or refuses the sender or the credentials, is worth retrying."""
    if isinstance(exc, _Unreadable):
        return True
    codes = _smtp_codes(exc)
    return bool(codes) and all(code >= 500 for code in codes)


def _describe(exc: Exception) -> str:
    codes = _smtp_codes(exc) or [getattr(exc, "smtp_code", None)]
    code = next((c for c in codes if isinstance(c, int)), None)
    return type(exc).__name__ + (f" {code}" if code else "")


# --- The backlog, for the health check ------------------------------------------------------


@dataclass(frozen=True)
class Backlog:
    count: int
    oldest: object  # datetime | None


def outbox_backlog(*, older_than: timedelta) -> Backlog:
    """The emails still undelivered that were written more than ``older_than`` ago."""
    undelivered = OutboxEmail.objects.filter(
        status__in=[Status.PENDING, Status.SENDING], created_at__lte=timezone.now() - older_than
    )
    found = undelivered.aggregate(count=Count("pk"), oldest=Min("created_at"))
    return Backlog(count=found["count"], oldest=found["oldest"])
