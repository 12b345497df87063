from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.test import override_settings

from accounts.models import LoginSession
from tests.conftest import LOGIN, PASSWORD, decode, login


def test_login_returns_the_user_and_expiry_times(api, user):
    response = login(api)

    assert response.status_code == 200
    body = response.json()
    assert body["detail"] == "login success"
    # The same user as `me` answers, so a front end needs no second call (email_verified too).
    assert body["user"] == api.get("/api/auth/me/").json()
    assert body["user"]["id"] == user.id and body["user"]["email_verified"] is False
    assert {"username": "alice", "email": "alice@example.com"}.items() <= body["user"].items()
    access_exp = datetime.fromisoformat(body["access_expires_at"].replace("Z", "+00:00"))
    refresh_exp = datetime.fromisoformat(body["refresh_expires_at"].replace("Z", "+00:00"))
    assert refresh_exp - access_exp == timedelta(seconds=604800 - 300)
    assert "access" not in body and "refresh" not in body


def test_login_sets_httponly_cookies_with_the_contract_flags(api, user):
    response = login(api)

    access = response.cookies["access_token"]
    refresh = response.cookies["refresh_token"]
    assert access["httponly"] and refresh["httponly"]
    assert access["path"] == "/"
    assert refresh["path"] == "/api/auth/"
    assert access["max-age"] == 300
    assert refresh["max-age"] == 604800
    assert access["samesite"] == refresh["samesite"] == "Lax"
    # Tests run with production defaults: not debug, so Secure.
    assert access["secure"] and refresh["secure"]
    assert response["Cache-Control"] == "no-store"


def test_login_rotates_the_script_readable_csrf_cookie(api, user):
    first = api.get("/api/auth/csrf/").cookies["csrftoken"].value

    response = login(api)

    csrf = response.cookies["csrftoken"]
    assert csrf.value and csrf.value != first
    assert not csrf["httponly"]


def test_tokens_carry_the_session_and_user_claims(api, user):
    response = login(api)

    access = decode(response.cookies["access_token"].value)
    refresh = decode(response.cookies["refresh_token"].value)
    session = LoginSession.objects.get(user=user)
    for claims, token_type in ((access, "access"), (refresh, "refresh")):
        assert claims["token_type"] == token_type
        assert claims["user_id"] == str(user.id)
        assert claims["username"] == "alice"
        assert claims["sid"] == str(session.id)
        assert {"jti", "exp", "iat"} <= claims.keys()
    assert access["exp"] - access["iat"] == 300


def test_login_by_email_is_case_insensitive(api, user):
    response = login(api, username="ALICE@example.COM")

    assert response.status_code == 200
    assert response.json()["user"]["username"] == "alice"


def test_login_by_username_is_case_insensitive(api, user):
    assert login(api, username="Alice").status_code == 200


def test_an_identifier_with_an_at_sign_is_always_an_address_never_a_username(api, make_user):
    make_user("carol", email="dave@example.com", password="carols-own-password-1")
    # A username with an @ can no longer be chosen; one made before the rule cannot
    # take over the address at login.
    make_user("dave@example.com", email="dave@elsewhere.example", password=PASSWORD)

    assert login(api, username="dave@example.com").status_code == 401
    response = login(api, username="dave@example.com", password="carols-own-password-1")
    assert response.status_code == 200
    assert response.json()["user"]["username"] == "carol"


@pytest.mark.parametrize(
    "username, password, active",
    [
        ("alice", "wrong-password", True),
        ("nobody", PASSWORD, True),
        ("alice", PASSWORD, False),
    ],
    ids=["wrong password", "unknown user", "inactive user"],
)
def test_failed_logins_look_alike(api, user, username, password, active):
    user.is_active = active
    user.save()

    response = login(api, username=username, password=password)

    assert response.status_code == 401
    assert response.json() == {
        "detail": "No active account found with the given credentials",
        "code": "no_active_account",
    }
    assert "access_token" not in response.cookies
    assert not LoginSession.objects.exists()


