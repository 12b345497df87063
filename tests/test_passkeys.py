"""Passkeys through the API, with a software authenticator (tests/authenticator.py): registering,
listing, renaming, deleting, the passwordless login, the second factor and re-authentication,
and the answers an attacker would try at each."""

import os
from contextlib import contextmanager

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from accounts.models import Passkey, WebAuthnChallenge
from accounts.services.passkeys import CEREMONY_SECONDS
from tests.authenticator import SoftAuthenticator, b64url, unb64url
from tests.conftest import LOGIN, PASSWORD, REFRESH, decode, in_parallel, later, login

MFA = "/api/auth/mfa/"
MFA_VERIFY = "/api/auth/mfa/verify/"
MFA_WEBAUTHN_OPTIONS = "/api/auth/mfa/webauthn/options/"
PASSKEYS = "/api/auth/passkeys/"
REGISTER_OPTIONS = "/api/auth/passkeys/register/options/"
LOGIN_OPTIONS = "/api/auth/passkeys/login/options/"
PASSKEY_LOGIN = "/api/auth/passkeys/login/"
REAUTHENTICATE = "/api/auth/reauthenticate/"
REAUTHENTICATE_OPTIONS = "/api/auth/reauthenticate/options/"


def passkey_url(passkey_id) -> str:
    return f"{PASSKEYS}{passkey_id}/"


@pytest.fixture
def authenticator() -> SoftAuthenticator:
    return SoftAuthenticator()


def register(client, authenticator, name="laptop", **spoil):
    """Registration as a browser runs it: options, the authenticator, POST passkeys/."""
    options = client.post(REGISTER_OPTIONS)
    assert options.status_code == 200, options.content
    credential = authenticator.create(options.json(), **spoil)
    return client.post(PASSKEYS, {"name": name, "credential": credential}, format="json")


@pytest.fixture
def registered(logged_in, authenticator):
    """Alice, logged in, with one passkey ("laptop") on the authenticator."""
    response = register(logged_in, authenticator)
    assert response.status_code == 201, response.content
    return response.json()


def passkey_login(client, authenticator, **spoil):
    options = client.post(LOGIN_OPTIONS).json()
    return client.post(
        PASSKEY_LOGIN, {"credential": authenticator.get(options, **spoil)}, format="json"
    )


@contextmanager
def stale_authentication(client):
    """Later than the re-authentication window: the session goes on (refreshed), but its
    auth_time is old."""
    with later(settings.AUTH_REAUTHENTICATION_SECONDS + 60):
        assert client.post(REFRESH).status_code == 200
        yield


def code_of(response) -> str | None:
    return response.json().get("code")


# --- Registration -----------------------------------------------------------------------------


def test_a_registered_passkey_is_listed_by_name_and_stores_only_public_parts(
    logged_in, authenticator, user
):
    response = register(logged_in, authenticator, name="Work laptop")

    assert response.status_code == 201
    body = response.json()
    assert set(body) >= {"id", "name", "created_at"}
    assert body["name"] == "Work laptop"
    listed = logged_in.get(PASSKEYS).json()
    assert [(p["id"], p["name"], p["last_used_at"]) for p in listed] == [
        (body["id"], "Work laptop", None)
    ]
    assert logged_in.get(MFA).json()["passkeys"] == listed
    stored = Passkey.objects.get(pk=body["id"])
    (held,) = authenticator.credentials.values()
    assert stored.user == user
    assert stored.credential_id == held.id_b64
    assert bytes(stored.user_handle) == held.user_handle
    assert stored.transports == ["internal"]


def test_creation_options_ask_for_a_discoverable_credential_with_user_verification(logged_in, user):
    options = logged_in.post(REGISTER_OPTIONS).json()["publicKey"]

    assert options["rp"]["id"] == settings.AUTH_WEBAUTHN_RP_ID
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["excludeCredentials"] == []
    assert len(unb64url(options["challenge"])) >= 16
    # The user handle is random, never the account's primary key or name.
    handle = unb64url(options["user"]["id"])
    assert len(handle) >= 16
    assert handle not in {str(user.pk).encode(), user.username.encode(), user.email.encode()}


