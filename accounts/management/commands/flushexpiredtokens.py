"""Deletes expired login sessions, outstanding tokens and login steps, in short batches, and
the outbox's records of emails long delivered.

Replaces SimpleJWT's command of the same name, which deletes in one statement:
on a table of millions of rows that is one giant transaction. Here each batch
is its own transaction of at most ``--batch-size`` rows, so the row locks it
takes are held for a fraction of a second and memory does not grow with the
table. A batch is named by one subquery over the expiry index, starting where
the last batch ended (so none rescans what earlier ones deleted), and each of
its statements names it again: the database does the work, and no list of ids
travels through Python.
"""

import statistics
import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import LoginSession, OutboxEmail, PendingLogin, WebAuthnChallenge

# How long the outbox keeps the record of an email it is done with.
DELIVERED_EMAILS_KEPT = timedelta(days=30)

# What refers to an outstanding token, and how each goes with it. Other references
# would need Django's collector, which reads every row of a batch into Python.
_TOKEN_REFERENCES = {
    (BlacklistedToken, "token"): "delete",
    (LoginSession, "current_refresh"): "unset",
}


def _references(model) -> set[tuple[type, str]]:
    return {(rel.related_model, rel.field.name) for rel in model._meta.related_objects}


class Batches:
    """Deletes in batches and keeps how long each one took."""

    def __init__(self, batch_size: int):
        self.batch_size = batch_size
        self.durations: list[float] = []  # seconds; a float a batch is all that grows

    def _batch(self, model, *, now, since):
        expired = model.objects.filter(expires_at__lte=now)
        if since is not None:
            # Everything that expired earlier is gone already.
            expired = expired.filter(expires_at__gte=since)
        # The key breaks ties, so that every statement of a batch names the same rows.
        return expired.order_by("expires_at", "pk")[: self.batch_size]

    def delete_expired(self, model, *, now, references: dict | None = None) -> int:
        references = references or {}
        fast = _references(model) <= set(references)
        deleted, since = 0, None
        while True:
            batch = self._batch(model, now=now, since=since)
            started = time.monotonic()
            with transaction.atomic():
                found = batch.aggregate(rows=Count("pk"), last=Max("expires_at"))
                if not found["rows"]:
                    return deleted
                ids = batch.values("pk")
                if fast:
                    for (related, field), action in references.items():
                        rows = related.objects.filter(**{f"{field}__in": ids})
                        if action == "delete":
                            rows._raw_delete(rows.db)
                        else:
                            rows.update(**{field: None})
                    rows = model.objects.filter(pk__in=ids)
                    rows._raw_delete(rows.db)
                else:
                    model.objects.filter(pk__in=list(ids.values_list("pk", flat=True))).delete()
            self.durations.append(time.monotonic() - started)
            deleted += found["rows"]
            since = found["last"]

    def delete_matching(self, queryset) -> int:
        """Every row of ``queryset`` (a small table's), a batch of primary keys at a time."""
        deleted = 0
        while True:
            started = time.monotonic()
            with transaction.atomic():
                ids = list(queryset.order_by("pk").values_list("pk", flat=True)[: self.batch_size])
                if not ids:
                    return deleted
                queryset.model.objects.filter(pk__in=ids).delete()
            self.durations.append(time.monotonic() - started)
            deleted += len(ids)


class Command(BaseCommand):
    help = "Deletes expired login sessions and expired outstanding (and blacklisted) tokens."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, batch_size: int, **options):
        now = timezone.now()
        batches = Batches(batch_size)
        # Sessions first: a token that goes later is then no session's current one.
        sessions = batches.delete_expired(LoginSession, now=now)
        tokens = batches.delete_expired(OutstandingToken, now=now, references=_TOKEN_REFERENCES)
        # The leftovers of second-factor ceremonies; a challenge may name a pending login.
        ceremonies = batches.delete_expired(WebAuthnChallenge, now=now)
        ceremonies += batches.delete_expired(PendingLogin, now=now)
        self.stdout.write(
            f"Deleted {sessions} expired session(s), {tokens} expired token(s) and "
            f"{ceremonies} expired login step(s)."
        )
        done = OutboxEmail.objects.filter(
            status__in=[OutboxEmail.Status.SENT, OutboxEmail.Status.FAILED],
            created_at__lte=now - DELIVERED_EMAILS_KEPT,
        )
        emails = batches.delete_matching(done)
        self.stdout.write(f"Deleted {emails} record(s) of emails delivered or given up.")
        durations = batches.durations or [0.0]
        longest, median = max(durations) * 1000, statistics.median(durations) * 1000
        self.stdout.write(
            f"{len(batches.durations)} batch(es) of at most {batch_size}; the longest took "
            f"{longest:.0f} ms, the median {median:.0f} ms."
        )
