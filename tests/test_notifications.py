"""Security notifications: one email per kind of event, in text and HTML, each off by a setting,
none carrying a token."""

import re
from types import SimpleNamespace
from unittest import mock

import pyotp
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import checks, emails
from accounts.admin import SessionEndingPasswordChangeForm
from accounts.models import Passkey
from accounts.services import mfa, passkeys, recovery_codes
from accounts.services.notifications import KINDS, notify
from tests.conftest import (
    PASSWORD,
    PASSWORD_CHANGE,
    PASSWORD_RESET,
    PASSWORD_RESET_CONFIRM,
    REFRESH,
    emailed_link,
    later,
    login,
)

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "a-brand-new-passphrase-42"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
_URL = re.compile(r"https?://[^\s\"<>]+")


def notifications(outbox, kind: str) -> list:
    subject = render_to_string(f"accounts/email/notify_{kind}_subject.txt", {}).strip()
    return [message for message in outbox() if message.subject == subject]


def assert_grants_nothing(message) -> None:
    """The only link is the sessions page's; no token, uid or code in either part."""
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    for part in (message.body, html):
        assert set(_URL.findall(part)) <= {"http://localhost:3000/sessions"}, part
        assert "token=" not in part and "uid=" not in part


# --- Passwords -------------------------------------------------------------------------------


def test_a_password_change_is_notified_with_the_time_device_and_address(logged_in, outbox):
    response = logged_in.post(
        PASSWORD_CHANGE,
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
        HTTP_USER_AGENT=FIREFOX,
        REMOTE_ADDR="203.0.113.7",
    )

    assert response.status_code == 200
    [message] = notifications(outbox, "password_changed")
    assert message.to == ["alice@example.com"]
    assert "Firefox on Windows" in message.body
    assert "203.0.113.7" in message.body
    assert timezone.now().strftime("%Y-%m-%d") in message.body
    assert "http://localhost:3000/sessions" in message.body
    assert NEW_PASSWORD not in message.body
    assert_grants_nothing(message)


def test_a_password_reset_is_notified(user, outbox):
    APIClient().post(PASSWORD_RESET, {"email": user.email}, format="json")
    [link_message] = outbox()
    link = emailed_link(link_message, "reset-password")

    APIClient().post(PASSWORD_RESET_CONFIRM, {**link, "new_password": NEW_PASSWORD}, format="json")

    [message] = notifications(outbox, "password_reset")
    assert message.to == ["alice@example.com"]
    assert_grants_nothing(message)