def test_a_second_passkey_shares_the_user_handle_and_the_first_is_excluded(
    registered, logged_in, authenticator
):
    options = logged_in.post(REGISTER_OPTIONS).json()

    (first,) = authenticator.credentials.values()
    assert [d["id"] for d in options["publicKey"]["excludeCredentials"]] == [first.id_b64]
    assert unb64url(options["publicKey"]["user"]["id"]) == first.user_handle
    second = authenticator.create(options)
    response = logged_in.post(PASSKEYS, {"name": "phone", "credential": second}, format="json")
    assert response.status_code == 201
    assert [p["name"] for p in logged_in.get(PASSKEYS).json()] == ["laptop", "phone"]


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param({"origin": "https://evil.example"}, id="another origin"),
        pytest.param({"origin": "http://localhost:3001"}, id="another port of the host"),
        pytest.param({"rp_id": "evil.example"}, id="another rp id"),
        pytest.param({"challenge": b64url(os.urandom(32))}, id="a challenge never issued"),
        pytest.param({"user_verified": False}, id="no user verification"),
        pytest.param({"client_data_type": "webauthn.get"}, id="an assertion's client data"),
    ],
)
def test_a_registration_that_does_not_hold_is_refused_and_stores_nothing(
    logged_in, authenticator, spoil
):
    response = register(logged_in, authenticator, **spoil)

    assert response.status_code == 400
    assert code_of(response) == "invalid_credential"
    assert not Passkey.objects.exists()


def test_a_creation_challenge_works_once(logged_in, authenticator):
    options = logged_in.post(REGISTER_OPTIONS).json()
    first = authenticator.create(options)
    again = authenticator.create(options)  # another credential over the same challenge

    assert (
        logged_in.post(PASSKEYS, {"name": "a", "credential": first}, format="json").status_code
        == 201
    )
    response = logged_in.post(PASSKEYS, {"name": "b", "credential": again}, format="json")
    assert response.status_code == 400
    assert code_of(response) == "invalid_credential"
    assert Passkey.objects.count() == 1


def test_a_creation_challenge_dies_with_its_ceremony(logged_in, authenticator):
    options = logged_in.post(REGISTER_OPTIONS).json()
    credential = authenticator.create(options)

    with later(CEREMONY_SECONDS + 1):
        assert logged_in.post(REFRESH).status_code == 200
        # A fresh authentication, so that only the challenge's age is at stake.
        assert (
            logged_in.post(REAUTHENTICATE, {"password": PASSWORD}, format="json").status_code == 200
        )
        response = logged_in.post(PASSKEYS, {"name": "a", "credential": credential}, format="json")
    assert response.status_code == 400
    assert not Passkey.objects.exists()


def test_the_creation_options_of_one_account_register_nothing_for_another(
    logged_in, authenticator, make_user
):
    make_user("bob")
    bob = APIClient(enforce_csrf_checks=True)
    assert login(bob, "bob").status_code == 200
    alices_options = logged_in.post(REGISTER_OPTIONS).json()

    credential = authenticator.create(alices_options)
    response = bob.post(PASSKEYS, {"name": "stolen", "credential": credential}, format="json")

    assert response.status_code == 400
    assert not Passkey.objects.exists()


def test_a_credential_id_already_registered_to_another_account_is_refused(
    registered, authenticator, make_user
):
    (alices,) = authenticator.credentials.values()
    make_user("bob")
    bob = APIClient(enforce_csrf_checks=True)
    assert login(bob, "bob").status_code == 200

    response = register(bob, SoftAuthenticator(), credential_id=alices.id)

    assert response.status_code == 400
    assert code_of(response) == "invalid_credential"
    assert Passkey.objects.get().user.username == "alice"


def test_registration_needs_a_recent_authentication(logged_in, authenticator):
    options = logged_in.post(REGISTER_OPTIONS).json()
    credential = authenticator.create(options)

    with stale_authentication(logged_in):
        for response in (
            logged_in.post(REGISTER_OPTIONS),
            logged_in.post(PASSKEYS, {"name": "a", "credential": credential}, format="json"),
        ):
            assert response.status_code == 401
            assert code_of(response) == "reauthentication_required"
    assert not Passkey.objects.exists()


def test_registration_needs_a_login_and_csrf(api, user, authenticator):
    assert api.post(REGISTER_OPTIONS).status_code == 401
    assert api.get(PASSKEYS).status_code == 401
    login(api)
    options = api.post(REGISTER_OPTIONS).json()
    api.credentials()  # no X-CSRFToken any more

    credential = authenticator.create(options)
    response = api.post(PASSKEYS, {"name": "a", "credential": credential}, format="json")

    assert response.status_code == 403
    assert code_of(response) == "csrf_failed"


