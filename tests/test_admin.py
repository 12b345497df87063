"""The admin: sessions searchable, filterable and revocable; token values never shown."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import LoginSession, User
from tests.conftest import login
from tests.test_refresh import cookie

CHANGELIST = reverse("admin:accounts_loginsession_changelist")


@pytest.fixture
def sessions(make_user):
    """alice has two sessions, one logged out; bob has one."""
    make_user("alice", email="alice@corp.example")
    make_user("bob", email="bob@corp.example")
    clients = {}
    for name, username in (("alice", "alice"), ("alice-2", "alice"), ("bob", "bob")):
        clients[name] = APIClient(enforce_csrf_checks=True)
        login(clients[name], username=username)
    clients["alice-2"].post("/api/auth/logout/")
    return clients


def listed(admin_client, **params):
    response = admin_client.get(CHANGELIST, params)
    assert response.status_code == 200
    return list(response.context["cl"].queryset)


def test_sessions_are_searchable_by_username_and_email(admin_client, sessions):
    assert {s.user.username for s in listed(admin_client, q="bob")} == {"bob"}
    assert {s.user.username for s in listed(admin_client, q="alice@corp")} == {"alice"}


@pytest.mark.parametrize("status, expected", [("active", 2), ("revoked", 1), ("expired", 0)])
def test_sessions_are_filterable_by_status(admin_client, sessions, status, expected):
    assert len(listed(admin_client, status=status)) == expected


def test_expired_sessions_show_under_expired(admin_client, sessions):
    LoginSession.objects.filter(user__username="bob").update(expires_at="2000-01-01T00:00:00Z")

    assert [s.user.username for s in listed(admin_client, status="expired")] == ["bob"]


def test_the_revoke_action_ends_the_selected_sessions_at_once(admin_client, sessions):
    bob = LoginSession.objects.get(user__username="bob")

    response = admin_client.post(
        CHANGELIST, {"action": "revoke_sessions", "_selected_action": [str(bob.pk)]}, follow=True
    )

    assert response.status_code == 200
    bob.refresh_from_db()
    assert bob.revoked_reason == "admin"
    assert sessions["bob"].get("/api/auth/me/").status_code == 401
    assert sessions["alice"].get("/api/auth/me/").status_code == 200


def test_a_session_cannot_be_edited_or_added(admin_client, sessions):
    bob = LoginSession.objects.get(user__username="bob")
    change = reverse("admin:accounts_loginsession_change", args=[bob.pk])

    admin_client.post(change, {"user_agent": "edited"})

    bob.refresh_from_db()
    assert bob.user_agent == ""
    assert admin_client.get(reverse("admin:accounts_loginsession_add")).status_code == 403


@pytest.mark.parametrize("url_name", ["outstandingtoken", "blacklistedtoken", "loginsession"])
def test_no_admin_page_shows_a_token_value(admin_client, sessions, url_name):
    tokens = [
        cookie(c, name)
        for c in sessions.values()
        for name in ("access_token", "refresh_token")
        if cookie(c, name)
    ]
    changelist = admin_client.get(
        reverse(f"admin:token_blacklist_{url_name}_changelist")
        if url_name != "loginsession"
        else CHANGELIST
    )
    pages = [changelist.content.decode()]
    model = changelist.context["cl"].model
    for obj in model.objects.all():
        pages.append(
            admin_client.get(
                reverse(
                    f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
                )
            ).content.decode()
        )

    assert len(pages) > 1
    for page in pages:
        assert not any(token in page for token in tokens)
        assert "eyJ" not in page  # no JWT at all


def test_outstanding_tokens_are_searchable_by_username_and_email(admin_client, sessions):
    url = reverse("admin:token_blacklist_outstandingtoken_changelist")

    by_name = admin_client.get(url, {"q": "bob"}).context["cl"].queryset
    by_email = admin_client.get(url, {"q": "alice@corp"}).context["cl"].queryset

    assert {row.user.username for row in by_name} == {"bob"}
    assert {row.user.username for row in by_email} == {"alice"}
    assert len(by_email) == 2


def test_blacklisted_tokens_are_searchable_by_username(admin_client, sessions):
    url = reverse("admin:token_blacklist_blacklistedtoken_changelist")

    alice = admin_client.get(url, {"q": "alice"}).context["cl"].queryset
    bob = admin_client.get(url, {"q": "bob"}).context["cl"].queryset

    assert {row.token.user.username for row in alice} == {"alice"}
    assert not bob


def test_a_password_set_in_the_admin_ends_the_users_sessions(admin_client, sessions):
    bob = User.objects.get(username="bob")
    url = reverse("admin:auth_user_password_change", args=[bob.pk])

    response = admin_client.post(
        url,
        {
            "password1": "an-admin-chosen-passphrase",
            "password2": "an-admin-chosen-passphrase",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.check_password("an-admin-chosen-passphrase")
    assert sessions["bob"].get("/api/auth/me/").status_code == 401
    assert sessions["alice"].get("/api/auth/me/").status_code == 200


def _user_change_form(user, **changes):
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": "",
        "last_name": "",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "email_verified": "on" if user.email_verified else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_an_email_changed_in_the_admin_is_no_longer_verified(admin_client, user):
    user.email_verified = True
    user.save()

    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        _user_change_form(user, email="alice@new.example"),
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.email, user.email_verified) == ("alice@new.example", False)


def test_the_admin_may_vouch_for_a_new_email_in_the_same_edit(admin_client, user):
    response = admin_client.post(
        reverse("admin:accounts_user_change", args=[user.pk]),
        _user_change_form(user, email="alice@new.example", email_verified="on"),
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email_verified