@pytest.mark.parametrize("missing", ["username", "password"])
def test_a_missing_field_is_a_400_naming_it(api, user, missing):
    body = {"username": "alice", "password": PASSWORD}
    del body[missing]

    response = api.post(LOGIN, body, format="json")

    assert response.status_code == 400
    assert missing in response.json()


@pytest.mark.parametrize("value", [123, None, ["alice"], {"u": "alice"}, True], ids=repr)
def test_credentials_of_the_wrong_json_type_are_400(api, user, value):
    response = api.post(LOGIN, {"username": value, "password": PASSWORD}, format="json")

    assert response.status_code == 400
    assert "username" in response.json()


def test_login_records_the_session_with_user_agent_and_address(api, user):
    login(api, HTTP_USER_AGENT="Firefox/140", REMOTE_ADDR="203.0.113.7")

    session = LoginSession.objects.get(user=user)
    assert session.user_agent == "Firefox/140"
    assert session.ip_address == "203.0.113.7"
    assert session.is_active()


def test_a_forged_forwarded_for_header_is_ignored_without_proxies(api, user):
    login(api, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert LoginSession.objects.get(user=user).ip_address == "203.0.113.7"


def test_login_updates_last_login(api, user):
    assert user.last_login is None

    login(api)

    user.refresh_from_db()
    assert user.last_login is not None


def test_login_works_with_a_stale_or_forged_access_cookie(api, user):
    api.cookies["access_token"] = "eyJhbGciOiJub25lIn0.eyJ1c2VyX2lkIjoiMSJ9."

    assert login(api).status_code == 200


def test_login_ignores_a_bad_explicit_authorization_header(api, user):
    response = login(api, HTTP_AUTHORIZATION="Bearer not-a-token")

    assert response.status_code == 200


@override_settings(AUTH_RETURN_TOKENS_IN_BODY=True)
def test_tokens_in_body_option_returns_the_cookie_values(api, user):
    response = login(api)

    body = response.json()
    assert body["access"] == response.cookies["access_token"].value
    assert body["refresh"] == response.cookies["refresh_token"].value


@override_settings(AUTH_EMAIL_VERIFICATION="mandatory")
def test_mandatory_verification_refuses_an_unverified_login_without_cookies(api, user):
    response = login(api)

    assert response.status_code == 401
    assert response.json()["code"] == "email_not_verified"
    assert "access_token" not in response.cookies
    assert not LoginSession.objects.exists()


@override_settings(AUTH_EMAIL_VERIFICATION="mandatory")
def test_mandatory_verification_lets_a_verified_user_in(api, user):
    user.email_verified = True
    user.save()

    assert login(api).status_code == 200


def test_login_logs_a_security_event_without_secrets(api, user, caplog):
    caplog.set_level("INFO", logger="accounts.security")

    ok = login(api)
    login(api, password="wrong-password")

    text = caplog.text
    assert '"event": "login_succeeded"' in text
    assert '"event": "login_failed"' in text
    assert PASSWORD not in text and "wrong-password" not in text
    assert ok.cookies["access_token"].value not in text
    assert ok.cookies["refresh_token"].value not in text


@override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": 1})
@pytest.mark.parametrize("forwarded", ["not-an-address", "203.0.113.9, <script>"])
def test_a_garbage_forwarded_address_is_stored_as_unknown(api, user, forwarded):
    response = login(api, HTTP_X_FORWARDED_FOR=forwarded)

    assert response.status_code == 200
    assert LoginSession.objects.get(user=user).ip_address is None


def test_a_nul_in_the_user_agent_is_dropped(api, user):
    login(api, HTTP_USER_AGENT="Mozilla\x00/5.0")

    assert LoginSession.objects.get(user=user).user_agent == "Mozilla/5.0"