def _spoiled_registrations():
    """Credentials of every wrong shape: each is a 400, never a fault."""
    good = {"id": "AAAA", "rawId": "AAAA", "type": "public-key"}
    yield "empty", {}
    yield "response not an object", {**good, "response": "x"}
    yield "response a list", {**good, "response": ["x"]}
    yield "clientDataJSON not base64url", {**good, "response": {"clientDataJSON": "%%%"}}
    yield "clientDataJSON a number", {**good, "response": {"clientDataJSON": 5}}
    yield "clientDataJSON not JSON", {**good, "response": {"clientDataJSON": b64url(b"{")}}
    yield "clientDataJSON a JSON list", {**good, "response": {"clientDataJSON": b64url(b"[1]")}}
    yield (
        "no attestation object",
        {**good, "response": {"clientDataJSON": b64url(b'{"type":"webauthn.create"}')}},
    )


@pytest.mark.parametrize(
    "credential",
    [c for _, c in _spoiled_registrations()],
    ids=[n for n, _ in _spoiled_registrations()],
)
def test_a_malformed_registration_is_a_400(logged_in, credential):
    response = logged_in.post(PASSKEYS, {"name": "a", "credential": credential}, format="json")

    assert response.status_code == 400
    assert not Passkey.objects.exists()


@pytest.mark.parametrize(
    "transports", ["internal", [1, {"a": 1}, "bogus"], {"internal": True}, None]
)
def test_transports_are_kept_only_as_a_list_of_known_names(logged_in, authenticator, transports):
    options = logged_in.post(REGISTER_OPTIONS).json()
    credential = authenticator.create(options)
    credential["response"]["transports"] = transports

    response = logged_in.post(PASSKEYS, {"name": "a", "credential": credential}, format="json")

    assert response.status_code == 201
    assert Passkey.objects.get().transports == []


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(
            lambda c: c["response"].update(attestationObject=b64url(b"\xff")), id="bad CBOR"
        ),
        pytest.param(lambda c: c["response"].update(attestationObject=5), id="not text"),
        pytest.param(lambda c: c.update(id="other"), id="id is not rawId"),
        pytest.param(lambda c: c.update(type="password"), id="not a public key"),
    ],
)
def test_a_registration_with_a_spoiled_field_is_refused(logged_in, authenticator, mangle):
    options = logged_in.post(REGISTER_OPTIONS).json()
    credential = authenticator.create(options)
    mangle(credential)

    response = logged_in.post(PASSKEYS, {"name": "a", "credential": credential}, format="json")

    assert response.status_code == 400
    assert code_of(response) == "invalid_credential"
    assert not Passkey.objects.exists()


# --- Listing, renaming, deleting ------------------------------------------------------------


def test_a_passkey_is_renamed_without_a_recent_authentication(registered, logged_in):
    with stale_authentication(logged_in):
        response = logged_in.patch(
            passkey_url(registered["id"]), {"name": "Old phone"}, format="json"
        )

        assert response.status_code == 200
        assert response.json()["name"] == "Old phone"
        assert logged_in.get(PASSKEYS).json()[0]["name"] == "Old phone"


@pytest.mark.parametrize("name", ["", "x" * 65, None, 5, ["a"]])
def test_a_rename_to_a_bad_name_is_a_field_error(registered, logged_in, name):
    response = logged_in.patch(passkey_url(registered["id"]), {"name": name}, format="json")

    assert response.status_code == 400
    assert "name" in response.json()
    assert Passkey.objects.get().name == "laptop"


def test_another_accounts_passkey_cannot_be_renamed_or_deleted(registered, make_user):
    make_user("bob")
    bob = APIClient(enforce_csrf_checks=True)
    assert login(bob, "bob").status_code == 200

    rename = bob.patch(passkey_url(registered["id"]), {"name": "mine"}, format="json")
    delete = bob.delete(passkey_url(registered["id"]))

    assert rename.status_code == 404 and delete.status_code == 404
    assert bob.get(PASSKEYS).json() == []
    assert Passkey.objects.get().name == "laptop"
    # An id that never existed is the same 404.
    assert bob.delete(passkey_url(registered["id"] + 1000)).status_code == 404


