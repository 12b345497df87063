"""Deletes expired login sessions and expired outstanding tokens, in batches.

Replaces SimpleJWT's command of the same name, which deletes in one statement:
on a table of millions of rows that is one giant transaction.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.models import LoginSession, PendingLogin, WebAuthnChallenge


def delete_in_batches(queryset, batch_size: int) -> int:
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(queryset.values_list("pk", flat=True)[:batch_size])
            if not ids:
                return deleted
            queryset.model.objects.filter(pk__in=ids).delete()
        deleted += len(ids)


class Command(BaseCommand):
    help = "Deletes expired login sessions and expired outstanding (and blacklisted) tokens."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, batch_size: int, **options):
        now = timezone.now()
        sessions = delete_in_batches(LoginSession.objects.expired(now).order_by(), batch_size)
        tokens = delete_in_batches(
            OutstandingToken.objects.filter(expires_at__lte=now).order_by(), batch_size
        )
        # The leftovers of second-factor ceremonies: pending logins and WebAuthn challenges.
        ceremonies = delete_in_batches(
            WebAuthnChallenge.objects.filter(expires_at__lte=now).order_by(), batch_size
        ) + delete_in_batches(
            PendingLogin.objects.filter(expires_at__lte=now).order_by(), batch_size
        )
        self.stdout.write(
            f"Deleted {sessions} expired session(s), {tokens} expired token(s) and "
            f"{ceremonies} expired login step(s)."
        )
