"""The admin: read-only records, searches, filters, revocation, and a throttled login."""

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import LoginSession, RecoveryCode, SecurityEvent, User
from tests.conftest import PASSWORD, cookie, login

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


# --- The admin as a door ---------------------------------------------------------------------

ADMIN_LOGIN = reverse("admin:login")


def small_login_rate(rate="3/min"):
    return override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                "login": rate,
            },
        }
    )


@pytest.fixture
def staff(make_user):
    return make_user("root", email="root@example.com", is_staff=True, is_superuser=True)


def admin_login(client, username, password, ip="198.51.100.1"):
    return client.post(
        ADMIN_LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


# --- The admin's login is throttled like the API's ---------------------------------------------


@small_login_rate()
def test_the_admin_login_is_throttled_per_address(staff):
    client = Client()
    for n in range(3):
        assert admin_login(client, "root", f"guess-{n}").status_code == 200

    response = admin_login(client, "root", PASSWORD)

    assert response.status_code == 200  # the form again, with the reason
    assert "Too many login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@small_login_rate()
def test_the_admin_login_is_throttled_per_account_across_addresses(staff):
    for n in range(3):
        admin_login(Client(), "root", f"guess-{n}", ip=f"198.51.100.{n}")

    client = Client()
    response = admin_login(client, "root", PASSWORD, ip="198.51.100.99")

    assert "Too many login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@small_login_rate()
def test_the_api_and_the_admin_share_one_counter_per_account(staff):
    for n in range(2):
        APIClient().post(
            "/api/auth/login/",
            {"username": "root@example.com", "password": f"guess-{n}"},
            format="json",
            REMOTE_ADDR=f"203.0.113.{n}",
        )
    admin_login(Client(), "ROOT", "guess-admin", ip="203.0.113.50")

    client = Client()
    response = admin_login(client, "root", PASSWORD, ip="203.0.113.51")
    assert "Too many login attempts" in response.content.decode()
    api = APIClient().post(
        "/api/auth/login/",
        {"username": "root", "password": PASSWORD},
        format="json",
        REMOTE_ADDR="203.0.113.52",
    )
    assert api.status_code == 429


@small_login_rate()
@override_settings(AUTH_MFA_REQUIRED_FOR_STAFF=False)
def test_within_the_limit_the_admin_login_works(staff):
    client = Client()
    response = admin_login(client, "root", PASSWORD)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


# --- Records, not forms -----------------------------------------------------------------------


@pytest.fixture
def alice_session(user):
    client = APIClient(enforce_csrf_checks=True)
    login(client)
    client.post("/api/auth/refresh/")
    return client


@pytest.mark.parametrize("model", ["outstandingtoken", "blacklistedtoken"])
def test_tokens_cannot_be_added_edited_or_deleted(admin_client, alice_session, model):
    row = (OutstandingToken if model == "outstandingtoken" else BlacklistedToken).objects.first()
    base = f"admin:token_blacklist_{model}"

    assert admin_client.get(reverse(f"{base}_add")).status_code == 403
    assert admin_client.post(reverse(f"{base}_add"), {"token": row.pk}).status_code == 403
    assert (
        admin_client.post(reverse(f"{base}_delete", args=[row.pk]), {"post": "yes"}).status_code
        == 403
    )
    changed = admin_client.post(reverse(f"{base}_change", args=[row.pk]), {"jti": "edited"})
    assert changed.status_code == 403
    assert type(row).objects.filter(pk=row.pk).exists()
    changelist = admin_client.get(reverse(f"{base}_changelist")).content.decode()
    assert "delete_selected" not in changelist


def test_a_session_cannot_be_deleted(admin_client, alice_session):
    session = LoginSession.objects.get()
    url = reverse("admin:accounts_loginsession_delete", args=[session.pk])

    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert LoginSession.objects.filter(pk=session.pk).exists()


def test_a_current_token_blacklisted_by_any_path_ends_its_session_at_once(alice_session):
    session = LoginSession.objects.get()
    # Say from a shell, or SimpleJWT's own blacklist view wired up somewhere.
    BlacklistedToken.objects.create(token_id=session.current_refresh_id)

    assert alice_session.get("/api/auth/me/").status_code == 401
    response = alice_session.post("/api/auth/refresh/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert alice_session.post("/api/auth/logout/").status_code in (204, 401)


# --- Deactivation ends sessions for good ---------------------------------------------------------


def test_deactivating_in_the_admin_ends_every_session_for_good(admin_client, alice_session, user):
    refresh = alice_session.cookies["refresh_token"].value
    url = reverse("admin:accounts_user_change", args=[user.pk])
    form = {
        "username": user.username,
        "email": user.email,
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }  # is_active left out: unticked

    assert admin_client.post(url, form).status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert LoginSession.objects.get().revoked_reason == "user_deactivated"

    user.is_active = True
    user.save()
    assert alice_session.get("/api/auth/me/").status_code == 401
    assert (
        APIClient().post("/api/auth/refresh/", {"refresh": refresh}, format="json").status_code
        == 401
    )


def test_deactivating_from_a_shell_ends_every_session_for_good(alice_session, user):
    user.is_active = False
    user.save()
    user.is_active = True
    user.save()

    assert alice_session.get("/api/auth/me/").status_code == 401
    assert LoginSession.objects.get().revoked_reason == "user_deactivated"


def test_saving_an_active_user_revokes_nothing(alice_session, user):
    user.first_name = "Alice"
    user.save()

    assert alice_session.get("/api/auth/me/").status_code == 200


# --- What the admin shows ----------------------------------------------------------------------


def test_each_token_shows_its_session_state_and_why_it_was_blacklisted(admin_client, user):
    client = APIClient(enforce_csrf_checks=True)
    login(client)
    client.post("/api/auth/refresh/")  # the first token: rotated
    client.post("/api/auth/logout/")  # the second: revoked, by logout
    login(APIClient())  # a third: current, in another session
    url = reverse("admin:token_blacklist_outstandingtoken_changelist")

    response = admin_client.get(url)

    rows = {
        row.jti: (admin.state(row), admin.blacklist_reason(row), row.session_id)
        for admin in [response.context["cl"].model_admin]
        for row in response.context["cl"].result_list
    }
    states = sorted((state, reason) for state, reason, _ in rows.values())
    assert states == [("current", "-"), ("revoked", "logout"), ("rotated", "rotation")]
    sessions = {session for _, _, session in rows.values()}
    assert sessions == set(LoginSession.objects.values_list("pk", flat=True))
    page = response.content.decode()
    for session_id in sessions:
        assert reverse("admin:accounts_loginsession_change", args=[session_id]) in page


@pytest.mark.parametrize(
    "state, count", [("current", 1), ("rotated", 1), ("revoked", 1), ("expired", 0)]
)
def test_tokens_filter_by_state(admin_client, user, state, count):
    client = APIClient(enforce_csrf_checks=True)
    login(client)
    client.post("/api/auth/refresh/")
    client.post("/api/auth/logout/")
    login(APIClient())

    for model in ("outstandingtoken", "blacklistedtoken"):
        url = reverse(f"admin:token_blacklist_{model}_changelist")
        listed = admin_client.get(url, {"state": state}).context["cl"].result_list
        expected = count if model == "outstandingtoken" or state in ("rotated", "revoked") else 0
        assert len(listed) == expected, (model, state)


def test_times_show_to_the_second_and_the_user_agent_shows(admin_client, user):
    login(APIClient(HTTP_USER_AGENT="Firefox/140 on a test"))

    page = admin_client.get(reverse("admin:token_blacklist_outstandingtoken_changelist"))

    text = page.content.decode()
    session = LoginSession.objects.get()
    assert session.created_at.strftime("%Y-%m-%d %H:%M:%S") in text
    assert "Firefox/140 on a test" in text


def test_a_users_page_lists_their_sessions_and_revokes_them_all(admin_client, user):
    clients = [APIClient(HTTP_USER_AGENT=f"browser {n}") for n in range(2)]
    for client in clients:
        login(client)
    url = reverse("admin:accounts_user_change", args=[user.pk])

    page = admin_client.get(url).content.decode()
    assert "browser 0" in page and "browser 1" in page
    assert "Revoke all sessions" in page

    response = admin_client.post(reverse("admin:accounts_user_revoke_sessions", args=[user.pk]))

    assert response.status_code == 302
    assert all(client.get("/api/auth/me/").status_code == 401 for client in clients)
    assert set(LoginSession.objects.values_list("revoked_reason", flat=True)) == {"admin"}


def test_revoke_all_refuses_a_get(admin_client, user):
    login(APIClient())

    admin_client.get(reverse("admin:accounts_user_revoke_sessions", args=[user.pk]))

    assert LoginSession.objects.get().revoked_at is None


def test_the_user_list_action_revokes_every_session_of_the_selected(admin_client, make_user):
    alice, bob = make_user("alice"), make_user("bob")
    clients = {u.username: APIClient() for u in (alice, bob)}
    for name, client in clients.items():
        login(client, username=name)

    admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "revoke_all_sessions", "_selected_action": [str(alice.pk)]},
    )

    assert clients["alice"].get("/api/auth/me/").status_code == 401
    assert clients["bob"].get("/api/auth/me/").status_code == 200