def test_deleting_a_passkey_needs_a_recent_authentication(registered, logged_in, authenticator):
    with stale_authentication(logged_in):
        response = logged_in.delete(passkey_url(registered["id"]))

        assert response.status_code == 401
        assert code_of(response) == "reauthentication_required"
        assert Passkey.objects.exists()

        # Re-authenticating with the passkey itself makes it recent again.
        options = logged_in.post(REAUTHENTICATE_OPTIONS).json()
        proof = authenticator.get(options)
        reauthenticated = logged_in.post(REAUTHENTICATE, {"credential": proof}, format="json")
        assert reauthenticated.status_code == 200, reauthenticated.content
        assert logged_in.delete(passkey_url(registered["id"])).status_code == 204
        assert logged_in.get(PASSKEYS).json() == []


def test_a_deleted_passkey_logs_nobody_in(registered, logged_in, authenticator):
    assert logged_in.delete(passkey_url(registered["id"])).status_code == 204

    response = passkey_login(APIClient(enforce_csrf_checks=True), authenticator)

    assert response.status_code == 401
    assert code_of(response) == "invalid_credential"
    # The account has no factor left: the password alone logs in again.
    assert login(APIClient(enforce_csrf_checks=True)).status_code == 200


# --- The passwordless login ----------------------------------------------------------------


@pytest.fixture
def browser():
    """Another browser, logged in to nothing."""
    return APIClient(enforce_csrf_checks=True)


def test_a_passkey_alone_logs_in_as_a_login_does(registered, browser, authenticator):
    options = browser.post(LOGIN_OPTIONS).json()["publicKey"]
    assert options["rpId"] == settings.AUTH_WEBAUTHN_RP_ID
    assert options["userVerification"] == "required"
    assert options["allowCredentials"] == []

    response = browser.post(
        PASSKEY_LOGIN, {"credential": authenticator.get({"publicKey": options})}, format="json"
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["detail"] == "login success"
    assert body["user"]["username"] == "alice"
    claims = decode(browser.cookies["access_token"].value)
    assert claims["amr"] == ["webauthn"]
    assert browser.cookies["refresh_token"].value
    assert browser.get("/api/auth/me/").json()["username"] == "alice"
    stored = Passkey.objects.get()
    assert stored.sign_count == 1 and stored.last_used_at is not None


def test_a_passwordless_login_needs_user_verification(registered, browser, authenticator):
    response = passkey_login(browser, authenticator, user_verified=False)

    assert response.status_code == 401
    assert code_of(response) == "invalid_credential"
    assert "access_token" not in browser.cookies


def test_an_unknown_credential_logs_nobody_in(registered, browser, authenticator):
    # A credential the service never registered, claiming the user handle of a real one.
    (known,) = authenticator.credentials.values()
    stranger = SoftAuthenticator()
    stranger.create(
        {"rp": {"id": settings.AUTH_WEBAUTHN_RP_ID}, "user": {"id": b64url(known.user_handle)}},
        challenge=b64url(os.urandom(32)),
    )

    response = passkey_login(browser, stranger)

    assert response.status_code == 401
    assert code_of(response) == "invalid_credential"


@pytest.mark.parametrize("offset", [0, -1], ids=["the same counter", "a counter gone back"])
def test_a_counter_that_does_not_move_forward_is_refused(
    registered, browser, authenticator, offset
):
    assert passkey_login(browser, authenticator).status_code == 200
    assert passkey_login(APIClient(), authenticator).status_code == 200
    stored = Passkey.objects.get().sign_count
    assert stored == 2

    response = passkey_login(APIClient(), authenticator, sign_count=stored + offset)

    assert response.status_code == 401
    assert code_of(response) == "invalid_credential"
    assert Passkey.objects.get().sign_count == stored


def test_an_authenticator_that_keeps_no_counter_may_log_in_again(
    registered, browser, authenticator
):
    # Synced passkeys answer 0 every time: WebAuthn says an RP accepts that (no clone test).
    assert passkey_login(browser, authenticator, sign_count=0).status_code == 200
    assert passkey_login(APIClient(), authenticator, sign_count=0).status_code == 200


def test_a_replayed_assertion_is_refused(registered, browser, authenticator):
    options = browser.post(LOGIN_OPTIONS).json()
    assertion = authenticator.get(options)
    assert browser.post(PASSKEY_LOGIN, {"credential": assertion}, format="json").status_code == 200

    again = APIClient().post(PASSKEY_LOGIN, {"credential": assertion}, format="json")

    assert again.status_code == 401
    assert code_of(again) == "invalid_credential"


def test_a_replayed_assertion_of_an_authenticator_without_a_counter_is_refused(
    registered, browser, authenticator
):
    options = browser.post(LOGIN_OPTIONS).json()
    assertion = authenticator.get(options, sign_count=0)
    assert browser.post(PASSKEY_LOGIN, {"credential": assertion}, format="json").status_code == 200

    again = APIClient().post(PASSKEY_LOGIN, {"credential": assertion}, format="json")

    assert again.status_code == 401


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param({"origin": "https://evil.example"}, id="another origin"),
        pytest.param({"rp_id": "evil.example"}, id="another rp id"),
        pytest.param({"challenge": b64url(os.urandom(32))}, id="a challenge never issued"),
        pytest.param({"client_data_type": "webauthn.create"}, id="a creation's client data"),
        pytest.param({"user_handle": os.urandom(32)}, id="another user handle"),
        pytest.param({"user_handle": None}, id="no user handle"),
    ],
)
def test_a_passwordless_assertion_that_does_not_hold_is_refused(
    registered, browser, authenticator, spoil
):
    response = passkey_login(browser, authenticator, **spoil)

    assert response.status_code == 401
    assert code_of(response) == "invalid_credential"


