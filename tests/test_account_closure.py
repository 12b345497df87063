"""DELETE /api/auth/me/ and the admin's action: every session ends, the account is deactivated and
anonymised, its username and address are free again, and its last address is told."""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import (
    EmailChange,
    KnownDevice,
    LoginSession,
    Passkey,
    RecoveryCode,
    SecurityEvent,
    TotpDevice,
    User,
)
from tests.conftest import (
    ME,
    PASSWORD,
    REFRESH,
    SIGNUP,
    assert_cookies_cleared,
    later,
    login,
)

pytestmark = pytest.mark.django_db(transaction=True)

REAUTHENTICATE = "/api/auth/reauthenticate/"


def close(client):
    return client.delete(ME)


@pytest.fixture
def elsewhere(user) -> APIClient:
    """Another browser of alice's."""
    client = APIClient()
    assert (
        login(client, HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0) Firefox/120.0").status_code
        == 200
    )
    return client


def test_closing_ends_every_session_at_once_and_clears_the_cookies(logged_in, elsewhere, user):
    refresh = logged_in.cookies["refresh_token"].value

    response = close(logged_in)

    assert response.status_code == 204
    assert_cookies_cleared(response)
    assert elsewhere.get(ME).status_code == 401
    assert APIClient().post(REFRESH, {"refresh": refresh}, format="json").status_code == 401
    assert set(LoginSession.objects.values_list("revoked_reason", flat=True)) == {"account_closed"}


def test_a_closed_account_is_deactivated_and_holds_no_personal_data(logged_in, user):
    user.first_name, user.last_name = "Alice", "Liddell"
    user.save()
    TotpDevice.objects.create(user=user, encrypted_secret="x", confirmed_at=timezone.now())
    RecoveryCode.objects.create(user=user, code_hash="h")
    Passkey.objects.create(
        user=user, name="key", credential_id="c", public_key=b"k", user_handle=b"u"
    )
    EmailChange.objects.create(user=user, new_email="new@example.com", nonce="n")
    SecurityEvent.objects.create(user=user, kind="mfa_used", ip_address="203.0.113.9")
    assert KnownDevice.objects.filter(user=user).exists()

    assert close(logged_in).status_code == 204

    closed = User.objects.get(pk=user.pk)
    assert not closed.is_active and closed.closed_at is not None
    assert closed.username.startswith("closed-") and "alice" not in closed.username
    assert (closed.email, closed.email_canonical, closed.first_name, closed.last_name) == (
        "",
        None,
        "",
        "",
    )
    assert not closed.has_usable_password() and not closed.email_verified
    for model in (TotpDevice, RecoveryCode, Passkey, EmailChange, KnownDevice):
        assert not model.objects.filter(user=closed).exists(), model
    assert set(LoginSession.objects.values_list("ip_address", "user_agent")) == {(None, "")}
    assert SecurityEvent.objects.get(user=closed).ip_address is None


def test_the_username_and_the_address_are_free_again(logged_in, user):
    close(logged_in)

    for name, password in (("alice", PASSWORD), ("alice@example.com", PASSWORD)):
        refused = login(APIClient(), name, password)
        assert refused.status_code == 401
        assert refused.json()["code"] == "no_active_account"
    again = APIClient().post(
        SIGNUP,
        {"username": "Alice", "email": "ALICE@example.com", "password": PASSWORD},
        format="json",
    )
    assert again.status_code == 201
    assert again.json()["id"] != user.pk


def test_a_confirmation_goes_to_the_last_address_and_grants_nothing(logged_in, outbox):
    close(logged_in)

    [message] = [m for m in outbox() if m.subject == "Your account was closed"]
    assert message.to == ["alice@example.com"]
    assert "alice" in message.body  # the name it had
    assert "token=" not in message.body and "http" not in message.body
    [(html, _)] = message.alternatives
    assert "token=" not in html


def test_closing_needs_a_recent_authentication(logged_in, user, settings):
    settings.AUTH_REAUTHENTICATION_SECONDS = 60
    with later(61):
        refused = close(logged_in)
        assert refused.status_code == 401
        assert refused.json()["code"] == "reauthentication_required"
        assert User.objects.get(pk=user.pk).is_active

        assert (
            logged_in.post(REAUTHENTICATE, {"password": PASSWORD}, format="json").status_code == 200
        )
        assert close(logged_in).status_code == 204


def test_closing_needs_an_access_token_and_csrf(api, user):
    assert close(api).status_code == 401
    login(api)
    api.credentials()

    refused = close(api)

    assert refused.status_code == 403
    assert User.objects.get(pk=user.pk).is_active


def test_a_token_of_a_closed_account_is_refused_even_if_kept(logged_in, user):
    access = logged_in.cookies["access_token"].value
    close(logged_in)

    response = APIClient(HTTP_AUTHORIZATION=f"Bearer {access}").delete(ME)

    assert response.status_code == 401


def test_an_app_client_closes_its_account_with_its_bearer_token(user):
    tokens = (
        APIClient(HTTP_X_AUTH_CLIENT="app")
        .post("/api/auth/login/", {"username": "alice", "password": PASSWORD}, format="json")
        .json()
    )
    app = APIClient(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}", HTTP_X_AUTH_CLIENT="app")

    response = close(app)

    assert response.status_code == 204
    assert not response.cookies
    assert not User.objects.get(pk=user.pk).is_active


def test_the_admin_closes_the_selected_accounts_as_the_owner_would(admin_client, make_user, outbox):
    bob = make_user("bob")
    client = APIClient()
    login(client, "bob")

    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "close_accounts", "_selected_action": [str(bob.pk)]},
        follow=True,
    )

    assert response.status_code == 200
    bob.refresh_from_db()
    assert not bob.is_active and bob.closed_at is not None and bob.email == ""
    assert client.get(ME).status_code == 401
    assert [m.to for m in outbox() if m.subject == "Your account was closed"] == [
        ["bob@example.com"]
    ]
    # Closing it again does nothing, and sends nothing.
    admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "close_accounts", "_selected_action": [str(bob.pk)]},
    )
    assert len([m for m in outbox() if m.subject == "Your account was closed"]) == 1