def test_a_view_only_staff_member_cannot_revoke(client, make_user, user):
    from django.contrib.auth.models import Permission

    viewer = make_user("viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_loginsession"))
    login(APIClient())
    client.force_login(viewer)
    session = LoginSession.objects.get(user=user)

    client.post(
        reverse("admin:accounts_loginsession_changelist"),
        {"action": "revoke_sessions", "_selected_action": [str(session.pk)]},
    )

    session.refresh_from_db()
    assert session.revoked_at is None


def test_the_admin_lists_stay_one_query_a_page_whatever_the_rows(
    admin_client, make_user, django_assert_max_num_queries
):
    for n in range(12):
        client = APIClient()
        login(client, username=make_user(f"u{n}").username, REMOTE_ADDR=f"198.51.100.{n}")
        client.post(
            "/api/auth/refresh/", {"refresh": client.cookies["refresh_token"].value}, format="json"
        )
    for model in ("outstandingtoken", "blacklistedtoken"):
        url = reverse(f"admin:token_blacklist_{model}_changelist")
        # Session and auth lookups, the count and the page: not one query per row.
        with django_assert_max_num_queries(8):
            assert admin_client.get(url).status_code == 200
    with django_assert_max_num_queries(8):
        assert (
            admin_client.get(reverse("admin:accounts_loginsession_changelist")).status_code == 200
        )
    assert User.objects.count() > 12