def test_a_forged_signature_is_refused(registered, browser, authenticator):
    options = browser.post(LOGIN_OPTIONS).json()
    assertion = authenticator.get(options)
    data = bytearray(unb64url(assertion["response"]["authenticatorData"]))
    data[-1] ^= 1  # another counter than the one signed
    assertion["response"]["authenticatorData"] = b64url(bytes(data))

    response = browser.post(PASSKEY_LOGIN, {"credential": assertion}, format="json")

    assert response.status_code == 401


def test_the_challenges_of_other_ceremonies_do_not_log_in(
    registered, logged_in, browser, authenticator
):
    for options_url in (REAUTHENTICATE_OPTIONS, REGISTER_OPTIONS):
        options = logged_in.post(options_url).json()
        assertion = authenticator.get(
            authenticator_options(options),
            credential=next(iter(authenticator.credentials.values())),
        )
        response = browser.post(PASSKEY_LOGIN, {"credential": assertion}, format="json")
        assert response.status_code == 401, options_url


def authenticator_options(options: dict) -> dict:
    """Request options from any options answer (creation options name the rp differently)."""
    public_key = options["publicKey"]
    return {"challenge": public_key["challenge"], "rpId": settings.AUTH_WEBAUTHN_RP_ID}


def test_a_login_challenge_dies_with_its_ceremony(registered, browser, authenticator):
    options = browser.post(LOGIN_OPTIONS).json()
    assertion = authenticator.get(options)

    with later(CEREMONY_SECONDS + 1):
        response = browser.post(PASSKEY_LOGIN, {"credential": assertion}, format="json")

    assert response.status_code == 401


def test_an_inactive_accounts_passkey_logs_nobody_in(registered, browser, authenticator, user):
    user.is_active = False
    user.save()

    response = passkey_login(browser, authenticator)

    assert response.status_code == 401
    assert code_of(response) == "invalid_credential"


@pytest.mark.parametrize(
    "credential",
    [
        {},
        {"rawId": 5},
        {"rawId": {"a": 1}, "response": {}},
        {"id": "a\x00b", "rawId": "a\x00b", "response": {}},
        {"id": "x" * 5000, "rawId": "x" * 5000, "response": {}},
        {"id": "a+b/", "rawId": "a+b/", "response": {}},
        {"id": "x", "rawId": "x", "response": "x"},
        {"id": "x", "rawId": "x", "response": {"clientDataJSON": "%%"}},
    ],
)
def test_an_object_that_is_no_assertion_is_a_refusal(registered, browser, credential):
    response = browser.post(PASSKEY_LOGIN, {"credential": credential}, format="json")

    assert response.status_code == 401
    assert code_of(response) == "invalid_credential"


@pytest.mark.parametrize("credential", ["x", ["x"], None, 5])
def test_a_credential_that_is_no_object_is_a_field_error(db, browser, credential):
    response = browser.post(PASSKEY_LOGIN, {"credential": credential}, format="json")

    assert response.status_code == 400
    assert "credential" in response.json()


def test_a_malformed_assertion_of_a_known_passkey_is_a_clean_refusal(
    registered, browser, authenticator
):
    (held,) = authenticator.credentials.values()
    for response_part in ("x", [], {"clientDataJSON": 5}, {"clientDataJSON": b64url(b"[]")}):
        credential = {
            "id": held.id_b64,
            "rawId": held.id_b64,
            "type": "public-key",
            "response": response_part,
        }
        response = browser.post(PASSKEY_LOGIN, {"credential": credential}, format="json")
        assert response.status_code == 401, response_part


