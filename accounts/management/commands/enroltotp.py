"""Enrols an authenticator app (TOTP) for an account from the terminal.

The way to give the first staff account its second factor, when the admin
refuses staff without one (AUTH_MFA_REQUIRED_FOR_STAFF).
"""

import segno
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import identifiers
from accounts.errors import FactorAlreadyEnabled, InvalidCode
from accounts.services import mfa


class Command(BaseCommand):
    help = "Enrols an authenticator app for a user: shows its QR code, asks for one of its codes."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = (
            get_user_model()
            .objects.filter(username_canonical=identifiers.canonical(username))
            .first()
        )
        if user is None:
            raise CommandError(f"No user {username!r}.")
        try:
            enrolment = mfa.totp_enrol(user=user)
        except FactorAlreadyEnabled:
            raise CommandError(f"{user} has an authenticator app already.") from None
        self.stdout.write("Scan this with the authenticator app, or type the secret in:\n")
        segno.make(enrolment.otpauth_url, error="m").terminal(out=self.stdout, compact=True)
        self.stdout.write(f"\nSecret: {enrolment.secret}\n")
        code = input("A code the app shows now: ").strip()
        try:
            codes = mfa.totp_confirm(user=user, code=code, ip_address=None)
        except InvalidCode:
            raise CommandError("That code is not valid; run the command again.") from None
        self.stdout.write(self.style.SUCCESS(f"\nThe authenticator app is on for {user}."))
        self.stdout.write(
            "Recovery codes (each works once; keep them safe, they are not shown again):"
        )
        for recovery in codes:
            self.stdout.write(f"  {recovery}")