# --- Other doors to a second spelling -----------------------------------------------------------


@pytest.mark.parametrize(
    "username, email",
    [
        ("ÉMILE", "new@example.com"),
        ("newcomer", "EMILE@Example.com"),
        ("bob@example.com", "b@x.io"),
    ],
)
def test_the_admins_add_user_form_refuses_a_second_spelling_or_an_at_sign(
    admin_client, make_user, username, email
):
    make_user("émile", email="emile@example.com")

    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": username,
            "email": email,
            "password1": "an-admin-chosen-passphrase",
            "password2": "an-admin-chosen-passphrase",
            "usable_password": "true",
        },
    )

    assert response.status_code == 200  # the form again, with its errors
    assert response.context["adminform"].form.errors
    assert User.objects.count() == 2  # émile and the admin


def test_the_admins_change_form_refuses_another_accounts_spelling(admin_client, make_user, user):
    make_user("émile", email="emile@example.com")
    url = reverse("admin:accounts_user_change", args=[user.pk])

    response = admin_client.post(
        url,
        {
            "username": "ÉMILE",
            "email": user.email,
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        },
    )

    assert response.status_code == 200
    assert "username" in response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.username == "alice"


def test_createsuperuser_says_a_second_spelling_is_taken(make_user):
    from io import StringIO

    from django.core.management import CommandError, call_command

    make_user("émile", email="emile@example.com")

    with pytest.raises(CommandError, match="already taken"):
        call_command(
            "createsuperuser",
            username="ÉMILE",
            email="root@example.com",
            interactive=False,
            stdout=StringIO(),
        )


def test_a_search_by_name_never_matches_sessions_without_an_address(admin_client, make_user):
    make_user("bob")
    login(APIClient(), username="bob")
    nobody = make_user("nobody")
    login(APIClient(), username="nobody")
    LoginSession.objects.filter(user=nobody).update(ip_address=None)

    assert {s.user.username for s in listed(admin_client, q="bob")} == {"bob"}


# --- The admin and the second factor -------------------------------------------------------------


def _totp_on(user) -> str:
    """TOTP on for ``user``, through the services; returns the secret."""
    import pyotp

    from accounts.services import mfa

    secret = mfa.totp_enrol(user=user).secret
    mfa.totp_confirm(user=user, code=pyotp.TOTP(secret).now(), ip_address=None)
    return secret