def test_passwordless_options_need_no_login_but_each_stores_a_challenge(db, browser):
    response = browser.post(LOGIN_OPTIONS)

    assert response.status_code == 200
    assert WebAuthnChallenge.objects.filter(purpose="login", user=None).count() == 1


# --- A passkey as the second factor ---------------------------------------------------------


def password_step(client) -> dict:
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD}, format="json")
    assert response.status_code == 401, response.content
    assert code_of(response) == "mfa_required"
    client.credentials(HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    return response.json()


def test_after_the_password_a_passkey_finishes_the_login(registered, browser, authenticator):
    challenge = password_step(browser)
    assert "webauthn" in challenge["methods"]
    assert "access_token" not in browser.cookies

    options = browser.post(MFA_WEBAUTHN_OPTIONS)
    assert options.status_code == 200, options.content
    (held,) = authenticator.credentials.values()
    assert [d["id"] for d in options.json()["publicKey"]["allowCredentials"]] == [held.id_b64]
    response = browser.post(
        MFA_VERIFY, {"credential": authenticator.get(options.json())}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["user"]["username"] == "alice"
    assert decode(browser.cookies["access_token"].value)["amr"] == ["pwd", "webauthn"]


def test_as_a_second_factor_user_verification_is_not_required(registered, browser, authenticator):
    # The password already stands for "something known": the passkey adds "something held".
    password_step(browser)
    options = browser.post(MFA_WEBAUTHN_OPTIONS).json()

    response = browser.post(
        MFA_VERIFY, {"credential": authenticator.get(options, user_verified=False)}, format="json"
    )

    assert response.status_code == 200


def test_the_options_of_one_pending_login_do_not_finish_another(registered, authenticator):
    first, second = APIClient(enforce_csrf_checks=True), APIClient(enforce_csrf_checks=True)
    password_step(first)
    password_step(second)
    firsts_options = first.post(MFA_WEBAUTHN_OPTIONS).json()
    assertion = authenticator.get(firsts_options)

    response = second.post(MFA_VERIFY, {"credential": assertion}, format="json")

    assert response.status_code == 400
    assert code_of(response) == "invalid_code"
    assert "access_token" not in second.cookies
    # The challenge still belongs to the first login, which a new assertion finishes.
    finish = first.post(
        MFA_VERIFY, {"credential": authenticator.get(firsts_options)}, format="json"
    )
    assert finish.status_code == 200


def test_the_challenges_of_other_ceremonies_do_not_finish_a_pending_login(
    registered, logged_in, authenticator
):
    pending = APIClient(enforce_csrf_checks=True)
    password_step(pending)
    (held,) = authenticator.credentials.values()
    for options in (
        pending.post(LOGIN_OPTIONS).json(),
        logged_in.post(REAUTHENTICATE_OPTIONS).json(),
    ):
        assertion = authenticator.get(options, credential=held)
        response = pending.post(MFA_VERIFY, {"credential": assertion}, format="json")
        assert response.status_code == 400
    assert "access_token" not in pending.cookies


def test_another_accounts_passkey_does_not_finish_the_login(registered, make_user):
    make_user("bob")
    bob = APIClient(enforce_csrf_checks=True)
    assert login(bob, "bob").status_code == 200
    bobs_authenticator = SoftAuthenticator()
    assert register(bob, bobs_authenticator, name="bob's").status_code == 201
    pending = APIClient(enforce_csrf_checks=True)
    password_step(pending)

    options = pending.post(MFA_WEBAUTHN_OPTIONS).json()
    (bobs,) = bobs_authenticator.credentials.values()
    assertion = bobs_authenticator.get(options, credential=bobs)
    response = pending.post(MFA_VERIFY, {"credential": assertion}, format="json")

    assert response.status_code == 400
    assert "access_token" not in pending.cookies


def test_an_assertion_that_finished_one_login_does_not_finish_the_next(registered, authenticator):
    first = APIClient(enforce_csrf_checks=True)
    password_step(first)
    assertion = authenticator.get(first.post(MFA_WEBAUTHN_OPTIONS).json())
    assert first.post(MFA_VERIFY, {"credential": assertion}, format="json").status_code == 200

    second = APIClient(enforce_csrf_checks=True)
    password_step(second)
    response = second.post(MFA_VERIFY, {"credential": assertion}, format="json")

    assert response.status_code == 400


def test_second_factor_options_need_a_pending_login(registered, browser):
    response = browser.post(MFA_WEBAUTHN_OPTIONS)

    assert response.status_code == 401
    assert code_of(response) == "mfa_token_invalid"


def test_an_app_finishes_the_login_with_a_passkey_and_the_mfa_token_in_the_body(
    registered, authenticator
):
    app = APIClient(HTTP_X_AUTH_CLIENT="app")
    started = app.post(LOGIN, {"username": "alice", "password": PASSWORD}, format="json").json()
    token = started["mfa_token"]

    options = app.post(MFA_WEBAUTHN_OPTIONS, {"mfa_token": token}, format="json")
    assert options.status_code == 200
    response = app.post(
        MFA_VERIFY,
        {"mfa_token": token, "credential": authenticator.get(options.json())},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert decode(response.json()["access"])["amr"] == ["pwd", "webauthn"]


# --- Re-authentication with a passkey ---------------------------------------------------------


def test_a_passkey_renews_the_authentication_of_the_session(registered, logged_in, authenticator):
    sid = decode(logged_in.cookies["access_token"].value)["sid"]
    with stale_authentication(logged_in):
        options = logged_in.post(REAUTHENTICATE_OPTIONS)
        assert options.status_code == 200
        (held,) = authenticator.credentials.values()
        public_key = options.json()["publicKey"]
        assert [d["id"] for d in public_key["allowCredentials"]] == [held.id_b64]
        assert public_key["userVerification"] == "required"

        response = logged_in.post(
            REAUTHENTICATE, {"credential": authenticator.get(options.json())}, format="json"
        )

        assert response.status_code == 200, response.content
        claims = decode(logged_in.cookies["access_token"].value)
        assert claims["sid"] == sid
        assert "webauthn" in claims["amr"]
        assert logged_in.post(REGISTER_OPTIONS).status_code == 200


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param({"user_verified": False}, id="no user verification"),
        pytest.param({"origin": "https://evil.example"}, id="another origin"),
        pytest.param({"challenge": b64url(os.urandom(32))}, id="a challenge never issued"),
    ],
)
def test_a_reauthentication_assertion_that_does_not_hold_is_refused(
    registered, logged_in, authenticator, spoil
):
    with stale_authentication(logged_in):
        options = logged_in.post(REAUTHENTICATE_OPTIONS).json()
        response = logged_in.post(
            REAUTHENTICATE, {"credential": authenticator.get(options, **spoil)}, format="json"
        )

        assert response.status_code == 400
        assert code_of(response) == "invalid_code"
        assert code_of(logged_in.post(REGISTER_OPTIONS)) == "reauthentication_required"


def test_reauthentication_options_of_one_account_do_not_serve_another(
    registered, logged_in, authenticator, make_user
):
    make_user("bob")
    bob = APIClient(enforce_csrf_checks=True)
    assert login(bob, "bob").status_code == 200
    bobs_authenticator = SoftAuthenticator()
    assert register(bob, bobs_authenticator).status_code == 201
    alices_options = logged_in.post(REAUTHENTICATE_OPTIONS).json()
    (bobs,) = bobs_authenticator.credentials.values()

    # Bob's own passkey over Alice's challenge: the challenge is Alice's alone.
    response = bob.post(
        REAUTHENTICATE,
        {"credential": bobs_authenticator.get(alices_options, credential=bobs)},
        format="json",
    )

    assert response.status_code == 400
    # Alice's passkey at Bob's session: not his.
    bobs_options = bob.post(REAUTHENTICATE_OPTIONS).json()
    (alices,) = authenticator.credentials.values()
    response = bob.post(
        REAUTHENTICATE,
        {"credential": authenticator.get(bobs_options, credential=alices)},
        format="json",
    )
    assert response.status_code == 400


def test_a_passwordless_login_challenge_does_not_reauthenticate(
    registered, logged_in, authenticator
):
    options = logged_in.post(LOGIN_OPTIONS).json()

    response = logged_in.post(
        REAUTHENTICATE, {"credential": authenticator.get(options)}, format="json"
    )

    assert response.status_code == 400


def test_reauthentication_options_need_a_login(api):
    assert api.post(REAUTHENTICATE_OPTIONS).status_code == 401


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda r: r.update(authenticatorData=""), id="empty authenticator data"),
        pytest.param(lambda r: r.update(authenticatorData=b64url(b"\x00" * 10)), id="short data"),
        pytest.param(lambda r: r.update(signature=b64url(b"not DER")), id="a signature not DER"),
        pytest.param(lambda r: r.update(signature=5), id="a signature not text"),
        pytest.param(lambda r: r.update(userHandle="%%%"), id="a user handle not base64url"),
        pytest.param(lambda r: r.update(userHandle=5), id="a user handle not text"),
        pytest.param(lambda r: r.pop("authenticatorData"), id="no authenticator data"),
    ],
)
def test_a_spoiled_part_of_a_real_assertion_is_a_clean_refusal(
    registered, browser, authenticator, mangle
):
    assertion = authenticator.get(browser.post(LOGIN_OPTIONS).json())
    mangle(assertion["response"])

    response = browser.post(PASSKEY_LOGIN, {"credential": assertion}, format="json")

    assert response.status_code == 401
    assert code_of(response) == "invalid_credential"


