"""Django's changepassword, which also ends the user's login sessions."""

import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import changepassword

from accounts import emails
from accounts.models import RevokeReason
from accounts.services.notifications import notify
from accounts.services.sessions import user_sessions_revoke


class Command(changepassword.Command):
    def handle(self, *args, **options):
        message = super().handle(*args, **options)
        username = options["username"] or getpass.getuser()
        user = (
            get_user_model()._default_manager.db_manager(options["database"]).get(username=username)
        )
        revoked = user_sessions_revoke(user=user, reason=RevokeReason.PASSWORD_CHANGED)
        with emails.in_default_language():
            notify(user=user, kind="password_changed")
        return f"{message}\nRevoked {revoked} login session(s)."
