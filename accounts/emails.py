"""Delivery of the account emails, in the background, after the transaction that asks for them.

A message is rendered and sent on a small pool of worker threads, once the
transaction that asked for it has committed. The request only hands it over,
so an endpoint answers as fast for an address that gets an email as for one
that does not (no timing oracle), and a slow or failing mail server never
holds up or changes an answer. (Equal work on both paths would instead mean
a round trip to the mail server for addresses that have no account.) A
message still queued when the process is killed is lost; the user asks for
another link.
"""

import logging
import threading
from concurrent import futures
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from accounts import events
from accounts.throttling import email_allowed

logger = logging.getLogger(__name__)

TEMPLATE_DIR = "accounts/email"


@dataclass(frozen=True)
class Email:
    """A message to render from ``accounts/email/<template>{_subject.txt,.txt,.html}``."""

    template: str
    to: str
    user_id: int
    context: dict = field(default_factory=dict)
    # The language to write it in; None: the default (LANGUAGE_CODE).
    language: str | None = None


def email_send(*, template: str, user, context: dict) -> None:
    """Send ``template`` to the user's address after the current transaction commits.

    At most AUTH_EMAIL_THROTTLE_RATE of each kind go to one account; past it the
    email is dropped, silently for the caller, whose answer must not change.
    """
    if not email_allowed(user_id=user.pk, purpose=template):
        events.record("email_suppressed", user_id=user.pk, template=template)
        return
    email = Email(
        template=template,
        to=user.email,
        user_id=user.pk,
        context={"username": user.get_username(), "frontend_url": settings.FRONTEND_URL, **context},
        # The worker threads have no request, so no language of their own.
        language=translation.get_language(),
    )
    # Not sent for a rolled-back change, and the worker never reads the database.
    transaction.on_commit(lambda: _submit(email), robust=True)


def deliveries_wait(timeout: float | None = None) -> None:
    """Block until every message handed over so far is sent or has failed."""
    with _lock:
        pending = list(_pending)
    futures.wait(pending, timeout)


# A bounded pool rather than a thread per message: a burst of requests queues
# instead of opening as many SMTP connections at once.
_MAX_WORKERS = 2
_executor: futures.ThreadPoolExecutor | None = None
_pending: set[futures.Future] = set()
_lock = threading.Lock()


def _submit(email: Email) -> None:
    global _executor
    with _lock:
        if _executor is None:
            # Made on first use, so that a process forked after import gets its own threads.
            _executor = futures.ThreadPoolExecutor(_MAX_WORKERS, thread_name_prefix="account-email")
        future = _executor.submit(_deliver, email)
        _pending.add(future)
    future.add_done_callback(_forget)


def _forget(future: futures.Future) -> None:
    with _lock:
        _pending.discard(future)


def _deliver(email: Email) -> None:
    try:
        _render(email).send()
    except Exception as exc:
        # One line, without the message: its link is a credential.
        logger.error(
            "email %s to user %s not sent: %s", email.template, email.user_id, type(exc).__name__
        )


def _render(email: Email) -> EmailMultiAlternatives:
    with translation.override(email.language):
        return _render_in_language(email)


def _render_in_language(email: Email) -> EmailMultiAlternatives:
    base = f"{TEMPLATE_DIR}/{email.template}"
    subject = " ".join(render_to_string(f"{base}_subject.txt", email.context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{base}.txt", email.context),
        to=[email.to],
    )
    message.attach_alternative(render_to_string(f"{base}.html", email.context), "text/html")
    return message