@pytest.mark.parametrize("passkey_id", ["99999999999999999999", "9223372036854775808"])
def test_an_id_beyond_any_database_integer_is_a_404(registered, logged_in, passkey_id):
    assert logged_in.patch(passkey_url(passkey_id), {"name": "x"}, format="json").status_code == 404
    assert logged_in.delete(passkey_url(passkey_id)).status_code == 404


@pytest.mark.parametrize("sign_count", [None, 0], ids=["a counting authenticator", "no counter"])
def test_of_one_assertion_sent_many_times_at_once_exactly_one_logs_in(
    transactional_db, registered, authenticator, sign_count
):
    assertion = authenticator.get(APIClient().post(LOGIN_OPTIONS).json(), sign_count=sign_count)

    responses = in_parallel(
        lambda: APIClient().post(PASSKEY_LOGIN, {"credential": assertion}, format="json")
    )

    assert sorted(r.status_code for r in responses) == [200] + [401] * (len(responses) - 1)
    assert Passkey.objects.get().sign_count == (1 if sign_count is None else 0)


def test_a_passkey_does_not_skip_a_mandatory_email_verification(
    registered, browser, authenticator, user, settings
):
    settings.AUTH_EMAIL_VERIFICATION = "mandatory"
    user.email_verified = False
    user.save()

    response = passkey_login(browser, authenticator)

    assert response.status_code == 401
    assert code_of(response) == "email_not_verified"
    assert "access_token" not in browser.cookies


