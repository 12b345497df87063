"""Performance budgets that a noisy machine cannot blur: SQL statements per request, and the hash.

Statements are counted as Django logs them, so a transaction's BEGIN (or
SAVEPOINT) and COMMIT (or RELEASE) count too. ``make bench`` measures the time
these budgets buy.
"""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.utils.module_loading import import_string
from rest_framework.test import APIClient

import config.settings as production
from tests.conftest import ME, PASSWORD, login
from tests.statements import statements_counted

# Every request that carries an access token checks its session: one query, no more.
AUTHENTICATED_REQUEST_MAX_STATEMENTS = 1
# The user; BEGIN, the refresh token, the session and last_login, COMMIT; the devices the
# account knows (services/devices.py), and the first time, the record of this one.
LOGIN_MAX_STATEMENTS = 8
# From a device the account knows: its record is read, and written at most once a day.
KNOWN_DEVICE_LOGIN_MAX_STATEMENTS = 7
# The session; BEGIN, the new refresh token, the compare-and-swap, the blacklist entry, COMMIT.
REFRESH_MAX_STATEMENTS = 6
# The session; BEGIN, the live sessions to revoke, the revocation, the blacklist entry, COMMIT.
LOGOUT_MAX_STATEMENTS = 6

# OWASP's minimum for Argon2id (Password Storage Cheat Sheet): 19 MiB, 2 passes, 1 lane.
OWASP_ARGON2_MEMORY_KIB = 19 * 1024
OWASP_ARGON2_TIME_COST = 2
OWASP_ARGON2_PARALLELISM = 1

WRITES = ("INSERT", "UPDATE", "DELETE")


def test_me_by_cookie_costs_one_statement(logged_in):
    with statements_counted() as counted:
        response = logged_in.get(ME)

    assert response.status_code == 200
    assert counted.count <= AUTHENTICATED_REQUEST_MAX_STATEMENTS, counted.sql


def test_me_by_bearer_header_costs_one_statement(user):
    access = login(APIClient()).cookies["access_token"].value
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {access}")

    with statements_counted() as counted:
        response = client.get(ME)

    assert response.status_code == 200
    assert counted.count <= AUTHENTICATED_REQUEST_MAX_STATEMENTS, counted.sql


def test_a_revoked_sessions_token_is_refused_within_the_same_budget(
    logged_in,
):
    access = logged_in.cookies["access_token"].value
    assert logged_in.post("/api/auth/logout-all/").status_code == 204
    logged_in.cookies["access_token"] = access  # kept by a client that ignores the clearing

    with statements_counted() as counted:
        response = logged_in.get(ME)

    assert response.status_code == 401
    assert counted.count <= AUTHENTICATED_REQUEST_MAX_STATEMENTS, counted.sql


def test_login_stays_within_its_budget(user, api):
    with statements_counted() as counted:
        response = api.post(
            "/api/auth/login/", {"username": "alice", "password": PASSWORD}, format="json"
        )

    assert response.status_code == 200
    assert counted.count <= LOGIN_MAX_STATEMENTS, counted.sql


def test_a_login_from_a_known_device_costs_one_statement_for_the_device(
    user, api, django_assert_max_num_queries
):
    credentials = {"username": "alice", "password": PASSWORD}
    assert api.post("/api/auth/login/", credentials, format="json").status_code == 200

    with django_assert_max_num_queries(KNOWN_DEVICE_LOGIN_MAX_STATEMENTS):
        response = api.post("/api/auth/login/", credentials, format="json")

    assert response.status_code == 200


def test_refresh_stays_within_its_budget(logged_in):
    with statements_counted() as counted:
        response = logged_in.post("/api/auth/refresh/")

    assert response.status_code == 200
    assert counted.count <= REFRESH_MAX_STATEMENTS, counted.sql


def test_refresh_with_a_body_token_stays_within_its_budget(user):
    refresh = login(APIClient()).cookies["refresh_token"].value

    with statements_counted() as counted:
        response = APIClient().post("/api/auth/refresh/", {"refresh": refresh}, format="json")

    assert response.status_code == 200
    assert counted.count <= REFRESH_MAX_STATEMENTS, counted.sql