def test_a_password_set_in_the_admin_is_notified(user, outbox):
    form = SessionEndingPasswordChangeForm(
        user, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert form.is_valid(), form.errors
    form.save()

    assert len(notifications(outbox, "password_changed")) == 1


# --- Second factors ------------------------------------------------------------------------------


def totp_enabled(user) -> list[str]:
    secret = mfa.totp_enrol(user=user).secret
    return mfa.totp_confirm(user=user, code=pyotp.TOTP(secret).now(), ip_address="203.0.113.8")


def test_adding_and_removing_an_authenticator_app_are_notified(user, outbox):
    totp_enabled(user)
    [added] = notifications(outbox, "mfa_enrolled")
    assert "An authenticator app was added" in added.body
    assert "203.0.113.8" in added.body
    assert_grants_nothing(added)

    mfa.totp_disable(user=user, ip_address=None)

    [removed] = notifications(outbox, "mfa_removed")
    assert "An authenticator app was removed" in removed.body


def test_adding_and_removing_a_passkey_are_notified(user, outbox):
    registered = SimpleNamespace(
        credential_id=b"credential",
        credential_public_key=b"key",
        sign_count=0,
        aaguid="",
        credential_backed_up=False,
    )
    challenge = (b"challenge", SimpleNamespace(user_handle=b"handle"))
    with (
        mock.patch.object(passkeys, "_challenge_take", return_value=challenge),
        mock.patch.object(passkeys, "verify_registration_response", return_value=registered),
    ):
        passkey = passkeys.passkey_register(
            user=user, name="laptop", credential={"response": {}}, ip_address=None
        ).passkey
    [added] = notifications(outbox, "mfa_enrolled")
    assert "A passkey was added" in added.body

    passkeys.passkey_delete(user=user, passkey_id=passkey.pk, ip_address=None)

    [removed] = notifications(outbox, "mfa_removed")
    assert "A passkey was removed" in removed.body
    assert not Passkey.objects.exists()


def test_recovery_codes_regenerated_and_used_are_notified(user, outbox):
    totp_enabled(user)
    codes = recovery_codes.recovery_codes_regenerate(user=user, ip_address=None)
    [regenerated] = notifications(outbox, "recovery_codes_regenerated")
    assert_grants_nothing(regenerated)
    assert not any(code in regenerated.body for code in codes)

    method = mfa.proof_check(
        user=user, proof=mfa.Proof(recovery_code=codes[0]), ip_address="198.51.100.4"
    )

    assert method == "recovery_code"
    [used] = notifications(outbox, "recovery_code_used")
    assert "198.51.100.4" in used.body and codes[0] not in used.body
    # A wrong code is no event.
    mfa.proof_check(user=user, proof=mfa.Proof(recovery_code="wrong-code"), ip_address=None)
    assert len(notifications(outbox, "recovery_code_used")) == 1


# --- A stolen refresh token -----------------------------------------------------------------


def test_a_session_revoked_for_refresh_token_reuse_is_notified(user, outbox, settings):
    client = APIClient()
    login(client, HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR="203.0.113.20")
    stolen = client.cookies["refresh_token"].value
    assert APIClient().post(REFRESH, {"refresh": stolen}, format="json").status_code == 200

    with later(settings.AUTH_REFRESH_REUSE_GRACE.total_seconds() + 5):
        replay = APIClient().post(REFRESH, {"refresh": stolen}, format="json")

    assert replay.status_code == 401
    [message] = notifications(outbox, "refresh_reuse")
    assert "Firefox on Windows" in message.body and "203.0.113.20" in message.body
    assert_grants_nothing(message)


def test_a_refresh_within_the_grace_notifies_nobody(user, outbox):
    client = APIClient()
    login(client)
    token = client.cookies["refresh_token"].value
    APIClient().post(REFRESH, {"refresh": token}, format="json")

    assert APIClient().post(REFRESH, {"refresh": token}, format="json").status_code == 401
    assert notifications(outbox, "refresh_reuse") == []


# --- Settings and templates --------------------------------------------------------------------


def test_a_kind_turned_off_is_not_sent_and_the_others_are(logged_in, outbox, settings):
    settings.AUTH_NOTIFICATIONS_DISABLED = ["password_changed"]

    logged_in.post(
        PASSWORD_CHANGE, {"old_password": PASSWORD, "new_password": NEW_PASSWORD}, format="json"
    )
    notify(user=logged_in_user(), kind="recovery_codes_regenerated")

    assert notifications(outbox, "password_changed") == []
    assert len(notifications(outbox, "recovery_codes_regenerated")) == 1


def logged_in_user():
    from accounts.models import User

    return User.objects.get(username="alice")


def test_an_unknown_kind_in_the_setting_stops_start_up(settings):
    settings.AUTH_NOTIFICATIONS_DISABLED = ["password_changed", "pasword_reset"]

    problems = checks.settings_problems()

    assert any("AUTH_NOTIFICATIONS_DISABLED" in p and "pasword_reset" in p for p in problems)
    with pytest.raises(ImproperlyConfigured):
        checks.enforce_settings()


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_renders_text_and_html_and_grants_nothing(kind):
    context = {
        "username": "alice",
        "when": "2026-12-01 12:00 UTC",
        "ip_address": "203.0.113.1",
        "device": "Firefox on Windows",
        "sessions_url": "http://localhost:3000/sessions",
        "method_name": "a passkey",
        "old_email": "old@example.com",
        "new_email": "new@example.com",
    }

    message = emails.email_render(template=f"notify_{kind}", to="a@example.com", context=context)

    assert message.subject and "\n" not in message.subject
    assert "alice" in message.body and "2026-12-01 12:00 UTC" in message.body
    assert "Firefox on Windows" in message.body
    assert_grants_nothing(message)
    [(html, _)] = message.alternatives
    assert html.startswith("<!DOCTYPE html>") and "alice" in html


def test_a_deployment_can_replace_a_notification_template(user, outbox, tmp_path, settings):
    override = tmp_path / "accounts" / "email"
    override.mkdir(parents=True)
    (override / "notify_new_device.txt").write_text("Our own words for {{ device }}.")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [str(tmp_path)]}]

    notify(user=user, kind="new_device", user_agent=FIREFOX)

    [message] = notifications(outbox, "new_device")
    assert message.body == "Our own words for Firefox on Windows."


def test_an_unknown_kind_is_a_programming_error(user):
    with pytest.raises(ValueError):
        notify(user=user, kind="something_else")
