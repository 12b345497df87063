"""Security notifications: the emails that tell an account's owner what just happened to it.

Each kind is one email, ``notify_<kind>{_subject.txt,.txt,.html}`` under
accounts/templates/accounts/email/ (a deployment may override any of them), sent
through the outbox like every email, within the per-account limit of its kind.
AUTH_NOTIFICATIONS_DISABLED names the kinds not to send. No notification holds
a token or a link that grants anything: only the time, the device and address
involved, and a link to the front end's sessions page.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import emails
from accounts.services.devices import device_describe

# Each kind, and when it is sent.
KINDS = {
    "password_changed": "the password was changed (by the user, an admin or manage.py)",
    "password_reset": "the password was reset from an emailed link",
    "email_changed": "the address was changed (sent to the old address)",
    "account_closed": "the account was closed (sent to its last address)",
    "mfa_enrolled": "a second factor was added (an authenticator app or a passkey)",
    "mfa_removed": "a second factor was removed",
    "recovery_code_used": "a recovery code was used",
    "recovery_codes_regenerated": "new recovery codes replaced the old ones",
    "refresh_reuse": "a session was ended because one of its refresh tokens was used twice",
    "new_device": "a login succeeded from a device the account had not used before",
}

# The front end's page of the user's sessions, linked from every notification.
SESSIONS_PAGE = "sessions"

_METHODS = {
    "totp": _("an authenticator app"),
    "webauthn": _("a passkey"),
    "all": _("every second factor (by an administrator)"),
}


def notify(
    *,
    user,
    kind: str,
    ip_address: str | None = None,
    user_agent: str | None = None,
    to: str | None = None,
    **details,
) -> None:
    """Email the user a notification of ``kind``, in the current transaction, unless it is off.

    ``to`` overrides the address (the old one, after a change); ``details`` go to the
    template as they are (a factor's ``method`` is also given in words). The words, like the
    email, are in the current language (emails.email_send says which).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown notification {kind!r}")
    if kind in settings.AUTH_NOTIFICATIONS_DISABLED:
        return
    context = {
        "when": timezone.now().strftime("%Y-%m-%d %H:%M UTC"),
        "ip_address": ip_address or "",
        "device": device_describe(user_agent) if user_agent is not None else "",
        "sessions_url": f"{settings.FRONTEND_URL}/{SESSIONS_PAGE}",
        **details,
    }
    if "method" in details:
        context["method_name"] = str(_METHODS.get(details["method"], details["method"]))
    emails.email_send(template=f"notify_{kind}", user=user, context=context, to=to)
