"""Second factors through the API: TOTP, recovery codes, the two-step login, re-authentication."""

import pyotp
import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import LoginSession, PendingLogin, RecoveryCode, SecurityEvent, TotpDevice
from tests.conftest import LOGIN, ME, PASSWORD, decode, later, login

MFA = "/api/auth/mfa/"
TOTP = "/api/auth/mfa/totp/"
TOTP_CONFIRM = "/api/auth/mfa/totp/confirm/"
RECOVERY_CODES = "/api/auth/mfa/recovery-codes/"
VERIFY = "/api/auth/mfa/verify/"
REAUTHENTICATE = "/api/auth/reauthenticate/"
APP = {"HTTP_X_AUTH_CLIENT": "app"}


def code_for(secret: str, *, steps_later: int = 0) -> str:
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(timezone.now()) + steps_later)


def enrol(client) -> tuple[str, list[str]]:
    """TOTP on for the client's user: the secret and the recovery codes."""
    secret = client.post(TOTP).json()["secret"]
    response = client.post(TOTP_CONFIRM, {"code": code_for(secret)}, format="json")
    assert response.status_code == 200, response.content
    return secret, response.json()["recovery_codes"]


@pytest.fixture
def enrolled(logged_in):
    """alice, logged in, with TOTP on: (client, secret, recovery codes)."""
    secret, codes = enrol(logged_in)
    # Each TOTP step takes one code; tests that log in next use the step after.
    return logged_in, secret, codes


def first_step(client=None, username="alice", **headers):
    client = client or APIClient(enforce_csrf_checks=True)
    response = client.post(
        LOGIN, {"username": username, "password": PASSWORD}, format="json", **headers
    )
    if response.status_code == 401 and "csrftoken" in response.cookies:
        client.credentials(HTTP_X_CSRFTOKEN=response.cookies["csrftoken"].value)
    return client, response


# --- Enrolment -----------------------------------------------------------------------------------


def test_enrolment_gives_a_secret_its_url_and_a_qr_code_but_changes_nothing_yet(logged_in, user):
    response = logged_in.post(TOTP)

    assert response.status_code == 200
    body = response.json()
    assert body["otpauth_url"].startswith("otpauth://totp/")
    assert f"secret={body['secret']}" in body["otpauth_url"]
    assert body["qr_svg"].startswith("<svg")
    assert logged_in.get(MFA).json()["totp"] == {"enabled": False}
    _, step = first_step()
    assert step.status_code == 200  # no second factor asked yet


def test_the_secret_is_stored_encrypted(logged_in, user):
    secret = logged_in.post(TOTP).json()["secret"]

    stored = TotpDevice.objects.get(user=user).encrypted_secret
    assert secret not in stored


def test_confirming_with_a_code_turns_totp_on_and_shows_ten_recovery_codes_once(logged_in, user):
    secret, codes = enrol(logged_in)

    assert len(codes) == 10 and len(set(codes)) == 10
    status = logged_in.get(MFA).json()
    assert status["totp"] == {"enabled": True}
    assert status["recovery_codes"] == {"remaining": 10}
    # Stored hashed: no code is in the table.
    assert not any(code in str(RecoveryCode.objects.values_list()) for code in codes)
    assert not any(code in logged_in.get(MFA).content.decode() for code in codes)


@pytest.mark.parametrize("code", ["000000", "12345", "abcdef", "", "1234567"])
def test_a_wrong_code_does_not_confirm(logged_in, code):
    logged_in.post(TOTP)

    response = logged_in.post(TOTP_CONFIRM, {"code": code}, format="json")

    assert response.status_code == 400
    assert logged_in.get(MFA).json()["totp"] == {"enabled": False}


def test_enrolling_again_while_enabled_is_a_409(enrolled):
    client, _, _ = enrolled

    response = client.post(TOTP)

    assert response.status_code == 409
    assert response.json()["code"] == "already_enabled"