def test_logout_stays_within_its_budget(logged_in):
    with statements_counted() as counted:
        response = logged_in.post("/api/auth/logout/")

    assert response.status_code == 204
    assert counted.count <= LOGOUT_MAX_STATEMENTS, counted.sql


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path, status", [("/api/auth/refresh/", 200), ("/api/auth/logout/", 204)])
def test_refresh_and_logout_write_in_one_transaction(user, api, path, status):
    # Outside a test transaction, so that the code's own atomic block is a real BEGIN...COMMIT.
    login(api)

    with statements_counted() as counted:
        response = api.post(path)

    assert response.status_code == status
    statements = counted.sql
    begins = [i for i, sql in enumerate(statements) if sql.upper().startswith("BEGIN")]
    commits = [i for i, sql in enumerate(statements) if sql.upper() == "COMMIT"]
    writes = [i for i, sql in enumerate(statements) if sql.upper().startswith(WRITES)]
    assert counted.transactions == len(begins) == len(commits) == 1, statements
    assert writes and all(begins[0] < i < commits[0] for i in writes), statements


def test_the_configured_hasher_is_argon2id_at_or_above_owasps_minimum():
    # tests/settings.py swaps in a fast hasher; what ships is config.settings'.
    assert settings.PASSWORD_HASHERS != production.PASSWORD_HASHERS
    hasher_class = import_string(production.PASSWORD_HASHERS[0])
    assert issubclass(hasher_class, Argon2PasswordHasher)
    hasher = hasher_class()

    encoded = hasher.encode(PASSWORD, hasher.salt())

    assert encoded.split("$")[1] == "argon2id"
    params = hasher.decode(encoded)
    assert params["memory_cost"] >= OWASP_ARGON2_MEMORY_KIB
    assert params["time_cost"] >= OWASP_ARGON2_TIME_COST
    assert params["parallelism"] >= OWASP_ARGON2_PARALLELISM
    assert hasher.verify(PASSWORD, encoded)


# --- The two-step login ---------------------------------------------------------------------------
# The user (with whether it has a factor, in the same query); the pending login.
MFA_FIRST_STEP_MAX_STATEMENTS = 3
# The pending login; the recovery code used, its event and notification; the pending login
# used; the session as at login, with the device check.
MFA_SECOND_STEP_MAX_STATEMENTS = 13


@pytest.fixture
def alice_with_totp(user):
    import pyotp

    from accounts.services import mfa

    secret = mfa.totp_enrol(user=user).secret
    mfa.totp_confirm(user=user, code=pyotp.TOTP(secret).now(), ip_address=None)
    return secret


def test_the_first_step_of_a_two_step_login_stays_within_its_budget(
    alice_with_totp, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MFA_FIRST_STEP_MAX_STATEMENTS):
        response = login(APIClient())

    assert response.status_code == 401


def test_the_second_step_stays_within_its_budget(alice_with_totp, django_assert_max_num_queries):
    from accounts.models import User
    from accounts.services import recovery_codes

    client = APIClient()
    login(client)
    codes = recovery_codes.recovery_codes_regenerate(user=User.objects.get(), ip_address=None)

    with django_assert_max_num_queries(MFA_SECOND_STEP_MAX_STATEMENTS):
        response = client.post("/api/auth/mfa/verify/", {"recovery_code": codes[0]}, format="json")

    assert response.status_code == 200


def test_an_authenticated_request_still_costs_one_statement_with_a_factor(
    alice_with_totp, django_assert_max_num_queries
):
    import pyotp

    from accounts.models import TotpDevice

    client = APIClient()
    login(client)
    device = TotpDevice.objects.get()
    TotpDevice.objects.filter(pk=device.pk).update(last_used_step=None)
    from accounts import crypto

    secret = crypto.decrypt(device.encrypted_secret, purpose="totp-secret")
    client.post("/api/auth/mfa/verify/", {"code": pyotp.TOTP(secret).now()}, format="json")

    with django_assert_max_num_queries(AUTHENTICATED_REQUEST_MAX_STATEMENTS):
        assert client.get(ME).status_code == 200