def _next_code(secret: str) -> str:
    import pyotp

    # The step after the one enrolment used up.
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(timezone.now()) + 1)


def admin_login_with(client, username, password, code=None):
    data = {"username": username, "password": password, "next": "/admin/"}
    if code is not None:
        data["code"] = code
    return client.post(ADMIN_LOGIN, data)


def test_by_default_the_admin_refuses_a_staff_account_without_a_second_factor(staff):
    client = Client()

    response = admin_login_with(client, "root", PASSWORD)

    page = response.content.decode()
    assert "need a second factor" in page and "manage.py enroltotp" in page
    assert "_auth_user_id" not in client.session


def test_an_account_with_a_factor_needs_its_code_at_the_admin(staff):
    secret = _totp_on(staff)
    client = Client()

    without = admin_login_with(client, "root", PASSWORD)
    assert "enter a code" in without.content.decode()
    wrong = admin_login_with(client, "root", PASSWORD, "000000")
    assert "The code is not valid" in wrong.content.decode()
    assert "_auth_user_id" not in client.session

    right = admin_login_with(client, "root", PASSWORD, _next_code(secret))
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_a_recovery_code_opens_the_admin_once(staff):
    from accounts.services import mfa

    _totp_on(staff)
    codes = mfa.recovery_codes.recovery_codes_regenerate(user=staff, ip_address=None)

    first = Client()
    assert admin_login_with(first, "root", PASSWORD, codes[0]).status_code == 302
    second = Client()
    admin_login_with(second, "root", PASSWORD, codes[0])
    assert "_auth_user_id" not in second.session


def test_a_wrong_password_with_a_right_code_is_refused(staff):
    secret = _totp_on(staff)
    client = Client()

    response = admin_login_with(client, "root", "not-the-password", _next_code(secret))

    assert "_auth_user_id" not in client.session
    assert "enter a code" not in response.content.decode()


def test_the_admin_shows_a_users_factors_and_events_but_no_secret(admin_client, staff):
    secret = _totp_on(staff)

    page = admin_client.get(reverse("admin:accounts_user_change", args=[staff.pk]))

    text = page.content.decode()
    assert "authenticator app (TOTP)" in text
    assert "10 recovery codes left" in text
    assert "mfa_enrolled" in text
    assert secret not in text


def test_an_admin_removes_a_users_factors_for_a_lost_device(admin_client, staff):
    _totp_on(staff)

    admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "remove_second_factors", "_selected_action": [str(staff.pk)]},
    )

    from accounts.selectors import user_has_second_factor

    staff.refresh_from_db()
    assert not user_has_second_factor(user=staff)
    assert not RecoveryCode.objects.filter(user=staff).exists()
    assert SecurityEvent.objects.filter(user=staff, kind="mfa_removed").exists()


def test_security_events_are_listed_read_only(admin_client, staff):
    _totp_on(staff)
    url = reverse("admin:accounts_securityevent_changelist")

    listed = admin_client.get(url, {"user": staff.pk}).context["cl"].result_list
    assert {event.kind for event in listed} == {"mfa_enrolled"}
    assert admin_client.get(url, {"user": "not-a-number"}).status_code == 200
    event = listed[0]
    assert (
        admin_client.post(
            reverse("admin:accounts_securityevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_enroltotp_gives_the_first_staff_account_its_factor(staff, monkeypatch):
    from io import StringIO

    import pyotp
    from django.core.management import call_command

    out = StringIO()
    answers = []

    def type_the_code(prompt):
        secret = out.getvalue().split("Secret: ")[1].split()[0]
        answers.append(pyotp.TOTP(secret).now())
        return answers[-1]

    monkeypatch.setattr("builtins.input", type_the_code)
    call_command("enroltotp", "ROOT", stdout=out)

    text = out.getvalue()
    assert "The authenticator app is on for root" in text
    assert text.count("-") >= 10  # the ten recovery codes are printed
    from accounts.selectors import user_has_second_factor

    assert user_has_second_factor(user=staff)


@pytest.mark.django_db(transaction=True)
def test_the_owner_is_told_when_an_admin_removes_their_factors(admin_client, staff, outbox):
    _totp_on(staff)
    before = len(outbox())

    admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "remove_second_factors", "_selected_action": [str(staff.pk)]},
    )

    removed = [m for m in outbox()[before:] if "removed" in m.subject.lower()]
    assert len(removed) == 1 and removed[0].to == [staff.email]