def test_confirm_without_a_pending_enrolment_is_a_404(logged_in):
    response = logged_in.post(TOTP_CONFIRM, {"code": "123456"}, format="json")

    assert response.status_code == 404


def test_a_new_enrolment_replaces_an_unconfirmed_one(logged_in):
    first = logged_in.post(TOTP).json()["secret"]
    second = logged_in.post(TOTP).json()["secret"]

    stale = logged_in.post(TOTP_CONFIRM, {"code": code_for(first)}, format="json")
    assert stale.status_code == 400 or code_for(first) == code_for(second)
    fresh = logged_in.post(TOTP_CONFIRM, {"code": code_for(second)}, format="json")
    assert fresh.status_code == 200


# --- The two-step login ---------------------------------------------------------------------------


def test_a_correct_password_then_asks_for_the_second_factor_and_sets_no_auth_cookie(enrolled):
    client, response = first_step()

    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "mfa_required"
    assert body["methods"] == ["totp", "recovery_code"]
    assert body["mfa_expires_at"]
    assert "mfa_token" not in body  # browsers get it as a cookie
    assert "access_token" not in response.cookies and "refresh_token" not in response.cookies
    mfa_cookie = response.cookies["mfa_token"]
    assert mfa_cookie["httponly"] and mfa_cookie["path"] == "/api/auth/mfa/"
    assert 0 < mfa_cookie["max-age"] <= 300
    assert (
        not LoginSession.objects.filter(revoked_at__isnull=True)
        .exclude(pk=LoginSession.objects.order_by("created_at").first().pk)
        .exists()
    )


def test_a_wrong_password_says_nothing_of_a_second_factor(enrolled):
    response = APIClient().post(
        LOGIN, {"username": "alice", "password": "wrong-password"}, format="json"
    )

    assert response.status_code == 401
    assert response.json()["code"] == "no_active_account"
    assert "mfa_token" not in response.cookies


def test_the_second_step_with_a_code_logs_in_exactly_like_a_login(enrolled):
    _, secret, _ = enrolled
    client, _ = first_step()

    with later(30):
        response = client.post(VERIFY, {"code": code_for(secret)}, format="json")
        assert client.get(ME).status_code == 200

    assert response.status_code == 200, response.content
    assert response.json()["detail"] == "login success"
    assert response.json()["user"]["username"] == "alice"
    claims = decode(response.cookies["access_token"].value)
    assert claims["amr"] == ["pwd", "otp"]
    assert response.cookies["mfa_token"].value == ""  # the pending login's cookie is cleared


def test_a_pending_login_holds_no_usable_token(enrolled):
    client, response = first_step()
    pending = response.cookies["mfa_token"].value

    for carrier in ({"HTTP_AUTHORIZATION": f"Bearer {pending}"},):
        assert APIClient(**carrier).get(ME).status_code == 401
    assert client.get(ME).status_code == 401
    assert client.post("/api/auth/refresh/", {"refresh": pending}, format="json").status_code in (
        400,
        401,
    )