def test_a_credential_id_no_database_can_store_is_refused_at_every_door(
    registered, logged_in, authenticator
):
    (held,) = authenticator.credentials.values()
    pending = APIClient(enforce_csrf_checks=True)
    password_step(pending)

    for client, url, expected in (
        (APIClient(), PASSKEY_LOGIN, 401),
        (pending, MFA_VERIFY, 400),
        (logged_in, REAUTHENTICATE, 400),
    ):
        options_url = {PASSKEY_LOGIN: LOGIN_OPTIONS, MFA_VERIFY: MFA_WEBAUTHN_OPTIONS}.get(
            url, REAUTHENTICATE_OPTIONS
        )
        assertion = authenticator.get(client.post(options_url).json(), credential=held)
        assertion["id"] = assertion["rawId"] = held.id_b64 + "\x00"

        response = client.post(url, {"credential": assertion}, format="json")

        assert response.status_code == expected, url


def test_a_first_passkey_comes_with_recovery_codes_and_a_second_does_not(logged_in, user):
    first = register(logged_in, SoftAuthenticator())
    second = register(logged_in, SoftAuthenticator(), name="phone")

    codes = first.json()["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "recovery_codes" not in second.json()
    assert logged_in.get(MFA).json()["recovery_codes"] == {"remaining": 10}


def test_a_recovery_code_finishes_the_login_of_a_passkey_only_account(logged_in, user):
    codes = register(logged_in, SoftAuthenticator()).json()["recovery_codes"]
    client = APIClient(enforce_csrf_checks=True)
    first = client.post(
        "/api/auth/login/", {"username": "alice", "password": PASSWORD}, format="json"
    )
    assert first.json()["methods"] == ["recovery_code", "webauthn"]
    client.credentials(HTTP_X_CSRFTOKEN=first.cookies["csrftoken"].value)

    response = client.post("/api/auth/mfa/verify/", {"recovery_code": codes[0]}, format="json")

    assert response.status_code == 200