def test_a_code_is_refused_a_second_time_in_its_step(enrolled):
    _, secret, _ = enrolled
    with later(30):
        code = code_for(secret)
        client, _ = first_step()
        assert client.post(VERIFY, {"code": code}, format="json").status_code == 200
        again, _ = first_step()

        response = again.post(VERIFY, {"code": code}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_code"


def test_one_step_of_drift_is_tolerated_two_are_not(enrolled):
    _, secret, _ = enrolled
    with later(90):
        client, _ = first_step()
        too_old = code_for(secret, steps_later=-2)
        assert client.post(VERIFY, {"code": too_old}, format="json").status_code == 400
        behind = code_for(secret, steps_later=-1)
        assert client.post(VERIFY, {"code": behind}, format="json").status_code == 200


def test_a_wrong_code_keeps_the_pending_login_usable(enrolled):
    _, secret, _ = enrolled
    client, _ = first_step()

    with later(30):
        assert client.post(VERIFY, {"code": "000000"}, format="json").status_code == 400
        assert client.post(VERIFY, {"code": code_for(secret)}, format="json").status_code == 200


def test_five_wrong_codes_end_the_pending_login(enrolled):
    _, secret, _ = enrolled
    client, _ = first_step()
    statuses = [
        client.post(VERIFY, {"code": f"00000{n}"}, format="json").status_code for n in range(5)
    ]

    assert statuses == [400, 400, 400, 400, 429]
    with later(30):
        response = client.post(VERIFY, {"code": code_for(secret)}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "mfa_token_invalid"


def test_a_pending_login_expires(enrolled):
    _, secret, _ = enrolled
    client, _ = first_step()

    with later(301):
        response = client.post(VERIFY, {"code": code_for(secret)}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "mfa_token_invalid"


def test_a_pending_login_finishes_once(enrolled):
    _, secret, codes = enrolled
    client, response = first_step()
    token = response.cookies["mfa_token"].value
    with later(30):
        assert client.post(VERIFY, {"code": code_for(secret)}, format="json").status_code == 200

    replay = APIClient(enforce_csrf_checks=True)
    replay.cookies["mfa_token"] = token
    replay.credentials(HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    replay.cookies["csrftoken"] = client.cookies["csrftoken"].value

    response = replay.post(VERIFY, {"recovery_code": codes[0]}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "mfa_token_invalid"


def test_a_pending_login_presented_by_another_browser_is_refused_and_ended(enrolled):
    _, secret, _ = enrolled
    client, response = first_step(HTTP_USER_AGENT="Firefox on the victim's laptop")
    token = response.cookies["mfa_token"].value

    thief = APIClient(HTTP_USER_AGENT="curl on the thief's machine")
    stolen = thief.post(VERIFY, {"code": "000000", "mfa_token": token}, format="json", **APP)
    assert stolen.status_code == 401
    assert stolen.json()["code"] == "mfa_token_invalid"
    with later(30):
        response = client.post(
            VERIFY,
            {"code": code_for(secret)},
            format="json",
            HTTP_USER_AGENT="Firefox on the victim's laptop",
        )
    assert response.status_code == 401
    assert SecurityEvent.objects.filter(kind="mfa_token_misused").exists()


def test_the_mfa_cookie_needs_the_csrf_token(enrolled):
    _, secret, _ = enrolled
    client, _ = first_step()
    client.credentials()  # drop X-CSRFToken

    with later(30):
        response = client.post(VERIFY, {"code": code_for(secret)}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


def test_no_pending_login_at_all_is_mfa_token_invalid(db):
    response = APIClient().post(VERIFY, {"code": "123456"}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "mfa_token_invalid"


@pytest.mark.parametrize(
    "body", [{}, {"code": "123456", "recovery_code": "abcde-fghij"}, {"code": 123456}]
)
def test_the_second_step_takes_exactly_one_proof(enrolled, body):
    client, _ = first_step()

    response = client.post(VERIFY, body, format="json")

    assert response.status_code == 400


def test_an_app_client_gets_the_pending_token_in_the_body_and_finishes_with_it(enrolled):
    _, secret, _ = enrolled
    _, response = first_step(APIClient(), **APP)

    token = response.json()["mfa_token"]
    assert not response.cookies
    with later(30):
        done = APIClient().post(
            VERIFY, {"code": code_for(secret), "mfa_token": token}, format="json", **APP
        )
    assert done.status_code == 200
    assert done.json()["access"] and not done.cookies


def test_the_second_step_is_counted_against_the_accounts_login_bucket(enrolled, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "login": "4/min"}
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ):
        # The fixture's login and this first step are attempts 1 and 2 on alice.
        client, _ = first_step(REMOTE_ADDR="198.51.100.1")
        results = [
            client.post(
                VERIFY, {"code": "00000" + str(n)}, format="json", REMOTE_ADDR=f"198.51.100.{n + 2}"
            ).status_code
            for n in range(4)
        ]

    assert results == [400, 400, 429, 429]


# --- Recovery codes ------------------------------------------------------------------------------


def test_a_recovery_code_finishes_a_login_once(enrolled):
    _, _, codes = enrolled
    client, _ = first_step()

    response = client.post(VERIFY, {"recovery_code": codes[3].upper()}, format="json")

    assert response.status_code == 200
    assert decode(response.cookies["access_token"].value)["amr"] == ["pwd", "recovery_code"]
    again, _ = first_step()
    assert again.post(VERIFY, {"recovery_code": codes[3]}, format="json").status_code == 400
    assert again.get(MFA).status_code == 401
    assert SecurityEvent.objects.filter(kind="recovery_code_used").count() == 1


def test_the_remaining_count_goes_down(enrolled):
    client, _, codes = enrolled
    second, _ = first_step()
    second.post(VERIFY, {"recovery_code": codes[0]}, format="json")

    assert client.get(MFA).json()["recovery_codes"] == {"remaining": 9}


def test_regenerating_kills_the_old_codes(enrolled):
    client, _, old = enrolled

    fresh = client.post(RECOVERY_CODES).json()["recovery_codes"]

    assert set(fresh).isdisjoint(old)
    step, _ = first_step()
    assert step.post(VERIFY, {"recovery_code": old[0]}, format="json").status_code == 400
    assert step.post(VERIFY, {"recovery_code": fresh[0]}, format="json").status_code == 200


def test_no_recovery_codes_without_a_factor(logged_in):
    response = logged_in.post(RECOVERY_CODES)

    assert response.status_code == 404


# --- Disabling -----------------------------------------------------------------------------------


def test_disabling_totp_removes_the_last_factor_and_its_recovery_codes(enrolled, user):
    client, _, _ = enrolled

    assert client.delete(TOTP).status_code == 204

    assert not RecoveryCode.objects.filter(user=user).exists()
    assert client.get(MFA).json()["totp"] == {"enabled": False}
    _, response = first_step()
    assert response.status_code == 200
    assert client.delete(TOTP).status_code == 404


# --- Re-authentication ---------------------------------------------------------------------------


def test_sensitive_actions_need_a_recent_authentication(logged_in):
    with later(301):
        logged_in.post("/api/auth/refresh/")
        response = logged_in.post(TOTP)

    assert response.status_code == 401
    assert response.json()["code"] == "reauthentication_required"


def test_a_refresh_keeps_auth_time_and_amr(logged_in):
    before = decode(logged_in.cookies["access_token"].value)
    with later(60):
        logged_in.post("/api/auth/refresh/")
    after = decode(logged_in.cookies["access_token"].value)

    assert after["auth_time"] == before["auth_time"]
    assert after["amr"] == before["amr"] == ["pwd"]
    assert after["iat"] > before["iat"]


def test_reauthenticating_with_the_password_renews_auth_time_in_the_same_session(logged_in, user):
    session = LoginSession.objects.get()
    with later(301):
        logged_in.post("/api/auth/refresh/")
        response = logged_in.post(REAUTHENTICATE, {"password": PASSWORD}, format="json")
        assert response.status_code == 200, response.content
        assert logged_in.post(TOTP).status_code == 200

    claims = decode(logged_in.cookies["access_token"].value)
    assert claims["sid"] == str(session.pk)
    assert LoginSession.objects.count() == 1
    assert claims["auth_time"] > decode(response.cookies["refresh_token"].value)["iat"] - 5
    assert response.json()["auth_time"]


def test_a_wrong_password_at_reauthentication_is_no_active_account(logged_in):
    response = logged_in.post(REAUTHENTICATE, {"password": "not-it"}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "no_active_account"
    # The session goes on.
    assert logged_in.get(ME).status_code == 200


def test_reauthenticating_with_a_totp_code(enrolled):
    client, secret, _ = enrolled
    with later(301):
        client.post("/api/auth/refresh/")
        code = code_for(secret)
        response = client.post(REAUTHENTICATE, {"code": code}, format="json")
        assert response.status_code == 200
        assert "otp" in decode(client.cookies["access_token"].value)["amr"]
        again = client.post(REAUTHENTICATE, {"code": code}, format="json")

    assert again.status_code == 400
    assert again.json()["code"] == "invalid_code"


def test_the_old_refresh_token_of_a_reauthenticated_session_is_rotated_away(logged_in):
    old = logged_in.cookies["refresh_token"].value

    logged_in.post(REAUTHENTICATE, {"password": PASSWORD}, format="json")

    reused = APIClient().post("/api/auth/refresh/", {"refresh": old}, format="json")
    assert reused.status_code == 401
    assert reused.json()["code"] == "token_rotated"


def test_reauthentication_needs_an_access_token(db):
    response = APIClient().post(REAUTHENTICATE, {"password": PASSWORD}, format="json")

    assert response.status_code == 401


# --- Events --------------------------------------------------------------------------------------


def test_factor_events_are_kept_for_the_admin(enrolled, user):
    client, _, _ = enrolled
    client.delete(TOTP)

    kinds = list(SecurityEvent.objects.filter(user=user).values_list("kind", flat=True))
    assert {"mfa_enrolled", "mfa_removed"} <= set(kinds)
    assert not PendingLogin.objects.exists()


# --- Other doors --------------------------------------------------------------------------------


def test_a_password_change_meanwhile_ends_a_pending_login(enrolled, user):
    _, secret, _ = enrolled
    client, _ = first_step()
    user.set_password("a-brand-new-passphrase")
    user.save()

    with later(30):
        response = client.post(VERIFY, {"code": code_for(secret)}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "mfa_token_invalid"


@pytest.mark.django_db(transaction=True)
def test_a_password_reset_does_not_switch_the_second_factor_off(make_user, outbox):
    from tests.conftest import PASSWORD_RESET, PASSWORD_RESET_CONFIRM, emailed_link

    make_user("alice", email="alice@example.com")
    client = APIClient(enforce_csrf_checks=True)
    login(client)
    enrol(client)
    APIClient().post(PASSWORD_RESET, {"email": "alice@example.com"}, format="json")
    link = emailed_link(outbox()[-1], "reset-password")
    APIClient().post(
        PASSWORD_RESET_CONFIRM, {**link, "new_password": "a-brand-new-passphrase"}, format="json"
    )

    response = APIClient().post(
        LOGIN, {"username": "alice", "password": "a-brand-new-passphrase"}, format="json"
    )

    assert response.status_code == 401
    assert response.json()["code"] == "mfa_required"


def test_a_deactivated_users_pending_login_is_over(enrolled, user):
    _, secret, _ = enrolled
    client, _ = first_step()
    user.is_active = False
    user.save()

    with later(30):
        response = client.post(VERIFY, {"code": code_for(secret)}, format="json")

    assert response.status_code == 401


def test_the_login_by_email_asks_for_the_factor_too(enrolled):
    _, response = first_step(username="ALICE@example.com")

    assert response.json()["code"] == "mfa_required"


# --- A second factor for everyone -----------------------------------------------------------


@override_settings(AUTH_MFA_REQUIRED_FOR_EVERYONE=True)
def test_with_a_factor_required_for_everyone_a_session_without_one_may_only_enrol(logged_in):
    refused = logged_in.post(
        "/api/auth/password/change/",
        {"old_password": PASSWORD, "new_password": "a-brand-new-passphrase"},
        format="json",
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "mfa_enrolment_required"
    assert logged_in.get(ME).status_code == 200
    assert logged_in.get(MFA).status_code == 200

    secret, _ = enrol(logged_in)
    with later(30):
        upgraded = logged_in.post(REAUTHENTICATE, {"code": code_for(secret)}, format="json")
        assert upgraded.status_code == 200
        allowed = logged_in.post(
            "/api/auth/password/change/",
            {"old_password": PASSWORD, "new_password": "a-brand-new-passphrase"},
            format="json",
        )
    assert allowed.status_code == 200


def test_without_the_policy_a_password_session_acts_freely(logged_in):
    assert logged_in.get("/api/auth/sessions/").status_code == 200
